"""Accounts: register, log in and out, the account page, passwords and reset links."""
from flask import (Blueprint, current_app, flash, redirect, render_template, request,
                   url_for)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import InputRequired, Length

from kb.extensions import limiter
from kb.services import accounts
from kb.services.errors import Invalid
from kb.services.taxonomy import partner_names
from kb.web.helpers import ActionForm, safe_next, show_errors

bp = Blueprint("accounts", __name__)


def _limit(name: str):
    """A Flask-Limiter limit on POSTs, its value read from the config at request time."""
    return limiter.limit(lambda: current_app.config[name], methods=["POST"])


class LoginForm(FlaskForm):
    """Email and password."""

    email = EmailField(_l("E-mailadres"), validators=[InputRequired(), Length(max=254)])
    password = PasswordField(_l("Wachtwoord"), validators=[InputRequired(), Length(max=200)])
    remember = BooleanField(_l("Ingelogd blijven op dit apparaat"))


class ProfileForm(FlaskForm):
    """Name and organisation."""

    name = StringField(_l("Naam"), validators=[InputRequired(), Length(max=120)])
    organisation = StringField(_l("Organisatie"), validators=[InputRequired(), Length(max=200)],
                               description=_l("Een partner van de alliantie of een andere "
                                              "organisatie"))


class RegisterForm(ProfileForm):
    """Name, organisation, email and password."""

    email = EmailField(_l("E-mailadres"), validators=[InputRequired(), Length(max=254)])
    password = PasswordField(_l("Wachtwoord"), validators=[InputRequired(), Length(max=200)],
                             description=_l("Minstens %(n)d tekens", n=accounts.MIN_PASSWORD))


class PasswordForm(FlaskForm):
    """The current password and a new one."""

    current_password = PasswordField(_l("Huidig wachtwoord"), validators=[InputRequired()])
    password = PasswordField(_l("Nieuw wachtwoord"), validators=[InputRequired()],
                             description=_l("Minstens %(n)d tekens", n=accounts.MIN_PASSWORD))


class ForgotForm(FlaskForm):
    """The address to send a reset link to."""

    email = EmailField(_l("E-mailadres"), validators=[InputRequired(), Length(max=254)])


class ResetForm(FlaskForm):
    """A new password."""

    password = PasswordField(_l("Nieuw wachtwoord"), validators=[InputRequired()],
                             description=_l("Minstens %(n)d tekens", n=accounts.MIN_PASSWORD))


def _sign_in(user, remember: bool = False):
    """Start the session and go where the visitor was heading."""
    login_user(user, remember=remember)
    return redirect(safe_next(request.args.get("next")))


@bp.route("/inloggen", methods=["GET", "POST"])
@_limit("LOGIN_LIMIT")
def login():
    """Log in with email and password."""
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(form.email.data, form.password.data)
        except Invalid as exc:
            show_errors(form, exc)
        else:
            flash(_("Welkom terug, %(name)s.", name=user.name), "success")
            return _sign_in(user, form.remember.data)
    status = 400 if form.errors or form.form_errors else 200
    return render_template("accounts/login.html", form=form), status


@bp.post("/uitloggen")
def logout():
    """End the session (a POST, so no other site can log someone out)."""
    if ActionForm().validate_on_submit():
        logout_user()
        flash(_("Je bent uitgelogd."), "success")
    return redirect(url_for("public.home"))


@bp.route("/registreren", methods=["GET", "POST"])
@_limit("REGISTER_LIMIT")
def register():
    """Open an account as a participant."""
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = accounts.register(form.email.data, form.name.data, form.password.data,
                                     form.organisation.data)
        except Invalid as exc:
            show_errors(form, exc)
        else:
            flash(_("Welkom bij Praktijkbank! Je kunt nu praktijkvoorbeelden delen."), "success")
            return _sign_in(user)
    status = 400 if form.errors or form.form_errors else 200
    return render_template("accounts/register.html", form=form,
                           partners=partner_names()), status


@bp.get("/account")
@login_required
def account():
    """The account page: details, password, sessions."""
    return _account_page()


def _account_page(profile=None, password=None, status: int = 200):
    """Render the account page with its three forms."""
    profile = profile or ProfileForm(name=current_user.name,
                                     organisation=current_user.organisation_label)
    return render_template("accounts/account.html", profile=profile,
                           password=password or PasswordForm(), action=ActionForm(),
                           partners=partner_names()), status


@bp.post("/account")
@login_required
def profile():
    """Change one's name and organisation."""
    form = ProfileForm()
    if form.validate_on_submit():
        try:
            accounts.update_profile(current_user, form.name.data, form.organisation.data)
        except Invalid as exc:
            show_errors(form, exc)
        else:
            flash(_("Je gegevens zijn bewaard."), "success")
            return redirect(url_for(".account"))
    return _account_page(profile=form, status=400)


@bp.post("/account/wachtwoord")
@login_required
def change_password():
    """Set a new password; other sessions end, this one continues."""
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(current_user, form.current_password.data,
                                     form.password.data)
        except Invalid as exc:
            show_errors(form, exc)
        else:
            # The session token rotated: renew this session's cookie (with the real object).
            login_user(current_user._get_current_object())
            flash(_("Je wachtwoord is gewijzigd. Op andere apparaten ben je uitgelogd."),
                  "success")
            return redirect(url_for(".account"))
    return _account_page(password=form, status=400)


@bp.post("/account/overal-uitloggen")
@login_required
def logout_everywhere():
    """End every session of this account, this one included."""
    if ActionForm().validate_on_submit():
        accounts.log_out_everywhere(current_user)
        logout_user()
        flash(_("Je bent op alle apparaten uitgelogd."), "success")
    return redirect(url_for("public.home"))


@bp.route("/wachtwoord-vergeten", methods=["GET", "POST"])
@_limit("RESET_LIMIT")
def forgot_password():
    """Ask for a reset link; the answer is the same whether the address is known or not."""
    form = ForgotForm()
    if form.validate_on_submit():
        accounts.request_password_reset(
            form.email.data, lambda token: url_for(".reset_password", token=token,
                                                   _external=True))
        flash(_("Als er een account met dit adres bestaat, is er een link gestuurd om een "
                "nieuw wachtwoord te kiezen. De link is een uur geldig."), "success")
        return redirect(url_for(".login"))
    return render_template("accounts/forgot.html", form=form), 400 if form.errors else 200


@bp.route("/wachtwoord-herstellen/<token>", methods=["GET", "POST"])
@_limit("RESET_LIMIT")
def reset_password(token: str):
    """Choose a new password through a reset link."""
    form = ResetForm()
    try:
        accounts.check_reset_token(token)
    except Invalid as exc:
        return render_template("accounts/reset.html", form=None, error=exc.errors["token"]), 400
    if form.validate_on_submit():
        try:
            user = accounts.reset_password_with_token(token, form.password.data)
        except Invalid as exc:
            show_errors(form, exc)
        else:
            flash(_("Je nieuwe wachtwoord is ingesteld."), "success")
            return _sign_in(user)
    return render_template("accounts/reset.html", form=form, error=None), \
        400 if form.errors else 200
