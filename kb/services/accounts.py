"""Accounts: registering, logging in, passwords and reset links."""
import secrets

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from flask_mailman import EmailMessage
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from kb.extensions import db
from kb.models import ROLES, User
from kb.services import permissions as perm
from kb.services import throttle
from kb.services.base import unit_of_work
from kb.services.errors import Invalid
from kb.services.taxonomy import find_organisation
from kb.util import utcnow

MIN_PASSWORD = 10
MAX_PASSWORD = 200


def generate_password() -> str:
    """A random password of 16 URL-safe characters."""
    return secrets.token_urlsafe(12)


def normalise_email(email: str) -> str:
    """Validate an address (syntax only, no DNS) and return it lowercased."""
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise Invalid({"email": _("geen geldig e-mailadres: %(reason)s", reason=str(exc))})


def find_user(email: str) -> User | None:
    """The account with this address, ignoring case."""
    return db.session.scalar(select(User).where(func.lower(User.email) == email.lower()))


def check_password_rules(password: str) -> None:
    """Refuse passwords that are too short or too long."""
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise Invalid({"password": _("moet %(min)d tot %(max)d tekens lang zijn",
                                     min=MIN_PASSWORD, max=MAX_PASSWORD)})


def _clean_name(name: str | None) -> str:
    """A person's name: 2 to 120 characters."""
    name = (name or "").strip()
    if not 2 <= len(name) <= 120:
        raise Invalid({"name": _("moet 2 tot 120 tekens lang zijn")})
    return name


def _validated_account(email: str, name: str, role: str, password: str) -> tuple[str, str]:
    """Check the fields of a new account; return the normalised email and name."""
    email = normalise_email(email)
    name = _clean_name(name)
    if role not in ROLES:
        raise Invalid({"role": _("kies uit: %(roles)s", roles=", ".join(ROLES))})
    check_password_rules(password)
    if find_user(email) is not None:
        raise Invalid({"email": _("er bestaat al een account met dit e-mailadres")})
    return email, name


@unit_of_work
def create_user(actor, email: str, name: str, role: str, password: str,
                organisation: str | None = None) -> User:
    """Create an account with any role (an admin's operation)."""
    perm.require(perm.can_manage_users(actor))
    email, name = _validated_account(email, name, role, password)
    user = User(email=email, name=name, role=role)
    if organisation:
        user.organisation = find_organisation(organisation)
    user.set_password(password)
    db.session.add(user)
    return user


@unit_of_work
def reset_password(actor, email: str, password: str) -> User:
    """Give an existing account a new password (an admin's operation)."""
    perm.require(perm.can_manage_users(actor))
    user = find_user(normalise_email(email))
    if user is None:
        raise Invalid({"email": _("geen account met dit e-mailadres")})
    check_password_rules(password)
    user.set_password(password)
    return user


# Checked against when the address is unknown, so both answers take as long.
_DUMMY_HASH = "scrypt:32768:8:1$dummysaltdummys$" + "0" * 128
RESET_SALT = "praktijkbank-password-reset"


def _organisation_fields(user: User, organisation: str) -> None:
    """Link a known organisation by name, or keep the name as typed."""
    organisation = (organisation or "").strip()
    if not 2 <= len(organisation) <= 200:
        raise Invalid({"organisation": _("moet 2 tot 200 tekens lang zijn")})
    known = find_organisation(organisation)
    user.organisation = known
    user.organisation_name = "" if known else organisation


@unit_of_work
def register(email: str, name: str, password: str, organisation: str) -> User:
    """Open a participant account for oneself."""
    email, name = _validated_account(email, name, "participant", password)
    user = User(email=email, name=name, role="participant")
    _organisation_fields(user, organisation)
    user.set_password(password)
    db.session.add(user)
    return user


@unit_of_work
def _attempt_login(key: str, password: str) -> User | None:
    """The account if the password matches; a failure is counted (and committed)."""
    throttle.check("login", key)
    user = find_user(key) if key else None
    if user is None:
        check_password_hash(_DUMMY_HASH, password)  # the same time as a real check
    elif user.check_password(password):
        if user.active:
            user.last_login_at = utcnow()
        return user
    throttle.count("login", key)
    return None


def authenticate(email: str, password: str) -> User:
    """The account for these credentials; one answer for every kind of failure."""
    user = _attempt_login((email or "").strip().lower()[:254], password or "")
    if user is None:
        raise Invalid({"password": _("Dit e-mailadres en wachtwoord horen niet bij elkaar.")})
    if not user.active:  # the right password proves who asks, so saying why is safe
        raise Invalid({"email": _("Dit account is geblokkeerd. "
                                  "Neem contact op met de beheerders.")})
    return user


@unit_of_work
def update_profile(actor: User, name: str, organisation: str) -> User:
    """Change one's own name and organisation."""
    actor.name = _clean_name(name)
    _organisation_fields(actor, organisation)
    return actor


@unit_of_work
def change_password(actor: User, current: str, new: str) -> User:
    """Set a new password after checking the current one; other sessions end."""
    if not actor.check_password(current or ""):
        raise Invalid({"current_password": _("klopt niet")})
    check_password_rules(new or "")
    actor.set_password(new)
    return actor


@unit_of_work
def log_out_everywhere(actor: User) -> User:
    """End every session of the account, on every device."""
    actor.end_sessions()
    return actor


def _serializer() -> URLSafeTimedSerializer:
    """Signs reset tokens with the app's secret key."""
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RESET_SALT)


def _hash_fingerprint(user: User) -> str:
    """Part of the password hash: a token stops working once the password changed."""
    return user.password_hash[-16:]


@unit_of_work
def request_password_reset(email: str, link_for) -> None:
    """Send a reset link to the account's address, if there is such an active account."""
    key = (email or "").strip().lower()[:254]
    throttle.check("reset", key)
    throttle.count("reset", key)
    user = find_user(key) if key else None
    if user is None or not user.active:
        return  # the same answer either way: no account enumeration
    token = _serializer().dumps({"id": user.id, "h": _hash_fingerprint(user)})
    send_reset_link(user, link_for(token))


def _user_for_token(token: str) -> User:
    """The account a valid, unexpired, unused reset token belongs to."""
    try:
        data = _serializer().loads(token, max_age=current_app.config["RESET_TOKEN_MAX_AGE"])
    except BadData:
        raise Invalid({"token": _("Deze link is verlopen of ongeldig. Vraag een nieuwe aan.")})
    user = db.session.get(User, data.get("id")) if isinstance(data, dict) else None
    if user is None or not user.active or data.get("h") != _hash_fingerprint(user):
        raise Invalid({"token": _("Deze link is verlopen of ongeldig. Vraag een nieuwe aan.")})
    return user


def check_reset_token(token: str) -> User:
    """Raise Invalid unless the token may still be used."""
    return _user_for_token(token)


@unit_of_work
def reset_password_with_token(token: str, password: str) -> User:
    """Set a new password through a reset link; the link then stops working."""
    user = _user_for_token(token)
    check_password_rules(password or "")
    user.set_password(password)
    return user


def send_reset_link(user: User, link: str) -> None:
    """Mail the link through the configured SMTP server, or log it for an admin."""
    if not current_app.config.get("MAIL_SERVER"):
        current_app.logger.warning("No MAIL_SERVER configured; password reset link for %s: %s",
                                   user.email, link)
        return
    body = _("Hallo %(name)s,\n\nJe vroeg een nieuw wachtwoord aan voor Praktijkbank. "
             "Kies het via deze link (een uur geldig):\n\n%(link)s\n\n"
             "Vroeg je dit niet aan? Dan kun je dit bericht negeren.",
             name=user.name, link=link)
    EmailMessage(_("Nieuw wachtwoord voor Praktijkbank"), body, to=[user.email]).send()
