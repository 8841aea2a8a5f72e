"""User management by admins: find accounts, invite people, send reset links, change roles,
block and unblock."""
from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from kb.database import db
from kb.models import ROLES, User
from kb.services import accounts, audit
from kb.services import permissions as perm
from kb.services.errors import Invalid, NotFound
from kb.services.transactions import unit_of_work

PER_PAGE = 50
MAX_QUERY = 100
STATES = ("active", "blocked")


def get_user(user_id: int) -> User:
    """An account by id, or NotFound."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound()
    return user


def _like(text: str) -> str:
    """A LIKE pattern for text anywhere, with the wildcards typed by the admin taken out."""
    cleaned = text.lower().replace("\\", "").replace("%", "").replace("_", "")
    return f"%{cleaned}%"


def list_users(actor, q: str = "", role: str = "", state: str = "", page: int = 1,
               per_page: int = PER_PAGE):
    """One page of accounts by name: words in name or email, optionally one role or state."""
    perm.require(perm.can_manage_users(actor))
    if role and role not in ROLES:
        raise Invalid({"role": _("kies uit: %(roles)s", roles=", ".join(ROLES))})
    if state and state not in STATES:
        raise Invalid({"state": _("kies actief of geblokkeerd")})
    query = select(User).where(User.deleted_at.is_(None)).order_by(func.lower(User.name),
                                                                    User.id)
    for word in (q or "")[:MAX_QUERY].split()[:5]:
        pattern = _like(word)
        query = query.where(or_(func.lower(User.name).like(pattern),
                                func.lower(User.email).like(pattern)))
    if role:
        query = query.where(User.role == role)
    if state:
        query = query.where(User.active.is_(state == "active"))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def _refuse_self(actor, user: User, field: str) -> None:
    """An admin may not demote or block themselves: there must always be an admin left."""
    if getattr(actor, "id", None) is not None and actor.id == user.id:
        raise Invalid({field: _("Je kunt je eigen account niet wijzigen of blokkeren; "
                                "vraag een andere beheerder.")})


def refuse_last_admin(user: User, field: str) -> None:
    """Demoting or blocking the last active admin would leave nobody to manage users."""
    if user.role != "admin" or not user.active:
        return
    others = db.session.scalar(select(func.count()).select_from(User).where(
        User.role == "admin", User.active.is_(True), User.deleted_at.is_(None),
        User.id != user.id))
    if not others:
        raise Invalid({field: _("Dit is de laatste actieve beheerder.")})


@unit_of_work
def change_role(actor, user_id: int, role: str) -> User:
    """Give an account another role (participant, moderator, admin)."""
    user = get_user(user_id)
    perm.require(perm.can_change_role(actor, user))
    if role not in ROLES:
        raise Invalid({"role": _("kies uit: %(roles)s", roles=", ".join(ROLES))})
    if role != user.role:
        _refuse_self(actor, user, "role")
        if role != "admin":
            refuse_last_admin(user, "role")
        audit.record("role_changed", actor, user, before=user.role, after=role)
        user.role = role
    return user


@unit_of_work
def block_user(actor, user_id: int) -> User:
    """Block an account: it cannot log in, and its open sessions end at their next request."""
    user = get_user(user_id)
    perm.require(perm.can_block_user(actor, user))
    _refuse_self(actor, user, "active")
    refuse_last_admin(user, "active")
    user.active = False
    user.end_sessions()
    audit.record("blocked", actor, user)
    return user


@unit_of_work
def unblock_user(actor, user_id: int) -> User:
    """Let a blocked account log in again (with its own password)."""
    user = get_user(user_id)
    perm.require(perm.can_unblock_user(actor, user))
    if not user.active:
        audit.record("unblocked", actor, user)
    user.active = True
    return user


@unit_of_work
def invite_user(actor, email: str, name: str, role: str, organisation: str, link_for) -> User:
    """Open an account for someone with any role and mail them an invitation: a link to
    choose their own password, valid for INVITE_TOKEN_MAX_AGE and only once; following it
    confirms the address. Until then nobody knows the account's password.
    `link_for(kind, token)` makes the mailed link."""
    perm.require(perm.can_invite_user(actor))
    email, name = accounts.validated_account(email, name, role, organisation)
    user = User(email=email, name=name, role=role)
    if (organisation or "").strip():
        accounts.set_organisation(user, organisation)
    user.set_password(accounts.generate_password())
    db.session.add(user)
    db.session.flush()
    _mail_password_link(actor, user, link_for)
    return user


@unit_of_work
def send_password_link(actor, user_id: int, link_for) -> User:
    """Mail an account a link to choose a (new) password: a reset link, or the invitation
    again while its address is unconfirmed (a new invitation, valid as long as the first).
    The current password keeps working until the link is used."""
    user = get_user(user_id)
    perm.require(perm.can_send_password_link(actor, user))
    if not user.active:
        raise Invalid({"active": _("Dit account is geblokkeerd: deblokkeer het eerst.")})
    _mail_password_link(actor, user, link_for)
    return user


def password_link_kind(user: User) -> str:
    """What an admin sends an account: an invitation until its address is confirmed,
    then a reset link."""
    return "invite" if user.email_confirmed_at is None else "reset"


def _mail_password_link(actor, user: User, link_for) -> None:
    """Mail the account the link `password_link_kind` says, naming the admin."""
    kind = password_link_kind(user)
    audit.record("invite_sent" if kind == "invite" else "password_reset_requested", actor,
                 user, role=user.role)
    link = link_for(kind, accounts.password_token(user, kind))
    accounts.mail_link(user, "invite" if kind == "invite" else "admin-reset", link,
                       sender=getattr(actor, "name", ""))
