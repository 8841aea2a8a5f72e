"""What readers do on an example's page for its author: record that their organisation
applied it too ("ook toegepast bij", which a moderator may remove), and write to the
author without seeing their address."""
from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from kb.services import adoptions as service
from kb.services import contact
from kb.services.errors import Invalid
from kb.services.examples import get_example
from kb.web.forms import ActionForm
from kb.web.helpers import account_limit, safe_next
from kb.web.public import render_example

bp = Blueprint("adoptions", __name__)


@bp.post("/voorbeelden/<int:example_id>/toegepast")
@login_required
def record(example_id: int):
    """Record an adoption (note, year); refused, the page comes back with the errors."""
    if not ActionForm().validate_on_submit():
        abort(400)
    values = {"note": request.form.get("note", ""), "year": request.form.get("year", "")}
    try:
        service.record_adoption(current_user, example_id, values["note"], values["year"])
    except Invalid as exc:
        example = get_example(current_user, example_id)
        return render_example(example, adoption_errors=exc.errors, adoption_values=values), 400
    flash(_("Dank je! Bij dit voorbeeld staat nu dat jouw organisatie het ook toepaste."),
          "success")
    example = get_example(current_user, example_id)
    return redirect(url_for("public.example", example_id=example.id, slug=example.slug,
                            _anchor="toegepast"))


@bp.post("/toepassingen/<int:adoption_id>/verwijderen")
@login_required
def remove(adoption_id: int):
    """Remove an adoption (moderators) and go back to the example."""
    if not ActionForm().validate_on_submit():
        abort(400)
    service.remove_adoption(current_user, adoption_id)
    flash(_("De toepassing is verwijderd."), "success")
    return redirect(safe_next(request.form.get("next")))


@bp.post("/voorbeelden/<int:example_id>/contact")
@login_required
@account_limit("CONTACT_LIMIT")
def write(example_id: int):
    """Mail the author a message; refused, the page comes back with the text kept."""
    if not ActionForm().validate_on_submit():
        abort(400)
    message = request.form.get("message", "")
    try:
        contact.contact_author(current_user, example_id, message)
    except Invalid as exc:
        example = get_example(current_user, example_id)
        return render_example(example, contact_errors=exc.errors,
                              contact_message=message), 400
    flash(_("Je bericht is verstuurd. De auteur kan je per mail antwoorden."), "success")
    example = get_example(current_user, example_id)
    return redirect(url_for("public.example", example_id=example.id, slug=example.slug))
