"""Two-factor authentication: the code after the password, enrolling an authenticator app
(QR code, secret, ten recovery codes), turning it off, and the rule that moderators and
admins enrol before any moderation, curation or administration page opens."""
import time

import segno
from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user
from wtforms import BooleanField, PasswordField, StringField

from kb.services import accounts, second_factor
from kb.services.errors import Invalid
from kb.services.throttle import TooMany
from kb.web.accounts import _limit, _sign_in
from kb.web.errors import with_retry_after
from kb.web.forms import Form, at_most, required, show_errors
from kb.web.helpers import current_path, safe_next

bp = Blueprint("second_factor", __name__)

PENDING = "second_factor_pending"  # session: the account that gave its password
ENROLLING = "second_factor_secret"  # session: the secret shown while enrolling
REMEMBERED_COOKIE = "kb_second_factor"
# Pages of moderators and admins: closed until they enrolled a second factor.
GUARDED = ("/moderatie", "/beheer")
CODE_ATTRIBUTES = {"autocomplete": "one-time-code", "autocapitalize": "none",
                   "spellcheck": "false"}


class CodeForm(Form):
    """The code from the app (or a recovery code) after the password."""

    code = StringField(_l("Code"), validators=[required(), at_most(40)],
                       render_kw=CODE_ATTRIBUTES,
                       description=_l("De zes cijfers die je app nu toont, of een van je "
                                      "herstelcodes"))
    remember_device = BooleanField(description=_l("Alleen op een apparaat dat niemand "
                                                  "anders gebruikt"))

    def __init__(self, *args, **kwargs):
        """The form, its remember box naming the installation's number of days."""
        super().__init__(*args, **kwargs)
        self.remember_device.label.text = _(
            "Dit apparaat %(days)d dagen onthouden",
            days=current_app.config["SECOND_FACTOR_REMEMBER_DAYS"])


class EnrolForm(Form):
    """The first code from the app, proving it read the secret."""

    code = StringField(_l("Code uit de app"), validators=[required(), at_most(40)],
                       render_kw={**CODE_ATTRIBUTES, "inputmode": "numeric"},
                       description=_l("Zes cijfers"))


class DisableForm(Form):
    """The password and a code, to turn the second factor off."""

    password = PasswordField(_l("Wachtwoord"), validators=[required(), at_most(200)])
    code = StringField(_l("Code uit de app of herstelcode"), id="disable-code",
                       validators=[required(), at_most(40)], render_kw=CODE_ATTRIBUTES)


class RenewForm(Form):
    """A code, to get ten new recovery codes."""

    code = StringField(_l("Code uit de app"), id="renew-code",
                       validators=[required(), at_most(40)], render_kw=CODE_ATTRIBUTES)


def code_needed(user) -> bool:
    """True when the account must give its code in this browser before it is signed in."""
    return user.has_second_factor and not second_factor.is_remembered(
        user, request.cookies.get(REMEMBERED_COOKIE))


def ask_code(user, remember: bool):
    """The password was right: keep the account waiting for its code (not signed in yet),
    with what it would have been told, and ask for the code."""
    session[PENDING] = {"u": user.id, "t": user.session_token, "r": bool(remember),
                        "at": int(time.time()),
                        "f": [list(item) for item in session.pop("_flashes", [])]}
    return redirect(url_for("second_factor.code", next=request.args.get("next")))


def landing(user, target: str) -> str:
    """Where a freshly signed-in account goes: a moderator or admin without a second
    factor enrols first, then goes on to the target."""
    if not user.needs_second_factor:
        return target
    flash(_("Als moderator of beheerder beveilig je je account met een tweede stap: een code "
            "uit een app op je telefoon. Stel die nu in; daarna kun je verder."), "info")
    return url_for("second_factor.settings", next=target)


@bp.before_app_request
def _require_second_factor():
    """Moderators and admins without a second factor are sent to enrol from every
    moderation, curation and administration page (the services refuse them too)."""
    if not request.path.startswith(GUARDED) or not current_user.is_authenticated \
            or not current_user.needs_second_factor:
        return None
    flash(_("Stel eerst tweestapsverificatie in; daarna openen de moderatie- en "
            "beheerpagina's."), "info")
    target = current_path() if request.method == "GET" else None
    return redirect(url_for("second_factor.settings", next=target))


def _pending_user():
    """The account waiting for its code in this browser, if it is still waiting."""
    marker = session.get(PENDING)
    if not isinstance(marker, dict) or not isinstance(marker.get("at"), int) \
            or time.time() - marker["at"] > current_app.config["SECOND_FACTOR_PENDING_SECONDS"]:
        return None
    return second_factor.pending_user(marker.get("u"), marker.get("t"))


def _complete_sign_in(user, kind: str, remember_device: bool):
    """The code was right: sign in as the password would have, and remember this browser
    when asked."""
    marker = session.pop(PENDING)
    for category, message in marker.get("f", []):
        flash(message, category)
    if kind == "recovery":
        flash(_("Je bent ingelogd met een herstelcode; die werkt nu niet meer. Je hebt nog "
                "%(n)d herstelcodes. Maak nieuwe aan op je accountpagina als je ze bijna "
                "op hebt.", n=second_factor.recovery_codes_left(user)), "info")
    response = _sign_in(user, marker.get("r", False), code_given=True)
    if remember_device:
        response.set_cookie(REMEMBERED_COOKIE, second_factor.remember_device(user),
                            max_age=second_factor.remember_seconds(), httponly=True,
                            samesite="Lax", secure=request.is_secure)
    return response


@bp.route("/inloggen/code", methods=["GET", "POST"])
@_limit("LOGIN_LIMIT", failures_only=True)
def code():
    """The second step of logging in: the code from the app, or a recovery code."""
    user = _pending_user()
    if user is None:
        if session.pop(PENDING, None) is not None:
            flash(_("Log opnieuw in: de code werd niet op tijd ingevuld."), "info")
        return redirect(url_for("accounts.login", next=request.args.get("next")))
    form = CodeForm()
    if form.validate_on_submit():
        try:
            kind = second_factor.check_code(user, form.code.data)
        except Invalid as exc:
            show_errors(form, exc)
        except TooMany as exc:
            page = render_template("second_factor/code.html", form=form, locked=str(exc))
            return with_retry_after((page, 429), exc.retry_after)
        else:
            return _complete_sign_in(user, kind, form.remember_device.data)
    status = 400 if form.errors or form.form_errors else 200
    return render_template("second_factor/code.html", form=form), status


def _qr_svg(uri: str) -> str:
    """The otpauth:// address as an inline SVG QR code, titled for screen readers."""
    return segno.make(uri, error="m").svg_inline(
        scale=4, title=_("QR-code om Praktijkbank aan je authenticator-app toe te voegen"),
        svgclass="qr-code")


def _next() -> str | None:
    """The local page to go on to after enrolling (from `next`), if one was given."""
    return safe_next(request.args["next"]) if request.args.get("next") else None


def _settings_page(enrol=None, disable=None, renew=None, status: int = 200):
    """The two-factor page: enrolment (QR code, secret, first code) or, once enrolled,
    renewing the recovery codes and (participants) turning it off."""
    user, context = current_user._get_current_object(), {}
    if not user.has_second_factor:
        secret = session.get(ENROLLING) or second_factor.new_secret()
        session[ENROLLING] = secret
        context = {"qr": _qr_svg(second_factor.provisioning_uri(user, secret)),
                   "secret_groups": [secret[i:i + 4] for i in range(0, len(secret), 4)]}
    else:
        context = {"codes_left": second_factor.recovery_codes_left(user)}
    return render_template("second_factor/settings.html", enrol=enrol or EnrolForm(),
                           disable=disable or DisableForm(), renew=renew or RenewForm(),
                           next=_next(), **context), status


@bp.get("/account/tweestaps")
@login_required
def settings():
    """Two-factor authentication for one's own account."""
    return _settings_page()


def _recovery_codes_page(codes: list[str]):
    """The new recovery codes, shown this once."""
    return render_template("second_factor/recovery_codes.html", codes=codes, next=_next())


@bp.post("/account/tweestaps")
@login_required
def enrol():
    """Turn two-factor authentication on with the first code from the app."""
    form = EnrolForm()
    if form.validate_on_submit():
        try:
            codes = second_factor.enrol(current_user, session.get(ENROLLING, ""),
                                        form.code.data)
        except Invalid as exc:
            show_errors(form, exc)
        else:
            session.pop(ENROLLING, None)
            user = current_user._get_current_object()  # its other sessions ended
            accounts.start_session(user, renewed=True)
            login_user(user)
            flash(_("Tweestapsverificatie staat aan. Voortaan vragen we na je wachtwoord "
                    "een code uit de app."), "success")
            return _recovery_codes_page(codes)
    return _settings_page(enrol=form, status=400)


def _with_code(form, action, status_form: str):
    """Run a service that needs a code; its refusal on the form, or too many tries."""
    try:
        return action(), None
    except Invalid as exc:
        show_errors(form, exc)
    except TooMany as exc:
        form.form_errors.append(str(exc))
    return None, _settings_page(**{status_form: form}, status=400)


@bp.post("/account/tweestaps/herstelcodes")
@login_required
def renew():
    """Ten new recovery codes; the old ones stop working."""
    form = RenewForm()
    if not form.validate_on_submit():
        return _settings_page(renew=form, status=400)
    codes, refused = _with_code(
        form, lambda: second_factor.new_recovery_codes(current_user, form.code.data), "renew")
    return refused or _recovery_codes_page(codes)


@bp.post("/account/tweestaps/uitzetten")
@login_required
def disable():
    """Turn one's own second factor off (participants), with password and code."""
    form = DisableForm()
    if not form.validate_on_submit():
        return _settings_page(disable=form, status=400)
    _done, refused = _with_code(form, lambda: second_factor.disable(
        current_user, form.password.data, form.code.data), "disable")
    if refused:
        return refused
    flash(_("Tweestapsverificatie staat uit. Je logt weer in met alleen je wachtwoord."),
          "success")
    response = redirect(url_for("accounts.account"))
    response.delete_cookie(REMEMBERED_COOKIE)
    return response
