"""Accounts: creating users and checking credentials."""
import secrets

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import func, select

from kb.extensions import db
from kb.models import ROLES, User
from kb.services import permissions as perm
from kb.services.base import unit_of_work
from kb.services.errors import Invalid
from kb.services.taxonomy import find_organisation

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


def _validated_account(email: str, name: str, role: str, password: str) -> tuple[str, str]:
    """Check the fields of a new account; return the normalised email and name."""
    email = normalise_email(email)
    name = (name or "").strip()
    if not 2 <= len(name) <= 120:
        raise Invalid({"name": _("moet 2 tot 120 tekens lang zijn")})
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
