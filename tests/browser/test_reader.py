"""A reader's journey in a real browser, with an accessibility check of each page."""
import re

import pytest

from tests.browser.tools import serious_violations, snapshot

pytestmark = pytest.mark.browser


def test_reader_browses_from_home_to_an_example(live_server, page):
    page.goto(live_server + "/")
    assert page.locator("h1").inner_text() == "Leren van elkaars praktijk"
    assert serious_violations(page) == []
    snapshot(page, "home")

    page.get_by_role("link", name=re.compile("^Mantelzorg")).first.click()
    page.wait_for_url(re.compile(r"/zoeken\?theme=mantelzorg"))
    count = page.locator(".count").inner_text()
    assert re.match(r"\d+ voorbeelden", count)
    assert serious_violations(page) == []
    snapshot(page, "browse")

    title = page.locator(".card-title a").first.inner_text()
    page.locator(".card-title a").first.click()
    assert page.locator("h1").inner_text() == title
    assert page.get_by_role("heading", name="Beoogde impact").is_visible()
    facts = page.locator(".example-facts")
    assert facts.get_by_role("link", name="Mantelzorg", exact=True).is_visible()
    assert serious_violations(page) == []
    snapshot(page, "example")


@pytest.mark.parametrize("path", ["/voorbeelden", "/organisaties", "/leerateliers", "/over",
                                  "/toegankelijkheid",
                                  "/bestaat-niet", "/zoeken?q=mantelzorg&theme=eenzaamheid"])
def test_other_pages_are_accessible(live_server, page, path):
    page.goto(live_server + path)
    assert serious_violations(page) == []


def test_reader_switches_to_english_and_the_layout_fits_a_phone(live_server, page):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server + "/")
    assert page.locator(".site-header").bounding_box()["height"] < 90, "a compact header"
    assert not page.get_by_role("link", name="English").is_visible()
    page.get_by_role("button", name="Menu").click()
    page.get_by_role("link", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("button", name="Menu").click()
    assert page.get_by_role("link", name="Nederlands").is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "no horizontal scrolling on a phone"
    snapshot(page, "home-en-phone")
