"""Two-factor authentication: a TOTP authenticator app (pyotp) and ten single-use recovery
codes. Moderators and admins must enrol one before they moderate, curate or administer
(permissions._is_moderator); participants may. A code is accepted once: its time-step is
kept, and the same or an earlier one is refused. Wrong codes are counted per account like
wrong passwords (throttle kind "second-factor").

The TOTP secret is stored encrypted with Fernet (the cryptography package: AES and HMAC),
under a key derived from the app's SECRET_KEY: a copy of the database alone does not give
the codes. An installation that changes its secret key can no longer read the secrets;
its moderators log in with a recovery code, or an admin (or `kb users reset-second-factor`)
resets theirs."""
import base64
import hashlib
import hmac
import secrets
import time

import pyotp
from cryptography.fernet import Fernet, InvalidToken
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import delete, func, select, update

from kb.database import db
from kb.models import RecoveryCode, SecondFactor, User
from kb.services import audit, throttle
from kb.services import permissions as perm
from kb.services.errors import Invalid
from kb.services.transactions import changes_data, unit_of_work
from kb.util import utcnow

ISSUER = "Praktijkbank"
STEP = 30  # seconds per TOTP code, what every authenticator app uses
RECOVERY_CODES = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to mix up
DEVICE_SALT = "praktijkbank-second-factor-device"


def new_secret() -> str:
    """A fresh random TOTP secret (base32, 160 bits)."""
    return pyotp.random_base32(32)


def provisioning_uri(user: User, secret: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def _fernet() -> Fernet:
    """The key the secrets are encrypted with, derived from the app's secret key."""
    base = str(current_app.config["SECRET_KEY"]).encode()
    key = hmac.new(base, b"praktijkbank second factor", hashlib.sha256).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def seal(secret: str) -> str:
    """The secret encrypted and authenticated for the database (Fernet: AES and HMAC)."""
    return _fernet().encrypt(secret.encode()).decode()


def unseal(sealed: str) -> str | None:
    """The secret back from the database; None when it was sealed under another key."""
    try:
        return _fernet().decrypt(sealed.encode()).decode()
    except (InvalidToken, ValueError):
        return None


def _totp_step(secret: str, code: str, at: float | None = None) -> int | None:
    """The time-step whose code this is: now, or one step before or after (a phone's clock
    a little off, or a code typed just as it changed); None for any other code."""
    totp, current = pyotp.TOTP(secret), int((time.time() if at is None else at) // STEP)
    for step in (current, current - 1, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _clean(code: str | None) -> str:
    """A code as typed, without spaces and dashes, in lower case."""
    return "".join((code or "").split()).replace("-", "").lower()[:40]


def _is_totp(code: str) -> bool:
    """Six digits: an authenticator app's code (recovery codes have letters)."""
    return len(code) == 6 and code.isascii() and code.isdigit()


def _recovery_digest(code: str, salt: str | None = None) -> str:
    """A salted hash of a recovery code (random, 50 bits: a fast hash is enough)."""
    salt = salt or secrets.token_hex(8)
    return f"{salt}${hashlib.sha256((salt + code).encode()).hexdigest()}"


def _new_recovery_codes(user: User) -> list[str]:
    """Ten new recovery codes for the account (its old ones go); returns them as shown."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = ["".join(secrets.choice(RECOVERY_ALPHABET) for _i in range(10))
             for _n in range(RECOVERY_CODES)]
    db.session.add_all(RecoveryCode(user_id=user.id, digest=_recovery_digest(code))
                       for code in codes)
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def recovery_codes_left(user: User) -> int:
    """How many of the account's recovery codes are still unused."""
    return db.session.scalar(select(func.count(RecoveryCode.id)).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)))


def _refusal(reason: str) -> str:
    """What a refused code is told, by the reason it was refused."""
    return {
        "wrong": _("Deze code klopt niet. Typ de zes cijfers die je app nu toont, of een van "
                   "je herstelcodes."),
        "replayed": _("Deze code is al gebruikt. Wacht tot je app een nieuwe code toont en "
                      "typ die."),
        "used": _("Deze herstelcode is al gebruikt. Elke herstelcode werkt maar één keer."),
        "unreadable": _("De geheime sleutel van je app kan niet meer worden gelezen (de "
                        "installatie kreeg een nieuwe sleutel). Log in met een herstelcode, "
                        "of vraag een beheerder je tweestapsverificatie te resetten."),
        "none": _("Voor dit account staat geen tweestapsverificatie aan."),
    }[reason]


@unit_of_work
def enrol(actor: User, secret: str, code: str, at: float | None = None) -> list[str]:
    """Turn on two-factor authentication with the secret shown to the actor, once a code
    from their app proves it was read correctly; returns the ten recovery codes (shown
    once). Every session of the account ends. A wrong code stores nothing."""
    perm.require(perm.can_enrol(actor))
    if actor.second_factor is not None:
        raise Invalid({"code": _("Tweestapsverificatie staat al aan voor je account.")})
    code = _clean(code)
    step = _totp_step(secret, code, at) if secret and _is_totp(code) else None
    if step is None:
        raise Invalid({"code": _("Deze code klopt niet. Kijk of je de code uit de app "
                                 "voor Praktijkbank overnam, en typ de zes cijfers die "
                                 "de app nu toont.")})
    actor.second_factor = SecondFactor(secret=seal(secret), last_step=step,
                                       enrolled_at=utcnow())
    # Sessions begun with the password alone end: none of them gains a moderator's rights
    # now (the view starts a new session for this browser).
    actor.end_sessions()
    db.session.flush()
    audit.record("second_factor_enrolled", actor, actor)
    return _new_recovery_codes(actor)


def _use_totp(factor: SecondFactor, code: str, at: float | None) -> str | None:
    """Accept an app's code once; the reason it is refused otherwise."""
    secret = unseal(factor.secret)
    if secret is None:
        return "unreadable"
    step = _totp_step(secret, code, at)
    if step is None:
        return "wrong"
    taken = db.session.execute(  # one statement: two requests cannot both use the code
        update(SecondFactor).where(SecondFactor.user_id == factor.user_id,
                                   SecondFactor.last_step < step)
        .values(last_step=step)).rowcount
    return None if taken else "replayed"


def _use_recovery_code(user: User, code: str) -> str | None:
    """Accept an unused recovery code once; the reason it is refused otherwise."""
    rows = db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id))
    for row in rows:
        salt = row.digest.partition("$")[0]
        if hmac.compare_digest(row.digest, _recovery_digest(code, salt)):
            taken = db.session.execute(
                update(RecoveryCode).where(RecoveryCode.id == row.id,
                                           RecoveryCode.used_at.is_(None))
                .values(used_at=utcnow())).rowcount
            if not taken:
                return "used"
            audit.record("recovery_code_used", user, user,
                         left=recovery_codes_left(user))
            return None
    return "wrong"


def _attempt(user: User, code: str, at: float | None) -> tuple[str, str | None]:
    """Try a cleaned code for the account; ("totp" or "recovery", the reason it was
    refused or None). A refused code is counted like a wrong password and logged (the
    caller's unit commits both)."""
    key = str(user.id)
    if throttle.is_limited("second-factor", key):
        wait = throttle.retry_after("second-factor", key)
        raise throttle.TooMany(wait, _("Er is te vaak een verkeerde code ingevuld. Probeer "
                                       "het over %(wait)s opnieuw.",
                                       wait=throttle.wait_text(wait)))
    kind = "totp" if _is_totp(code) else "recovery"
    if user.second_factor is None:
        reason = "none"
    elif kind == "totp":
        reason = _use_totp(user.second_factor, code, at)
    else:
        reason = _use_recovery_code(user, code) if code else "wrong"
    if reason:
        throttle.count("second-factor", key)
        audit.record("second_factor_failed", subject=user, reason=reason, factor=kind)
    return kind, reason


@unit_of_work
def _proven(user: User, code: str, at: float | None, action):
    """Run action(kind) once the code is accepted: (None, its result); else (the reason
    it was refused, None), with the refusal counted and committed and nothing else
    changed."""
    kind, reason = _attempt(user, code, at)
    return (reason, None) if reason else (None, action(kind))


def _with_code(user: User, code: str, at: float | None, action):
    """action(kind)'s result once the code is accepted; Invalid (field `code`) when not,
    TooMany after too many refused codes (logged too)."""
    try:
        reason, result = _proven(user, _clean(code), at, action)
    except throttle.TooMany:
        audit.record("second_factor_failed", subject=user, reason="throttled")
        raise
    if reason:
        raise Invalid({"code": _refusal(reason)})
    return result


def check_code(user: User, code: str, at: float | None = None) -> str:
    """Accept a code from the account's app, or one of its recovery codes, once; returns
    "totp" or "recovery". Invalid (field `code`) for a wrong, used or replayed code;
    TooMany after too many wrong ones."""
    return _with_code(user, code, at, lambda kind: kind)


@changes_data
def disable(actor: User, password: str, code: str, at: float | None = None) -> User:
    """Turn one's own second factor off, with the password and a code (participants only:
    moderators and admins must keep theirs)."""
    perm.require(perm.can_disable(actor))
    if actor.is_moderator:
        raise Invalid({"code": _("Als moderator of beheerder moet je tweestapsverificatie "
                                 "aan laten staan.")})
    if not actor.check_password(password or ""):
        raise Invalid({"password": _("is niet je wachtwoord")})
    return _with_code(actor, code, at, lambda _kind: _remove(actor, actor, "disabled"))


def _remove(actor, user: User, how: str) -> User:
    """Forget the account's second factor, its recovery codes and remembered devices, and
    log who did it (`how`: "disabled" by its owner, or "reset" by an admin)."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    user.second_factor = None
    db.session.flush()
    audit.record(f"second_factor_{how}", actor, user)
    return user


@changes_data
def new_recovery_codes(actor: User, code: str, at: float | None = None) -> list[str]:
    """Ten new recovery codes (the old ones stop working), after a code from the app."""
    perm.require(perm.can_new_recovery_codes(actor))
    return _with_code(actor, code, at, lambda _kind: _new_recovery_codes(actor))


@unit_of_work
def reset_second_factor(actor, user: User) -> User:
    """An admin turns another account's second factor off (a lost phone): its codes and
    remembered devices stop working and its sessions end. A moderator or admin enrols
    again at their next login."""
    perm.require(perm.can_reset_second_factor(actor, user))
    if user.second_factor is None:
        raise Invalid({"second_factor": _("Voor dit account staat geen "
                                          "tweestapsverificatie aan.")})
    _remove(actor, user, "reset")
    user.end_sessions()
    return user


def _devices() -> URLSafeTimedSerializer:
    """Signs the mark of a remembered device with the app's secret key."""
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=DEVICE_SALT)


def _device_fingerprint(factor: SecondFactor) -> str:
    """Part of a digest of the account's device secret (reset with the second factor)."""
    return hashlib.sha256(factor.device_secret.encode()).hexdigest()[:24]


def remember_device(user: User) -> str:
    """A signed mark for a browser that may skip the code for this account for
    SECOND_FACTOR_REMEMBER_DAYS (its owner ticked the box)."""
    return _devices().dumps({"u": user.id, "d": _device_fingerprint(user.second_factor)})


def remember_seconds() -> int:
    """How long a remembered device stays remembered."""
    return current_app.config["SECOND_FACTOR_REMEMBER_DAYS"] * 24 * 3600


def is_remembered(user: User, token: str | None) -> bool:
    """True when the browser's mark is genuine, recent, for this account and its current
    second factor."""
    if not token or user.second_factor is None:
        return False
    try:
        data = _devices().loads(token, max_age=remember_seconds())
    except BadData:
        return False
    return (isinstance(data, dict) and data.get("u") == user.id
            and hmac.compare_digest(str(data.get("d", "")),
                                    _device_fingerprint(user.second_factor)))


def pending_user(user_id, session_token) -> User | None:
    """The active account that gave its password in this browser and still owes its
    code (None when its password or sessions changed since)."""
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.is_active or not isinstance(session_token, str) \
            or not hmac.compare_digest(user.session_token, session_token):
        return None
    return user
