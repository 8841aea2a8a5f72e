"""Synonym groups that moderators add beside the shipped list."""
import datetime as dt

from sqlalchemy import Boolean, ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column

from kb.database import db
from kb.models.types import UTCDateTime
from kb.util import utcnow


class SynonymGroup(db.Model):
    """Comma-separated equivalent search terms (soft-deleted by `active`)."""

    __tablename__ = "synonym_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    terms: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def term_list(self) -> list[str]:
        """The group's terms."""
        return [term.strip() for term in self.terms.split(",") if term.strip()]
