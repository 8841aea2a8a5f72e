"""A reader's journey in a real browser, with an accessibility check of each page."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.tools import follow, serious_violations, snapshot

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
    follow(page.locator(".card-title a").first)
    assert page.locator("h1").inner_text() == title
    expect(page.get_by_role("heading", name="Beoogde impact")).to_be_visible()
    facts = page.locator(".example-facts")
    expect(facts.get_by_role("link", name="Mantelzorg", exact=True)).to_be_visible()
    assert serious_violations(page) == []
    snapshot(page, "example")


def test_reader_switches_to_english_and_the_layout_fits_a_phone(live_server, page):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server + "/")
    assert page.locator(".site-header").bounding_box()["height"] < 90, "a compact header"
    expect(page.get_by_role("link", name="English")).to_be_hidden()
    page.get_by_role("button", name="Menu").click()
    follow(page.get_by_role("link", name="English"))
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("button", name="Menu").click()
    expect(page.get_by_role("link", name="Nederlands")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "no horizontal scrolling on a phone"
    snapshot(page, "home-en-phone")


def test_sort_stays_with_its_label_and_no_related_example_sits_alone(live_server, page):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server + "/zoeken?q=mantelzorg")
    label = page.get_by_text("Sorteren op", exact=True).bounding_box()
    control = page.locator("#sort").bounding_box()
    assert abs((label["y"] + label["height"] / 2) - (control["y"] + control["height"] / 2)) < 8
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server + "/voorbeelden")
    page.locator("main a[href^='/voorbeelden/']").first.click()
    tops = [box["y"] for box in (card.bounding_box() for card in
                                 page.locator(".related .card").all())]
    assert len(tops) == 4
    rows = {top: tops.count(top) for top in tops}
    assert min(rows.values()) > 1, rows
