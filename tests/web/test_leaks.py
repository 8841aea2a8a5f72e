"""What only drafts carry stays unknown to readers and other participants."""
import pytest
from sqlalchemy import func, select

from kb.database import db
from kb.models import Leeratelier
from kb.services.taxonomy import get_or_create_leeratelier
from kb.util import slugify
from tests import factories
from tests.webtools import logged_in, post_form

SECRET_ORG = "Stichting Geheim Concept"
SECRET_PLACE = "Geheimdorp aan Zee"
SECRET_WORKSHOP = "Leeratelier dat niemand kent"


@pytest.fixture
def draft_names(app):
    """A participant's draft (and another's submission) naming things nothing else names;
    the leeratelier was typed in before participants could no longer add them."""
    author = factories.user()
    get_or_create_leeratelier(SECRET_WORKSHOP)
    db.session.commit()
    factories.example("draft", author=author, organisation=SECRET_ORG,
                      municipality=SECRET_PLACE, leeratelier=SECRET_WORKSHOP)
    factories.example("submitted", organisation=SECRET_ORG + " Twee",
                      municipality=SECRET_PLACE + " Twee")
    factories.example(organisation="Participe", municipality="Leiden",
                      leeratelier=None)
    return author


def _as(client, who: str) -> None:
    """Look as an anonymous reader or as another participant."""
    if who == "participant":
        logged_in(client)


@pytest.mark.parametrize("who", ["anonymous", "participant"])
def test_public_lists_never_name_what_only_drafts_carry(client, draft_names, who):
    _as(client, who)
    for url in ("/organisaties", "/leerateliers", "/", "/voorbeelden", "/zoeken",
                "/api/v1/search", "/feeds/zoeken.atom", "/api/v1/taxonomy"):
        html = client.get(url).get_data(as_text=True)
        for secret in (SECRET_ORG, SECRET_PLACE, SECRET_WORKSHOP):
            assert secret not in html, (url, secret)
    assert "Participe" in client.get("/organisaties").get_data(as_text=True)


@pytest.mark.parametrize("who", ["anonymous", "participant"])
def test_pages_of_draft_only_names_are_404(client, draft_names, who):
    _as(client, who)
    assert client.get(f"/organisaties/{slugify(SECRET_ORG)}").status_code == 404
    assert client.get(f"/leerateliers/{slugify(SECRET_WORKSHOP)}").status_code == 404
    assert client.get("/organisaties/participe").status_code == 200


def test_partners_without_examples_are_listed(client, draft_names):
    html = client.get("/organisaties").get_data(as_text=True)
    assert "Zorg en Zekerheid" in html  # a partner of the alliance without examples yet
    assert client.get("/organisaties/zorg-en-zekerheid").status_code == 200


@pytest.mark.parametrize("param, secret, unknown", [
    ("municipality", SECRET_PLACE, "Nergensdorp"),
    ("organisation", slugify(SECRET_ORG), "nergens-bekend"),
])
def test_a_filter_on_a_draft_only_value_answers_like_an_unknown_one(client, draft_names,
                                                                    param, secret, unknown):
    for path in ("/api/v1/search", "/zoeken", "/feeds/zoeken.atom"):
        known = client.get(path, query_string={param: secret})
        other = client.get(path, query_string={param: unknown})
        assert known.status_code == other.status_code == 200, path
        assert SECRET_ORG not in known.get_data(as_text=True)
    answers = [client.get("/api/v1/search", query_string={param: value}).get_json()
               for value in (secret, unknown)]
    assert [a["total"] for a in answers] == [0, 0]
    labels = [row["label"] for row in answers[0]["facets"][param]]
    assert SECRET_ORG not in labels


def test_the_new_example_form_suggests_only_public_names(client, draft_names):
    logged_in(client)
    html = client.get("/voorbeelden/nieuw").get_data(as_text=True)
    for secret in (SECRET_ORG, SECRET_PLACE, SECRET_WORKSHOP):
        assert secret not in html, secret
    assert "Participe" in html and "Leiden" in html


def test_the_author_still_sees_their_own_leeratelier_when_editing(client, draft_names):
    from tests.webtools import login
    login(client, draft_names.email)
    example = db.session.scalar(select(factories.Example).where(
        factories.Example.author_id == draft_names.id))
    html = client.get(f"/voorbeelden/{example.id}/bewerken").get_data(as_text=True)
    assert f'<option selected value="{SECRET_WORKSHOP}">' in html


def _workshops() -> int:
    return db.session.scalar(select(func.count(Leeratelier.id)))


def test_participants_cannot_create_leerateliers_by_typing_a_name(client):
    logged_in(client)
    data = factories.record(leeratelier="Mijn eigen nieuwe atelier", action="save")
    data.pop("ref")
    before = _workshops()
    response = post_form(client, "/voorbeelden/nieuw", data, page="/voorbeelden/nieuw")
    assert response.status_code == 400
    assert "kies een leeratelier uit de lijst" in response.get_data(as_text=True)
    assert _workshops() == before


def test_moderators_may_name_a_new_leeratelier(client):
    logged_in(client, "moderator")
    data = factories.record(leeratelier="Nieuw atelier van de moderator", action="save")
    data.pop("ref")
    response = post_form(client, "/voorbeelden/nieuw", data, page="/voorbeelden/nieuw")
    assert response.status_code == 302
    assert db.session.scalar(select(Leeratelier).where(
        Leeratelier.name == "Nieuw atelier van de moderator")) is not None
