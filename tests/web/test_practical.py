"""The practical side of an example (needs, costs, duration, success factors, pitfalls,
the contact person's role): optional in the form, the record, the API and search; the
example page shows what was filled in and nothing for what was not."""
import pytest

from kb.services.errors import Invalid
from kb.services.importing import import_records
from kb.services.permissions import SYSTEM
from kb.services.records import validate_record
from kb.services.taxonomy import terms_by_kind
from tests import factories
from tests.web.test_pages import page
from tests.webtools import form_data, logged_in, post_form

PRACTICAL = {"needs": "Twee vrijwilligers en een buurthuis.", "costs": "Ongeveer 300 euro.",
             "duration": "Zes weken, elke dinsdag.", "success_factors": "Vaste gezichten.",
             "pitfalls": "Vergeet de koffiekosten van de wijkkamergastheer niet.",
             "contact_role": "buurtsportcoach"}


def test_the_fields_are_optional_and_each_has_its_limit(app):
    clean = validate_record(factories.record(), terms_by_kind())
    assert all(clean.values[name] == "" for name in PRACTICAL)
    with pytest.raises(Invalid) as refused:
        validate_record(factories.record(pitfalls="x" * 3001, contact_role="y" * 201),
                        terms_by_kind())
    assert set(refused.value.errors) == {"pitfalls", "contact_role"}


def test_the_page_the_api_and_search_show_them(client):
    example = factories.example(**PRACTICAL)
    html = page(client, f"/voorbeelden/{example.id}")
    assert "Zelf aan de slag" in html and "Vaste gezichten." in html
    assert "(buurtsportcoach)" not in html  # the contact block shows only when opted in
    data = client.get(f"/api/v1/examples/{example.id}").get_json()
    assert {name: data[name] for name in PRACTICAL} == PRACTICAL
    found = client.get("/api/v1/search?q=koffiekosten").get_json()
    assert [result["id"] for result in found["results"]] == [example.id]
    bare = factories.example()
    assert "Zelf aan de slag" not in page(client, f"/voorbeelden/{bare.id}")


def test_the_form_takes_them_and_an_import_too(client):
    author = logged_in(client)
    response = post_form(client, "/voorbeelden/nieuw", form_data(**PRACTICAL),
                         page="/voorbeelden/nieuw")
    assert response.status_code == 302
    from kb.services.examples import authored_by
    [written] = authored_by(author)
    assert written.pitfalls == PRACTICAL["pitfalls"] and written.duration == PRACTICAL["duration"]
    too_long = post_form(client, "/voorbeelden/nieuw", form_data(costs="€" * 2001),
                         page="/voorbeelden/nieuw")
    assert too_long.status_code == 400 and "2000" in too_long.get_data(as_text=True)
    result = import_records(SYSTEM, [factories.record(ref="met-praktijk", **PRACTICAL)],
                            status="published")
    assert result.created == 1
