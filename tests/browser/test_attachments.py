"""Attachments in a real browser: a participant saves a draft, attaches a photo (with its
alt text) and a PDF on the edit page, sees a refused file named with its reason, and the
page with its attachments is accessible at phone and desk width."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_writing_help import create_writer, log_in
from tests.browser.tools import serious_violations, snapshot
from tests.services.test_attachments import PDF, jpeg

pytestmark = pytest.mark.browser


def write_draft(page, base: str, title: str) -> None:
    """A draft with every required field, saved through the form."""
    page.goto(base + "/voorbeelden/nieuw")
    page.get_by_label("Titel").fill(title)
    page.get_by_label("Samenvatting").fill("Een ochtend in de bibliotheek waarop kinderen "
                                           "en ouders samen lezen.")
    page.get_by_label("Beschrijving").fill("Vrijwilligers lezen voor; daarna praten we na.")
    page.get_by_label("Meedoen").check()
    page.get_by_label("Jeugd en gezin").check()
    page.get_by_label("Soort organisatie").select_option("welzijn")
    page.get_by_label("Niveau").select_option("micro")
    page.get_by_label("Setting").select_option("wijk")
    page.get_by_label("Gemeente").fill("Leiden")
    page.get_by_role("button", name="Bewaren als concept").click()
    page.wait_for_url(re.compile("/mijn-voorbeelden"))


@pytest.mark.parametrize("width", [390, 1280])
def test_a_participant_attaches_a_photo_and_a_document(live_server, live_env, page, tmp_path,
                                                       width):
    email = f"bijlagen-{width}@praktijkbank.example"
    create_writer(live_env, email)
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, email)
    write_draft(page, live_server, f"Voorleesochtend {width}")
    page.get_by_role("link", name="Bewerken").first.click()
    photo, pdf, bad = tmp_path / "voorlezen.jpg", tmp_path / "draaiboek.pdf", tmp_path / "x.pdf"
    photo.write_bytes(jpeg(gps=True))
    pdf.write_bytes(PDF)
    bad.write_bytes(b"<html><body>geen pdf</body></html>")
    page.get_by_label("Bestand").set_input_files(str(photo))
    page.get_by_label("Wat laat de afbeelding zien?").fill("Kinderen luisteren op kussens")
    page.get_by_role("button", name="Toevoegen").click()
    expect(page.get_by_text("voorlezen.jpg is toegevoegd.")).to_be_visible()
    page.get_by_label("Bestand").set_input_files(str(bad))
    page.get_by_role("button", name="Toevoegen").click()
    expect(page.get_by_text("x.pdf: dit soort bestand kan niet")).to_be_visible()
    page.get_by_label("Bestand").set_input_files(str(pdf))
    page.get_by_role("button", name="Toevoegen").click()
    section = page.locator("#bijlagen")
    # Waits for the page after the upload (under load the click returns before it).
    expect(section.get_by_role("link", name="draaiboek.pdf")).to_be_visible()
    expect(section.get_by_role("img", name="Kinderen luisteren op kussens")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert serious_violations(page) == []
    snapshot(page, f"attachments-edit-{width}")
