"""User administration (admins): accounts searched, roles changed, accounts blocked."""
from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField

from kb.models import ROLES
from kb.services import permissions as perm
from kb.services import users
from kb.services.errors import Invalid
from kb.web.forms import button, done, show_errors, submitted
from kb.web.helpers import page_arg

bp = Blueprint("users", __name__, url_prefix="/beheer/gebruikers")


@bp.before_request
@login_required
def _guard():
    """Every page here is for admins: moderators get a 403."""
    perm.require(perm.can_manage_users(current_user))


def role_titles() -> dict[str, str]:
    """The roles in the visitor's language."""
    return {"participant": _("deelnemer"), "moderator": _("moderator"),
            "admin": _("beheerder")}


class RoleForm(FlaskForm):
    """An account's role."""

    role = SelectField(_l("Rol"), validate_choice=False)


class UserFilterForm(FlaskForm):
    """Searching the accounts (a GET form: nothing changes, so no CSRF token)."""

    class Meta:
        csrf = False

    q = StringField(_l("Naam of e-mailadres"))
    role = SelectField(_l("Rol"), validate_choice=False)
    state = SelectField(_l("Status"), validate_choice=False)


def _filter_form() -> UserFilterForm:
    """The user search form, read from the query string."""
    form = UserFilterForm(formdata=request.args)
    form.role.choices = [("", _("alle rollen"))] + list(role_titles().items())
    form.state.choices = [("", _("alle")), ("active", _("actief")),
                          ("blocked", _("geblokkeerd"))]
    return form


@bp.get("")
def users_list():
    """Accounts: search, filter, page."""
    form, pagination, status = _filter_form(), None, 200
    try:
        pagination = users.list_users(current_user, form.q.data or "", form.role.data or "",
                                      form.state.data or "", page_arg())
    except Invalid as exc:
        show_errors(form, exc)
        status = 400
    return render_template("users/users.html", form=form, pagination=pagination,
                           role_titles=role_titles()), status


def _user_page(account, form=None, status: int = 200):
    """One account with its role form and block button."""
    form = form or RoleForm(data={"role": account.role})
    form.role.choices = [(role, role_titles()[role]) for role in ROLES]
    return render_template("users/user.html", account=account, form=form,
                           role_titles=role_titles()), status


@bp.get("/<int:user_id>")
def user(user_id: int):
    """One account."""
    return _user_page(users.get_user(user_id))


@bp.post("/<int:user_id>")
def change_role(user_id: int):
    """Give an account another role."""
    account, form = users.get_user(user_id), RoleForm()
    if submitted(form, lambda: users.change_role(current_user, user_id, form.role.data)):
        return done(_("Rol gewijzigd."), ".user", user_id=user_id)
    return _user_page(account, form, 400)


@bp.post("/<int:user_id>/blokkeren")
def block_user(user_id: int):
    """Block an account; its sessions end at once."""
    return button(lambda: users.block_user(current_user, user_id),
                   _("Account geblokkeerd; open sessies zijn beëindigd."), ".user",
                   user_id=user_id)


@bp.post("/<int:user_id>/deblokkeren")
def unblock_user(user_id: int):
    """Let a blocked account in again."""
    return button(lambda: users.unblock_user(current_user, user_id),
                   _("Account gedeblokkeerd."), ".user", user_id=user_id)
