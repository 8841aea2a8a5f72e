"""Per-account abuse limits, counted in the database so every worker and host agrees."""
import datetime as dt

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from kb.extensions import db
from kb.models import ThrottleEvent
from kb.services.errors import DomainError
from kb.util import utcnow


class TooMany(DomainError):
    """The account tried this too often in too short a time."""

    def __init__(self):
        super().__init__(_("Dat is te vaak geprobeerd in korte tijd. "
                           "Wacht even en probeer het dan opnieuw."))


def _window(kind: str) -> tuple[int, dt.datetime]:
    """The limit for a kind of attempt and the start of its time window."""
    attempts, seconds = current_app.config["ACCOUNT_LIMITS"][kind]
    return attempts, utcnow() - dt.timedelta(seconds=seconds)


def is_limited(kind: str, key: str) -> bool:
    """True when the account has used up its attempts of this kind."""
    attempts, since = _window(kind)
    used = db.session.scalar(select(func.count(ThrottleEvent.id)).where(
        ThrottleEvent.kind == kind, ThrottleEvent.key == key.lower(),
        ThrottleEvent.created_at >= since))
    return used >= attempts


def check(kind: str, key: str) -> None:
    """Raise TooMany when the account has used up its attempts of this kind."""
    if is_limited(kind, key):
        raise TooMany()


def count(kind: str, key: str) -> None:
    """Record one attempt (in the caller's transaction) and drop ones long expired."""
    _, since = _window(kind)
    db.session.execute(delete(ThrottleEvent).where(
        ThrottleEvent.kind == kind, ThrottleEvent.key == key.lower(),
        ThrottleEvent.created_at < since))
    db.session.add(ThrottleEvent(kind=kind, key=key.lower()))
