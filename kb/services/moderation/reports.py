"""Reports: members flag an example, moderators resolve or dismiss the flag."""

from flask_babel import gettext as _
from sqlalchemy import select

from kb.database import db
from kb.models import Example, Report
from kb.services import audit, notifications
from kb.services import permissions as perm
from kb.services.errors import Invalid, NotFound
from kb.services.examples import get_example
from kb.services.moderation.shared import MAX_REASON, clean_note
from kb.services.transactions import unit_of_work
from kb.util import utcnow

MIN_REPORT = 3


@unit_of_work
def report_example(actor, example_id: int, reason: str | None) -> Report:
    """Flag an example for the moderators, with the reporter's reason."""
    example = get_example(actor, example_id)
    perm.require(perm.can_report_example(actor, example))
    reason = (reason or "").replace("\r\n", "\n").strip()
    if len(reason) < MIN_REPORT:
        raise Invalid({"reason": _("Beschrijf in minstens %(min)d tekens wat er mis is.",
                                   min=MIN_REPORT)})
    if len(reason) > MAX_REASON:
        raise Invalid({"reason": _("Hoogstens %(max)d tekens (nu %(n)d).",
                                   max=MAX_REASON, n=len(reason))})
    already = db.session.scalar(select(Report.id).where(
        Report.example_id == example.id, Report.reporter_id == actor.id,
        Report.status == "open"))
    if already is not None:  # one open flag per person is enough for the moderators
        raise Invalid({"reason": _("Je hebt dit voorbeeld al gemeld; een moderator kijkt ernaar.")})
    report = Report(example=example, reporter_id=actor.id, reason=reason, status="open")
    db.session.add(report)
    notifications.mail_queue()
    return report


def _handle_report(actor, report_id: int, status: str, note: str | None) -> Report:
    """Close an open report as resolved or dismissed (checked by the caller), keeping who,
    when and the note."""
    report = db.session.get(Report, report_id)
    if report is None:
        raise NotFound()
    note = clean_note(note, "note")
    if report.status != "open":
        raise Invalid({"note": _("Deze melding is al afgehandeld.")})
    report.status, report.resolution = status, note
    report.handled_by_id, report.handled_at = actor.id, utcnow()
    audit.record("moderation_decision", actor, report.reporter, example_id=report.example_id,
                 report_id=report.id, decision=status)
    return report


@unit_of_work
def resolve_report(actor, report_id: int, note: str | None = "") -> Report:
    """Close a report because it was right and has been dealt with."""
    perm.require(perm.can_resolve_report(actor))
    return _handle_report(actor, report_id, "resolved", note)


@unit_of_work
def dismiss_report(actor, report_id: int, note: str | None = "") -> Report:
    """Close a report that needed no action."""
    perm.require(perm.can_dismiss_report(actor))
    return _handle_report(actor, report_id, "dismissed", note)


def open_reports(actor, example: Example) -> list[Report]:
    """The open reports on one example, for the moderator's item page."""
    perm.require(perm.can_handle_reports(actor))
    return [r for r in example.reports if r.status == "open"]
