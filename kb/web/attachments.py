"""Attachments over HTTP: uploaded on the edit page, served with safe headers (documents
always as a download; images are our own re-encoding), and taken off again."""
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from kb.services import attachments as service
from kb.services.errors import Invalid
from kb.web.contribute import render_edit
from kb.web.forms import ActionForm
from kb.web.helpers import account_limit, read_upload, room_for_upload

bp = Blueprint("attachments", __name__)
SANDBOX = "default-src 'none'; sandbox"  # nothing served here runs or loads anything


@bp.url_value_preprocessor
def _room_for_uploads(endpoint, _values) -> None:
    """An attachment may be larger than any other request (kb.web.helpers.room_for_upload)."""
    if endpoint == "attachments.upload":
        room_for_upload("ATTACHMENT_MAX_BYTES")


@bp.post("/voorbeelden/<int:example_id>/bijlagen")
@login_required
@account_limit("SUBMIT_LIMIT")  # each image is decoded and encoded again
def upload(example_id: int):
    """Attach a document or an image (multipart: `file`, and `alt` for an image)."""
    limit = current_app.config["ATTACHMENT_MAX_BYTES"]
    if not ActionForm().validate_on_submit():
        abort(400)
    sent = request.files.get("file")
    try:
        added = service.add_attachment(current_user, example_id,
                                       sent.filename if sent else "",
                                       read_upload(sent, limit + 1), request.form.get("alt"))
    except Invalid as exc:
        return render_edit(example_id, upload_errors=exc.errors, status=400)
    flash(_("%(name)s is toegevoegd.", name=added.filename), "success")
    return redirect(url_for("contribute.edit", example_id=example_id, _anchor="bijlagen"))


def _send(attachment, data: bytes, inline: bool) -> Response:
    """The bytes with headers that keep a browser from running or sniffing them."""
    response = Response(data, mimetype=attachment.media_type)
    response.headers.set("Content-Disposition", "inline" if inline else "attachment",
                         filename=attachment.filename)
    response.headers["Content-Security-Policy"] = SANDBOX
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = ("public, max-age=3600" if attachment.example.is_published
                                         else "private, no-store")
    response.set_etag(attachment.sha256)
    return response.make_conditional(request)


@bp.get("/bijlagen/<int:attachment_id>")
def download(attachment_id: int):
    """One attachment: a document as a download, an image to show."""
    attachment = service.get_attachment(current_user, attachment_id)
    return _send(attachment, attachment.data, inline=attachment.is_image)


@bp.get("/bijlagen/<int:attachment_id>/klein")
def thumbnail(attachment_id: int):
    """An image's thumbnail (for lists and the edit page)."""
    attachment = service.get_attachment(current_user, attachment_id)
    if not attachment.is_image:
        abort(404)
    return _send(attachment, attachment.thumbnail, inline=True)


@bp.post("/bijlagen/<int:attachment_id>/verwijderen")
@login_required
def remove(attachment_id: int):
    """Take an attachment off its example, then back to the edit page."""
    if not ActionForm().validate_on_submit():
        abort(400)
    example = service.remove_attachment(current_user, attachment_id)
    flash(_("De bijlage is verwijderd."), "success")
    return redirect(url_for("contribute.edit", example_id=example.id, _anchor="bijlagen"))
