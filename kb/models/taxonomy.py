"""Taxonomy terms: dimensions, themes, organisation types, levels, settings, target groups."""
from flask_babel import get_locale
from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kb.database import db
from kb.taxonomy import KINDS  # noqa: F401  (the kinds' names, declared in kb.taxonomy)


class Term(db.Model):
    """One value of one taxonomy kind, with Dutch and English labels."""

    __tablename__ = "term"
    __table_args__ = (UniqueConstraint("kind", "slug", name="uq_term_kind_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    slug: Mapped[str] = mapped_column(String(64))
    label_nl: Mapped[str] = mapped_column(String(200))
    label_en: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Set when merged into another term: old links with this slug then find that one's.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("term.id"), nullable=True)

    @property
    def label(self) -> str:
        """The label in the visitor's language."""
        try:
            lang = str(get_locale() or "nl")
        except RuntimeError:  # outside a request or app context
            lang = "nl"
        return self.label_en if lang.startswith("en") else self.label_nl

    def __repr__(self) -> str:
        return f"<Term {self.kind}:{self.slug}>"
