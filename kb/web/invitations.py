"""Accepting an admin's invitation: the invited person chooses a password and is in."""
from flask import Blueprint, current_app, flash, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import PasswordField

from kb.extensions import limiter
from kb.services import accounts
from kb.services.errors import Invalid
from kb.web.accounts import PASSWORD_HINT, _sign_in
from kb.web.forms import Form, required, show_errors

bp = Blueprint("invitations", __name__)


class AcceptForm(Form):
    """The password the invited person chooses."""

    password = PasswordField(_l("Kies een wachtwoord"), validators=[required()],
                             description=PASSWORD_HINT)


@bp.route("/uitnodiging/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RESET_LIMIT"], methods=["POST"])
def accept(token: str):
    """Choose a password through an invitation (once, before it expires), and log in."""
    try:
        account = accounts.check_reset_token(token, "invite")
    except Invalid as exc:
        return render_template("accounts/invitation.html", form=None, account=None,
                               error=exc.errors["token"]), 400
    form = AcceptForm()
    if form.validate_on_submit():
        try:
            user = accounts.reset_password_with_token(token, form.password.data, "invite")
        except Invalid as exc:
            show_errors(form, exc)
        else:
            flash(_("Welkom bij Praktijkbank! Je wachtwoord is ingesteld; voortaan log je in "
                    "met %(email)s.", email=user.email), "success")
            return _sign_in(user)
    return render_template("accounts/invitation.html", form=form, account=account,
                           error=None), 400 if form.errors else 200
