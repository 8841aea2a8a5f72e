"""Attempts counted per account (failed logins, reset requests, submissions)."""
import datetime as dt

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from kb.database import db
from kb.models.types import UTCDateTime
from kb.util import utcnow


class ThrottleEvent(db.Model):
    """One attempt of some kind by some account; old rows only age out of the window."""

    __tablename__ = "throttle_event"
    __table_args__ = (Index("ix_throttle_event_kind_key_at", "kind", "key", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
