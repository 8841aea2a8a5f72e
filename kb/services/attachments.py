"""Attachments: documents (PDF, Word, Excel, PowerPoint, OpenDocument) and images on an
example. The type is read from the content, never from the name; images are re-encoded
with Pillow (metadata stripped, turned upright, a thumbnail made) and need alt text;
limits hold per file and per example. A refused upload names the file and the reason and
stores nothing. Kept in the database (kb.models.attachment says why)."""
import hashlib
import io
import re
import unicodedata
import warnings
from dataclasses import dataclass

import filetype
from flask import current_app
from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import func, select

from kb.database import db
from kb.models import Attachment, Example
from kb.services import permissions as perm
from kb.services.errors import Invalid, NotFound
from kb.services.transactions import unit_of_work
from kb.util import file_size

DOCUMENTS = {  # what filetype reads from the content: the media type it is served as
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
}
IMAGES = ("jpg", "png", "gif", "webp")  # as filetype names them; Pillow checks them too
MAX_PIXELS = 40_000_000  # more is a decompression bomb, not a photo of a workshop
LONGEST_SIDE = 2000  # pixels kept of an image
THUMBNAIL_SIDE = 480
MAX_NAME = 150
MIN_ALT, MAX_ALT = 3, 300
BAD_NAME = re.compile(r"[\x00-\x1f\x7f/\\]")


@dataclass
class Stored:
    """What is kept of an accepted upload."""

    kind: str
    media_type: str
    data: bytes
    extension: str
    thumbnail: bytes | None = None
    width: int | None = None
    height: int | None = None


def _refuse(name: str, reason: str) -> Invalid:
    """The refusal of one file, naming it."""
    return Invalid({"file": _("%(name)s: %(reason)s", name=name[:80], reason=reason)})


def clean_name(name) -> str:
    """The file's own name (no folders, no control characters); Invalid otherwise."""
    name = unicodedata.normalize("NFC", str(name or "")).strip()
    if not name:
        raise Invalid({"file": _("kies een bestand")})
    shown = BAD_NAME.sub("?", name)
    if BAD_NAME.search(name) or name.strip(".") == "":
        raise _refuse(shown, _("de bestandsnaam mag geen map of stuurtekens bevatten"))
    if len(name) > MAX_NAME:
        raise _refuse(shown, _("de bestandsnaam is langer dan %(max)d tekens", max=MAX_NAME))
    return name


def _encoded(image: Image.Image, side: int) -> tuple[bytes, str]:
    """The image at most side pixels each way, as PNG (transparency) or JPEG, with no
    metadata (nothing is passed on: no EXIF, no location, no comments)."""
    copy = image.copy()
    copy.thumbnail((side, side))
    out = io.BytesIO()
    if copy.mode in ("RGBA", "LA", "P", "PA"):
        copy.convert("RGBA").save(out, "PNG", optimize=True)
        return out.getvalue(), "png"
    copy.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue(), "jpg"


def _image(name: str, data: bytes) -> Stored:
    """An uploaded image, re-encoded; Invalid for a broken one or a pixel bomb."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as opened:
                if opened.width * opened.height > MAX_PIXELS:
                    raise _refuse(name, _("de afbeelding heeft te veel beeldpunten"))
                opened.load()
                upright = ImageOps.exif_transpose(opened)
                picture, extension = _encoded(upright, LONGEST_SIDE)
                thumbnail, _ext = _encoded(upright, THUMBNAIL_SIDE)
                width, height = Image.open(io.BytesIO(picture)).size
    except Invalid:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning,
            OSError, SyntaxError, ValueError, EOFError):
        raise _refuse(name, _("de afbeelding is beschadigd of onleesbaar")) from None
    media = "image/png" if extension == "png" else "image/jpeg"
    return Stored("image", media, picture, extension, thumbnail, width, height)


def logo_png(data: bytes, side: int = 400) -> bytes:
    """An uploaded logo as a PNG of at most side pixels (Invalid names `logo`)."""
    limit = current_app.config["LOGO_MAX_BYTES"]
    if len(data) > limit:
        raise Invalid({"logo": _("het logo mag hoogstens %(size)s zijn", size=file_size(limit))})
    kind = filetype.guess(data) if data else None
    if kind is None or kind.extension not in IMAGES:
        raise Invalid({"logo": _("kies een afbeelding (JPEG, PNG, GIF of WebP)")})
    try:
        stored = _image("logo", data)
    except Invalid as exc:
        raise Invalid({"logo": exc.errors["file"]}) from None
    with Image.open(io.BytesIO(stored.data)) as picture:
        out = io.BytesIO()
        picture.thumbnail((side, side))
        picture.save(out, "PNG", optimize=True)
    return out.getvalue()


def examine(name: str, data: bytes) -> Stored:
    """What an upload is, from its bytes; Invalid names the file and why it is refused."""
    if not data:
        raise _refuse(name, _("het bestand is leeg"))
    limit = current_app.config["ATTACHMENT_MAX_BYTES"]
    if len(data) > limit:
        raise _refuse(name, _("het bestand is groter dan %(size)s", size=file_size(limit)))
    kind = filetype.guess(data)
    extension = kind.extension if kind else ""
    if extension in IMAGES:
        return _image(name, data)
    if extension in DOCUMENTS:
        return Stored("file", DOCUMENTS[extension], data, extension)
    raise _refuse(name, _("dit soort bestand kan niet; wel PDF, Word, Excel, PowerPoint, "
                          "OpenDocument en afbeeldingen (JPEG, PNG, GIF, WebP)"))


def _stored_name(name: str, extension: str) -> str:
    """The download name: the upload's own, with the extension of what is stored."""
    stem = name.rsplit(".", 1)[0] if "." in name.strip(".") else name
    return f"{stem[:MAX_NAME - 6]}.{extension}"


def _clean_alt(kind: str, alt) -> str:
    """Alt text: required for an image (what it shows), none for a document."""
    text = " ".join(str(alt or "").split())
    if kind != "image":
        return ""
    if not MIN_ALT <= len(text) <= MAX_ALT:
        raise Invalid({"alt": _("beschrijf in %(min)d tot %(max)d tekens wat de afbeelding "
                                "laat zien", min=MIN_ALT, max=MAX_ALT)})
    return text


def _check_room(example: Example, size: int) -> None:
    """Refuse an upload that would take the example over its count or total size."""
    count, total = db.session.execute(
        select(func.count(Attachment.id), func.coalesce(func.sum(Attachment.size), 0))
        .where(Attachment.example_id == example.id)).one()
    config = current_app.config
    if count >= config["ATTACHMENTS_PER_EXAMPLE"]:
        raise Invalid({"file": _("een voorbeeld heeft hoogstens %(max)d bijlagen",
                                 max=config["ATTACHMENTS_PER_EXAMPLE"])})
    if total + size > config["ATTACHMENTS_MAX_BYTES"]:
        raise Invalid({"file": _("samen mogen de bijlagen van een voorbeeld hoogstens "
                                 "%(size)s zijn", size=file_size(config["ATTACHMENTS_MAX_BYTES"]))})


@unit_of_work
def add_attachment(actor, example_id: int, filename, data: bytes, alt="") -> Attachment:
    """Attach a document or an image to an example the actor may change."""
    example = db.session.get(Example, example_id)
    perm.require_visible(actor, example)
    perm.require(perm.can_add_attachment(actor, example))
    name = clean_name(filename)
    stored = examine(name, data)
    text = _clean_alt(stored.kind, alt)
    _check_room(example, len(stored.data))
    attachment = Attachment(
        example_id=example.id, kind=stored.kind, filename=_stored_name(name, stored.extension),
        media_type=stored.media_type, size=len(stored.data), alt=text, width=stored.width,
        height=stored.height, sha256=hashlib.sha256(stored.data).hexdigest(),
        uploaded_by_id=actor.id, data=stored.data, thumbnail=stored.thumbnail)
    db.session.add(attachment)
    return attachment


def get_attachment(actor, attachment_id: int) -> Attachment:
    """An attachment of an example the actor may see; NotFound otherwise."""
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None:
        raise NotFound()
    perm.require_visible(actor, attachment.example)
    return attachment


@unit_of_work
def remove_attachment(actor, attachment_id: int) -> Example:
    """Take an attachment off an example the actor may change."""
    attachment = get_attachment(actor, attachment_id)
    perm.require(perm.can_remove_attachment(actor, attachment.example))
    db.session.delete(attachment)
    return attachment.example


def attachments_of(example: Example) -> list[Attachment]:
    """The example's attachments, images first, in the order they were added."""
    return list(db.session.scalars(select(Attachment).where(
        Attachment.example_id == example.id).order_by(Attachment.kind.desc(), Attachment.id)))


def first_images(example_ids: list[int]) -> dict[int, int]:
    """The first image of each example that has one: example id -> attachment id (for
    thumbnails in a list)."""
    if not example_ids:
        return {}
    rows = db.session.execute(select(Attachment.example_id, func.min(Attachment.id)).where(
        Attachment.example_id.in_(example_ids), Attachment.kind == "image")
        .group_by(Attachment.example_id))
    return dict(rows.all())
