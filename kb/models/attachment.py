"""Files and images attached to an example, kept in the database: every app host sees
them, and `kb backup` / `kb restore` carry them with the rest."""
import datetime as dt

from sqlalchemy import ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from kb.database import db
from kb.models.types import UTCDateTime
from kb.util import utcnow

KINDS = ("image", "file")


class Attachment(db.Model):
    """One attachment: an image (re-encoded, metadata stripped, with a thumbnail and alt
    text) or a document (stored as uploaded, only ever served as a download)."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    example_id: Mapped[int] = mapped_column(ForeignKey("example.id", ondelete="CASCADE"),
                                            index=True)
    kind: Mapped[str] = mapped_column(String(10))
    filename: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    alt: Mapped[str] = mapped_column(String(300), default="")
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id",
                                                                  ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The bytes are loaded only when served, never with a list of attachments.
    data: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    thumbnail: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))

    example: Mapped["Example"] = relationship()  # noqa: F821

    @property
    def is_image(self) -> bool:
        """An image, shown on the page; otherwise a document to download."""
        return self.kind == "image"
