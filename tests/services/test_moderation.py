"""Moderation services: decisions, edits under review, featuring, archiving, history, reports."""
import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from kb.database import db
from kb.models import Decision, Example, IndexEvent, Report
from kb.services import moderation
from kb.services.errors import Forbidden, Invalid, NotFound
from kb.services.examples import update_example
from kb.services.permissions import SYSTEM
from kb.services.search import parse_request, search
from tests import factories
from tests.factories import record


class Anonymous:
    """A visitor who is not logged in."""

    is_authenticated = False
    is_active = False
    id = None


def found(words: str) -> list[int]:
    """Ids of the published examples a search for words finds (through the real index)."""
    page = search(parse_request(MultiDict({"q": words, "exact": "1"})))
    return [example.id for example, _hit in page.examples]


def snapshot(example_id: int) -> tuple:
    """Everything a refused call must leave as it was."""
    db.session.expire_all()
    example = db.session.get(Example, example_id)
    counts = tuple(db.session.scalar(select(func.count()).select_from(model))
                   for model in (Decision, Report, IndexEvent))
    revisions = tuple((r.id, r.state) for r in example.revisions)
    return (example.status, example.title, example.featured, example.archived_at,
            revisions, counts)


def refused(example_id: int, error, call, *args):
    """Call, expect the error, and find the example and its history as they were."""
    before = snapshot(example_id)
    with pytest.raises(error) as info:
        call(*args)
    assert snapshot(example_id) == before
    return info.value


def published_with_edit(title="De oorspronkelijke titel", new_title="Een verbeterde titel"):
    """A published example of a participant, with the author's edit waiting for review."""
    author = factories.user()
    example = factories.example("published", author=author, title=title)
    update_example(author, example.id, record(ref=example.ref, title=new_title))
    return example, author


@pytest.fixture
def moderator(app):
    """A moderator account."""
    return factories.user("moderator")


@pytest.mark.parametrize("decision, status", [("publish", "published"),
                                              ("changes", "changes_requested"),
                                              ("reject", "rejected")])
def test_decision_on_submission_moves_it_and_keeps_the_reason(moderator, decision, status):
    example = factories.example("submitted", author=factories.user())
    moderation.decide(moderator, example.id, decision, "Mooi voorbeeld, dank je.")
    db.session.expire_all()
    example = db.session.get(Example, example.id)
    assert example.status == status
    last = example.decisions[-1]
    assert (last.action, last.reason, last.actor_id) == (decision, "Mooi voorbeeld, dank je.",
                                                         moderator.id)


def test_publishing_a_submission_makes_it_searchable(moderator):
    example = factories.example("submitted", title="Buurtkamer voor mantelzorgers")
    assert found("buurtkamer") == []
    moderation.decide(moderator, example.id, "publish", "")
    assert found("buurtkamer") == [example.id]


@pytest.mark.parametrize("decision", ["changes", "reject"])
@pytest.mark.parametrize("reason", ["", "   \n "])
def test_changes_and_reject_need_a_reason(moderator, decision, reason):
    example = factories.example("submitted")
    error = refused(example.id, Invalid, moderation.decide, moderator, example.id, decision,
                    reason)
    assert set(error.errors) == {"reason"}


def test_reason_has_a_maximum(moderator):
    example = factories.example("submitted")
    with pytest.raises(Invalid) as info:
        moderation.decide(moderator, example.id, "reject", "x" * 2001)
    assert "reason" in info.value.errors
    moderation.decide(moderator, example.id, "reject", "x" * 2000)
    assert db.session.get(Example, example.id).status == "rejected"


def test_unknown_decision_is_refused(moderator):
    example = factories.example("submitted")
    error = refused(example.id, Invalid, moderation.decide, moderator, example.id, "delete",
                    "weg ermee")
    assert set(error.errors) == {"decision"}


@pytest.mark.parametrize("status", ["draft", "published", "changes_requested", "rejected",
                                    "archived"])
def test_nothing_to_decide_without_submission_or_pending_edit(moderator, status):
    example = factories.example(status, author=factories.user())
    error = refused(example.id, Invalid, moderation.decide, moderator, example.id, "publish")
    assert "decision" in error.errors


def test_unknown_example_is_not_found(moderator):
    with pytest.raises(NotFound):
        moderation.decide(moderator, 999_999, "publish", "")


def test_publishing_an_edit_applies_it_and_search_follows(moderator):
    example, author = published_with_edit(title="Wandelgroep langs de Vliet",
                                          new_title="Fietsgroep langs de Singel")
    assert found("vliet") == [example.id] and found("singel") == []
    moderation.decide(moderator, example.id, "publish", "")
    db.session.expire_all()
    example = db.session.get(Example, example.id)
    assert example.title == "Fietsgroep langs de Singel" and example.status == "published"
    assert [r.state for r in example.revisions] == ["applied", "applied"]
    last = example.decisions[-1]
    assert (last.action, last.reason, last.on_edit) == ("publish", "", True)
    assert moderation.history(SYSTEM, example.id)[0].on_edit
    assert found("singel") == [example.id]
    assert found("vliet") == []


@pytest.mark.parametrize("decision", ["changes", "reject"])
def test_sending_back_an_edit_keeps_the_published_text(moderator, decision):
    example, author = published_with_edit(title="Wandelgroep langs de Vliet",
                                          new_title="Fietsgroep langs de Singel")
    moderation.decide(moderator, example.id, decision, "Graag de bron noemen.")
    db.session.expire_all()
    example = db.session.get(Example, example.id)
    assert example.title == "Wandelgroep langs de Vliet" and example.status == "published"
    kept = ["asked"] if decision == "changes" else []  # the edit as it was when sent back
    assert [r.state for r in example.revisions] == ["applied", "discarded", *kept]
    assert moderation.pending_diff(example) is None
    entry = moderation.history(author, example.id)[0]  # what the author reads
    assert (entry.action, entry.on_edit, entry.reason) == (
        decision, True, "Graag de bron noemen.")
    assert found("vliet") == [example.id] and found("singel") == []


def test_edit_that_is_no_longer_valid_is_not_published(moderator):
    example, _author = published_with_edit()
    revision = moderation.edit_to_decide(example)
    revision.data = {**revision.data, "level": "verdwenen"}  # the taxonomy moved on
    db.session.commit()
    error = refused(example.id, Invalid, moderation.decide, moderator, example.id, "publish")
    assert "decision" in error.errors


def test_pending_diff_shows_only_changed_fields_with_readable_values(app):
    example, _author = published_with_edit()
    revision = moderation.edit_to_decide(example)
    revision.data = {**revision.data, "themes": ["eenzaamheid", "mantelzorg"],
                     "body": example.body + "\n\nEen nieuwe alinea."}
    db.session.commit()
    diff = {change.name: change for change in moderation.pending_diff(example)}
    assert set(diff) == {"title", "themes", "body"}
    assert ("removed", "De oorspronkelijke titel") in diff["title"].lines
    assert ("added", "Een verbeterde titel") in diff["title"].lines
    assert ("added", "Mantelzorg") in diff["themes"].lines  # labels, not slugs
    assert ("added", "Een nieuwe alinea.") in diff["body"].lines


def test_no_diff_without_a_pending_edit(app):
    assert moderation.pending_diff(factories.example("published")) is None


def test_queue_lists_submissions_oldest_first_edits_and_open_reports(moderator):
    first = factories.example("submitted", title="Eerst ingediend voorbeeld")
    second = factories.example("submitted", title="Later ingediend voorbeeld")
    factories.example("draft")
    edited, _author = published_with_edit()
    reported = factories.example("published")
    moderation.report_example(factories.user(), reported.id, "Dit klopt niet meer.")
    queue = moderation.queue(moderator)
    assert [e.id for e in queue.submitted] == [first.id, second.id]
    assert [edit.example.id for edit in queue.edits] == [edited.id]
    assert [change.name for change in queue.edits[0].diff] == ["title"]
    assert [r.example_id for r in queue.reports] == [reported.id]
    assert queue.counts == {"submitted": 2, "edits": 1, "reports": 1}


def test_feature_and_unfeature_record_decisions(moderator):
    example = factories.example("published")
    moderation.feature(moderator, example.id)
    assert db.session.get(Example, example.id).featured
    moderation.feature(moderator, example.id)  # a second click changes nothing
    moderation.unfeature(moderator, example.id)
    example = db.session.get(Example, example.id)
    assert not example.featured
    assert [d.action for d in example.decisions][-2:] == ["feature", "unfeature"]


@pytest.mark.parametrize("status", ["draft", "submitted", "rejected", "archived"])
def test_only_published_examples_are_featured(moderator, status):
    example = factories.example(status)
    refused(example.id, Invalid, moderation.feature, moderator, example.id)


def test_archive_hides_from_search_and_restore_brings_back(moderator):
    example = factories.example("published", title="Ontmoetingsplek in de bibliotheek")
    assert found("bibliotheek") == [example.id]
    moderation.archive(moderator, example.id, "Verouderd")
    db.session.expire_all()
    example = db.session.get(Example, example.id)
    assert example.status == "archived" and example.archived_by_id == moderator.id
    assert example.archived_at is not None
    last = example.decisions[-1]
    assert (last.action, last.reason) == ("archive", "Verouderd")
    assert found("bibliotheek") == []
    moderation.restore(moderator, example.id)
    example = db.session.get(Example, example.id)
    assert example.status == "published"
    assert example.archived_at is None and example.archived_by_id is None
    assert found("bibliotheek") == [example.id]


@pytest.mark.parametrize("service, status", [(moderation.archive, "submitted"),
                                             (moderation.archive, "archived"),
                                             (moderation.restore, "published"),
                                             (moderation.restore, "draft")])
def test_archive_and_restore_only_from_the_right_status(moderator, service, status):
    example = factories.example(status)
    refused(example.id, Invalid, service, moderator, example.id)


def _participant_attempts(example, report):
    """Every moderator-only call, as (service, args)."""
    return [(moderation.decide, (example.id, "publish", "")),
            (moderation.decide, (example.id, "reject", "Nee.")),
            (moderation.feature, (example.id,)),
            (moderation.unfeature, (example.id,)),
            (moderation.archive, (example.id,)),
            (moderation.restore, (example.id,)),
            (moderation.resolve_report, (report.id, "")),
            (moderation.dismiss_report, (report.id, ""))]


@pytest.mark.parametrize("actor_kind", ["participant", "author", "anonymous"])
def test_others_than_moderators_are_refused_and_nothing_changes(app, actor_kind):
    author = factories.user()
    example = factories.example("submitted", author=author)
    reported = factories.example("published")
    report = moderation.report_example(factories.user(), reported.id, "Klopt niet.")
    actor = {"participant": factories.user(), "author": author, "anonymous": Anonymous()}[
        actor_kind]
    for service, args in _participant_attempts(example, report):
        before = snapshot(reported.id)
        refused(example.id, Forbidden, service, actor, *args)
        assert snapshot(reported.id) == before, service.__name__
    with pytest.raises(Forbidden):
        moderation.queue(actor)


def test_history_for_moderators_and_the_author_only(moderator):
    author = factories.user()
    example = factories.example("submitted", author=author)
    moderation.decide(moderator, example.id, "changes", "Voeg de resultaten toe.")
    for reader in (moderator, author):
        entries = moderation.history(reader, example.id)
        assert [e.action for e in entries] == ["changes", "submit"]
        assert entries[0].reason == "Voeg de resultaten toe."
        assert entries[0].actor_id == moderator.id
    with pytest.raises(NotFound):  # not published: others may not know it exists
        moderation.history(factories.user(), example.id)
    published = factories.example("published", author=author)
    with pytest.raises(Forbidden):
        moderation.history(factories.user(), published.id)
    with pytest.raises(Forbidden):
        moderation.history(Anonymous(), published.id)


def test_member_reports_a_published_example(app):
    reporter = factories.user()
    example = factories.example("published")
    report = moderation.report_example(reporter, example.id, "  De link werkt niet meer.  ")
    stored = db.session.get(Report, report.id)
    assert (stored.status, stored.reason, stored.reporter_id) == (
        "open", "De link werkt niet meer.", reporter.id)
    with pytest.raises(Invalid) as info:  # once is enough while it is open
        moderation.report_example(reporter, example.id, "Nog steeds kapot.")
    assert "reason" in info.value.errors


@pytest.mark.parametrize("reason", ["", "ab", "x" * 2001, None])
def test_report_reason_is_three_to_2000_characters(app, reason):
    example = factories.example("published")
    with pytest.raises(Invalid) as info:
        moderation.report_example(factories.user(), example.id, reason)
    assert set(info.value.errors) == {"reason"}
    assert db.session.scalar(select(func.count()).select_from(Report)) == 0


def test_only_visible_examples_can_be_reported_and_only_by_members(app):
    hidden = factories.example("submitted", author=factories.user())
    with pytest.raises(NotFound):
        moderation.report_example(factories.user(), hidden.id, "Wat is dit?")
    with pytest.raises(Forbidden):
        moderation.report_example(Anonymous(), factories.example("published").id, "Klopt niet.")
    blocked = factories.user()
    blocked.active = False
    db.session.commit()
    with pytest.raises(Forbidden):
        moderation.report_example(blocked, factories.example("published").id, "Klopt niet.")
    assert db.session.scalar(select(func.count()).select_from(Report)) == 0


@pytest.mark.parametrize("service, status", [(moderation.resolve_report, "resolved"),
                                             (moderation.dismiss_report, "dismissed")])
def test_moderator_closes_a_report_once(moderator, service, status):
    example = factories.example("published")
    report = moderation.report_example(factories.user(), example.id, "Verouderde cijfers.")
    service(moderator, report.id, "Auteur gemaild.")
    db.session.expire_all()
    report = db.session.get(Report, report.id)
    assert (report.status, report.resolution, report.handled_by_id) == (
        status, "Auteur gemaild.", moderator.id)
    assert report.handled_at is not None
    assert moderation.queue(moderator).counts["reports"] == 0
    with pytest.raises(Invalid):
        service(moderator, report.id, "Nog eens.")
    with pytest.raises(NotFound):
        service(moderator, 999_999, "")
