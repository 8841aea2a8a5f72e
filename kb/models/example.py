"""Practice examples (praktijkvoorbeelden) and their revision history."""
import datetime as dt

from sqlalchemy import JSON, Boolean, Column, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kb.database import db
from kb.models.leeratelier import LearningQuestion, Leeratelier
from kb.models.organisation import Organisation
from kb.models.taxonomy import Term
from kb.models.types import UTCDateTime
from kb.models.user import User
from kb.taxonomy import MULTI, NOT_YET_VISIBLE, SINGLE, Kind
from kb.util import slugify, utcnow

STATUSES = ("draft", "submitted", "published", "changes_requested", "rejected", "archived")
ASKED = "asked"  # a revision's state: the text as it stood when a moderator asked changes

example_term = Table(
    "example_term",
    db.metadata,
    Column("example_id", ForeignKey("example.id", ondelete="CASCADE"), primary_key=True),
    Column("term_id", ForeignKey("term.id"), primary_key=True, index=True),
)


class Example(db.Model):
    """A practice example: what was done, the impact aimed for, how it was made visible."""

    __tablename__ = "example"

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    impact: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[str] = mapped_column(Text, default="")
    # The practical side (all optional): what it takes, what it costs, how long it runs,
    # what made it work, what to watch out for, and the contact person's role.
    needs: Mapped[str] = mapped_column(Text, default="", server_default="")
    costs: Mapped[str] = mapped_column(Text, default="", server_default="")
    duration: Mapped[str] = mapped_column(Text, default="", server_default="")
    success_factors: Mapped[str] = mapped_column(Text, default="", server_default="")
    pitfalls: Mapped[str] = mapped_column(Text, default="", server_default="")
    contact_role: Mapped[str] = mapped_column(String(200), default="", server_default="")
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    # Each single-valued taxonomy kind adds a column <kind>_id and a relationship <kind>,
    # each multi-valued one a list property <field>: see _declare_kinds below.
    municipality: Mapped[str] = mapped_column(String(100), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    leeratelier_id: Mapped[int | None] = mapped_column(ForeignKey("leeratelier.id"), index=True)
    # The leeratelier's learning question this example answers (its harvest).
    learning_question_id: Mapped[int | None] = mapped_column(
        ForeignKey("learning_question.id", ondelete="SET NULL"), index=True)
    links: Mapped[list] = mapped_column(JSON, default=list)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    contact_opt_in: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    featured: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    archived_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    archived_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # "Laatst gecontroleerd": a moderator's check or a published edit (kb.services.recheck);
    # when the author was last asked to look at it.
    checked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    recheck_asked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    leeratelier: Mapped[Leeratelier | None] = relationship(lazy="joined")
    learning_question: Mapped[LearningQuestion | None] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    archived_by: Mapped[User | None] = relationship(foreign_keys=[archived_by_id])
    terms: Mapped[list[Term]] = relationship(secondary=example_term, lazy="selectin",
                                             order_by=Term.position)
    revisions: Mapped[list["Revision"]] = relationship(
        back_populates="example", order_by="Revision.id", cascade="all, delete-orphan")
    decisions: Mapped[list["Decision"]] = relationship(  # noqa: F821
        back_populates="example", order_by="Decision.id", cascade="all, delete-orphan")
    reports: Mapped[list["Report"]] = relationship(  # noqa: F821
        back_populates="example", order_by="Report.id", cascade="all, delete-orphan")

    def terms_of(self, kind: str) -> list[Term]:
        """The example's multi-valued terms of one kind, in taxonomy order (also before the
        list was read back from the database, in the order it was given)."""
        return sorted((term for term in self.terms if term.kind == kind),
                      key=lambda term: (term.position, term.id))

    def values_of(self, kind: Kind) -> list[Term]:
        """The example's terms of any kind, as a list (one or none for a single kind)."""
        if kind.many:
            return self.terms_of(kind.name)
        term = getattr(self, kind.name)
        return [term] if term is not None else []

    @property
    def impact_made_visible(self) -> bool:
        """Its impact was made visible: a way of showing it was chosen (other than "not
        yet"), or, for an example from before the evidence types, it says how in words."""
        ways = [term.slug for term in self.terms_of("evidence_type")]
        if ways:
            return any(slug != NOT_YET_VISIBLE for slug in ways)
        return bool((self.evidence or "").strip())

    @property
    def slug(self) -> str:
        """URL slug derived from the title."""
        return slugify(self.title)

    @property
    def is_published(self) -> bool:
        """Visible to everyone."""
        return self.status == "published"

    def __repr__(self) -> str:
        return f"<Example {self.id} {self.status} {self.title[:30]!r}>"


def _declare_kinds() -> None:
    """The example's column and relationship of every single-valued kind, and the list
    property of every multi-valued one (kb.taxonomy declares the kinds)."""
    for kind in SINGLE:
        column = Column(kind.column, ForeignKey("term.id"), nullable=not kind.required)
        setattr(Example, kind.column, column)
        setattr(Example, kind.name, relationship(Term, foreign_keys=[column], lazy="joined"))
    for kind in MULTI:
        setattr(Example, kind.field, property(lambda self, name=kind.name: self.terms_of(name),
                                              doc=f"The example's {kind.name} terms."))


_declare_kinds()


class Revision(db.Model):
    """A snapshot of an example's record: its history, or an edit awaiting review."""

    __tablename__ = "revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    example_id: Mapped[int] = mapped_column(ForeignKey("example.id", ondelete="CASCADE"),
                                            index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # applied: became the example's text; pending: an edit of a published example
    # awaiting review; discarded: a pending edit that was rejected or replaced; asked: the
    # text (note: of the submission or the edit) when a moderator asked for changes.
    state: Mapped[str] = mapped_column(String(16), default="applied", index=True)
    note: Mapped[str] = mapped_column(String(200), default="")
    data: Mapped[dict] = mapped_column(JSON)

    example: Mapped[Example] = relationship(back_populates="revisions")
    author: Mapped[User | None] = relationship()
