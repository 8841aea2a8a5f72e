"""The index outbox: what search must learn, written in the same transaction as the change."""
import datetime as dt

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kb.database import db
from kb.models.types import UTCDateTime
from kb.util import utcnow


class IndexEvent(db.Model):
    """An example whose search document must be refreshed (upsert) or removed (delete)."""

    __tablename__ = "index_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    # No foreign key: the event must outlive anything that happens to the row.
    example_id: Mapped[int] = mapped_column(Integer, index=True)
    op: Mapped[str] = mapped_column(String(8), default="upsert")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
