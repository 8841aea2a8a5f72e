"""Bulk moderation through the queue page (POST /moderatie/bulk): checkboxes per
submission, edit and report, one decision, a message for what failed."""
from kb.database import db
from kb.models import Example
from kb.services import moderation
from tests import factories
from tests.web.test_pages import page
from tests.webtools import csrf_token, logged_in, post_form


def test_the_queue_offers_checkboxes_and_the_bulk_forms(client):
    example = factories.example("submitted", title="Wacht op een besluit")
    moderation.report_example(factories.user(), factories.example().id, "Klopt niet meer.")
    logged_in(client, "moderator")
    html = page(client, "/moderatie")
    assert f'name="ids" value="{example.id}" form="bulk-examples"' in html
    assert 'form="bulk-reports"' in html
    assert 'id="bulk-examples"' in html and 'id="bulk-reports"' in html


def test_one_decision_for_several_and_a_message_for_the_failures(client):
    first, second = (factories.example("submitted") for _ in range(2))
    published = factories.example(title="Al gepubliceerd")
    logged_in(client, "moderator")
    token = csrf_token(client, "/moderatie")
    response = client.post("/moderatie/bulk", data={
        "ids": [first.id, second.id, published.id], "decision": "changes",
        "reason": "Graag de impact aanvullen.", "csrf_token": token}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "2 besluiten genomen" in html and "Niet gelukt voor “Al gepubliceerd”" in html
    assert {db.session.get(Example, e.id).status for e in (first, second)} == \
        {"changes_requested"}
    assert db.session.get(Example, published.id).status == "published"


def test_a_reason_is_needed_and_nothing_changes_without_it(client):
    example = factories.example("submitted")
    logged_in(client, "moderator")
    response = post_form(client, "/moderatie/bulk", {"ids": example.id, "decision": "reject"},
                         page="/moderatie")
    assert response.status_code == 302
    assert "Geef een reden" in page(client, "/moderatie")
    assert db.session.get(Example, example.id).status == "submitted"


def test_participants_cannot_decide_in_bulk(client):
    example = factories.example("submitted")
    logged_in(client, "participant")
    response = post_form(client, "/moderatie/bulk", {"ids": example.id, "decision": "publish"})
    assert response.status_code == 403
    assert db.session.get(Example, example.id).status == "submitted"
