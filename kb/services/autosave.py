"""The example form saved as one types: what a participant typed is kept on the server
(and restored when the form opens again) until the form is saved or the text discarded,
so that a closed tab or an expired session loses nothing."""
from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from kb import taxonomy
from kb.database import db
from kb.models import Autosave, Example, Revision
from kb.models.autosave import NEW
from kb.models.example import ASKED
from kb.services import permissions as perm
from kb.services.errors import Invalid
from kb.services.records import PRACTICAL, TEXT_LIMITS
from kb.services.transactions import unit_of_work
from kb.util import utcnow

TEXTS = ("title", "summary", "body", "impact", "evidence", *PRACTICAL, "organisation",
         "municipality", "leeratelier", "learning_question")
# Longer than a record allows, so that a text being shortened is kept as typed; the form
# says what is too long when it is saved.
KEPT_LENGTH = {**{name: max(2 * TEXT_LIMITS[name][2], 1000) for name in TEXTS},
               "year": 20, "links": 30_000, "contact_opt_in": 10,
               **{kind.field: 100 for kind in taxonomy.SINGLE}}
MULTI = tuple(kind.field for kind in taxonomy.MULTI)
MAX_CHOICES = 50  # values of one checkbox group
MAX_CHOICE_LENGTH = 100


def _example_slot(actor, example_id: int | None) -> tuple[Example | None, int]:
    """The example being edited (NotFound when the actor may not see it) and its slot."""
    if example_id is None:
        return None, NEW
    example = db.session.get(Example, example_id)
    perm.require_visible(actor, example)
    return example, example.id


def clean_fields(form) -> dict[str, list[str]]:
    """The example form's values (a MultiDict) that are kept, each checked against its
    length; other names (the CSRF token, the button) are left out; Invalid names a field
    that is too long."""
    fields: dict[str, list[str]] = {}
    errors: dict[str, str] = {}
    for name, maximum in KEPT_LENGTH.items():
        values = form.getlist(name)
        if values and len(values[0]) > maximum:
            errors[name] = _("hoogstens %(max)d tekens", max=maximum)
        elif values:
            fields[name] = values[:1]
    for name in MULTI:
        values = form.getlist(name)
        if len(values) > MAX_CHOICES or any(len(v) > MAX_CHOICE_LENGTH for v in values):
            errors[name] = _("te veel of te lange keuzes")
        elif values:
            fields[name] = values
    if errors:
        raise Invalid(errors)
    return fields


@unit_of_work
def autosave(actor, example_id: int | None, form) -> Autosave:
    """Keep what the actor is typing in the form for a new example (example_id None) or
    for an example they may edit; one saved text per form, the latest."""
    example, slot = _example_slot(actor, example_id)
    perm.require(perm.can_autosave(actor, example))
    fields = clean_fields(form)
    saved = db.session.scalar(select(Autosave).where(Autosave.user_id == actor.id,
                                                     Autosave.slot == slot))
    if saved is None:
        saved = Autosave(user_id=actor.id, slot=slot, example_id=example_id)
        db.session.add(saved)
    saved.fields, saved.saved_at = fields, utcnow()
    return saved


def autosaved(actor, example_id: int | None) -> Autosave | None:
    """The actor's unsaved text for this form, if any."""
    if not getattr(actor, "id", None):
        return None
    slot = NEW if example_id is None else example_id
    return db.session.scalar(select(Autosave).where(Autosave.user_id == actor.id,
                                                    Autosave.slot == slot))


def last_saved(actor, example: Example | None):
    """When the text of this form last reached the server: the example's last change or
    edit (for a new example, the actor's newest example) or the autosave, whichever is
    later; a text kept in the browser since before then is out of date."""
    if example is None:
        times = [db.session.scalar(select(func.max(Example.created_at))
                                   .where(Example.author_id == actor.id))]
    else:
        times = [example.updated_at, db.session.scalar(
            select(func.max(Revision.created_at)).where(  # a moderator's request changes no text
                Revision.example_id == example.id, Revision.state != ASKED))]
    saved = autosaved(actor, example.id if example is not None else None)
    times.append(saved.saved_at if saved is not None else None)
    return max((time for time in times if time is not None), default=None)


def forget(actor, example_id: int | None) -> None:
    """Drop the actor's unsaved text for a form (in the caller's transaction): the form
    was saved."""
    if getattr(actor, "id", None):
        slot = NEW if example_id is None else example_id
        db.session.execute(delete(Autosave).where(Autosave.user_id == actor.id,
                                                  Autosave.slot == slot))


@unit_of_work
def discard_autosave(actor, example_id: int | None) -> None:
    """The actor throws away the unsaved text of a form."""
    _example, _slot = _example_slot(actor, example_id)
    perm.require(perm.can_discard_autosave(actor))
    forget(actor, example_id)
