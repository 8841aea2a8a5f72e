"""Organisations: the alliance partners and any other named organisation."""
import datetime as dt

from sqlalchemy import Boolean, ForeignKey, Integer, LargeBinary, String, Text, false
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from kb.database import db
from kb.models.taxonomy import Term
from kb.models.types import UTCDateTime
from kb.util import utcnow


class Organisation(db.Model):
    """An organisation that examples come from."""

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    type_id: Mapped[int] = mapped_column(ForeignKey("term.id"))
    partner: Mapped[bool] = mapped_column(Boolean, default=False)
    description: Mapped[str] = mapped_column(Text, default="")
    website: Mapped[str] = mapped_column(String(300), default="", server_default="")
    partner_since: Mapped[int | None] = mapped_column(Integer)  # the year it joined
    # The logo, re-encoded as PNG (kb.services.attachments); loaded only when served.
    logo: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    has_logo: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    type: Mapped[Term] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<Organisation {self.name}>"


class OldSlug(db.Model):
    """A slug an organisation had before (or a merged organisation's): its old public
    address redirects to the organisation's current one. A slug in use again is live
    first."""

    __tablename__ = "organisation_old_slug"

    slug: Mapped[str] = mapped_column(String(200), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    replaced_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
