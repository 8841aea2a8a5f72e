"""Leerateliers: the learning workshops where examples are shared, and their learning
questions (the harvest gathers the examples that answer each)."""
import datetime as dt

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kb.database import db
from kb.models.taxonomy import Term


class Leeratelier(db.Model):
    """A learning workshop of the alliance."""

    __tablename__ = "leeratelier"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    date: Mapped[dt.date | None] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(200), default="")
    online: Mapped[bool] = mapped_column(Boolean, default=False)
    participants: Mapped[int | None] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text, default="")
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("term.id"))
    # Announced by a moderator: public even before an example of it is published (a name
    # that only an import or a draft typed stays hidden until then).
    listed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Participants may link their drafts to it and its page invites them to.
    open_for_contributions: Mapped[bool] = mapped_column(Boolean, default=False,
                                                         server_default=false())

    theme: Mapped[Term | None] = relationship(lazy="joined")
    questions: Mapped[list["LearningQuestion"]] = relationship(
        back_populates="leeratelier", order_by="LearningQuestion.position",
        cascade="all, delete-orphan", lazy="selectin")

    def __repr__(self) -> str:
        return f"<Leeratelier {self.name}>"


class LearningQuestion(db.Model):
    """One learning question of a leeratelier."""

    __tablename__ = "learning_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    leeratelier_id: Mapped[int] = mapped_column(
        ForeignKey("leeratelier.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(String(300))

    leeratelier: Mapped[Leeratelier] = relationship(back_populates="questions")
