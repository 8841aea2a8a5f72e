"""A second factor for logging in: a TOTP secret and single-use recovery codes."""
import datetime as dt
import secrets

from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from kb.database import db
from kb.models.types import UTCDateTime
from kb.util import utcnow


class SecondFactor(db.Model):
    """An account's authenticator app: its TOTP secret (encrypted with a key derived from
    the app's secret key), the time-step of the last code accepted (an older or the same
    code is refused, so a code seen over someone's shoulder cannot be used again), and a
    secret that remembered devices are bound to (a reset forgets them all)."""

    __tablename__ = "second_factor"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                         primary_key=True)
    secret: Mapped[str] = mapped_column(String(200))
    enrolled_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_step: Mapped[int] = mapped_column(BigInteger, default=0)
    device_secret: Mapped[str] = mapped_column(String(64),
                                               default=lambda: secrets.token_hex(16))


class RecoveryCode(db.Model):
    """One of the ten codes an account can log in with once, instead of a TOTP code; only
    a salted hash is kept."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"),
                                         index=True)
    digest: Mapped[str] = mapped_column(String(128))
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
