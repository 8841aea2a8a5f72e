"""Export of any search (GET /api/v1/search?format=json|csv): every match in the search's
order, published examples only, the JSON import format that `kb import` takes back, and a
CSV that a spreadsheet opens safely."""
import csv
import io
import json

from kb.services.importing import import_records
from kb.services.permissions import SYSTEM
from kb.services.records import FIELDS
from tests import factories
from tests.web.test_pages import page


def listed_ids(client, query: str) -> list[int]:
    """Every result id of a search, page by page, as the API lists them."""
    ids, number = [], 1
    while True:
        answer = client.get(f"/api/v1/search?{query}&per_page=2&page={number}").get_json()
        ids += [result["id"] for result in answer["results"]]
        if number >= answer["pages"]:
            return ids
        number += 1


def exported_json(client, query: str) -> list[dict]:
    """The JSON export of a search."""
    response = client.get(f"/api/v1/search?{query}&format=json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    return json.loads(response.get_data(as_text=True))


def exported_csv(client, query: str) -> list[dict]:
    """The CSV export of a search as rows by column name, after checking its mark."""
    response = client.get(f"/api/v1/search?{query}&format=csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_every_match_in_the_searchs_order_and_published_only(client):
    for number in range(5):
        factories.example(title=f"Mantelzorg ondersteunen {number}", themes=["mantelzorg"])
    factories.example(title="Koken met buren", themes=["eenzaamheid"])
    factories.example("submitted", title="Mantelzorg in concept", themes=["mantelzorg"])
    factories.example("archived", title="Mantelzorg van toen", themes=["mantelzorg"])
    for query in ("q=mantelzorg", "theme=mantelzorg&sort=title", "q="):
        expected = listed_ids(client, query)
        records = exported_json(client, query)
        refs = {r["ref"]: r for r in records}
        assert len(records) == len(expected) > 2
        assert [row["id"] for row in exported_csv(client, query)] == [str(i) for i in expected]
        assert not {"Mantelzorg in concept", "Mantelzorg van toen"} & {
            r["title"] for r in refs.values()}


def test_the_json_is_the_import_format_and_imports_again(client):
    factories.example(title="Beweegmaatje", themes=["leefstijl"], evidence_types=["cijfers"],
                      links=["https://voorbeeld.example/verslag"])
    records = exported_json(client, "q=beweegmaatje")
    assert len(records) == 1 and set(records[0]) == {*FIELDS, "published_at"}
    assert records[0]["evidence_types"] == ["cijfers"] and records[0]["themes"] == ["leefstijl"]
    result = import_records(SYSTEM, records)  # the same refs: updated, not doubled
    assert (result.created, result.updated) == (0, 1)
    assert exported_json(client, "q=beweegmaatje") == records


def test_the_csv_holds_every_field_with_accents_and_lists(client):
    factories.example(title="Café voor mantelzorgers", themes=["mantelzorg", "dementie"],
                      municipality="Alphen aan den Rijn")
    rows = exported_csv(client, "q=caf%C3%A9")
    assert len(rows) == 1
    row = rows[0]
    assert list(row)[:3] == ["id", "url", "published_at"] and list(row)[3:] == list(FIELDS)
    assert row["title"] == "Café voor mantelzorgers"
    assert row["themes"] == "mantelzorg; dementie" and row["level"] == "micro"
    assert row["url"].startswith("http://") and f"/voorbeelden/{row['id']}" in row["url"]


def test_hostile_cells_are_neutralised_in_the_csv(client):
    factories.example(title="=HYPERLINK(\"http://x\",\"klik\")",
                      summary="+SUM(1,2) is wat hier als samenvatting staat",
                      impact="-1+1", evidence="@cmd", body="Gewone tekst, met = erin.")
    row = exported_csv(client, "q=")[0]
    assert row["title"] == "'=HYPERLINK(\"http://x\",\"klik\")"
    assert row["summary"] == "'+SUM(1,2) is wat hier als samenvatting staat"
    assert row["impact"] == "'-1+1"
    assert row["evidence"] == "'@cmd" and row["body"] == "Gewone tekst, met = erin."
    assert exported_json(client, "q=")[0]["title"] == "=HYPERLINK(\"http://x\",\"klik\")"


def test_the_export_follows_the_correction_as_the_search_does(client):
    factories.example(title="Samen wandelen in de wijk")
    answer = client.get("/api/v1/search?q=wjik").get_json()
    assert answer["corrected_from"] == "wjik" and answer["total"] == 1
    assert [r["title"] for r in exported_json(client, "q=wjik")] == ["Samen wandelen in de wijk"]
    assert exported_json(client, "q=wjik&exact=1") == []


def test_bad_parameters_are_refused_and_named(client):
    for query, field in (("format=xml", "format"), ("format=csv&level=mega", "level"),
                         ("format=json&year=twee", "year")):
        response = client.get(f"/api/v1/search?{query}")
        assert response.status_code == 400, query
        assert field in response.get_json()["error"]["fields"]


def test_an_empty_export_is_still_well_formed(client):
    assert exported_json(client, "q=niets") == []
    assert exported_csv(client, "q=niets") == []


def test_the_search_page_links_both_exports(client):
    factories.example(themes=["mantelzorg"])
    html = page(client, "/zoeken?theme=mantelzorg&page=1")
    assert 'href="/api/v1/search?format=csv&amp;theme=mantelzorg"' in html
    assert 'href="/api/v1/search?format=json&amp;theme=mantelzorg"' in html
