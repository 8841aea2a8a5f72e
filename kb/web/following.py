"""Following: examples a member keeps (/bewaard) and saved searches (/zoekopdrachten) with
their digests, and the signed link that stops a digest without logging in."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from kb.services import following as service
from kb.services.errors import Invalid, NotFound
from kb.web.forms import ActionForm, done
from kb.web.helpers import safe_next

bp = Blueprint("following", __name__)


def _back(default: str) -> str:
    """Where a small form returns to: its own page (only paths of this site)."""
    return safe_next(request.form.get("next"), default)


@bp.post("/voorbeelden/<int:example_id>/bewaren")
@login_required
def save(example_id: int):
    """Keep an example (bewaren=1) or take it off one's page (bewaren=0), then back."""
    keep = request.form.get("bewaren", "1")
    if not ActionForm().validate_on_submit() or keep not in ("0", "1"):
        abort(400)
    if keep == "1":
        service.save_example(current_user, example_id)
        flash(_("Bewaard. Je vindt het terug onder ‘Bewaard’."), "success")
    else:
        service.unsave_example(current_user, example_id)
        flash(_("Niet meer bewaard."), "success")
    return redirect(_back(url_for("public.example", example_id=example_id)))


@bp.get("/bewaard")
@login_required
def saved():
    """The examples the member keeps."""
    return render_template("following/saved.html", examples=service.saved_examples(current_user),
                           action=ActionForm())


@bp.route("/zoekopdrachten", methods=["GET", "POST"])
@login_required
def searches():
    """The member's saved searches; POST follows one (query, frequency)."""
    errors = {}
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            abort(400)
        try:
            service.save_search(current_user, request.form.get("query", ""),
                                request.form.get("frequency", ""))
        except Invalid as exc:
            errors = exc.errors
        else:
            return done(_("Je volgt deze zoekopdracht. Nieuwe voorbeelden krijg je per mail."),
                        "following.searches")
    return render_template("following/searches.html", searches=service.searches_of(current_user),
                           describe=service.describe, action=ActionForm(), errors=errors), \
        400 if errors else 200


@bp.post("/zoekopdrachten/<int:saved_search_id>/verwijderen")
@login_required
def delete(saved_search_id: int):
    """Stop following one of one's saved searches."""
    if not ActionForm().validate_on_submit():
        abort(400)
    service.delete_search(current_user, saved_search_id)
    return done(_("Je volgt deze zoekopdracht niet meer."), "following.searches")


@bp.route("/zoekopdrachten/stoppen/<token>", methods=["GET", "POST"])
def stop(token: str):
    """A digest's stop link: confirm, then the saved search is gone (no login needed)."""
    try:
        saved = service.search_for_token(token)
    except NotFound:
        return render_template("following/stop.html", saved=None, done=False), 404
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            abort(400)
        service.stop_by_token(token)
        return render_template("following/stop.html", saved=None, done=True)
    return render_template("following/stop.html", saved=saved, describe=service.describe,
                           action=ActionForm(), done=False)
