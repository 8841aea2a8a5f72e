"""Organisations: the alliance partners and any other named organisation."""
from sqlalchemy import Boolean, ForeignKey, Integer, LargeBinary, String, Text, false
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from kb.database import db
from kb.models.taxonomy import Term


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
