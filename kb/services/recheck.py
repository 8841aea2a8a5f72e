"""Keeping examples current ("laatst gecontroleerd"): a published example that nobody
checked for RECHECK_AFTER_DAYS is on the moderators' re-check list, and its author is
asked once per period to look at it. Publication, a published edit and a moderator's
"gecontroleerd" count as a check."""
import datetime as dt

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from kb.database import db
from kb.models import Example
from kb.services import notifications
from kb.services import permissions as perm
from kb.services.errors import Invalid
from kb.services.examples import get_example
from kb.services.transactions import unit_of_work
from kb.util import utcnow

LIST_LIMIT = 200


def last_checked(example: Example) -> dt.datetime | None:
    """When the example was last known to be right: checked, or else published."""
    return example.checked_at or example.published_at


def _cutoff(now: dt.datetime) -> dt.datetime:
    """Checked before this moment: due again."""
    return now - dt.timedelta(days=current_app.config["RECHECK_AFTER_DAYS"])


def _due(now: dt.datetime):
    """Published examples not checked since the cutoff, the longest ago first."""
    checked = func.coalesce(Example.checked_at, Example.published_at)
    return (select(Example).where(Example.status == "published", checked < _cutoff(now))
            .order_by(checked, Example.id))


def due_for_recheck(actor, now: dt.datetime | None = None) -> list[Example]:
    """The moderators' re-check list."""
    perm.require(perm.can_moderate_example(actor))
    return list(db.session.scalars(_due(now or utcnow()).limit(LIST_LIMIT)))


def count_due(now: dt.datetime | None = None) -> int:
    """How many examples wait for a re-check."""
    return db.session.scalar(select(func.count()).select_from(
        _due(now or utcnow()).subquery()))


@unit_of_work
def mark_checked(actor, example_id: int) -> Example:
    """A moderator looked at a published example: it is current again."""
    example = get_example(actor, example_id)
    perm.require(perm.can_mark_checked(actor, example))
    if not example.is_published:
        raise Invalid({"status": _("alleen een gepubliceerd voorbeeld wordt nagekeken")})
    example.checked_at, example.recheck_asked_at = utcnow(), None
    return example


@unit_of_work
def ask_authors(now: dt.datetime | None = None) -> int:
    """Ask the authors of due examples to look at them, once per period (`kb digest`
    runs this); the number asked."""
    now = now or utcnow()
    cutoff = _cutoff(now)
    asked = 0
    for example in db.session.scalars(_due(now)):
        if example.recheck_asked_at is not None and example.recheck_asked_at >= cutoff:
            continue
        if notifications.recheck_asked(example):
            asked += 1
        example.recheck_asked_at = now
    return asked
