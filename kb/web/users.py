"""User administration (admins): accounts searched, people invited, reset links sent,
roles changed, accounts blocked."""
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import EmailField, SelectField, StringField

from kb.models import ROLES
from kb.services import deletion, privacy, second_factor, users
from kb.services import permissions as perm
from kb.services.accounts import link_lifetime
from kb.services.errors import Invalid
from kb.services.taxonomy import partner_names
from kb.web.forms import Form, at_most, button, done, show_errors, submitted
from kb.web.helpers import page_arg, personal_data_file

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


class RoleForm(Form):
    """An account's role."""

    role = SelectField(_l("Rol"), validate_choice=False)


class InviteForm(Form):
    """Whom to invite, and with which role (the service checks every field)."""

    name = StringField(_l("Naam"), validators=[at_most(120)])
    email = EmailField(_l("E-mailadres"), validators=[at_most(254)])
    role = SelectField(_l("Rol"), validate_choice=False, default="participant")
    organisation = StringField(_l("Organisatie (niet verplicht)"),
                               validators=[at_most(200)],
                               description=_l("Een partner van de alliantie of een andere "
                                              "organisatie; de persoon kan dit later zelf "
                                              "aanpassen"))


class UserFilterForm(Form):
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


def _role_choices() -> list[tuple[str, str]]:
    """Every role, in the visitor's language."""
    return [(role, role_titles()[role]) for role in ROLES]


def _password_link(kind: str, token: str) -> str:
    """The full address of a mailed link to choose a password: an invitation or a reset."""
    endpoint = "invitations.accept" if kind == "invite" else "accounts.reset_password"
    return url_for(endpoint, token=token, _external=True)


def _with_mail_notice(message: str) -> str:
    """A flash about a mailed link, with what an admin should know when this installation
    sends no mail."""
    if current_app.config.get("MAIL_SERVER"):
        return message
    if current_app.config.get("MAIL_LOG_LINKS"):
        return message + " " + _("Let op: er is geen mailserver ingesteld. De mail staat "
                                 "met de link in het logboek van de server; geef de link "
                                 "zelf door.")
    return message + " " + _("Let op: er is geen mailserver ingesteld, dus de mail gaat niet "
                             "de deur uit (stel KB_MAIL_SERVER in).")


@bp.route("/uitnodigen", methods=["GET", "POST"])
def invite():
    """Invite someone: an account with a role, and a mailed link to choose a password."""
    form = InviteForm()
    form.role.choices = _role_choices()
    if form.validate_on_submit():
        try:
            account = users.invite_user(current_user, form.email.data, form.name.data,
                                        form.role.data, form.organisation.data,
                                        _password_link)
        except Invalid as exc:
            show_errors(form, exc)
        else:
            return done(_with_mail_notice(_(
                "Uitnodiging gestuurd naar %(email)s; de link is %(valid)s geldig.",
                email=account.email, valid=link_lifetime("invite"))), ".user",
                user_id=account.id)
    status = 400 if form.errors or form.form_errors else 200
    return render_template("users/invite.html", form=form, partners=partner_names()), status


def _user_page(account, form=None, status: int = 200):
    """One account with the controls that apply to it (none of one's own role or access)."""
    form = form or RoleForm(data={"role": account.role})
    form.role.choices = _role_choices()
    return render_template("users/user.html", account=account, form=form,
                           own=account.id == current_user.id,
                           link_kind=users.password_link_kind(account),
                           role_titles=role_titles()), status


@bp.get("/<int:user_id>")
def user(user_id: int):
    """One account."""
    return _user_page(users.get_user(user_id))


@bp.get("/<int:user_id>/gegevens")
def personal_data(user_id: int):
    """An account's data, for an admin answering the person's request for it."""
    return personal_data_file(privacy.personal_data(current_user, users.get_user(user_id)))


@bp.post("/<int:user_id>/verwijderen")
def delete_account(user_id: int):
    """Delete an account at the person's request (an admin confirms by a tick)."""
    if request.form.get("confirm") != "1":
        flash(_("Vink aan dat de persoon om verwijdering vroeg; het account is niet "
                "verwijderd."), "error")
        return redirect(url_for(".user", user_id=user_id))
    return button(lambda: deletion.delete_account(current_user, user_id),
                  _("Account verwijderd; de gepubliceerde voorbeelden staan nu zonder naam."),
                  ".users_list")


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


@bp.post("/<int:user_id>/wachtwoordlink")
def send_password_link(user_id: int):
    """Mail an account a link to choose a password (the invitation again, until the
    address is confirmed)."""
    account = users.get_user(user_id)
    kind = users.password_link_kind(account)
    message = _("Uitnodiging opnieuw gestuurd naar %(email)s; de link is %(valid)s geldig.",
                email=account.email, valid=link_lifetime(kind)) if kind == "invite" else \
        _("Link voor een nieuw wachtwoord gestuurd naar %(email)s; de link is %(valid)s "
          "geldig.", email=account.email, valid=link_lifetime(kind))
    return button(lambda: users.send_password_link(current_user, user_id, _password_link),
                  _with_mail_notice(message), ".user", user_id=user_id)


@bp.post("/<int:user_id>/tweestaps-resetten")
def reset_second_factor(user_id: int):
    """Turn another account's second factor off (a lost phone); its sessions end."""
    account = users.get_user(user_id)
    return button(lambda: second_factor.reset_second_factor(current_user, account),
                  _("Tweestapsverificatie gereset; de sessies van dit account zijn beëindigd."),
                  ".user", user_id=user_id)
