"""Adoptions: another organisation applied an example in its own practice too."""
import datetime as dt

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kb.database import db
from kb.models.organisation import Organisation
from kb.models.types import UTCDateTime
from kb.models.user import User
from kb.util import utcnow


class Adoption(db.Model):
    """"Ook toegepast bij": an organisation applied this example, in a year, with a note."""

    __tablename__ = "adoption"
    __table_args__ = (UniqueConstraint("example_id", "organisation_id",
                                       name="uq_adoption_example_organisation"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    example_id: Mapped[int] = mapped_column(ForeignKey("example.id", ondelete="CASCADE"),
                                            index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id",
                                                           ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(String(1000))
    year: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    user: Mapped[User | None] = relationship()
    example: Mapped["Example"] = relationship()  # noqa: F821
