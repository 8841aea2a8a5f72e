"""A moderator finds a published example, archives it after confirming and restores it, in
a real browser on a phone's width."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_contributor import log_in_as_admin
from tests.browser.tools import serious_violations

pytestmark = pytest.mark.browser

TITLE = re.compile("skatebaan")  # a demo example no other browser test relies on


def test_moderator_archives_with_confirmation_and_restores(live_server, live_env, page):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in_as_admin(page, live_server, live_env)
    page.goto(live_server + "/moderatie")
    page.get_by_role("navigation", name="Moderatie").get_by_role(
        "link", name="Gepubliceerd en gearchiveerd").click()
    page.get_by_label("Woorden in titel of organisatie").fill("skatebaan")
    page.get_by_role("button", name="Toon").click()
    page.wait_for_url(re.compile("q=skatebaan"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert serious_violations(page) == []
    page.get_by_role("link", name=re.compile("Archiveren")).click()
    expect(page.get_by_role("heading", name="Dit voorbeeld archiveren?")).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_label("Toelichting (optioneel)").fill("Het project is gestopt.")
    page.get_by_role("button", name="Ja, archiveren").click()
    page.wait_for_url(re.compile("/moderatie/voorbeelden"))
    expect(page.locator("body")).to_contain_text("Gearchiveerd; het voorbeeld is niet meer te zien")
    page.get_by_label("Status").select_option("archived")
    page.get_by_role("button", name="Toon").click()
    page.wait_for_url(re.compile("status=archived"))
    row = page.get_by_role("row").filter(has_text=TITLE)
    assert row.locator(".status").inner_text() == "gearchiveerd"
    row.get_by_role("button", name=re.compile("Herstellen")).click()
    expect(page.locator("body")).to_contain_text("Hersteld; het voorbeeld is weer gepubliceerd.")
    page.goto(live_server + "/moderatie/voorbeelden?q=skatebaan")
    page.get_by_role("link", name=re.compile("^Praten op de skatebaan")).click()
    page.wait_for_url(re.compile("/moderatie/voorbeelden/[0-9]+"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert serious_violations(page) == []
    assert "Hersteld" in page.locator("#history-h + ol").inner_text()
