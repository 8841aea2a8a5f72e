"""Signed-in browsers, kept on the server so that logging out really ends a session."""
import datetime as dt
import hashlib

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from kb.database import db
from kb.models.types import UTCDateTime
from kb.util import utcnow


def key_digest(key: str) -> str:
    """What is stored of a session key: a copy of the database cannot be used as a cookie."""
    return hashlib.sha256(key.encode()).hexdigest()


class LoginSession(db.Model):
    """One signed-in browser. Its cookie carries a random key; the row holds its digest,
    the account's session token when it began (rotated by a password change, "log out
    everywhere" and blocking, which end every session at once) and when it expires."""

    __tablename__ = "login_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                         index=True)
    token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
