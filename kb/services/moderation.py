"""Moderation: the queue, decisions on submissions and edits, featuring, archiving, reports."""
import difflib
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import func, select

from kb.database import db
from kb.models import Decision, Example, Report, Revision
from kb.services import permissions as perm
from kb.services.base import record_index_event, unit_of_work
from kb.services.errors import Invalid, NotFound
from kb.services.examples import apply_record, check_ref_free, get_example, set_status
from kb.services.examples import pending_revision as awaiting_review
from kb.services.records import FIELDS, MULTI_TERMS, SINGLE_TERMS, to_record, validate_record
from kb.services.taxonomy import terms_by_kind
from kb.util import utcnow

# decision -> the status a submitted example moves to
DECISIONS = {"publish": "published", "changes": "changes_requested", "reject": "rejected"}
MAX_REASON = 2000
MIN_REPORT = 3
QUEUE_LIMIT = 100
DIFF_CONTEXT = 2  # unchanged lines shown around a change
TERM_KINDS = {**SINGLE_TERMS, **MULTI_TERMS}  # record field -> taxonomy kind


@dataclass
class FieldDiff:
    """One changed record field and its lines as (kind, text), kind same|removed|added, or
    gap for unchanged lines left out."""

    name: str
    lines: list[tuple[str, str]]


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


# -- reading ---------------------------------------------------------------------------------

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


def pending_revision(example: Example) -> Revision | None:
    """The edit awaiting a decision: only a published example's (an archived one's waits)."""
    return awaiting_review(example) if example.status == "published" else None


def _readable(name: str, value, terms: dict) -> list[str]:
    """A record value as lines of text; taxonomy slugs shown by their label."""
    if value is None or value == "" or value == []:
        return []
    kind = TERM_KINDS.get(name)
    values = value if isinstance(value, list) else [value]
    if kind:
        known = terms.get(kind, {})
        return [known[v].label if v in known else str(v) for v in values]
    if isinstance(value, list):
        return [str(v) for v in values]
    return [line for line in str(value).splitlines() if line.strip()]  # blank lines: layout


def _line_diff(old: list[str], new: list[str]) -> list[tuple[str, str]]:
    """Lines marked same, removed or added; long unchanged stretches shrink to a gap."""
    kinds = {"  ": "same", "- ": "removed", "+ ": "added"}
    lines = [(kinds[line[:2]], line[2:]) for line in difflib.ndiff(old, new)
             if line[:2] in kinds]  # difflib's '?' hint lines are for terminals
    changed = [i for i, (kind, _text) in enumerate(lines) if kind != "same"]
    shown, previous = [], -1
    for i, line in enumerate(lines):
        if any(abs(i - c) <= DIFF_CONTEXT for c in changed):
            if previous != i - 1:
                shown.append(("gap", ""))
            shown.append(line)
            previous = i
    if previous != len(lines) - 1:
        shown.append(("gap", ""))
    return shown


def diff_records(old: dict, new: dict) -> list[FieldDiff]:
    """Field-by-field differences between two records: only the fields that changed."""
    terms = terms_by_kind()
    changes = []
    for name in FIELDS:
        before, after = _readable(name, old.get(name), terms), _readable(name, new.get(name), terms)
        if before != after:
            changes.append(FieldDiff(name, _line_diff(before, after)))
    return changes


def pending_diff(example: Example) -> list[FieldDiff] | None:
    """The pending edit against the published record (None when nothing is pending)."""
    revision = pending_revision(example)
    if revision is None:
        return None
    return diff_records(to_record(example), revision.data)


def history_entries(decisions) -> list[Decision]:
    """Decisions, newest first."""
    return sorted(decisions, key=lambda d: d.id, reverse=True)


def history(actor, example_id: int) -> list[Decision]:
    """Who decided what, when and why on an example: for moderators and its author."""
    example = get_example(actor, example_id)
    perm.require(perm.can_view_history(actor, example))
    return history_entries(example.decisions)


# -- deciding --------------------------------------------------------------------------------

def _moderated_example(example_id: int) -> Example:
    """The example a moderator acts on (the operation has checked its permission);
    NotFound when missing."""
    example = db.session.get(Example, example_id)
    if example is None:
        raise NotFound()
    return example


def _clean_reason(decision: str, reason: str | None) -> str:
    """The reason, stripped; required unless the decision is to publish."""
    reason = (reason or "").replace("\r\n", "\n").strip()
    if decision not in DECISIONS:
        raise Invalid({"decision": _("Kies publiceren, aanpassingen vragen of afwijzen.")})
    if decision != "publish" and not reason:
        raise Invalid({"reason": _("Geef een reden, zodat de auteur weet wat er moet gebeuren.")})
    if len(reason) > MAX_REASON:
        raise Invalid({"reason": _("Hoogstens %(max)d tekens (nu %(n)d).",
                                   max=MAX_REASON, n=len(reason))})
    return reason


def _publish_edit(example: Example, revision: Revision, actor, reason: str) -> None:
    """Make the pending edit the published text (re-validated: the taxonomy may have moved)."""
    try:
        clean = validate_record(revision.data, terms_by_kind())
    except Invalid as exc:
        problems = "; ".join(f"{k}: {v}" for k, v in exc.errors.items())
        reason = _("De bewerking is niet meer geldig (%(problems)s). Vraag de auteur om "
                   "aanpassingen.", problems=problems)
        raise Invalid({"decision": reason}) from None
    try:
        check_ref_free(clean.ref, example.id)
    except Invalid:
        raise Invalid({"decision": _("Het kenmerk van de bewerking is al in gebruik.")}) from None
    apply_record(example, clean)
    revision.state = "applied"
    db.session.add(Decision(example=example, actor_id=actor.id, action="publish",
                            reason=reason, on_edit=True))
    record_index_event(example.id)


def _decide_edit(example: Example, revision: Revision, actor, decision: str,
                 reason: str) -> None:
    """Publish or send back an author's edit; the published text stays unless published."""
    if decision == "publish":
        _publish_edit(example, revision, actor, reason)
        return
    revision.state = "discarded"
    db.session.add(Decision(example=example, actor_id=actor.id, action=decision,
                            reason=reason, on_edit=True))


@unit_of_work
def decide(actor, example_id: int, decision: str, reason: str | None = "") -> Example:
    """Decide on a submitted example or a pending edit: publish, changes or reject."""
    perm.require(perm.can_decide(actor))
    example = _moderated_example(example_id)
    reason = _clean_reason(decision, reason)
    revision = pending_revision(example)
    if example.status == "submitted":
        set_status(example, DECISIONS[decision], actor, reason)
    elif revision is not None:
        _decide_edit(example, revision, actor, decision, reason)
    else:
        raise Invalid({"decision": _("Er is niets te beoordelen: dit voorbeeld is niet "
                                     "ingediend en heeft geen bewerking die wacht.")})
    return example


# -- featuring and archiving ------------------------------------------------------------------

@unit_of_work
def set_featured(actor, example_id: int, featured: bool) -> Example:
    """Feature a published example on the home page, or stop featuring it."""
    perm.require(perm.can_set_featured(actor))
    example = _moderated_example(example_id)
    if example.status != "published":
        raise Invalid({"featured": _("Alleen gepubliceerde voorbeelden kun je uitlichten.")})
    if example.featured != featured:  # a repeated click changes nothing and records nothing
        example.featured = featured
        db.session.add(Decision(example=example, actor_id=actor.id,
                                action="feature" if featured else "unfeature", reason=""))
    return example


def feature(actor, example_id: int) -> Example:
    """Feature a published example on the home page."""
    return set_featured(actor, example_id, True)


def unfeature(actor, example_id: int) -> Example:
    """Stop featuring an example."""
    return set_featured(actor, example_id, False)


def _clean_note(note: str | None, name: str) -> str:
    """An optional note of at most MAX_REASON characters."""
    note = (note or "").replace("\r\n", "\n").strip()
    if len(note) > MAX_REASON:
        raise Invalid({name: _("Hoogstens %(max)d tekens (nu %(n)d).",
                               max=MAX_REASON, n=len(note))})
    return note


def _move(actor, example_id: int, reason: str | None, source: str, target: str,
          refusal: str) -> Example:
    """Archive or restore (checked by the caller): one status move, with an optional note
    for the history."""
    example = _moderated_example(example_id)
    reason = _clean_note(reason, "reason")
    if example.status != source:
        raise Invalid({"status": refusal})
    set_status(example, target, actor, reason)
    return example


@unit_of_work
def archive(actor, example_id: int, reason: str | None = "") -> Example:
    """Take a published example out of sight, keeping who archived it and when."""
    perm.require(perm.can_archive(actor))
    return _move(actor, example_id, reason, "published", "archived",
                 _("Alleen gepubliceerde voorbeelden kun je archiveren."))


@unit_of_work
def restore(actor, example_id: int, reason: str | None = "") -> Example:
    """Publish an archived example again."""
    perm.require(perm.can_restore(actor))
    return _move(actor, example_id, reason, "archived", "published",
                 _("Alleen gearchiveerde voorbeelden kun je herstellen."))


# -- reports ----------------------------------------------------------------------------------

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
    return report


def _handle_report(actor, report_id: int, status: str, note: str | None) -> Report:
    """Close an open report as resolved or dismissed (checked by the caller), keeping who,
    when and the note."""
    report = db.session.get(Report, report_id)
    if report is None:
        raise NotFound()
    note = _clean_note(note, "note")
    if report.status != "open":
        raise Invalid({"note": _("Deze melding is al afgehandeld.")})
    report.status, report.resolution = status, note
    report.handled_by_id, report.handled_at = actor.id, utcnow()
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
