"""Organisations: the alliance partners and any other named organisation."""
from sqlalchemy import Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

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

    type: Mapped[Term] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<Organisation {self.name}>"
