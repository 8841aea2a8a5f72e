"""Leeratelier pages run in the app: moderators create and edit them through forms; an
open one invites participants (with a QR code and a poster), whose drafts are linked to
it and one of its learning questions, and its page shows the harvest."""
import re

from kb.database import db
from kb.models import Example
from kb.services import leerateliers, moderation
from tests import factories
from tests.web.test_pages import page
from tests.webtools import csrf_token, form_data, logged_in, post_form

SLUG = "achtste-leeratelier-samen-in-de-wijk"


def announce(open_for_contributions: bool = True):
    """A leeratelier with two learning questions, announced by a moderator."""
    return leerateliers.create_leeratelier(factories.user("moderator"), {
        "name": "Achtste leeratelier: samen in de wijk", "date": "2027-03-11",
        "place": "Leiden", "theme": "samenwerking-wijk",
        "questions": "Wat wilden jullie zien?\nWat vertelden inwoners?",
        "open_for_contributions": open_for_contributions})


def test_a_moderator_creates_a_leeratelier_through_the_form(client):
    logged_in(client, "moderator")
    response = post_form(client, "/leerateliers/nieuw", {
        "name": "Achtste leeratelier: samen in de wijk", "date": "2027-03-11",
        "place": "Leiden", "theme": "samenwerking-wijk", "participants": "40",
        "questions": "Wat wilden jullie zien?\r\nWat vertelden inwoners?",
        "open_for_contributions": "y"}, page="/leerateliers/nieuw")
    assert response.status_code == 302 and response.location.endswith(f"/leerateliers/{SLUG}")
    html = page(client, f"/leerateliers/{SLUG}")
    assert "Wat wilden jullie zien?" in html and "Deel je voorbeeld" in html
    assert SLUG in page(client, "/leerateliers")  # listed before any example is published


def test_bad_fields_are_named_and_nothing_is_stored(client):
    logged_in(client, "moderator")
    response = post_form(client, "/leerateliers/nieuw", {"name": "x", "date": "morgen",
                                                        "participants": "veel"},
                         page="/leerateliers/nieuw")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    for field in ("name", "date", "participants"):
        assert re.search(rf'id="{field}-error"', html), field
    assert client.get("/leerateliers/x").status_code == 404


def test_only_moderators_create_and_edit(client):
    announce()
    assert client.get("/leerateliers/nieuw").status_code == 302  # to the login page
    logged_in(client, "participant")
    assert client.get("/leerateliers/nieuw").status_code == 403
    assert client.get(f"/leerateliers/{SLUG}/bewerken").status_code == 403
    response = post_form(client, f"/leerateliers/{SLUG}/bewerken", {"name": "Overgenomen"})
    assert response.status_code == 403
    assert "Achtste leeratelier" in page(client, f"/leerateliers/{SLUG}")


def test_the_edit_form_shows_the_leeratelier_and_closes_it(client):
    announce()
    logged_in(client, "moderator")
    html = page(client, f"/leerateliers/{SLUG}/bewerken")
    assert "Wat wilden jullie zien?\nWat vertelden inwoners?" in html
    response = post_form(client, f"/leerateliers/{SLUG}/bewerken", {
        "name": "Achtste leeratelier: samen in de wijk", "date": "2027-03-11",
        "questions": "Wat wilden jullie zien?"}, page=f"/leerateliers/{SLUG}/bewerken")
    assert response.status_code == 302
    html = page(client, f"/leerateliers/{SLUG}")
    assert "Deel je voorbeeld van dit leeratelier" not in html
    assert "Wat vertelden inwoners?" not in html
    assert client.get(f"/leerateliers/{SLUG}/poster").status_code == 404
    assert client.get(f"/leerateliers/{SLUG}/qr.svg").status_code == 404


def test_an_open_leeratelier_has_a_qr_code_and_a_poster(client):
    announce()
    html = page(client, f"/leerateliers/{SLUG}")
    assert '<svg' in html and "QR-code naar het formulier" in html
    qr = client.get(f"/leerateliers/{SLUG}/qr.svg")
    assert qr.status_code == 200 and qr.mimetype == "image/svg+xml"
    assert qr.get_data(as_text=True).startswith("<svg")
    poster = page(client, f"/leerateliers/{SLUG}/poster")
    assert f"/voorbeelden/nieuw?leeratelier={SLUG}" in poster
    assert "Wat vertelden inwoners?" in poster


def test_the_link_chooses_its_leeratelier_over_text_left_from_before(client):
    """Half-written text from an earlier visit comes back, but the QR code's link followed
    now still chooses its leeratelier and theme; throwing the text away keeps them."""
    announce()
    logged_in(client, "participant")
    response = client.post("/voorbeelden/nieuw/autosave", headers={"Accept": "application/json"},
                           data={"csrf_token": csrf_token(client, "/voorbeelden/nieuw"),
                                 "title": "Half begonnen verhaal", "themes": ["mantelzorg"]})
    assert response.status_code == 200
    form = page(client, f"/voorbeelden/nieuw?leeratelier={SLUG}")
    assert 'value="Half begonnen verhaal"' in form and "was nog niet bewaard" in form
    assert re.search(r'<option selected value="Achtste leeratelier: samen in de wijk">', form)
    for theme in ("samenwerking-wijk", "mantelzorg"):  # the link's theme added to the typed
        assert re.search(rf'value="{theme}"[^>]*checked|checked[^>]*value="{theme}"', form)
    assert f'autosave/verwerpen?leeratelier={SLUG}"' in form
    thrown = post_form(client, f"/voorbeelden/nieuw/autosave/verwerpen?leeratelier={SLUG}",
                       page="/voorbeelden/nieuw")
    assert thrown.status_code == 302 and thrown.location.endswith(f"?leeratelier={SLUG}")


def test_a_participant_shares_an_example_into_the_harvest(client):
    announce()
    author = logged_in(client, "participant")
    form = page(client, f"/voorbeelden/nieuw?leeratelier={SLUG}")
    assert re.search(r'<option selected value="Achtste leeratelier: samen in de wijk">', form)
    assert '<optgroup label="Achtste leeratelier: samen in de wijk">' in form
    assert re.search(r'value="samenwerking-wijk"[^>]*checked|checked[^>]*value="samenwerking-wijk"',
                     form)
    response = post_form(client, "/voorbeelden/nieuw", form_data(
        action="submit", leeratelier="Achtste leeratelier: samen in de wijk",
        learning_question="Wat vertelden inwoners?", title="Inwoners vertellen in de buurtkamer"),
        page="/voorbeelden/nieuw")
    assert response.status_code == 302
    example = db.session.query(Example).filter_by(author_id=author.id).one()
    assert example.learning_question.text == "Wat vertelden inwoners?"
    before = page(client, f"/leerateliers/{SLUG}")
    assert "Inwoners vertellen in de buurtkamer" not in before  # not published yet
    moderation.decide(factories.user("moderator"), example.id, "publish", "")
    harvest = page(client, f"/leerateliers/{SLUG}")
    question, rest = harvest.split("Wat vertelden inwoners?", 1)
    assert "Inwoners vertellen in de buurtkamer" in rest.split("Deze organisaties")[0]
    assert "Participe" in rest


def test_a_question_of_another_leeratelier_is_refused(client):
    announce()
    logged_in(client, "participant")
    response = post_form(client, "/voorbeelden/nieuw", form_data(
        leeratelier="Achtste leeratelier: samen in de wijk",
        learning_question="Een vraag die er niet is?"), page="/voorbeelden/nieuw")
    assert response.status_code == 400
    assert 'id="learning_question-error"' in response.get_data(as_text=True)
