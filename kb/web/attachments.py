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
from kb.web.helpers import account_limit

bp = Blueprint("attachments", __name__)
FORM_ROOM = 64 * 1024  # the upload form's other fields beside the file
SANDBOX = "default-src 'none'; sandbox"  # nothing served here runs or loads anything


@bp.url_value_preprocessor
def _room_for_uploads(endpoint, _values) -> None:
    """An upload may be larger than any other request. Set before the form is first read
    (the CSRF check reads it before the view): twice the file limit is still taken in, so
    that the refusal can name the file and its size; more is a 413."""
    if endpoint == "attachments.upload":
        request.max_content_length = 2 * current_app.config["ATTACHMENT_MAX_BYTES"] + FORM_ROOM


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
                                       _read(sent, limit + 1), request.form.get("alt"))
    except Invalid as exc:
        return render_edit(example_id, upload_errors=exc.errors, status=400)
    flash(_("%(name)s is toegevoegd.", name=added.filename), "success")
    return redirect(url_for("contribute.edit", example_id=example_id, _anchor="bijlagen"))


def _read(sent, most: int) -> bytes:
    """Up to `most` bytes of the uploaded file, whose spooled copy is closed at once."""
    if sent is None:
        return b""
    with sent.stream:
        return sent.stream.read(most)


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
