"""What several moderation operations use: the example acted on, its edit awaiting a
decision, a moderator's note cleaned."""

from flask_babel import gettext as _

from kb.database import db
from kb.models import Example, Revision
from kb.services.errors import Invalid, NotFound
from kb.services.examples import pending_edit

MAX_REASON = 2000  # characters of a reason or note



def edit_to_decide(example: Example) -> Revision | None:
    """The edit awaiting a decision: only a published example's (an archived one's waits)."""
    return pending_edit(example) if example.status == "published" else None


def moderated_example(example_id: int) -> Example:
    """The example a moderator acts on (the operation has checked its permission);
    NotFound when missing."""
    example = db.session.get(Example, example_id)
    if example is None:
        raise NotFound()
    return example


def clean_note(note: str | None, name: str) -> str:
    """An optional note of at most MAX_REASON characters."""
    note = (note or "").replace("\r\n", "\n").strip()
    if len(note) > MAX_REASON:
        raise Invalid({name: _("Hoogstens %(max)d tekens (nu %(n)d).",
                               max=MAX_REASON, n=len(note))})
    return note
