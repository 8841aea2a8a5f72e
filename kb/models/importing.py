"""Imports in progress: examples staged in batches, made visible in one transaction."""
import datetime as dt

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kb.database import db
from kb.models.types import UTCDateTime
from kb.util import utcnow


class ImportRun(db.Model):
    """One import of a file: who, when, how far it got, and which process ran it."""

    __tablename__ = "import_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    # staging, done, failed or abandoned
    status: Mapped[str] = mapped_column(String(16), default="staging", index=True)
    target_status: Mapped[str] = mapped_column(String(16))
    records: Mapped[int] = mapped_column(Integer, default=0)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    host: Mapped[str] = mapped_column(String(255), default="")
    pid: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class StagedExample(db.Model):
    """A record of a run, written but not yet visible: a new example in status 'staged',
    or a staged copy holding an update of an existing example (the target)."""

    __tablename__ = "staged_example"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("import_run.id", ondelete="CASCADE"),
                                        index=True)
    example_id: Mapped[int] = mapped_column(ForeignKey("example.id", ondelete="CASCADE"),
                                            index=True)
    target_id: Mapped[int | None] = mapped_column(ForeignKey("example.id", ondelete="CASCADE"),
                                                  index=True)
    data: Mapped[dict] = mapped_column(JSON)  # the record as its revision will keep it
