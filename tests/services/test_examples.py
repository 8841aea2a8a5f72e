"""Example services: history, index events, all-or-nothing, visibility and edits under review."""
import pytest
from sqlalchemy import func, select

from kb.database import db
from kb.models import STATUSES, Decision, Example, IndexEvent, Revision
from kb.services.errors import Forbidden, Invalid, NotFound
from kb.services.examples import (
    TRANSITIONS,
    create_example,
    get_example,
    pending_edit,
    set_status,
    update_example,
    withdraw_example,
)
from kb.services.permissions import SYSTEM
from kb.services.throttle import TooMany
from tests import factories
from tests.factories import record


class Anonymous:
    """A visitor who is not logged in."""

    is_authenticated = False
    is_active = False
    id = None


def test_create_writes_draft_with_revision_and_index_event(app):
    author = factories.user()
    example = create_example(author, record(), submit=False)
    assert example.status == "draft" and example.author_id == author.id
    assert [r.note for r in example.revisions] == ["created"]
    assert db.session.scalar(select(IndexEvent.example_id)) == example.id


def test_create_and_submit_records_the_decision(app):
    example = create_example(factories.user(), record(), submit=True)
    assert example.status == "submitted" and example.submitted_at is not None
    assert [d.action for d in example.decisions] == ["submit"]


def test_refused_create_leaves_nothing(app):
    with pytest.raises(Invalid) as info:
        create_example(factories.user(), record(level="groot"))
    assert "level" in info.value.errors
    for model in (Example, Revision, IndexEvent, Decision):
        assert db.session.scalar(select(func.count()).select_from(model)) == 0


def test_anonymous_cannot_create(app):
    with pytest.raises(Forbidden):
        create_example(Anonymous(), record())


def test_ref_must_be_unique(app):
    factories.example(ref="shared")
    with pytest.raises(Invalid) as info:
        create_example(factories.user(), record(ref="shared"))
    assert "ref" in info.value.errors


@pytest.mark.parametrize("status", ["draft", "submitted", "changes_requested", "rejected",
                                    "archived"])
def test_unpublished_examples_are_hidden_from_others(app, status):
    author = factories.user()
    example = factories.example(status, author=author)
    other = factories.user()
    for viewer in (Anonymous(), other):
        with pytest.raises(NotFound):
            get_example(viewer, example.id)
    assert get_example(author, example.id).id == example.id
    assert get_example(factories.user("moderator"), example.id).id == example.id


def test_unknown_example_is_not_found(app):
    with pytest.raises(NotFound):
        get_example(SYSTEM, 999_999)


def test_author_edit_of_published_example_waits_for_review(app):
    author = factories.user()
    example = factories.example("published", author=author, title="De oorspronkelijke titel")
    update_example(author, example.id, record(ref=example.ref, title="Een betere nieuwe titel"))
    db.session.expire_all()
    example = db.session.get(Example, example.id)
    assert example.title == "De oorspronkelijke titel"
    pending = [r for r in example.revisions if r.state == "pending"]
    assert len(pending) == 1 and pending[0].data["title"] == "Een betere nieuwe titel"


def test_moderator_edit_of_published_example_applies_at_once(app):
    example = factories.example("published", title="De oorspronkelijke titel")
    update_example(factories.user("moderator"), example.id,
                   record(ref=example.ref, title="Door moderator verbeterd"))
    assert db.session.get(Example, example.id).title == "Door moderator verbeterd"


def test_others_cannot_edit(app):
    example = factories.example("draft", author=factories.user())
    with pytest.raises(NotFound):
        update_example(factories.user(), example.id, record())


def test_status_flow_refuses_skipping_steps(app):
    example = factories.example("draft")
    with pytest.raises(Invalid):
        set_status(example, "published", SYSTEM)


def test_archive_keeps_who_and_when(app):
    moderator = factories.user("moderator")
    example = factories.example("published")
    set_status(example, "archived", moderator)
    assert example.archived_at is not None and example.archived_by_id == moderator.id
    set_status(example, "published", moderator)
    assert example.archived_at is None


def test_every_transition_of_the_status_flow_is_allowed_and_no_other(app):
    allowed = {("draft", "submitted"), ("changes_requested", "submitted"),
               ("rejected", "submitted"), ("submitted", "draft"), ("submitted", "published"),
               ("submitted", "changes_requested"), ("submitted", "rejected"),
               ("published", "archived"), ("archived", "published")}
    assert set(TRANSITIONS) == allowed
    for start in STATUSES:
        for target in STATUSES:
            item = factories.example(start)
            if (start, target) in allowed:
                set_status(item, target, SYSTEM, reason="test")
                db.session.commit()
                assert item.status == target
            else:
                with pytest.raises(Invalid):
                    set_status(item, target, SYSTEM)
                db.session.rollback()
                db.session.refresh(item)
                assert item.status == start


def test_author_withdraws_a_submission_back_to_draft(app):
    author = factories.user()
    item = factories.example("submitted", author=author)
    withdraw_example(author, item.id)
    assert item.status == "draft"
    assert item.decisions[-1].action == "withdraw"


def test_author_withdraws_a_pending_edit_and_the_published_text_stays(app):
    author = factories.user()
    item = factories.example("published", author=author, title="Gepubliceerde titel")
    update_example(author, item.id, record(title="Voorgestelde titel", ref=item.ref))
    assert pending_edit(item) is not None
    withdraw_example(author, item.id)
    assert pending_edit(item) is None
    assert (item.status, item.title) == ("published", "Gepubliceerde titel")


@pytest.mark.parametrize("status", ["draft", "published", "changes_requested", "archived"])
def test_nothing_to_withdraw_is_refused(app, status):
    author = factories.user()
    item = factories.example(status, author=author)
    with pytest.raises(Forbidden):
        withdraw_example(author, item.id)
    assert item.status == status


def test_submissions_per_account_are_limited(app):
    app.config["ACCOUNT_LIMITS"] = {**app.config["ACCOUNT_LIMITS"], "submit": (2, 3600)}
    author = factories.user()
    for _n in range(2):
        create_example(author, record(), submit=True)
    with pytest.raises(TooMany):
        create_example(author, record(), submit=True)
    assert create_example(author, record()).status == "draft"  # drafts are not limited
    assert db.session.scalar(select(func.count(Example.id))) == 3


def test_contact_opt_in_is_kept_and_changed_without_review(app):
    author = factories.user()
    item = create_example(author, record(), submit=True, contact_opt_in=True)
    assert item.contact_opt_in
    set_status(item, "published", SYSTEM)
    db.session.commit()
    update_example(author, item.id, record(ref=item.ref), contact_opt_in=False)
    assert item.contact_opt_in is False
