"""Moderation pages through the test client: queue, decisions, featuring, archiving, reports."""
import html
import re

import pytest
from sqlalchemy import func, select

from kb.database import db
from kb.models import Decision, Example, Report
from kb.services import moderation
from kb.services.examples import update_example
from tests import factories
from tests.factories import record
from tests.webtools import logged_in, login, post_form


def text(response) -> str:
    """The response body as text, entities decoded."""
    return html.unescape(response.get_data(as_text=True))


def fresh(example_id: int) -> Example:
    """The example as stored now."""
    return db.session.get(Example, example_id)


def titles_found(client, words: str) -> list[str]:
    """Titles the search API finds (only published examples, through the real index)."""
    return [r["title"] for r in client.get(f"/api/v1/search?q={words}").get_json()["results"]]


def featured_section(client) -> str:
    """The "Uitgelicht" part of the home page ("" when there is none)."""
    home = text(client.get("/"))
    if 'id="uitgelicht"' not in home:
        return ""
    return home[home.index('id="uitgelicht"'):home.index('id="bladeren"')]


def decision_count() -> int:
    """How many decisions are stored."""
    return db.session.scalar(select(func.count()).select_from(Decision))


@pytest.fixture
def moderator_client(client):
    """The client, logged in as a moderator."""
    logged_in(client, "moderator")
    return client


# -- who may come in ------------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["/moderatie", "/moderatie/voorbeelden/1"])
def test_anonymous_visitors_are_sent_to_login(client, url):
    factories.example("submitted")
    response = client.get(url)
    assert response.status_code == 302 and "/inloggen" in response.location


@pytest.mark.parametrize("url", ["/moderatie", "/moderatie/voorbeelden/1"])
def test_participants_are_refused(client, url):
    factories.example("submitted")
    logged_in(client, "participant")
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("path, data", [
    ("/moderatie/{id}", {"decision": "publish"}),
    ("/moderatie/{id}/uitlichten", {"featured": "1"}),
    ("/moderatie/{id}/archiveren", {}),
    ("/moderatie/{id}/herstellen", {}),
])
def test_participant_posts_are_refused_and_change_nothing(client, path, data):
    submitted = factories.example("submitted")
    logged_in(client, "participant")
    before = decision_count()
    response = post_form(client, path.format(id=submitted.id), data)
    assert response.status_code == 403
    assert fresh(submitted.id).status == "submitted" and decision_count() == before


def test_anonymous_post_is_sent_to_login_and_changes_nothing(client):
    example = factories.example("submitted")
    response = post_form(client, f"/moderatie/{example.id}", {"decision": "publish"})
    assert response.status_code == 302 and "/inloggen" in response.location
    assert fresh(example.id).status == "submitted"


def test_unknown_example_is_404(moderator_client):
    assert moderator_client.get("/moderatie/voorbeelden/999999").status_code == 404
    response = post_form(moderator_client, "/moderatie/999999", {"decision": "publish"})
    assert response.status_code == 404


# -- the queue and one item -----------------------------------------------------------------------

def test_queue_shows_counts_submissions_edits_and_reports(moderator_client):
    factories.example("submitted", title="Nieuw ingediend: beweegmaatje")
    author = factories.user()
    edited = factories.example("published", author=author, title="Oude titel van het voorbeeld")
    update_example(author, edited.id, record(ref=edited.ref, title="Nieuwe titel na bewerking"))
    reported = factories.example("published", title="Voorbeeld met een dode link")
    moderation.report_example(factories.user(), reported.id, "De link werkt niet meer.")
    page = text(moderator_client.get("/moderatie"))
    assert "Nieuwe inzendingen (1)" in page and "Nieuw ingediend: beweegmaatje" in page
    assert "Bewerkingen van gepubliceerde voorbeelden (1)" in page
    assert "<dt>Titel</dt>" in page  # the changed field by its label
    assert "<del><span class=\"visually-hidden\">Was: </span>Oude titel van het voorbeeld</del>" \
        in page
    assert "Nieuwe titel na bewerking</ins>" in page
    assert "Open meldingen (1)" in page and "De link werkt niet meer." in page


def test_empty_queue_says_so(moderator_client):
    page = text(moderator_client.get("/moderatie"))
    assert "Er wachten geen nieuwe inzendingen." in page
    assert "Er zijn geen open meldingen." in page


def test_item_page_shows_decision_form_and_history(moderator_client):
    example = factories.example("submitted", title="Gezond ouder worden in Leiden")
    page = text(moderator_client.get(f"/moderatie/voorbeelden/{example.id}"))
    assert "Gezond ouder worden in Leiden" in page
    assert 'name="decision"' in page and 'value="changes"' in page
    assert '<label for="decision-reason">' in page
    assert f'href="/voorbeelden/{example.id}/bewerken"' in page
    assert "Geschiedenis" in page and "Ingediend" in page


# -- deciding -------------------------------------------------------------------------------------

def test_moderator_publishes_and_search_finds_it(moderator_client):
    example = factories.example("submitted", title="Theetafel in het buurthuis")
    item = f"/moderatie/voorbeelden/{example.id}"
    response = post_form(moderator_client, f"/moderatie/{example.id}",
                         {"decision": "publish", "reason": ""}, page=item)
    assert response.status_code == 302 and response.location.endswith("/moderatie")
    assert "Gepubliceerd." in text(moderator_client.get("/moderatie"))
    assert fresh(example.id).status == "published"
    assert titles_found(moderator_client, "theetafel") == ["Theetafel in het buurthuis"]


def test_reject_without_reason_comes_back_with_the_error(moderator_client):
    example = factories.example("submitted")
    item = f"/moderatie/voorbeelden/{example.id}"
    response = post_form(moderator_client, f"/moderatie/{example.id}",
                         {"decision": "reject", "reason": "  "}, page=item)
    assert response.status_code == 400
    page = text(response)
    assert "Geef een reden" in page and 'aria-invalid="true"' in page
    assert 'value="reject" checked' in page  # what was chosen stays chosen
    assert fresh(example.id).status == "submitted"


def test_too_long_reason_keeps_what_was_typed(moderator_client):
    example = factories.example("submitted")
    typed = "Graag meer over de resultaten. " * 70
    response = post_form(moderator_client, f"/moderatie/{example.id}",
                         {"decision": "changes", "reason": typed},
                         page=f"/moderatie/voorbeelden/{example.id}")
    assert response.status_code == 400
    assert "Hoogstens 2000 tekens" in text(response)
    assert typed.strip() in text(response)
    assert fresh(example.id).status == "submitted"


def test_refused_decision_on_an_edit_keeps_the_reason_in_its_own_field(moderator_client):
    author = factories.user()
    example = factories.example("published", author=author)
    update_example(author, example.id, record(ref=example.ref, title="Een andere titel"))
    typed = "Te lang. " * 250
    response = post_form(moderator_client, f"/moderatie/{example.id}",
                         {"decision": "reject", "reason": typed})
    assert response.status_code == 400
    page = text(response)
    assert page.count(typed.strip()) == 1  # in the decision form, not in the archive form
    assert "Voorgestelde bewerking" in page


def test_missing_decision_is_named(moderator_client):
    example = factories.example("submitted")
    response = post_form(moderator_client, f"/moderatie/{example.id}", {"reason": "x"})
    assert response.status_code == 400 and "Kies publiceren" in text(response)


def test_post_without_csrf_token_is_refused(moderator_client):
    example = factories.example("submitted")
    before = decision_count()
    response = moderator_client.post(f"/moderatie/{example.id}", data={"decision": "publish"})
    assert response.status_code == 400
    response = moderator_client.post(f"/moderatie/{example.id}/uitlichten", data={})
    assert response.status_code == 400
    assert fresh(example.id).status == "submitted" and decision_count() == before


def test_changes_requested_reason_reaches_the_author(app, client):
    author = factories.user()
    example = factories.example("submitted", author=author)
    moderator = app.test_client()
    logged_in(moderator, "moderator")
    post_form(moderator, f"/moderatie/{example.id}",
              {"decision": "changes", "reason": "Beschrijf hoe jullie het gemeten hebben."})
    login(client, author.email)
    page = text(client.get(f"/voorbeelden/{example.id}", follow_redirects=True))
    assert "Aanpassingen gevraagd" in page
    assert "Beschrijf hoe jullie het gemeten hebben." in page


def test_publishing_an_edit_replaces_the_text_in_search(moderator_client):
    author = factories.user()
    example = factories.example("published", author=author, title="Koffieochtend in de kerk")
    update_example(author, example.id, record(ref=example.ref, title="Koffieochtend in de moskee"))
    assert titles_found(moderator_client, "moskee") == []
    page = text(moderator_client.get(f"/moderatie/voorbeelden/{example.id}"))
    assert "Voorgestelde bewerking" in page and "Koffieochtend in de moskee</ins>" in page
    post_form(moderator_client, f"/moderatie/{example.id}", {"decision": "publish"})
    assert titles_found(moderator_client, "moskee") == ["Koffieochtend in de moskee"]
    assert titles_found(moderator_client, "kerk") == []


# -- featuring and archiving ----------------------------------------------------------------------

def test_feature_shows_on_home_page_and_unfeature_removes(moderator_client):
    example = factories.example("published", title="Het uitgelichte buurtvoorbeeld")
    response = post_form(moderator_client, f"/moderatie/{example.id}/uitlichten",
                         {"featured": "1"})
    assert response.status_code == 302
    assert "Het uitgelichte buurtvoorbeeld" in featured_section(moderator_client)
    post_form(moderator_client, f"/moderatie/{example.id}/uitlichten", {"featured": "0"})
    assert featured_section(moderator_client) == ""
    assert [d.action for d in fresh(example.id).decisions][-2:] == ["feature", "unfeature"]


def test_feature_refused_for_unpublished_with_a_message(moderator_client):
    example = factories.example("submitted")
    response = post_form(moderator_client, f"/moderatie/{example.id}/uitlichten",
                         {"featured": "1"}, follow_redirects=True)
    assert "Alleen gepubliceerde voorbeelden kun je uitlichten." in text(response)
    assert not fresh(example.id).featured


def test_archive_hides_and_restore_brings_back(moderator_client, app):
    example = factories.example("published", title="Samen koken met statushouders")
    page = f"/voorbeelden/{example.id}"
    response = post_form(moderator_client, f"/moderatie/{example.id}/archiveren",
                         {"reason": "Project gestopt", "next": page, "confirm": "1"})
    assert response.status_code == 302 and response.location.endswith(page)
    assert titles_found(moderator_client, "statushouders") == []
    assert app.test_client().get(page, follow_redirects=True).status_code == 404
    archived = text(moderator_client.get(page, follow_redirects=True))
    assert "Gearchiveerd op" in archived and "Herstellen" in archived
    post_form(moderator_client, f"/moderatie/{example.id}/herstellen", {"next": page})
    assert titles_found(moderator_client, "statushouders") == ["Samen koken met statushouders"]
    assert app.test_client().get(page, follow_redirects=True).status_code == 200


def test_off_site_next_is_ignored(moderator_client):
    example = factories.example("published")
    response = post_form(moderator_client, f"/moderatie/{example.id}/archiveren",
                         {"next": "https://elders.example/", "confirm": "1"})
    # Back to the example's moderation page, as without a next: not off site.
    assert response.status_code == 302
    assert response.location == f"/moderatie/voorbeelden/{example.id}"


# -- reports --------------------------------------------------------------------------------------

def test_anonymous_cannot_report(client):
    example = factories.example("published")
    response = post_form(client, f"/voorbeelden/{example.id}/melden", {"reason": "Klopt niet"})
    assert response.status_code == 302 and "/inloggen" in response.location
    assert db.session.scalar(select(func.count()).select_from(Report)) == 0
    page = text(client.get(f"/voorbeelden/{example.id}", follow_redirects=True))
    assert "Melding versturen" not in page


def test_participant_reports_from_the_example_page(client):
    example = factories.example("published", title="Een voorbeeld met fouten")
    reporter = logged_in(client, "participant")
    page = f"/voorbeelden/{example.id}/{example.slug}"
    assert "Melding versturen" in text(client.get(page))
    response = post_form(client, f"/voorbeelden/{example.id}/melden",
                         {"reason": "De cijfers kloppen niet."}, page=page)
    assert response.status_code == 302 and response.location.endswith(page)
    assert "Bedankt voor je melding" in text(client.get(page))
    report = db.session.scalar(select(Report))
    assert (report.reporter_id, report.reason, report.status) == (
        reporter.id, "De cijfers kloppen niet.", "open")


def test_report_with_short_reason_keeps_what_was_typed(client):
    example = factories.example("published")
    logged_in(client, "participant")
    response = post_form(client, f"/voorbeelden/{example.id}/melden", {"reason": "??"})
    assert response.status_code == 400
    page = text(response)
    assert "Beschrijf in minstens 3 tekens" in page and "??</textarea>" in page
    assert db.session.scalar(select(func.count()).select_from(Report)) == 0


def test_hidden_example_cannot_be_reported(client):
    hidden = factories.example("submitted", author=factories.user())
    logged_in(client, "participant")
    response = post_form(client, f"/voorbeelden/{hidden.id}/melden", {"reason": "Wat is dit?"})
    assert response.status_code == 404
    assert client.get(f"/voorbeelden/{hidden.id}/melden").status_code == 404


@pytest.mark.parametrize("action, status, message", [
    ("resolve", "resolved", "Melding afgehandeld."),
    ("dismiss", "dismissed", "Melding terzijde gelegd.")])
def test_moderator_handles_a_report(moderator_client, action, status, message):
    example = factories.example("published")
    report = moderation.report_example(factories.user(), example.id, "Verouderd voorbeeld.")
    response = post_form(moderator_client, f"/moderatie/meldingen/{report.id}",
                         {"action": action, "note": "Bekeken"}, page="/moderatie")
    assert response.status_code == 302
    page = text(moderator_client.get("/moderatie"))
    assert message in page and "Open meldingen (0)" in page
    stored = db.session.get(Report, report.id)
    assert (stored.status, stored.resolution) == (status, "Bekeken")


def test_participant_cannot_handle_reports(client):
    example = factories.example("published")
    report = moderation.report_example(factories.user(), example.id, "Verouderd voorbeeld.")
    logged_in(client, "participant")
    response = post_form(client, f"/moderatie/meldingen/{report.id}", {"action": "dismiss"})
    assert response.status_code == 403
    assert db.session.get(Report, report.id).status == "open"


# -- the example page -----------------------------------------------------------------------------

def test_example_page_gives_moderators_their_controls(moderator_client):
    example = factories.example("published")
    page = text(moderator_client.get(f"/voorbeelden/{example.id}", follow_redirects=True))
    assert f'action="/moderatie/{example.id}/uitlichten"' in page
    assert f'action="/moderatie/{example.id}/archiveren"' in page  # asks to confirm first
    assert f'href="/moderatie/voorbeelden/{example.id}"' in page
    assert "Melding versturen" not in page  # moderators act, they do not report


def test_example_page_hides_history_from_other_participants(client):
    example = factories.example("published", author=factories.user())
    logged_in(client, "participant")
    page = text(client.get(f"/voorbeelden/{example.id}", follow_redirects=True))
    assert "Geschiedenis" not in page and "/moderatie/" not in page


def test_the_archive_note_is_said_to_reach_the_author_and_does(moderator_client, app):
    author = factories.user()
    example = factories.example("published", author=author)
    confirm = f"/moderatie/{example.id}/archiveren"
    page = text(moderator_client.get(confirm))
    assert re.search(r'id="archive-reason-help"[^>]*>De auteur ziet deze toelichting bij '
                     r'Mijn voorbeelden', page)
    assert 'aria-describedby="archive-reason-help"' in page
    post_form(moderator_client, confirm, {"reason": "Het project is gestopt.", "confirm": "1"},
              page=confirm)
    reader = app.test_client()
    login(reader, author.email)
    assert "Het project is gestopt." in text(reader.get("/mijn-voorbeelden"))
