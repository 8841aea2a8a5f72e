"""Deleting an account (the right to erasure): the person goes everywhere, their published
examples stay under their organisation's name, their drafts, pending edits, unsaved text,
bookmarks, followed searches and sessions go; histories say "verwijderd account"."""
import secrets

from flask_babel import gettext as _
from sqlalchemy import delete, select
from werkzeug.security import generate_password_hash

from kb.database import db
from kb.models import (
    Adoption,
    Autosave,
    Bookmark,
    Example,
    LoginSession,
    RecoveryCode,
    Revision,
    SavedSearch,
    SecondFactor,
    User,
)
from kb.services import audit, notifications
from kb.services import permissions as perm
from kb.services.errors import Invalid
from kb.services.transactions import record_index_event, unit_of_work
from kb.services.users import get_user, refuse_last_admin
from kb.util import utcnow

DELETED_NAME = "verwijderd account"  # what histories show in place of the person
KEPT = ("published", "archived")  # examples that stay, under the organisation's name


def _check_password(actor, user: User, password) -> None:
    """The member confirms with their password; an admin acting on a request need not."""
    if getattr(actor, "id", None) == user.id and not user.check_password(str(password or "")):
        raise Invalid({"password": _("Dit wachtwoord klopt niet; je account is niet verwijderd.")})


def _examples_of(user: User) -> None:
    """Keep the public examples without the person; remove everything else they wrote."""
    for example in db.session.scalars(select(Example).where(Example.author_id == user.id)):
        if example.status in KEPT:
            example.author_id = None
            example.contact_opt_in = False
            example.contact_role = ""
            record_index_event(example.id)
        else:
            db.session.delete(example)
    db.session.execute(delete(Revision).where(Revision.author_id == user.id,
                                              Revision.state == "pending"))


def _belongings_of(user: User) -> None:
    """What only the person had: unsaved text, bookmarks, followed searches, sessions,
    the second factor and its recovery codes."""
    for model in (Autosave, Bookmark, SavedSearch, LoginSession, RecoveryCode, SecondFactor):
        db.session.execute(delete(model).where(model.user_id == user.id))
    for adoption in db.session.scalars(select(Adoption).where(Adoption.user_id == user.id)):
        adoption.user_id = None  # the organisation applied it; that stays


def _erase(user: User) -> None:
    """Nothing personal left in the row; it can never log in again."""
    user.name = DELETED_NAME
    user.email = f"verwijderd-{user.id}@praktijkbank.invalid"
    user.organisation_id, user.organisation_name = None, ""
    user.password_hash = generate_password_hash(secrets.token_urlsafe(32), method="scrypt")
    user.active, user.role = False, "participant"
    user.email_confirmed_at = user.last_login_at = user.queue_mailed_at = None
    user.notifications_off = list(notifications.KINDS)
    user.deleted_at = utcnow()
    user.end_sessions()


@unit_of_work
def delete_account(actor, user_id: int, password=None) -> None:
    """Delete an account: by the member (with their password) or by an admin on request."""
    user = get_user(user_id)
    perm.require(perm.can_delete_account(actor, user))
    if user.deleted_at is not None:
        raise Invalid({"account": _("Dit account is al verwijderd.")})
    _check_password(actor, user, password)
    refuse_last_admin(user, "account")
    _examples_of(user)
    _belongings_of(user)
    audit.forget_address(user.email)
    _erase(user)
    audit.record("account_deleted", actor, user)
