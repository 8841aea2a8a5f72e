"""Notification mail choices: on the account page, and the signed link in every mail that
switches its kind off without logging in."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from kb.services import notifications as service
from kb.services.errors import Invalid, NotFound
from kb.web.forms import ActionForm

bp = Blueprint("notifications", __name__)


@bp.post("/account/meldingen")
@login_required
def choose():
    """Save which kinds of mail the member wants (the ticked ones)."""
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        service.set_notifications(current_user, request.form.getlist("notifications"))
    except Invalid as exc:
        flash(" ".join(exc.errors.values()), "error")
    else:
        flash(_("Je keuzes voor mail zijn bewaard."), "success")
    return redirect(url_for("accounts.account", _anchor="notifications-heading"))


@bp.route("/meldingen/uit/<token>", methods=["GET", "POST"])
def switch_off(token: str):
    """A mail's switch-off link: confirm with a button (mail scanners follow links), then
    that kind of mail is off."""
    try:
        _user, kind = service.token_subject(token)
    except NotFound:
        return render_template("accounts/notification_off.html", kind=None, done=False), 404
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            abort(400)
        service.switch_off_by_token(token)
        return render_template("accounts/notification_off.html", kind=service.KINDS[kind],
                               done=True)
    return render_template("accounts/notification_off.html", kind=service.KINDS[kind],
                           action=ActionForm(), done=False)
