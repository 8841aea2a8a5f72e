"""Bulk moderation: one decision for several submissions or reports at once. Each item is
decided as it would be alone (its own transaction, the same rules and history), so a
failure leaves that item as it was and the others decided; the outcome says which."""
from dataclasses import dataclass, field

from flask_babel import gettext as _

from kb.database import db
from kb.models import Example, Report
from kb.services import permissions as perm
from kb.services.errors import DomainError, Invalid
from kb.services.moderation.decisions import DECISIONS, clean_reason, decide
from kb.services.moderation.reports import dismiss_report, resolve_report
from kb.util import parse_int

REPORT_ACTIONS = {"resolve": resolve_report, "dismiss": dismiss_report}
MAX_ITEMS = 100


@dataclass
class BulkOutcome:
    """Which items were decided and why the others were not."""

    decision: str
    done: list[int] = field(default_factory=list)
    failed: dict[int, tuple[str, str]] = field(default_factory=dict)  # id: (what, why)


def _ids(raw_ids, decision: str) -> list[int]:
    """The chosen ids: whole numbers, each once, at least one and at most MAX_ITEMS."""
    ids = [parse_int(str(value), 1) for value in raw_ids]
    if any(value is None for value in ids):
        raise Invalid({"ids": _("alleen nummers van voorbeelden of meldingen")})
    ids = list(dict.fromkeys(ids))
    if not ids:
        raise Invalid({"ids": _("Kies minstens één inzending of bewerking.")
                       if decision in DECISIONS else _("Kies minstens één melding.")})
    if len(ids) > MAX_ITEMS:
        raise Invalid({"ids": _("hoogstens %(max)d tegelijk", max=MAX_ITEMS)})
    return ids


def _label(decision: str, item_id: int) -> str:
    """What an item is, for the message about it: its example's title or its number."""
    if decision in DECISIONS:
        example = db.session.get(Example, item_id)
    else:
        report = db.session.get(Report, item_id)
        example = report.example if report is not None else None
    return f"“{example.title}”" if example is not None else f"#{item_id}"


def _problem(exc: DomainError) -> str:
    """A refusal in words."""
    errors = getattr(exc, "errors", None)
    if isinstance(errors, dict) and errors:
        return "; ".join(str(message) for message in errors.values())
    return _("niet (meer) te beoordelen")


def decide_many(actor, raw_ids, decision: str, reason: str | None = "") -> BulkOutcome:
    """Publish, ask changes or reject several examples (with one reason), or resolve or
    dismiss several reports; Invalid when the request itself is wrong (nothing done)."""
    perm.require(perm.can_decide_many(actor))
    if decision not in (*DECISIONS, *REPORT_ACTIONS):
        raise Invalid({"decision": _("Kies publiceren, aanpassingen vragen, afwijzen, "
                                     "afhandelen of terzijde leggen.")})
    ids = _ids(raw_ids, decision)
    note = clean_reason(decision, reason) if decision in DECISIONS else (reason or "")
    outcome = BulkOutcome(decision)
    for item_id in ids:
        try:
            if decision in DECISIONS:
                decide(actor, item_id, decision, note)
            else:
                REPORT_ACTIONS[decision](actor, item_id, note)
        except DomainError as exc:  # refused, not found, or no longer waiting
            outcome.failed[item_id] = (_label(decision, item_id), _problem(exc))
        else:
            outcome.done.append(item_id)
    return outcome
