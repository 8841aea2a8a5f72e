"""Abuse limits counted in the database, so every worker and host agrees: per account
(failed logins, reset requests, submissions), per client address (failed logins) and per
trusted device (failed logins)."""
import datetime as dt

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import delete, func, select

from kb.database import db
from kb.models import ThrottleEvent
from kb.services.errors import DomainError
from kb.util import utcnow


def wait_text(seconds: int) -> str:
    """How long to wait, in words."""
    if seconds < 90:
        return ngettext("%(num)d seconde", "%(num)d seconden", max(1, seconds))
    return ngettext("%(num)d minuut", "%(num)d minuten", -(-seconds // 60))


class TooMany(DomainError):
    """Tried too often in too short a time; `retry_after` says how long to wait (seconds)."""

    def __init__(self, retry_after: int, message: str | None = None):
        self.retry_after = retry_after
        super().__init__(message or _("Dat is te vaak geprobeerd in korte tijd. Probeer het "
                                      "over %(wait)s opnieuw.", wait=wait_text(retry_after)))


def _window(kind: str) -> tuple[int, int, dt.datetime]:
    """The limit for a kind of attempt, its window in seconds and the window's start."""
    attempts, seconds = current_app.config["ACCOUNT_LIMITS"][kind]
    return attempts, seconds, utcnow() - dt.timedelta(seconds=seconds)


def retry_after(kind: str, key: str) -> int:
    """Seconds until an attempt of this kind is allowed again (0: allowed now)."""
    attempts, seconds, since = _window(kind)
    recent = list(db.session.scalars(
        select(ThrottleEvent.created_at).where(
            ThrottleEvent.kind == kind, ThrottleEvent.key == key.lower(),
            ThrottleEvent.created_at >= since)
        .order_by(ThrottleEvent.created_at.desc()).limit(attempts)))
    if len(recent) < attempts:
        return 0
    frees_at = recent[-1] + dt.timedelta(seconds=seconds)  # the oldest that counts
    return max(1, int((frees_at - utcnow()).total_seconds()) + 1)


def is_limited(kind: str, key: str) -> bool:
    """True when this kind of attempt is used up for the key."""
    attempts, _seconds, since = _window(kind)
    used = db.session.scalar(select(func.count(ThrottleEvent.id)).where(
        ThrottleEvent.kind == kind, ThrottleEvent.key == key.lower(),
        ThrottleEvent.created_at >= since))
    return used >= attempts


def check(kind: str, key: str, message: str | None = None) -> None:
    """Raise TooMany (with the wait) when this kind of attempt is used up for the key."""
    if is_limited(kind, key):
        raise TooMany(retry_after(kind, key), message)


def count(kind: str, key: str) -> None:
    """Record one attempt (in the caller's transaction) and drop every attempt of this kind
    that left its window: client addresses and typed addresses are kept no longer than
    the limit needs them."""
    _attempts, _seconds, since = _window(kind)
    db.session.execute(delete(ThrottleEvent).where(ThrottleEvent.kind == kind,
                                                   ThrottleEvent.created_at < since))
    db.session.add(ThrottleEvent(kind=kind, key=key.lower()[:254]))
