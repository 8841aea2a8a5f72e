"""The audit log: security-relevant events, who did them, to whom, when and from where."""
import datetime as dt

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kb.database import db
from kb.models.types import UTCDateTime
from kb.models.user import User
from kb.util import utcnow


class AuditEvent(db.Model):
    """One event (a login, a role change, a moderation decision ...). The accounts are
    linked while they exist; deleting an account keeps its events without the link."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_created_at", "created_at"),
                      Index("ix_audit_event_kind_created_at", "kind", "created_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(32))
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    subject_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    # The address typed where no account may be linked: a failed login, a reset request
    # for an unknown address (attacks show in these).
    email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    ip: Mapped[str] = mapped_column(String(45), default="", server_default="")
    detail: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    subject: Mapped[User | None] = relationship(foreign_keys=[subject_id])
