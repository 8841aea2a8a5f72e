"""Attachments (kb.services.attachments): the type comes from the content, never the name;
images are re-encoded (metadata gone, upright, a thumbnail) and need alt text; every bad
upload is refused naming the file and the reason, and stores nothing; limits per file and
per example; only those who may change the example attach, only those who may see it read."""
import io
import zipfile

import pytest
from PIL import Image
from sqlalchemy import func, select

from kb.database import db
from kb.models import Attachment
from kb.services import attachments
from kb.services.errors import Forbidden, Invalid, NotFound
from tests import factories

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


def jpeg(size=(640, 480), exif_orientation: int | None = None, gps: bool = False) -> bytes:
    """A JPEG photo, with EXIF data (a camera, a place, an orientation) if asked."""
    image = Image.new("RGB", size, (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "Camera van de wijkverpleging"  # Make
    if exif_orientation:
        exif[0x0112] = exif_orientation
    if gps:
        exif[0x8825] = {1: "N", 2: (52.0, 9.0, 36.0)}  # GPSInfo: Leiden
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def png(size=(300, 200), mode="RGBA") -> bytes:
    """A PNG image."""
    out = io.BytesIO()
    Image.new(mode, size).save(out, "PNG")
    return out.getvalue()


def docx() -> bytes:
    """A (minimal) Word document: a zip with the parts Word writes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def count() -> int:
    """Attachments stored."""
    return db.session.scalar(select(func.count(Attachment.id)))


@pytest.fixture
def draft():
    """A draft of a participant, to attach to."""
    author = factories.user()
    return factories.example("draft", author=author), author


def test_documents_are_kept_as_they_came_and_typed_by_content(app, draft):
    example, author = draft
    pdf = attachments.add_attachment(author, example.id, "Verslag leeratelier.pdf", PDF)
    word = attachments.add_attachment(author, example.id, "draaiboek", docx())
    assert (pdf.kind, pdf.media_type, pdf.data, pdf.alt) == ("file", "application/pdf", PDF, "")
    assert word.filename == "draaiboek.docx" and "wordprocessingml" in word.media_type
    # A PDF under an image's name is still a PDF, and downloaded as one.
    renamed = attachments.add_attachment(author, example.id, "foto.jpg", PDF)
    assert renamed.media_type == "application/pdf" and renamed.filename == "foto.pdf"


def test_images_are_re_encoded_without_their_metadata(app, draft):
    example, author = draft
    photo = attachments.add_attachment(author, example.id, "buurtkamer.jpg",
                                       jpeg(gps=True), alt="Bewoners aan de lange tafel")
    stored = Image.open(io.BytesIO(photo.data))
    assert stored.format == "JPEG" and photo.media_type == "image/jpeg"
    assert dict(stored.getexif()) == {} and "exif" not in stored.info
    assert (photo.width, photo.height) == (640, 480)
    thumb = Image.open(io.BytesIO(photo.thumbnail))
    assert max(thumb.size) <= attachments.THUMBNAIL_SIDE
    # A photo taken sideways is stored upright, its orientation tag gone.
    turned = attachments.add_attachment(author, example.id, "staand.jpg",
                                        jpeg((640, 480), exif_orientation=6),
                                        alt="Een staande foto")
    assert (turned.width, turned.height) == (480, 640)
    transparent = attachments.add_attachment(author, example.id, "logo.png", png(),
                                             alt="Het logo van de buurtkamer")
    assert transparent.media_type == "image/png"


@pytest.mark.parametrize("name, data, reason", [
    ("leeg.pdf", b"", "leeg"),
    ("pagina.pdf", b"<!doctype html><html><script>alert(1)</script></html>", "soort bestand"),
    ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>', "soort bestand"),
    ("programma.jpg", b"MZ\x90\x00" + b"\x00" * 200, "soort bestand"),
    ("kapot.jpg", jpeg()[:400], "beschadigd"),
    ("bom.png", png((8000, 8000), mode="1"), "te veel beeldpunten"),
    ("../../etc/passwd.pdf", PDF, "map of stuurtekens"),
    ("C:\\Users\\x.pdf", PDF, "map of stuurtekens"),
    ("bel\x07letje.pdf", PDF, "map of stuurtekens"),
    ("x" * 151 + ".pdf", PDF, "langer dan"),
])
def test_bad_uploads_are_refused_naming_the_file(app, draft, name, data, reason):
    example, author = draft
    with pytest.raises(Invalid) as refused:
        attachments.add_attachment(author, example.id, name, data, alt="Een afbeelding")
    message = refused.value.errors["file"]
    assert reason in message and (name[:20].replace("\x07", "?").replace("/", "?")
                                  .replace("\\", "?") in message or not data)
    assert count() == 0


def test_an_image_needs_alt_text(app, draft):
    example, author = draft
    with pytest.raises(Invalid) as refused:
        attachments.add_attachment(author, example.id, "foto.jpg", jpeg(), alt="  ")
    assert set(refused.value.errors) == {"alt"} and count() == 0


def test_limits_per_file_and_per_example(app, draft):
    example, author = draft
    app.config.update(ATTACHMENT_MAX_BYTES=len(PDF) + 10, ATTACHMENTS_PER_EXAMPLE=2,
                      ATTACHMENTS_MAX_BYTES=2 * len(PDF) + 5)
    with pytest.raises(Invalid) as refused:
        attachments.add_attachment(author, example.id, "groot.pdf", PDF + b"x" * 20)
    assert "groot.pdf" in refused.value.errors["file"] and "kB" in refused.value.errors["file"]
    attachments.add_attachment(author, example.id, "een.pdf", PDF)
    with pytest.raises(Invalid) as refused:  # the two together would pass the total
        attachments.add_attachment(author, example.id, "twee.pdf", PDF + b"y" * 6)
    assert "samen" in refused.value.errors["file"]
    attachments.add_attachment(author, example.id, "twee.pdf", PDF)
    with pytest.raises(Invalid) as refused:
        attachments.add_attachment(author, example.id, "drie.pdf", PDF)
    assert "hoogstens 2 bijlagen" in refused.value.errors["file"] and count() == 2


def test_who_may_attach_and_who_may_read(app, draft):
    from flask_login import AnonymousUserMixin
    example, author = draft
    other = factories.user()
    with pytest.raises(NotFound):  # another's draft is not even there
        attachments.add_attachment(other, example.id, "a.pdf", PDF)
    kept = attachments.add_attachment(author, example.id, "a.pdf", PDF)
    with pytest.raises(NotFound):
        attachments.get_attachment(AnonymousUserMixin(), kept.id)
    published = factories.example(author=author)
    with pytest.raises(Forbidden):  # readers see it: changes go through a moderator
        attachments.add_attachment(author, published.id, "b.pdf", PDF)
    moderator = factories.user("moderator")
    on_published = attachments.add_attachment(moderator, published.id, "b.pdf", PDF)
    assert attachments.get_attachment(AnonymousUserMixin(), on_published.id).filename == "b.pdf"
    with pytest.raises(Forbidden):
        attachments.remove_attachment(author, on_published.id)
    attachments.remove_attachment(moderator, on_published.id)
    assert attachments.first_images([published.id, example.id]) == {}
