"""The whole contribution journey through the test client, as DESIGN.md's issue describes it."""
from sqlalchemy import select

from kb.database import db
from kb.models import Example
from tests import factories
from tests.webtools import form_data, login, post_form

TITLE = "Samen koken in de wijkkeuken van Oegstgeest"
WORD = "wijkkeuken"


def api_titles(client, **params) -> list[str]:
    """Titles the search API answers with."""
    answer = client.get("/api/v1/search", query_string=params).get_json()
    return [hit["title"] for hit in answer["results"]]


def theme_count(client, slug: str) -> int:
    """The facet count of one theme for the journey's word."""
    answer = client.get("/api/v1/search", query_string={"q": WORD}).get_json()
    return next((f["count"] for f in answer["facets"]["theme"] if f["value"] == slug), 0)


def decide(moderator, example_id: int, decision: str, reason: str = ""):
    """A moderator's decision through the moderation form."""
    response = post_form(moderator, f"/moderatie/{example_id}",
                         {"decision": decision, "reason": reason}, page="/moderatie")
    assert response.status_code == 302, response.get_data(as_text=True)[:300]


def test_participant_shares_and_moderator_curates(app, client, inbox):
    # A participant registers, confirms the address, writes and submits an example.
    response = post_form(client, "/registreren", {
        "name": "Fatima El Amrani", "email": "fatima@voorbeeld.nl",
        "password": "koken-verbindt-2024", "organisation": "Incluzio", "consent": "y"},
        page="/registreren")
    assert response.status_code == 200
    response = client.get(inbox.link("fatima@voorbeeld.nl", "/registreren/bevestigen/"))
    assert response.status_code == 302
    data = form_data(title=TITLE, summary="Buurtbewoners koken samen en eten samen.",
                     body=f"In de {WORD} koken bewoners elke week samen.",
                     themes=["eenzaamheid"], action="submit")
    assert post_form(client, "/voorbeelden/nieuw", data,
                     page="/voorbeelden/nieuw").status_code == 302
    example = db.session.scalar(select(Example).where(Example.title == TITLE))
    assert example.status == "submitted"
    assert api_titles(client, q=WORD) == []

    # A moderator asks for changes, with a reason.
    moderator = app.test_client()
    factories.user("moderator", email="moderator@voorbeeld.nl")
    assert login(moderator, "moderator@voorbeeld.nl").status_code == 302
    queue = moderator.get("/moderatie").get_data(as_text=True)
    assert TITLE in queue
    decide(moderator, example.id, "changes", "Beschrijf ook wat de bewoners ervan vonden.")
    assert api_titles(client, q=WORD) == []

    # The participant sees the reason, edits and resubmits.
    mine = client.get("/mijn-voorbeelden").get_data(as_text=True)
    assert "aanpassingen gevraagd" in mine
    assert "Beschrijf ook wat de bewoners ervan vonden." in mine
    data["evidence"] = "Bewoners vertelden dat ze zich minder alleen voelen."
    url = f"/voorbeelden/{example.id}/bewerken"
    assert post_form(client, url, data, page=url).status_code == 302
    db.session.refresh(example)
    assert example.status == "submitted"

    # The moderator publishes: it appears in search, its facets and the feed.
    decide(moderator, example.id, "publish")
    assert api_titles(client, q=WORD) == [TITLE]
    assert theme_count(client, "eenzaamheid") == 1
    feed = client.get("/feeds/zoeken.atom", query_string={"q": WORD}).get_data(as_text=True)
    assert TITLE in feed
    assert TITLE in client.get(f"/voorbeelden/{example.id}",
                               follow_redirects=True).get_data(as_text=True)

    # The author edits it: the old text stays published until the edit is approved.
    data.update(title="Samen koken en eten in de wijkkeuken", action="save")
    assert post_form(client, url, data, page=url).status_code == 302
    anonymous = app.test_client()
    page = anonymous.get(f"/voorbeelden/{example.id}", follow_redirects=True)
    assert TITLE in page.get_data(as_text=True)
    assert api_titles(anonymous, q=WORD) == [TITLE]
    assert "Samen koken en eten" in moderator.get("/moderatie").get_data(as_text=True)
    decide(moderator, example.id, "publish")
    assert api_titles(anonymous, q=WORD) == ["Samen koken en eten in de wijkkeuken"]
    history = client.get("/mijn-voorbeelden").get_data(as_text=True)
    assert "Beschrijf ook wat de bewoners ervan vonden." in history
