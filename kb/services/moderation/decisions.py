"""Decisions on submissions and on edits of published examples, and their history."""

from flask_babel import gettext as _

from kb.database import db
from kb.models import Decision, Example, Revision
from kb.services import audit, notifications
from kb.services import permissions as perm
from kb.services.errors import Invalid
from kb.services.examples import (
    apply_record,
    check_ref_free,
    get_example,
    keep_asked,
    set_status,
)
from kb.services.moderation.shared import MAX_REASON, edit_to_decide, moderated_example
from kb.services.records import validate_record
from kb.services.taxonomy import terms_by_kind
from kb.services.transactions import record_index_event, unit_of_work
from kb.util import utcnow

# decision -> the status a submitted example moves to
DECISIONS = {"publish": "published", "changes": "changes_requested", "reject": "rejected"}
ANSWERS = (*DECISIONS, "archive", "restore")  # what a moderator tells an author
SUPERSEDING = ("submit", "withdraw", "import")  # after these an earlier answer is old news


def history(actor, example_id: int) -> list[Decision]:
    """Who decided what, when and why on an example: for moderators and its author."""
    example = get_example(actor, example_id)
    perm.require(perm.can_view_history(actor, example))
    return sorted(example.decisions, key=lambda d: d.id, reverse=True)


def moderator_reaction(decisions: list[Decision]) -> Decision | None:
    """The moderator's answer to the author, with its reason, while it is the latest word:
    not once the author submitted or withdrew again, or an import replaced the text."""
    steps = [d for d in decisions if d.action in (*ANSWERS, *SUPERSEDING)]
    latest = max(steps, key=lambda d: d.id, default=None)
    if latest is None or latest.action not in ANSWERS or not latest.reason:
        return None
    return latest


def clean_reason(decision: str, reason: str | None) -> str:
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
    example.checked_at = utcnow()  # a moderator read it all again
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
    if decision == "changes":
        keep_asked(example, revision.data, on_edit=True)
    db.session.add(Decision(example=example, actor_id=actor.id, action=decision,
                            reason=reason, on_edit=True))


@unit_of_work
def decide(actor, example_id: int, decision: str, reason: str | None = "") -> Example:
    """Decide on a submitted example or a pending edit: publish, changes or reject."""
    perm.require(perm.can_decide(actor))
    example = moderated_example(example_id)
    reason = clean_reason(decision, reason)
    revision = edit_to_decide(example)
    on_edit = example.status != "submitted"
    if not on_edit:
        set_status(example, DECISIONS[decision], actor, reason)
    elif revision is not None:
        _decide_edit(example, revision, actor, decision, reason)
    else:
        raise Invalid({"decision": _("Er is niets te beoordelen: dit voorbeeld is niet "
                                     "ingediend en heeft geen bewerking die wacht.")})
    audit.record("moderation_decision", actor, example.author, example_id=example.id,
                 decision=decision, on_edit=on_edit)
    notifications.decided(actor, example, decision, reason, on_edit)
    return example
