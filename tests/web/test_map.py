"""The level map (/kaart): counts of published examples only, links into search, gaps,
filters as search takes them, empty states."""
import re

from kb.services.insight import grid
from tests import factories
from tests.web.test_pages import page
from tests.webtools import logged_in


def cell(html: str, row: str, column: str) -> str:
    """The count in the map's cell for a row and column label, or "gap"."""
    pair = f"{re.escape(row)}, {re.escape(column)}"
    found = re.search(rf'aria-label="(\d+) voorbeeld(?:en)?: {pair}">\1</a>', html)
    if found:
        return found.group(1)
    assert re.search(rf'aria-label="Deel een voorbeeld: {pair}"', html), (row, column)
    return "gap"


def test_cells_count_published_examples_only_and_link_to_that_search(client):
    factories.example(themes=["mantelzorg", "dementie"], level="micro")
    factories.example(themes=["mantelzorg"], level="micro")
    factories.example(themes=["mantelzorg"], level="meso")
    for status in ("draft", "submitted", "rejected", "archived"):
        factories.example(status, themes=["mantelzorg"], level="macro")
    html = page(client, "/kaart")
    micro, meso = "Micro: inwoner en professional", "Meso: team, organisatie en wijk"
    macro = "Macro: beleid, bestuur en regio"
    assert cell(html, "Mantelzorg", micro) == "2"
    assert cell(html, "Mantelzorg", meso) == "1"
    assert cell(html, "Dementie", micro) == "1"
    assert cell(html, "Mantelzorg", macro) == "gap"
    assert "hier is nog geen voorbeeld" in html
    assert 'href="/voorbeelden/nieuw?theme=mantelzorg&amp;level=macro"' in html
    assert 'href="/zoeken?theme=mantelzorg&amp;level=micro"' in html
    assert "3 voorbeelden op de kaart" in html
    search = client.get("/api/v1/search?theme=mantelzorg&level=micro").get_json()
    assert search["total"] == 2


def test_sharing_into_a_gap_starts_the_form_with_its_theme_and_level(client):
    logged_in(client)
    html = page(client, "/voorbeelden/nieuw?theme=mantelzorg&level=macro&theme=bestaat-niet"
                        "&setting=")
    assert re.search(r'<input[^>]*checked[^>]*value="mantelzorg"|<input[^>]*value="mantelzorg"'
                     r'[^>]*checked', html)
    assert re.search(r'<option selected value="macro">|<option value="macro" selected>', html)
    assert 'value="bestaat-niet"' not in html


def test_the_map_is_an_accessible_table_with_both_views(client):
    factories.example(dimensions=["zingeving"], setting="wijk")
    html = page(client, "/kaart")
    assert html.count("<caption") == 2
    assert 'title="Nano: de inwoner zelf">Nano</th>' in html and '<th scope="row">' in html
    assert 'role="region"' in html and 'tabindex="0"' in html
    assert 'href="/zoeken?dimension=zingeving&amp;setting=wijk"' in html


def test_filters_are_those_of_search_and_bad_ones_are_named(client):
    factories.example(themes=["mantelzorg"], level="micro", municipality="Leiden", year=2022)
    factories.example(themes=["mantelzorg"], level="micro", municipality="Katwijk", year=2023)
    html = page(client, "/kaart?municipality=Leiden")
    assert "1 voorbeeld op de kaart" in html
    assert 'href="/zoeken?municipality=Leiden&amp;theme=mantelzorg&amp;level=micro"' in html
    assert "Geen gepubliceerde voorbeelden met deze filters" in page(client, "/kaart?year=2019")
    refused = page(client, "/kaart?level=mega&year=twee", status=400)
    assert "onbekende waarde &#39;mega&#39;" in refused and "<code>year</code>" in refused


def test_an_axis_filter_narrows_the_rows_and_cells_still_match_search(app):
    factories.example(themes=["mantelzorg", "dementie"], level="micro")
    factories.example(themes=["dementie"], level="meso")
    shown = grid("theme", "level", {"theme": ["dementie"]})
    assert [term.slug for term in shown.rows] == ["dementie"]
    counts = {column.slug: shown.count(shown.rows[0], column) for column in shown.columns}
    assert counts == {"nano": 0, "micro": 1, "meso": 1, "macro": 0}
    assert shown.total == 2 and shown.row_totals[shown.rows[0].id] == 2


def test_an_empty_database_gets_a_friendly_map(client):
    html = page(client, "/kaart")
    assert "nog geen gepubliceerde voorbeelden" in html and "<table" not in html
