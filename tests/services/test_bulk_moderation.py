"""Bulk moderation (kb.services.moderation.decide_many): one decision for several items
gives exactly the history and search of deciding them one by one; a failure leaves that
item as it was and is named; a wrong request decides nothing."""
import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from kb.database import db
from kb.models import Decision, Example, Report
from kb.services import moderation
from kb.services.errors import Forbidden, Invalid
from kb.services.search import parse_request, search
from tests import factories


def history(example_id: int) -> list[tuple[str, str, bool]]:
    """(action, reason, on_edit) of an example's decisions, oldest first."""
    return [(d.action, d.reason, d.on_edit) for d in db.session.scalars(
        select(Decision).where(Decision.example_id == example_id).order_by(Decision.id))]


def found(title_word: str) -> list[str]:
    """Titles the search finds for a word."""
    page = search(parse_request(MultiDict({"q": title_word})))
    return sorted(example.title for example, _hit in page.examples)


@pytest.mark.parametrize("decision, reason", [("publish", ""), ("changes", "Graag de bron."),
                                              ("reject", "Dit is geen praktijkvoorbeeld.")])
def test_bulk_equals_one_by_one_in_history_and_search(app, decision, reason):
    moderator = factories.user("moderator")
    alone = [factories.example("submitted", title=f"Aquarelles {n}") for n in range(2)]
    together = [factories.example("submitted", title=f"Houtsnijwerk {n}") for n in range(2)]
    for example in alone:
        moderation.decide(moderator, example.id, decision, reason)
    outcome = moderation.decide_many(moderator, [str(e.id) for e in together], decision, reason)
    assert outcome.done == [e.id for e in together] and outcome.failed == {}
    assert [history(e.id) for e in together] == [history(e.id) for e in alone]
    statuses = {db.session.get(Example, e.id).status for e in alone + together}
    assert len(statuses) == 1
    expected = 2 if decision == "publish" else 0
    assert len(found("houtsnijwerk")) == len(found("aquarelles")) == expected


def test_a_failure_leaves_that_item_and_decides_the_others(app):
    moderator = factories.user("moderator")
    waiting = factories.example("submitted", title="Wacht op een besluit")
    published = factories.example(title="Al gepubliceerd")
    before = history(published.id)
    outcome = moderation.decide_many(moderator, [waiting.id, published.id, 999999], "publish")
    assert outcome.done == [waiting.id]
    assert set(outcome.failed) == {published.id, 999999}
    assert outcome.failed[published.id][0] == "“Al gepubliceerd”"
    assert history(published.id) == before
    assert db.session.get(Example, waiting.id).status == "published"


@pytest.mark.parametrize("ids, decision, reason, field", [
    ([], "publish", "", "ids"), (["een"], "publish", "", "ids"),
    (list(range(1, 102)), "publish", "", "ids"), ([1], "wegdoen", "", "decision"),
    ([1], "reject", "", "reason"), ([1], "changes", "x" * 2001, "reason")])
def test_a_wrong_request_decides_nothing(app, ids, decision, reason, field):
    moderator = factories.user("moderator")
    example = factories.example("submitted")
    ids = [example.id if value == 1 else value for value in ids]
    with pytest.raises(Invalid) as refused:
        moderation.decide_many(moderator, ids, decision, reason)
    assert field in refused.value.errors
    assert db.session.get(Example, example.id).status == "submitted"


def test_participants_cannot(app):
    example = factories.example("submitted")
    with pytest.raises(Forbidden):
        moderation.decide_many(factories.user("participant"), [example.id], "publish")
    assert db.session.get(Example, example.id).status == "submitted"


def test_reports_are_resolved_or_dismissed_together(app):
    moderator, reporter = factories.user("moderator"), factories.user("participant")
    examples = [factories.example() for _ in range(3)]
    reports = [moderation.report_example(reporter, e.id, "De link werkt niet meer.")
               for e in examples]
    outcome = moderation.decide_many(moderator, [r.id for r in reports[:2]], "dismiss",
                                     "Link werkt wel.")
    assert outcome.done == [reports[0].id, reports[1].id]
    statuses = [db.session.get(Report, r.id).status for r in reports]
    assert statuses == ["dismissed", "dismissed", "open"]
    again = moderation.decide_many(moderator, [reports[0].id, reports[2].id], "resolve")
    assert again.done == [reports[2].id] and list(again.failed) == [reports[0].id]
