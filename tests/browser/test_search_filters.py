"""The filters as people use them, in a real browser: a ticked box shows its results at
once, chips remove a filter, back and forward work, a phone opens the filters from a
button, keyboard users keep their place; axe on every step."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.tools import serious_violations, snapshot

pytestmark = pytest.mark.browser

QUERY = "/zoeken?q=mantelzorg"


def count(page) -> int:
    """The number of results the page says it shows."""
    return int(re.match(r"\d+", page.locator(".count").inner_text())[0])


def theme_box(page, label: str):
    """A theme's checkbox in the filter panel."""
    return page.locator("#filters fieldset", has_text="Thema").get_by_label(label)


def test_ticking_a_box_shows_its_results_at_once_and_back_works(live_server, page):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server + QUERY)
    before = count(page)
    expect(page.get_by_role("button", name="Filters toepassen")).to_be_hidden()
    assert page.locator('link[rel="alternate"][type="application/atom+xml"]').count() == 1
    box = theme_box(page, "Dementie")
    expected = int(box.locator("xpath=..").locator(".badge").inner_text())
    with page.expect_navigation():
        box.check()  # no button pressed
    assert "theme=dementie" in page.url and count(page) == expected < before
    chip = page.locator(".chosen-filters .chip", has_text="Dementie")
    expect(chip).to_be_visible()
    assert serious_violations(page) == []
    snapshot(page, "filters-chosen")
    with page.expect_navigation():
        page.locator("#sort").select_option("newest")
    assert "sort=newest" in page.url and count(page) == expected
    with page.expect_navigation():
        page.locator(".chosen-filters .chip", has_text="Dementie").click()
    assert "theme=dementie" not in page.url and count(page) == before
    page.go_back()
    assert "theme=dementie" in page.url and count(page) == expected
    page.go_forward()
    assert "theme=dementie" not in page.url


def test_all_filters_are_cleared_at_once(live_server, page):
    page.goto(live_server + QUERY + "&theme=dementie&level=micro")
    with page.expect_navigation():
        page.get_by_role("link", name="alle filters wissen").click()
    assert page.url.endswith(QUERY) and page.locator(".chosen-filters").count() == 0


def test_on_a_phone_the_filters_open_from_a_button_above_the_results(live_server, page):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server + QUERY + "&theme=mantelzorg")
    toggle = page.get_by_role("link", name="Filters (1)")
    results = page.locator(".results")
    assert toggle.bounding_box()["y"] < results.bounding_box()["y"]
    expect(page.locator("#filters")).to_be_hidden()
    toggle.click()
    expect(page.locator("#filters")).to_be_visible()
    assert serious_violations(page) == []
    snapshot(page, "filters-phone-open")
    box = theme_box(page, "Dementie")
    with page.expect_navigation():
        box.check()
    assert page.url.endswith("#filters")
    expect(page.locator("#filters")).to_be_visible()
    assert page.get_by_role("link", name="Filters (2)").count() == 1
    page.get_by_role("link", name="Sluiten").click()
    expect(page.locator("#filters")).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    snapshot(page, "filters-phone-closed")


def test_the_filters_work_with_the_keyboard_alone(live_server, page):
    page.goto(live_server + QUERY)
    box = theme_box(page, "Dementie")
    box.focus()
    with page.expect_navigation():
        page.keyboard.press("Space")
    assert "theme=dementie" in page.url
    focused = page.evaluate("document.activeElement.name + '=' + document.activeElement.value")
    assert focused == "theme=dementie"  # the same box has the focus again
    with page.expect_navigation():
        page.keyboard.press("Space")
    assert "theme=dementie" not in page.url


def test_without_javascript_the_apply_button_does_it(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server + QUERY)
    theme_box(page, "Dementie").check()
    assert "theme=dementie" not in page.url  # nothing happens by itself
    with page.expect_navigation():
        page.get_by_role("button", name="Filters toepassen").click()
    assert "theme=dementie" in page.url
    context.close()
