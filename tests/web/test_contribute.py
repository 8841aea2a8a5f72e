"""Posting through the test client: the form, preview, drafts, submissions, edits, withdrawal."""
import re

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from kb.database import db
from kb.models import Example, Revision
from kb.services.search import parse_request, search
from tests import factories
from tests.webtools import form_data, logged_in, post_form


def example_count() -> int:
    """How many examples are stored."""
    return db.session.scalar(select(func.count(Example.id)))


def found(query: str) -> list[int]:
    """The ids search shows for a query."""
    return [example.id for example, _ in search(parse_request(MultiDict({"q": query}))).examples]


def test_new_example_form_needs_login(client):
    response = client.get("/voorbeelden/nieuw")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/inloggen?next=")


def test_form_offers_the_current_taxonomy_and_the_authors_organisation(client):
    account = logged_in(client)
    account.organisation_name = "Huisartsenpraktijk De Linde"
    db.session.commit()
    html = client.get("/voorbeelden/nieuw").get_data(as_text=True)
    for name in ("title", "summary", "body", "impact", "evidence", "dimensions", "themes",
                 "organisation", "organisation_type", "level", "setting", "target_groups",
                 "municipality", "year", "leeratelier", "links"):
        assert f'name="{name}"' in html, name
    assert 'value="zingeving"' in html and 'value="mantelzorg"' in html
    assert 'value="Huisartsenpraktijk De Linde"' in html


def test_save_keeps_a_draft_that_search_does_not_show(client):
    account = logged_in(client)
    response = post_form(client, "/voorbeelden/nieuw", form_data(), page="/voorbeelden/nieuw")
    assert response.status_code == 302
    example = db.session.scalar(select(Example))
    assert (example.status, example.author_id) == ("draft", account.id)
    assert example.links == ["https://praktijkbank.example/buurtkamer"]
    assert found("buurtkamer") == []
    mine = client.get("/mijn-voorbeelden").get_data(as_text=True)
    assert "Buurtkamer met spreekuur" in mine and "concept" in mine


def test_submit_sends_it_for_review(client):
    logged_in(client)
    post_form(client, "/voorbeelden/nieuw", form_data(action="submit"),
              page="/voorbeelden/nieuw")
    example = db.session.scalar(select(Example))
    assert example.status == "submitted"
    assert "ingediend" in client.get("/mijn-voorbeelden").get_data(as_text=True)


def test_preview_renders_markdown_sanitised_and_stores_nothing(client):
    logged_in(client)
    body = "## Kopje\n\nEen **vette** zin. <script>alert(1)</script> [x](javascript:alert(1))"
    response = post_form(client, "/voorbeelden/nieuw", form_data(action="preview", body=body),
                         page="/voorbeelden/nieuw")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<strong>vette</strong>" in html
    assert "<script>alert(1)" not in html and 'href="javascript:' not in html
    assert example_count() == 0


def test_preview_shows_the_title_as_a_title_and_the_classification_chosen(client):
    logged_in(client)
    response = post_form(client, "/voorbeelden/nieuw",
                         form_data(action="preview", themes=["mantelzorg"], setting=""),
                         page="/voorbeelden/nieuw")
    preview = response.get_data(as_text=True).split('class="preview"', 1)[1].split("</section>")[0]
    assert 'class="preview-title">Buurtkamer met spreekuur van de wijkverpleging<' in preview
    assert "<dt>Thema’s</dt>" in preview and "Mantelzorg" in preview
    assert "<dt>Setting</dt>" not in preview  # nothing chosen: not listed, no "— kies —"
    assert "kies" not in preview


def test_preview_shows_what_the_example_page_will_show(client):
    author = logged_in(client)
    response = post_form(client, "/voorbeelden/nieuw", form_data(
        action="preview", needs="Twee vrijwilligers en een zaal", costs="Koffie: 20 euro",
        pitfalls="Te laat beginnen met werven", contact_role="wijkverpleegkundige",
        contact_opt_in="y"), page="/voorbeelden/nieuw")
    assert response.status_code == 200
    preview = response.get_data(as_text=True).split('class="preview"', 1)[1] \
        .split('<form method="post" class="example-form"')[0]
    for shown in ("Zelf aan de slag", "Twee vrijwilligers en een zaal", "Koffie: 20 euro",
                  "Valkuilen", "Meer informatie", 'href="https://praktijkbank.example/buurtkamer"',
                  "Contact", f"{author.name} (wijkverpleegkundige)"):
        assert shown in preview, shown
    assert example_count() == 0


def test_preview_names_beside_it_what_a_save_would_refuse(client):
    logged_in(client)
    response = post_form(client, "/voorbeelden/nieuw",
                         form_data(action="preview", links="niet-een-link"),
                         page="/voorbeelden/nieuw")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and 'class="preview"' in html  # shown all the same
    assert "geen geldig webadres (http of https): niet-een-link" in html
    assert 'id="links-error"' in html and example_count() == 0


def test_an_unknown_action_is_refused_not_saved_as_a_draft(client):
    logged_in(client)
    for action in ("publish", "SUBMIT", None):
        response = post_form(client, "/voorbeelden/nieuw", form_data(action=action),
                             page="/voorbeelden/nieuw")
        assert response.status_code == 400, action
    assert example_count() == 0


def test_validation_errors_keep_everything_typed(client):
    logged_in(client)
    response = post_form(client, "/voorbeelden/nieuw",
                         form_data(title="x", year="twintig", dimensions=[], action="submit"),
                         page="/voorbeelden/nieuw")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "moet minstens 3 tekens lang zijn" in html
    assert "moet een geheel getal zijn" in html
    assert "kies minstens één waarde" in html
    assert 'value="twintig"' in html
    assert "Samen wandelen als begin van nieuwe contacten" in html
    assert re.search(r'<input checked[^>]*value="mantelzorg"', html)
    assert example_count() == 0


def test_unknown_taxonomy_value_is_named(client):
    logged_in(client)
    response = post_form(client, "/voorbeelden/nieuw", form_data(level="galactisch"),
                         page="/voorbeelden/nieuw")
    assert response.status_code == 400
    assert "onbekende waarde &#39;galactisch&#39;" in response.get_data(as_text=True)
    assert example_count() == 0


def test_evidence_types_are_chosen_in_the_form_and_not_yet_stands_alone(client):
    logged_in(client)
    refused = post_form(client, "/voorbeelden/nieuw",
                        form_data(evidence_types=["nog-niet", "cijfers"]),
                        page="/voorbeelden/nieuw")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and example_count() == 0
    assert "Nog niet zichtbaar gemaakt&#39; gaat niet samen" in html
    assert re.search(r'<input checked[^>]*value="cijfers"', html)
    post_form(client, "/voorbeelden/nieuw", form_data(evidence_types=["spinnenweb", "cijfers"]),
              page="/voorbeelden/nieuw")
    example = db.session.scalar(select(Example))
    assert [term.slug for term in example.evidence_types] == ["spinnenweb", "cijfers"]


def test_post_without_csrf_is_refused(client):
    logged_in(client)
    response = client.post("/voorbeelden/nieuw", data=form_data())
    assert response.status_code == 400
    assert example_count() == 0


def test_too_long_field_is_refused(client):
    logged_in(client)
    response = post_form(client, "/voorbeelden/nieuw", form_data(title="t" * 201),
                         page="/voorbeelden/nieuw")
    assert response.status_code == 400
    assert "mag hoogstens 200 tekens lang zijn" in response.get_data(as_text=True)


def test_author_edits_draft_and_submits(client):
    account = logged_in(client)
    item = factories.example("draft", author=account)
    url = f"/voorbeelden/{item.id}/bewerken"
    assert item.title in client.get(url).get_data(as_text=True)
    response = post_form(client, url, form_data(title="Een betere titel", action="submit"),
                         page=url)
    assert response.status_code == 302
    db.session.refresh(item)
    assert (item.title, item.status) == ("Een betere titel", "submitted")


def test_edit_of_published_waits_for_review_and_old_text_stays(client):
    account = logged_in(client)
    item = factories.example("published", author=account, title="Oorspronkelijke kop",
                             themes=["mantelzorg"])
    url = f"/voorbeelden/{item.id}/bewerken"
    post_form(client, url, form_data(title="Herschreven kop over de voedselbank"), page=url)
    db.session.refresh(item)
    assert item.title == "Oorspronkelijke kop"
    pending = db.session.scalar(select(Revision.data).where(Revision.state == "pending"))
    assert pending["title"] == "Herschreven kop over de voedselbank"
    assert pending["ref"] == item.ref  # the diff for the moderator shows only what changed
    assert "Oorspronkelijke kop" in client.get(f"/voorbeelden/{item.id}",
                                               follow_redirects=True).get_data(as_text=True)
    assert found("voedselbank") == [] and found("oorspronkelijke") == [item.id]
    form = client.get(url).get_data(as_text=True)  # the author continues with their edit
    assert 'value="Herschreven kop over de voedselbank"' in form
    assert "wijziging wacht op beoordeling" in client.get("/mijn-voorbeelden").get_data(
        as_text=True)


def test_author_withdraws_a_submission_and_a_pending_edit(client):
    account = logged_in(client)
    submitted = factories.example("submitted", author=account)
    published = factories.example("published", author=account)
    url = f"/voorbeelden/{published.id}/bewerken"
    post_form(client, url, form_data(title="Een wijziging"), page=url)
    for item in (submitted, published):
        response = post_form(client, f"/voorbeelden/{item.id}/intrekken",
                             page="/mijn-voorbeelden")
        assert response.status_code == 302
    db.session.refresh(submitted)
    assert submitted.status == "draft"
    assert db.session.scalar(select(Revision.state).where(Revision.example_id == published.id)
                             .order_by(Revision.id.desc())) == "discarded"


@pytest.mark.parametrize("status", ["draft", "submitted", "changes_requested", "rejected"])
def test_participant_cannot_see_or_edit_anothers_unpublished_example(client, status):
    item = factories.example(status, author=factories.user())
    logged_in(client)
    before = (item.title, item.status)
    assert client.get(f"/voorbeelden/{item.id}/bewerken").status_code == 404
    url = f"/voorbeelden/{item.id}/bewerken"
    assert post_form(client, url, form_data(title="Overgenomen"), page="/").status_code == 404
    assert post_form(client, f"/voorbeelden/{item.id}/intrekken", page="/").status_code == 404
    db.session.refresh(item)
    assert (item.title, item.status) == before


def test_participant_cannot_edit_anothers_published_example(client):
    item = factories.example("published", author=factories.user())
    logged_in(client)
    url = f"/voorbeelden/{item.id}/bewerken"
    assert client.get(url).status_code == 403
    assert post_form(client, url, form_data(title="Overgenomen"), page="/").status_code == 403
    assert db.session.scalar(select(func.count(Revision.id)).where(
        Revision.state == "pending")) == 0


def test_moderator_edits_any_published_example_directly(client):
    item = factories.example("published", author=factories.user(), themes=["mantelzorg"])
    logged_in(client, "moderator")
    url = f"/voorbeelden/{item.id}/bewerken"
    post_form(client, url, form_data(title="Door de moderator verbeterd"), page=url)
    db.session.refresh(item)
    assert item.title == "Door de moderator verbeterd"
    assert found("verbeterd") == [item.id]


def test_blocked_account_cannot_post(client):
    account = logged_in(client)
    account.active = False
    db.session.commit()
    response = client.get("/voorbeelden/nieuw")
    assert response.status_code == 302
    assert example_count() == 0


def test_author_finds_the_edit_link_on_their_example_and_others_do_not(client):
    account = logged_in(client)
    own = factories.example("published", author=account)
    other = factories.example("published", author=factories.user())
    assert f'href="/voorbeelden/{own.id}/bewerken"' in client.get(
        f"/voorbeelden/{own.id}", follow_redirects=True).get_data(as_text=True)
    assert f'href="/voorbeelden/{other.id}/bewerken"' not in client.get(
        f"/voorbeelden/{other.id}", follow_redirects=True).get_data(as_text=True)
