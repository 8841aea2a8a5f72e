"""What a participant was typing in the example form, saved as they type: a text not yet
saved as a draft survives a closed tab or an expired session."""
import datetime as dt

from sqlalchemy import JSON, ForeignKey, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kb.database import db
from kb.models.types import UTCDateTime
from kb.util import utcnow

NEW = 0  # the slot of the form for a new example


class Autosave(db.Model):
    """The form's fields as last typed, one per person and form (a new example or one
    being edited); removed when the form is saved or the text discarded."""

    __tablename__ = "autosave"
    __table_args__ = (UniqueConstraint("user_id", "slot", name="uq_autosave_user_slot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    # The example being edited (its id, also in example_id so that it goes with the
    # example), or NEW: a nullable key cannot be unique per person.
    slot: Mapped[int] = mapped_column(Integer)
    example_id: Mapped[int | None] = mapped_column(ForeignKey("example.id", ondelete="CASCADE"),
                                                   index=True)
    fields: Mapped[dict] = mapped_column(JSON)
    saved_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
