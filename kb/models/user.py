"""Accounts: participants, moderators and admins."""
import datetime as dt
import secrets

from flask_login import UserMixin
from sqlalchemy import JSON, Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from kb.database import db
from kb.models.organisation import Organisation
from kb.models.types import UTCDateTime
from kb.util import utcnow

ROLES = ("participant", "moderator", "admin")


class User(UserMixin, db.Model):
    """A registered person."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    # The organisation as typed at registration, when it is not one we know yet.
    organisation_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    role: Mapped[str] = mapped_column(String(16), default="participant")
    password_hash: Mapped[str] = mapped_column(String(256))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Rotated on password change and "log out everywhere": invalidates old sessions.
    session_token: Mapped[str] = mapped_column(String(64), default=lambda: secrets.token_hex(16))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # Set when the owner followed a link mailed to the address (or an admin made the
    # account); until then the account cannot log in.
    email_confirmed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # The kinds of notification mail the person switched off (kb.services.notifications).
    notifications_off: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")
    # When a moderator was last mailed about the queue: at most one such mail an hour.
    queue_mailed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # Set when the person deleted the account: the row stays only as "verwijderd account"
    # in histories, with nothing personal left in it (kb.services.deletion).
    deleted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    login_key = None  # the key of the server-side session this object was loaded for

    @property
    def shown_name(self) -> str:
        """The name pages show of the account: a deleted one's in the reader's language
        (the row keeps the Dutch words, kb.services.deletion)."""
        if self.deleted_at is None:
            return self.name
        from flask_babel import gettext
        return gettext("verwijderd account")

    organisation: Mapped[Organisation | None] = relationship()
    # The authenticator app, once enrolled (kb.services.second_factor).
    second_factor: Mapped["SecondFactor | None"] = relationship(  # noqa: F821
        cascade="all, delete-orphan", passive_deletes=True)

    def set_password(self, password: str) -> None:
        """Store a salted scrypt hash of the password and rotate the session token."""
        self.password_hash = generate_password_hash(password, method="scrypt")
        self.end_sessions()

    def end_sessions(self) -> None:
        """A new session token: every session and remember cookie issued before is void."""
        self.session_token = secrets.token_hex(16)

    def check_password(self, password: str) -> bool:
        """True when the password matches the stored hash."""
        return check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        """Flask-Login identity: the account and the key of its server-side session."""
        return f"{self.id}:{self.login_key or ''}"

    @property
    def organisation_label(self) -> str:
        """The name of the account's organisation, known or as typed."""
        return self.organisation.name if self.organisation else self.organisation_name

    @property
    def is_active(self) -> bool:
        """Blocked and deleted accounts cannot log in (nor use a mailed link)."""
        return self.active and self.deleted_at is None

    @property
    def is_moderator(self) -> bool:
        """Moderators and admins curate."""
        return self.role in ("moderator", "admin")

    @property
    def is_admin(self) -> bool:
        """Admins manage users."""
        return self.role == "admin"

    @property
    def has_second_factor(self) -> bool:
        """The account logs in with a code from an authenticator app after its password."""
        return self.second_factor is not None

    @property
    def needs_second_factor(self) -> bool:
        """Moderators and admins enrol a second factor before they moderate, curate or
        administer anything."""
        return self.is_moderator and self.second_factor is None

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"
