"""Impact made visible in a real browser: the example's impact card and Positive Health
profile, the result markers, the level map and the dashboard, checked by axe at phone and
desk width."""
import pytest
from playwright.sync_api import expect

from tests.browser.tools import follow, serious_violations, snapshot

pytestmark = pytest.mark.browser
WIDTHS = [390, 1280]


@pytest.mark.parametrize("width", WIDTHS)
def test_example_page_profile_and_card_are_accessible(live_server, page, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server + "/zoeken?q=spinnenweb")
    mini = page.locator(".results svg.spider-web-mini").first
    assert mini.get_attribute("aria-label").startswith("Positieve Gezondheid: raakt")
    assert page.locator(".results .impact-marker").count() > 0
    assert serious_violations(page) == []
    follow(page.locator(".card-title a").first)
    profile = page.locator(".example-facts").get_by_role("img", name="Positieve Gezondheid: raakt",
                                                        exact=False)
    expect(profile).to_be_visible()
    assert page.locator(".profile-legend a").count() == 6
    expect(page.get_by_role("heading", name="Impact", exact=True)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert serious_violations(page) == []
    snapshot(page, f"example-impact-{width}")


@pytest.mark.parametrize("width", WIDTHS)
def test_level_map_is_an_accessible_table_on_a_phone_and_a_desk(live_server, page, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server + "/kaart")
    assert page.locator("table.map-table").count() == 2
    assert page.locator("td.gap").count() > 0, "the demo data leaves gaps to show"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert serious_violations(page, ("minor", "moderate", "serious", "critical")) == []
    box = page.locator("td .count-link").first.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44  # the whole cell, not the digit
    snapshot(page, f"map-{width}")
    follow(page.locator("td:not(.gap):not(.total) a").first)
    assert "/zoeken?" in page.url and "theme=" in page.url and "level=" in page.url
    page.goto(live_server + "/kaart?year=1999")
    expect(page.get_by_text("Geen gepubliceerde voorbeelden met deze filters")).to_be_visible()
    assert serious_violations(page) == []


@pytest.mark.parametrize("width", WIDTHS)
def test_dashboard_charts_are_accessible_with_their_tables_on_a_phone_and_a_desk(
        live_server, page, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server + "/inzicht")
    charts = page.locator("svg.chart[role=img]")
    assert charts.count() == 10
    for number in range(charts.count()):
        name = page.evaluate("(svg) => svg.getAttribute('aria-labelledby').split(' ').map("
                             "id => document.getElementById(id).textContent).join(' ')",
                             charts.nth(number).element_handle())
        assert "Alle waarden staan in de tabel" in name
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert serious_violations(page) == []
    table = page.locator("#figuur-theme table")
    expect(table).to_be_hidden()
    page.locator("#figuur-theme summary").click()  # the table, one click away
    expect(table).to_be_visible()
    assert table.locator("tbody tr").count() > 5
    assert serious_violations(page) == []
    snapshot(page, f"dashboard-{width}")
    with page.expect_download() as download:
        page.locator("#figuur-theme .figure-download a").click()
    assert download.value.suggested_filename == "inzicht-theme.csv"
    page.goto(live_server + "/inzicht?year=1999")
    expect(page.get_by_text("Geen gepubliceerde voorbeelden met deze filters")).to_be_visible()
    assert serious_violations(page) == []
