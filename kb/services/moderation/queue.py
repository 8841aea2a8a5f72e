"""What waits for a moderator: submissions, edits of published examples, open reports."""
from dataclasses import dataclass, field

from sqlalchemy import func, select

from kb.database import db
from kb.models import Example, Report, Revision
from kb.services import permissions as perm
from kb.services.moderation.diff import FieldDiff, diff_records
from kb.services.records import to_record

QUEUE_LIMIT = 100


@dataclass
class PendingEdit:
    """An edit of a published example awaiting review, with its readable diff."""

    example: Example
    revision: Revision
    diff: list[FieldDiff]


@dataclass
class Queue:
    """What waits for a moderator, with the totals (the lists may be cut at QUEUE_LIMIT)."""

    submitted: list[Example] = field(default_factory=list)
    edits: list[PendingEdit] = field(default_factory=list)
    reports: list[Report] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def _count(query) -> int:
    """The number of rows a select would return."""
    return db.session.scalar(select(func.count()).select_from(query.subquery()))


def _submitted_query():
    """Submitted examples, oldest submission first."""
    return (select(Example).where(Example.status == "submitted")
            .order_by(Example.submitted_at, Example.id))


def _pending_query():
    """Pending revisions of published examples, oldest first."""
    return (select(Revision).join(Revision.example)
            .where(Revision.state == "pending", Example.status == "published")
            .order_by(Revision.created_at, Revision.id))


def _open_reports_query():
    """Open reports, oldest first."""
    return select(Report).where(Report.status == "open").order_by(Report.created_at, Report.id)


def queue(actor) -> Queue:
    """The moderation queue: new submissions, pending edits and open reports, with counts."""
    perm.require(perm.can_moderate_example(actor))
    perm.require(perm.can_handle_reports(actor))
    revisions = db.session.scalars(_pending_query().limit(QUEUE_LIMIT))
    return Queue(
        submitted=list(db.session.scalars(_submitted_query().limit(QUEUE_LIMIT))),
        edits=[PendingEdit(r.example, r, diff_records(to_record(r.example), r.data))
               for r in revisions],
        reports=list(db.session.scalars(_open_reports_query().limit(QUEUE_LIMIT))),
        counts={"submitted": _count(_submitted_query()), "edits": _count(_pending_query()),
                "reports": _count(_open_reports_query())})
