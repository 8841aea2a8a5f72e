"""Moderation decisions and reports (flags) on examples."""
import datetime as dt

from sqlalchemy import Boolean, ForeignKey, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kb.database import db
from kb.models.types import UTCDateTime
from kb.models.user import User
from kb.util import utcnow


class Decision(db.Model):
    """One step in an example's moderation history: who did what, when and why."""

    __tablename__ = "decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    example_id: Mapped[int] = mapped_column(ForeignKey("example.id", ondelete="CASCADE"),
                                            index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # submit, publish, changes, reject, archive, restore, feature, unfeature, withdraw
    action: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text, default="")
    # True when the decision was on an author's edit of a published example.
    on_edit: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor: Mapped[User | None] = relationship()
    example: Mapped["Example"] = relationship(back_populates="decisions")  # noqa: F821


class Report(db.Model):
    """A flag raised on an example by a logged-in user."""

    __tablename__ = "report"

    id: Mapped[int] = mapped_column(primary_key=True)
    example_id: Mapped[int] = mapped_column(ForeignKey("example.id", ondelete="CASCADE"),
                                            index=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    reason: Mapped[str] = mapped_column(Text)
    # open, resolved or dismissed
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    handled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    resolution: Mapped[str] = mapped_column(Text, default="")

    reporter: Mapped[User] = relationship(foreign_keys=[reporter_id])
    handled_by: Mapped[User | None] = relationship(foreign_keys=[handled_by_id])
    example: Mapped["Example"] = relationship(back_populates="reports")  # noqa: F821
