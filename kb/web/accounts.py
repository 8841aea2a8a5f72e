"""Accounts: register, log in and out, the account page, passwords and reset links."""
from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired

from kb.extensions import limiter
from kb.services import accounts, deletion, notifications, privacy
from kb.services.errors import Invalid
from kb.services.taxonomy import partner_names
from kb.services.throttle import TooMany
from kb.web.errors import with_retry_after
from kb.web.forms import ActionForm, Form, at_most, required, show_errors, submitted
from kb.web.helpers import personal_data_file, safe_next

bp = Blueprint("accounts", __name__)


DEVICE_COOKIE = "kb_device"
# What every field for a new password says about it (the service says why it refuses one).
PASSWORD_HINT = _l("Minstens %(n)d tekens. Geen veelgebruikt wachtwoord, en niet de naam van "
                   "de site of je eigen naam of e-mailadres.", n=accounts.MIN_PASSWORD)


def _limit(name: str, failures_only: bool = False):
    """A Flask-Limiter limit on POSTs, its value read from the config at request time;
    with failures_only, a request counts only when it did not succeed (a redirect)."""
    deduct = (lambda response: response.status_code != 302) if failures_only else None
    return limiter.limit(lambda: current_app.config[name], methods=["POST"],
                         deduct_when=deduct)


class LoginForm(Form):
    """Email and password."""

    email = EmailField(_l("E-mailadres"), validators=[required(), at_most(254)])
    password = PasswordField(_l("Wachtwoord"), validators=[required(), at_most(200)])
    remember = BooleanField(_l("Ingelogd blijven op dit apparaat"))


class ProfileForm(Form):
    """Name and organisation."""

    name = StringField(_l("Naam"), validators=[required(), at_most(120)])
    organisation = StringField(_l("Organisatie"), validators=[required(), at_most(200)],
                               description=_l("Een partner van de alliantie of een andere "
                                              "organisatie"))


class RegisterForm(ProfileForm):
    """Name, organisation, email and password, and consent to keep them."""

    email = EmailField(_l("E-mailadres"), validators=[required(), at_most(254)])
    password = PasswordField(_l("Wachtwoord"), validators=[required(), at_most(200)],
                             description=PASSWORD_HINT)
    consent = BooleanField(
        _l("Ik heb de privacyverklaring gelezen en geef toestemming om mijn gegevens te "
           "bewaren zoals daar staat beschreven."),
        validators=[DataRequired(_l("Vink dit aan om een account te maken: zonder je "
                                    "toestemming bewaren we je gegevens niet."))])


class PasswordForm(Form):
    """The current password and a new one."""

    current_password = PasswordField(_l("Huidig wachtwoord"), validators=[required()])
    password = PasswordField(_l("Nieuw wachtwoord"), validators=[required()],
                             description=PASSWORD_HINT)


class DeleteAccountForm(Form):
    """The password that confirms deleting one's account (its own id: the page has two)."""

    password = PasswordField(_l("Je wachtwoord"), id="delete-password",
                             validators=[required(_l("Vul je wachtwoord in."))])


class ForgotForm(Form):
    """The address to send a reset link to."""

    email = EmailField(_l("E-mailadres"), validators=[required(), at_most(254)])


class ResetForm(Form):
    """A new password."""

    password = PasswordField(_l("Nieuw wachtwoord"), validators=[required()],
                             description=PASSWORD_HINT)


def _sign_in(user, remember: bool = False, code_given: bool = False):
    """Start a server-side session, mark this browser as one the account uses, and go
    where the visitor was heading. An account with a second factor first gives its code
    (unless this browser is remembered for it); a moderator without one enrols first."""
    from kb.web import second_factor  # it builds on this module
    if not code_given and second_factor.code_needed(user):
        return second_factor.ask_code(user, remember)
    accounts.start_session(user, remember)
    login_user(user, remember=remember)
    response = redirect(second_factor.landing(user, safe_next(request.args.get("next"))))
    response.set_cookie(DEVICE_COOKIE, accounts.device_token(user), max_age=365 * 24 * 3600,
                        httponly=True, samesite="Lax", secure=request.is_secure)
    return response


def _this_device() -> dict | None:
    """The trusted-device mark of this browser, if it has a genuine one."""
    return accounts.read_device(request.cookies.get(DEVICE_COOKIE))


@bp.route("/inloggen", methods=["GET", "POST"])
@_limit("LOGIN_LIMIT", failures_only=True)
def login():
    """Log in with email and password."""
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(form.email.data, form.password.data,
                                         request.remote_addr or "", _this_device())
        except accounts.Blocked:
            return render_template("accounts/login.html", form=form, blocked=True), 400
        except Invalid as exc:
            show_errors(form, exc)
        except TooMany as exc:
            page = render_template("accounts/login.html", form=form, locked=str(exc))
            return with_retry_after((page, 429), exc.retry_after)
        else:
            flash(_("Welkom terug, %(name)s.", name=user.name), "success")
            return _sign_in(user, form.remember.data)
    status = 400 if form.errors or form.form_errors else 200
    return render_template("accounts/login.html", form=form), status


@bp.post("/uitloggen")
def logout():
    """End the session, on the server too (a POST, so no other site can log someone out)."""
    if current_user.is_authenticated:
        accounts.end_session(current_user._get_current_object())
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
            accounts.register(form.email.data, form.name.data, form.password.data,
                              form.organisation.data, _external_link)
        except Invalid as exc:
            show_errors(form, exc)
        else:
            # The same answer whether or not the address already had an account.
            return render_template("accounts/check_mail.html", email=form.email.data.strip())
    status = 400 if form.errors or form.form_errors else 200
    return render_template("accounts/register.html", form=form,
                           partners=partner_names()), status


def _external_link(endpoint: str, token: str) -> str:
    """A full link to a page that takes a token (for mail)."""
    return url_for(endpoint, token=token, _external=True)


@bp.get("/registreren/bevestigen/<token>")
def confirm(token: str):
    """Confirm the address of a new account through its mailed link, and log in."""
    try:
        user = accounts.confirm_address(token)
    except Invalid as exc:
        return render_template("accounts/confirm_failed.html", error=exc.errors["token"]), 400
    flash(_("Welkom bij Praktijkbank! Je e-mailadres is bevestigd en je kunt nu "
            "praktijkvoorbeelden delen."), "success")
    return _sign_in(user)


@bp.get("/account")
@login_required
def account():
    """The account page: details, password, sessions."""
    return _account_page()


def _account_page(profile=None, password=None, status: int = 200, deletion=None):
    """Render the account page with its forms."""
    profile = profile or ProfileForm(name=current_user.name,
                                     organisation=current_user.organisation_label)
    return render_template("accounts/account.html", profile=profile,
                           password=password or PasswordForm(), action=ActionForm(),
                           deletion=deletion or DeleteAccountForm(),
                           partners=partner_names(),
                           notification_kinds=[(kind, notifications.KINDS[kind])
                                               for kind in notifications.kinds_for(current_user)],
                           ), status


@bp.get("/account/gegevens")
@login_required
def personal_data():
    """Everything kept about the member, as a JSON file to download."""
    return personal_data_file(privacy.personal_data(current_user, current_user))


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
            # Every session ended with the new password: this browser gets a new one.
            user = current_user._get_current_object()
            accounts.start_session(user, renewed=True)
            login_user(user)
            flash(_("Je wachtwoord is gewijzigd. Op andere apparaten ben je uitgelogd."),
                  "success")
            return redirect(url_for(".account"))
    return _account_page(password=form, status=400)


@bp.post("/account/overal-uitloggen")
@login_required
def logout_everywhere():
    """End every session of this account, this one included."""
    accounts.log_out_everywhere(current_user)
    logout_user()
    flash(_("Je bent op alle apparaten uitgelogd."), "success")
    return redirect(url_for("public.home"))


@bp.post("/account/verwijderen")
@login_required
def delete_account():
    """Delete one's own account, confirmed with the password; the session ends with it."""
    form = DeleteAccountForm()
    if form.validate_on_submit() and submitted(form, lambda: deletion.delete_account(
            current_user, current_user.id, form.password.data)):
        logout_user()
        flash(_("Je account is verwijderd. Je gepubliceerde voorbeelden blijven staan "
                "onder de naam van je organisatie, zonder jouw naam."), "success")
        return redirect(url_for("public.home"))
    return _account_page(status=400, deletion=form)


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
                "nieuw wachtwoord te kiezen. De link is %(valid)s geldig.",
                valid=accounts.link_lifetime("reset")), "success")
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
        return render_template("accounts/confirm_failed.html", error=exc.errors["token"]), 400
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
