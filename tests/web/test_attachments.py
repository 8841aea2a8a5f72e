"""Attachments over HTTP: uploaded from the edit page (multipart), refused with the
file's name beside the upload form (400, nothing stored), served with headers that keep
a browser from running them, shown on the example page and as a thumbnail in results."""
import io

from kb.services import attachments
from tests import factories
from tests.services.test_attachments import PDF, count, jpeg
from tests.web.test_pages import page
from tests.webtools import csrf_token, logged_in, post_multipart


def upload(client, example_id: int, name: str, data: bytes, alt: str = ""):
    """POST the upload form as a browser does."""
    token = csrf_token(client, f"/voorbeelden/{example_id}/bewerken")
    return post_multipart(client, f"/voorbeelden/{example_id}/bijlagen",
                          {"csrf_token": token, "alt": alt, "file": (io.BytesIO(data), name)})


def test_an_author_uploads_and_removes_from_the_edit_page(client):
    author = logged_in(client)
    draft = factories.example("draft", author=author)
    response = upload(client, draft.id, "draaiboek.pdf", PDF)
    assert response.status_code == 302 and response.headers["Location"].endswith("#bijlagen")
    html = page(client, f"/voorbeelden/{draft.id}/bewerken")
    assert "draaiboek.pdf" in html and "Verwijderen" in html
    refused = upload(client, draft.id, "stiekem.pdf", b"<html><script>x</script></html>")
    assert refused.status_code == 400
    text = refused.get_data(as_text=True)
    assert "stiekem.pdf: dit soort bestand kan niet" in text and 'aria-invalid="true"' in text
    assert 'value="' + draft.title in text or draft.title in text  # the form as it opens
    assert count() == 1
    [kept] = attachments.attachments_of(draft)
    token = csrf_token(client, f"/voorbeelden/{draft.id}/bewerken")
    removed = client.post(f"/bijlagen/{kept.id}/verwijderen", data={"csrf_token": token})
    assert removed.status_code == 302 and count() == 0


def test_documents_download_and_images_show_with_safe_headers(client):
    moderator = logged_in(client, "moderator")
    example = factories.example()
    doc = attachments.add_attachment(moderator, example.id, "verslag.pdf", PDF)
    photo = attachments.add_attachment(moderator, example.id, "tafel.jpg", jpeg(),
                                       alt="Bewoners aan tafel")
    client.post("/uitloggen", data={"csrf_token": csrf_token(client)})
    served = client.get(f"/bijlagen/{doc.id}")
    assert served.status_code == 200 and served.data == PDF
    assert served.headers["Content-Disposition"] == 'attachment; filename=verslag.pdf'
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in served.headers["Content-Security-Policy"]
    image = client.get(f"/bijlagen/{photo.id}")
    assert image.mimetype == "image/jpeg" and image.headers["Content-Disposition"].startswith(
        "inline")
    assert client.get(f"/bijlagen/{photo.id}/klein").status_code == 200
    assert client.get(f"/bijlagen/{doc.id}/klein").status_code == 404
    again = client.get(f"/bijlagen/{doc.id}", headers={"If-None-Match": f'"{doc.sha256}"'})
    assert again.status_code == 304
    html = page(client, f"/voorbeelden/{example.id}")
    assert 'alt="Bewoners aan tafel"' in html and "verslag.pdf" in html
    results = page(client, "/zoeken")
    assert f"/bijlagen/{photo.id}/klein" in results


def test_attachments_of_a_draft_stay_hidden(client):
    author = factories.user()
    draft = factories.example("draft", author=author)
    kept = attachments.add_attachment(author, draft.id, "geheim.pdf", PDF)
    assert client.get(f"/bijlagen/{kept.id}").status_code == 404
    logged_in(client)
    assert client.get(f"/bijlagen/{kept.id}").status_code == 404
    assert upload(client, draft.id, "ook.pdf", PDF).status_code == 404


def test_an_upload_far_too_large_is_refused_without_a_500(app, client):
    app.config["ATTACHMENT_MAX_BYTES"] = 1000
    author = logged_in(client)
    draft = factories.example("draft", author=author)
    named = upload(client, draft.id, "groot.pdf", PDF + b"x" * 1500)
    assert named.status_code == 400 and "groot.pdf" in named.get_data(as_text=True)
    huge = upload(client, draft.id, "enorm.pdf", PDF + b"x" * 200_000)
    assert huge.status_code == 413 and count() == 0
    app.config["ATTACHMENT_MAX_BYTES"] = 10_000_000  # above the 2 MB of any other request
    big = upload(client, draft.id, "flink.pdf", PDF + b"x" * 3_000_000)
    assert big.status_code == 302 and count() == 1
