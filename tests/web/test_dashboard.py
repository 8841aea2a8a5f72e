"""The dashboard page (/inzicht) and its CSV (/inzicht.csv): charts with text alternatives
and tables, moderation figures for moderators only, safe CSV, refusals, empty states."""
import csv
import io
import re

from kb.database import db
from kb.models import Organisation
from kb.web.csvfile import safe_cell
from tests import factories
from tests.web.test_pages import page
from tests.webtools import logged_in


def rows_of(response) -> list[list[str]]:
    """A CSV answer's rows, after checking it starts with the byte-order mark."""
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_each_chart_has_a_text_alternative_a_table_and_a_csv(client):
    factories.example(themes=["mantelzorg"], dimensions=["zingeving"])
    html = page(client, "/inzicht")
    charts = re.findall(r'<svg class="chart[^"]*"[^>]*aria-labelledby="([^"]+)"', html)
    assert len(charts) == 10
    for labels in charts:
        for label in labels.split():
            assert f'id="{label}"' in html
    assert "<desc id=\"figuur-theme-d\">Het meest: Mantelzorg (1)" in html
    assert html.count("<details class=\"figure-table\">") == 10
    assert 'href="/zoeken?theme=mantelzorg"' in html
    assert 'href="/inzicht.csv?figure=theme"' in html and 'href="/inzicht.csv"' in html
    assert "Moderatie" not in html.split("<main", 1)[1].split("</main>")[0]
    assert "1 van 24" in html


def test_moderators_see_the_queue_and_the_time_to_a_decision(client):
    factories.example("submitted")
    logged_in(client, "moderator")
    html = page(client, "/inzicht")
    assert "Wachten nu op een besluit" in html and "Wachtrij aan het eind van elke maand" in html
    assert 'href="/inzicht.csv?figure=queue"' in html
    figures = rows_of(client.get("/inzicht.csv"))
    assert {"submissions", "queue"} <= {row[0] for row in figures[1:]}


def test_the_moderation_figures_are_not_in_the_public_csv(client):
    factories.example("submitted")
    figures = rows_of(client.get("/inzicht.csv"))
    assert "queue" not in {row[0] for row in figures[1:]}
    assert client.get("/inzicht.csv?figure=queue").status_code == 400


def test_the_csv_of_all_figures_and_of_one(client):
    factories.example(themes=["mantelzorg"], municipality="Leiden")
    factories.example(themes=["dementie"], municipality="Katwijk")
    response = client.get("/inzicht.csv?municipality=Leiden")
    assert response.mimetype == "text/csv"
    assert 'filename="inzicht.csv"' in response.headers["Content-Disposition"]
    figures = rows_of(response)
    assert figures[0] == ["figure", "label", "measure", "value"]
    assert ["theme", "Mantelzorg", "Voorbeelden", "1"] in figures
    assert ["theme", "Dementie", "Voorbeelden", "0"] in figures
    one = rows_of(client.get("/inzicht.csv?figure=level"))
    assert one[0] == ["Niveau", "Voorbeelden", "Aandeel (%)"]
    assert ["Micro: inwoner en professional", "2", "100"] in one


def test_cells_a_spreadsheet_would_run_are_neutralised(client):
    hostile = ["=HYPERLINK(\"http://x\")", "+31 71", "-2+3", "@SUM(A1)"]
    for name in hostile:
        factories.example(organisation=name, organisation_type="welzijn")
        db.session.query(Organisation).filter_by(name=name).update({"partner": True})
    db.session.commit()
    partners = rows_of(client.get("/inzicht.csv?figure=partners"))
    labels = {row[0] for row in partners[1:]}
    for name in hostile:
        assert "'" + name in labels and name not in labels


def test_a_leading_tab_or_return_is_neutralised_and_other_cells_kept():
    assert safe_cell("\tcmd") == "'\tcmd" and safe_cell("\r=1") == "'\r=1"
    assert safe_cell("Leiden") == "Leiden" and safe_cell(None) == "" and safe_cell(12) == "12"
    assert safe_cell("a=b") == "a=b"


def test_bad_filters_and_figures_are_named(client):
    html = page(client, "/inzicht?level=mega", status=400)
    assert "<code>level</code>" in html and "onbekende waarde" in html
    response = client.get("/inzicht.csv?year=twee")
    assert response.status_code == 400 and response.mimetype == "text/plain"
    assert response.get_data(as_text=True).startswith("year: ")
    unknown = client.get("/inzicht.csv?figure=%3Cscript%3E")
    assert unknown.status_code == 400 and "figure" in unknown.get_data(as_text=True)


def test_friendly_empty_states(client):
    assert "nog geen gepubliceerde voorbeelden" in page(client, "/inzicht")
    factories.example(year=2022)
    html = page(client, "/inzicht?year=2019")
    assert "Geen gepubliceerde voorbeelden met deze filters" in html and "<svg class=\"chart" \
        not in html
    assert rows_of(client.get("/inzicht.csv?year=2019"))[0] == ["figure", "label", "measure",
                                                                "value"]


def test_the_dashboard_speaks_english_too(client):
    factories.example()
    client.get("/taal/en?next=/")
    html = page(client, "/inzicht")
    assert "Published per year" in html and "Download as CSV" in html
