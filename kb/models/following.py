"""What members follow: examples they keep ("bewaren"), and saved searches mailed as a
digest with the examples each digest has already sent."""
import datetime as dt

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kb.database import db
from kb.models.types import UTCDateTime
from kb.models.user import User
from kb.util import utcnow


class Bookmark(db.Model):
    """An example a member keeps on their own page."""

    __tablename__ = "bookmark"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                         primary_key=True)
    example_id: Mapped[int] = mapped_column(ForeignKey("example.id", ondelete="CASCADE"),
                                            primary_key=True, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    example: Mapped["Example"] = relationship()  # noqa: F821


class SavedSearch(db.Model):
    """A search a member follows: its URL's query string and how often to mail news."""

    __tablename__ = "saved_search"
    __table_args__ = (UniqueConstraint("user_id", "query", name="uq_saved_search_user_query"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                         index=True)
    query: Mapped[str] = mapped_column(String(2000))
    frequency: Mapped[str] = mapped_column(String(8))  # daily or weekly
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class DigestItem(db.Model):
    """An example a saved search's digest has mailed: never mailed twice for it."""

    __tablename__ = "digest_item"

    saved_search_id: Mapped[int] = mapped_column(
        ForeignKey("saved_search.id", ondelete="CASCADE"), primary_key=True)
    example_id: Mapped[int] = mapped_column(ForeignKey("example.id", ondelete="CASCADE"),
                                            primary_key=True)
    sent_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
