"""Bulk moderation through the queue page (POST /moderatie/bulk): checkboxes per
submission, edit and report, one decision, a message for what failed."""
import re

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


def _bulk(client, data: dict, **kwargs):
    """Post the queue's bulk form; returns the status and the page."""
    response = post_form(client, "/moderatie/bulk", data, page="/moderatie", **kwargs)
    return response.status_code, response.get_data(as_text=True)


def test_a_reason_is_needed_and_the_queue_keeps_what_was_chosen_and_typed(client):
    example, other = factories.example("submitted"), factories.example("submitted")
    logged_in(client, "moderator")
    status, html = _bulk(client, {"ids": example.id, "decision": "reject"})
    assert status == 400 and "Geef een reden" in html
    assert f'value="{example.id}" form="bulk-examples"' in html
    assert _ticked(html, example.id) and not _ticked(html, other.id)
    assert 'name="decision" value="reject" checked' in html
    assert db.session.get(Example, example.id).status == "submitted"


def test_nothing_chosen_keeps_the_decision_and_the_reason(client):
    factories.example("submitted")
    logged_in(client, "moderator")
    status, html = _bulk(client, {"decision": "changes", "reason": "Graag een bron noemen."})
    assert status == 400 and "Kies minstens één inzending of bewerking" in html
    assert 'name="decision" value="changes" checked' in html
    assert ">Graag een bron noemen.</textarea>" in html


def _report(title: str):
    """An open report on a published example of that title."""
    example = factories.example(title=title)
    return moderation.report_example(factories.user(), example.id, "Klopt niet meer.")


def _ticked(html: str, item_id: int, form: str = "bulk-examples") -> bool:
    """Whether the page ticks the item's box for the bulk form."""
    return re.search(rf'name="ids" value="{item_id}" form="{form}"[^>]* checked', html) \
        is not None


def test_the_report_form_keeps_its_note_and_says_what_to_choose(client):
    _report("Een gemeld voorbeeld")
    logged_in(client, "moderator")
    status, html = _bulk(client, {"decision": "resolve", "reason": "Al opgelost."})
    assert status == 400 and "Kies minstens één melding" in html
    assert ">Al opgelost.</textarea>" in html


def test_reports_handled_in_bulk_are_counted_as_reports(client):
    reports = [_report(f"Gemeld voorbeeld {n}") for n in range(2)]
    logged_in(client, "moderator")
    _status, html = _bulk(client, {"ids": [r.id for r in reports], "decision": "dismiss"},
                          follow_redirects=True)
    assert "2 meldingen terzijde gelegd." in html and "besluiten genomen" not in html


def test_participants_cannot_decide_in_bulk(client):
    example = factories.example("submitted")
    logged_in(client, "participant")
    response = post_form(client, "/moderatie/bulk", {"ids": example.id, "decision": "publish"})
    assert response.status_code == 403
    assert db.session.get(Example, example.id).status == "submitted"
