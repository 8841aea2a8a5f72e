"""A resubmission: what changed since a moderator last asked for changes."""
from dataclasses import dataclass

from kb.models import Decision, Example, Revision
from kb.models.example import ASKED
from kb.services import permissions as perm
from kb.services.moderation.decisions import DECISIONS
from kb.services.moderation.diff import FieldDiff, diff_records
from kb.services.moderation.shared import edit_to_decide
from kb.services.records import to_record


@dataclass
class SinceAsked:
    """The request for changes (who, when, why) and what changed since, field by field."""

    request: Decision
    diff: list[FieldDiff]


def _last_answer(example: Example, on_edit: bool) -> Decision | None:
    """The newest moderator's answer (publish, changes, reject) on submissions, or on edits."""
    answers = [d for d in example.decisions if d.action in DECISIONS and d.on_edit == on_edit]
    return max(answers, key=lambda d: d.id, default=None)


def _version_of(revision: Revision, on_edit: bool) -> bool:
    """A revision holding a version of the edit (on_edit) or of the example's own text."""
    if on_edit:
        return revision.note == "edit" and revision.state != "pending"
    return revision.state == "applied"


def _text_when_asked(example: Example, request: Decision) -> dict | None:
    """The text the moderator asked changes to: kept with the request (since this was
    added); for an older request, the newest version of that text written before it."""
    note = "edit" if request.on_edit else "submission"
    kept = [r for r in example.revisions if r.state == ASKED and r.note == note]
    if kept:
        return max(kept, key=lambda r: r.id).data
    earlier = [r for r in example.revisions
               if _version_of(r, request.on_edit) and r.created_at <= request.created_at]
    return max(earlier, key=lambda r: (r.created_at, r.id)).data if earlier else None


def changes_since_asked(actor, example: Example) -> SinceAsked | None:
    """For a submission or edit sent back with 'changes' and offered again: the changes
    since that request (None when it is not such a resubmission)."""
    perm.require(perm.can_moderate_example(actor, example))
    edit = edit_to_decide(example)
    if example.status != "submitted" and edit is None:
        return None
    on_edit = example.status != "submitted"
    request = _last_answer(example, on_edit)
    if request is None or request.action != "changes":
        return None
    before = _text_when_asked(example, request)
    if before is None:
        return None
    now = edit.data if on_edit else to_record(example)
    return SinceAsked(request, diff_records(before, now))
