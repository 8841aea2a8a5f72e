"""A moderator's workspace through the test client: the review page with every field and
what changed since changes were asked, archiving with a confirmation, the list of published
and archived examples, statuses and the reason on Mijn voorbeelden, imported history."""
import html
import re

import pytest

from kb.database import db
from kb.models import Example
from kb.services import attachments, moderation
from kb.services.examples import update_example
from kb.services.importing import import_records
from kb.services.permissions import SYSTEM
from tests import factories
from tests.factories import record
from tests.services.test_attachments import PDF, jpeg
from tests.webtools import logged_in, post_form


def text(response) -> str:
    """The response body as text, entities decoded."""
    return html.unescape(response.get_data(as_text=True))


def fresh(example_id: int) -> Example:
    """The example as stored now."""
    db.session.expire_all()
    return db.session.get(Example, example_id)


def ids_are_unique(page: str) -> None:
    """No id appears twice on the page."""
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


@pytest.fixture
def moderator_client(client):
    """The client, logged in as a moderator."""
    client.moderator = logged_in(client, "moderator")
    return client


# -- the review page ------------------------------------------------------------------------------

def test_review_page_shows_every_field_then_the_decision_form(moderator_client):
    author = factories.user()
    example = factories.example(
        "submitted", author=author, title="Beweegmaatjes in Alphen",
        summary="Inwoners bewegen samen met een maatje uit de buurt.",
        body="Het **verhaal** van de beweegmaatjes.", impact="Meer bewegen, minder alleen.",
        evidence="Een korte vragenlijst.", level="meso", setting="huiskamer",
        municipality="Alphen aan den Rijn", year=2022, leeratelier="Leeratelier Bewegen",
        links=["https://beweegmaatjes.example/over"], needs="Een vaste ontmoetingsplek",
        costs="Koffie en thee", duration="Een half jaar", success_factors="Vaste maatjes",
        pitfalls="Te grote groepen", contact_role="buurtsportcoach")
    example.contact_opt_in = True
    db.session.commit()
    attachments.add_attachment(moderator_client.moderator, example.id, "draaiboek.pdf", PDF)
    attachments.add_attachment(moderator_client.moderator, example.id, "wandeling.jpg", jpeg(),
                               alt="Twee mensen wandelen langs de Rijn")
    page = text(moderator_client.get(f"/moderatie/voorbeelden/{example.id}"))
    for shown in ("Inwoners bewegen samen met een maatje uit de buurt.", "<strong>verhaal</strong>",
                  "Meer bewegen, minder alleen.", "Een korte vragenlijst.",
                  "Meso: team, organisatie en wijk", "Huiskamer (thuis)", "Alphen aan den Rijn",
                  "2022", "Leeratelier Bewegen", 'href="https://beweegmaatjes.example/over"',
                  "Een vaste ontmoetingsplek", "Koffie en thee", "Een half jaar",
                  "Vaste maatjes", "Te grote groepen", "buurtsportcoach",
                  "Ja, collega’s mogen contact opnemen", "draaiboek.pdf", "wandeling.jpg",
                  'alt="Twee mensen wandelen langs de Rijn"', example.ref):
        assert shown in page, shown
    assert "/klein" in page  # the image as its thumbnail
    assert page.index("Te grote groepen") < page.index('id="decision-h"')
    assert page.index("draaiboek.pdf") < page.index('name="decision"')
    ids_are_unique(page)


def test_review_page_says_what_is_missing_and_the_contact_choice(moderator_client):
    example = factories.example("submitted", impact="", evidence="", links=[])
    page = text(moderator_client.get(f"/moderatie/voorbeelden/{example.id}"))
    assert page.count("niet ingevuld") >= 7  # impact, evidence and the practical fields
    assert "Geen links." in page and "Geen bijlagen." in page
    assert "Nee, de auteur wil niet benaderd worden" in page


def test_resubmission_shows_what_changed_since_the_request_escaped(moderator_client):
    author = factories.user()
    example = factories.example("submitted", author=author, title="Samen koken in de wijk",
                                body="We koken elke week met buren.")
    post_form(moderator_client, f"/moderatie/{example.id}",
              {"decision": "changes", "reason": "Vertel wie er meekookt."})
    update_example(author, example.id, record(
        ref=example.ref, title="Samen koken in de wijk",
        body="We koken elke week met <b>buren</b> en statushouders."), submit=True)
    response = moderator_client.get(f"/moderatie/voorbeelden/{example.id}")
    raw = response.get_data(as_text=True)
    page = html.unescape(raw)
    assert "Veranderd sinds de vraag om aanpassingen" in page
    assert "Vertel wie er meekookt." in page
    assert "<dt>Beschrijving</dt>" in page
    assert "&lt;b&gt;buren&lt;/b&gt;" in raw and "<b>buren</b>" not in raw  # typed, not markup
    assert re.search(r"<ins><span class=\"visually-hidden\">\[nieuw: </span>[^<]*&lt;b&gt;", raw)
    assert "en statushouders." in page
    assert page.index("Veranderd sinds") < page.index('id="content-h"') < page.index(
        'id="decision-h"')
    ids_are_unique(raw)


def test_a_first_submission_has_no_changes_since_section(moderator_client):
    example = factories.example("submitted")
    page = text(moderator_client.get(f"/moderatie/voorbeelden/{example.id}"))
    assert "Veranderd sinds de vraag" not in page


def test_imported_example_history_says_imported_not_a_moderators_decision(moderator_client):
    import_records(SYSTEM, [record(ref="imp-1", title="Een voorbeeld uit het oude archief",
                                   year=2019)])
    example = db.session.query(Example).filter_by(ref="imp-1").one()
    page = text(moderator_client.get(f"/moderatie/voorbeelden/{example.id}"))
    history = page[page.index('id="history-h"'):]
    assert 'class="history-system"' in history and "Geïmporteerd" in history
    assert "niet door een moderator beoordeeld" in history
    assert "Gepubliceerd ·" not in history and ">import<" not in history
    public = text(moderator_client.get(f"/voorbeelden/{example.id}", follow_redirects=True))
    assert "1 januari 2019" in public  # the record's year, not the day of the import


# -- archiving with a confirmation ----------------------------------------------------------------

def test_archive_asks_for_confirmation_first(moderator_client):
    example = factories.example("published", title="De buurtmoestuin aan de Vliet")
    moderation.feature(moderator_client.moderator, example.id)
    item = f"/moderatie/voorbeelden/{example.id}"
    confirm = f"/moderatie/{example.id}/archiveren"
    page = text(moderator_client.get(confirm + f"?next={item}"))
    assert "Dit voorbeeld archiveren?" in page and "De buurtmoestuin aan de Vliet" in page
    assert "niet meer uitgelicht" in page  # it says featuring ends
    assert 'name="confirm" value="1"' in page and f'value="{item}"' in page
    unconfirmed = post_form(moderator_client, confirm, {"reason": "Gestopt"}, page=item)
    assert unconfirmed.status_code == 200 and "Dit voorbeeld archiveren?" in text(unconfirmed)
    assert "Gestopt" in text(unconfirmed)  # the note typed stays
    assert fresh(example.id).status == "published"
    done = post_form(moderator_client, confirm, {"reason": "Gestopt", "confirm": "1",
                                                 "next": item}, page=item)
    assert done.status_code == 302 and done.location.endswith(item)
    archived = fresh(example.id)
    assert archived.status == "archived" and not archived.featured
    home = text(moderator_client.get("/"))
    assert "De buurtmoestuin aan de Vliet" not in home


def test_confirmation_page_for_unknown_or_unpublished_examples(moderator_client):
    assert moderator_client.get("/moderatie/999999/archiveren").status_code == 404
    submitted = factories.example("submitted")
    response = moderator_client.get(f"/moderatie/{submitted.id}/archiveren",
                                    follow_redirects=True)
    assert "Alleen gepubliceerde voorbeelden kun je archiveren." in text(response)


def test_participants_get_no_confirmation_page(client):
    example = factories.example("published")
    assert client.get(f"/moderatie/{example.id}/archiveren").status_code == 302
    logged_in(client, "participant")
    assert client.get(f"/moderatie/{example.id}/archiveren").status_code == 403


# -- the list of published and archived examples -------------------------------------------------

def test_list_needs_a_moderator(client):
    response = client.get("/moderatie/voorbeelden")
    assert response.status_code == 302 and "/inloggen" in response.location
    logged_in(client, "participant")
    assert client.get("/moderatie/voorbeelden").status_code == 403


def test_list_filters_and_offers_archive_and_restore(moderator_client):
    published = factories.example("published", title="Wandelen met de wijkagent",
                                  organisation="Kwadraad", themes=["leefstijl"])
    archived = factories.example("archived", title="Het oude koffie-uurtje",
                                 themes=["eenzaamheid"])
    factories.example("submitted", title="Nog in de wachtrij")
    page = text(moderator_client.get("/moderatie/voorbeelden"))
    assert "Wandelen met de wijkagent" in page and "Het oude koffie-uurtje" in page
    assert "Nog in de wachtrij" not in page and "2 voorbeelden" in page
    assert f'href="/moderatie/{published.id}/archiveren?next=' in page
    assert f'action="/moderatie/{archived.id}/herstellen"' in page
    assert 'class="status status-archived"' in page
    assert 'aria-current="page"' in page  # the moderation navigation marks this page
    only = text(moderator_client.get("/moderatie/voorbeelden?status=archived"))
    assert "Het oude koffie-uurtje" in only and "Wandelen met de wijkagent" not in only
    words = text(moderator_client.get("/moderatie/voorbeelden?q=kwadraad"))
    assert "Wandelen met de wijkagent" in words and "Het oude koffie-uurtje" not in words
    theme = text(moderator_client.get("/moderatie/voorbeelden?theme=eenzaamheid"))
    assert "Het oude koffie-uurtje" in theme and "Wandelen met de wijkagent" not in theme
    nothing = text(moderator_client.get("/moderatie/voorbeelden?q=bestaatnergens"))
    assert "Geen voorbeelden gevonden met deze filters." in nothing
    ids_are_unique(page)


def test_restore_from_the_list_comes_back_to_the_list(moderator_client):
    archived = factories.example("archived", title="Terug van weggeweest")
    listing = "/moderatie/voorbeelden?status=archived"
    response = post_form(moderator_client, f"/moderatie/{archived.id}/herstellen",
                         {"next": listing}, page=listing)
    assert response.status_code == 302 and response.location.endswith(listing)
    assert fresh(archived.id).status == "published"
    assert "Hersteld; het voorbeeld is weer gepubliceerd." in text(moderator_client.get(listing))


@pytest.mark.parametrize("query, name", [("status=concept", "status"),
                                         ("theme=bestaat-niet", "theme"),
                                         ("page=nul", "page"), ("page=-1", "page")])
def test_bad_list_filters_are_explained_not_a_500(moderator_client, query, name):
    response = moderator_client.get(f"/moderatie/voorbeelden?{query}")
    assert response.status_code == 400
    page = text(response)
    assert "Deze zoekopdracht klopt niet:" in page and f"<code>{name}</code>" in page
    assert 'name="q"' in page  # the filters stay to try again


def test_a_page_past_the_end_says_so(moderator_client):
    factories.example("published")
    page = text(moderator_client.get("/moderatie/voorbeelden?page=5"))
    assert "Op deze pagina staan geen voorbeelden meer." in page


def test_queue_and_recheck_link_the_list(moderator_client):
    for url in ("/moderatie", "/moderatie/hercontrole"):
        assert 'href="/moderatie/voorbeelden"' in text(moderator_client.get(url))


# -- Mijn voorbeelden -----------------------------------------------------------------------------

def test_mine_gives_each_status_its_own_class_with_its_name(client):
    author = logged_in(client)
    for status in ("draft", "submitted", "changes_requested", "rejected", "published",
                   "archived"):
        factories.example(status, author=author)
    page = text(client.get("/mijn-voorbeelden"))
    for status, label in (("draft", "concept"), ("submitted", "ingediend"),
                          ("changes_requested", "aanpassingen gevraagd"),
                          ("rejected", "afgewezen"), ("published", "gepubliceerd"),
                          ("archived", "gearchiveerd")):
        assert f'<span class="status status-{status}">{label}</span>' in page, status


def test_mine_shows_the_moderators_reason_once(client, app):
    author = logged_in(client)
    example = factories.example("submitted", author=author)
    moderation.decide(factories.user("moderator"), example.id, "changes",
                      "Beschrijf wat de deelnemers ervan vonden.")
    page = text(client.get("/mijn-voorbeelden"))
    assert page.count("Beschrijf wat de deelnemers ervan vonden.") == 1
    assert "Reactie van de moderator" in page and "Aanpassingen gevraagd" in page
    edit = text(client.get(f"/voorbeelden/{example.id}/bewerken"))
    assert edit.count("Beschrijf wat de deelnemers ervan vonden.") == 1


def test_mine_shows_no_import_as_the_moderators_reaction(client):
    author = logged_in(client)
    example = factories.example("changes_requested", author=author)
    import_records(SYSTEM, [record(ref=example.ref, title="Bijgewerkt vanuit het archief")])
    page = text(client.get("/mijn-voorbeelden"))
    assert "Reactie van de moderator" not in page
    assert "Geïmporteerd" in page and "import</blockquote>" not in page


def moderation_tabs(page: str) -> list[tuple[str, str]]:
    """(aria-current, label) of the marked tabs in the moderation navigation."""
    tabs = re.search(r'<nav class="moderation-nav".*?</nav>', page, re.S).group(0)
    return re.findall(r'<a href="[^"]+" aria-current="(\w+)">([^<]+)</a>', tabs)


def test_an_example_marks_the_tab_it_belongs_to(moderator_client):
    author = factories.user()
    submitted = factories.example("submitted")
    edited = factories.example("published", author=author)
    update_example(author, edited.id, record(ref=edited.ref, title="Koffieochtend in de moskee"))
    published, archived = factories.example("published"), factories.example("archived")
    changes = factories.example("changes_requested")
    expected = {submitted: [("true", "Wachtrij")], edited: [("true", "Wachtrij")],
                published: [("true", "Gepubliceerd en gearchiveerd")],
                archived: [("true", "Gepubliceerd en gearchiveerd")], changes: []}
    for example, tabs in expected.items():
        page = text(moderator_client.get(f"/moderatie/voorbeelden/{example.id}"))
        assert moderation_tabs(page) == tabs, example.status
    assert moderation_tabs(text(moderator_client.get("/moderatie"))) == [("page", "Wachtrij")]
