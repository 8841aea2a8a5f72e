"""Every taxonomy kind declared in kb.taxonomy works everywhere a kind is used: the
record, the form, the example page, the index and its filters, the API and curation."""
import pytest

from kb.services.errors import Invalid
from kb.services.examples import create_example
from kb.services.permissions import SYSTEM
from kb.services.records import to_record
from kb.taxonomy import KINDS_TABLE
from tests import factories
from tests.webtools import logged_in

KIND_IDS = [kind.name for kind in KINDS_TABLE]


def _values(example, kind) -> list[str]:
    """The example's slugs of a kind."""
    return [term.slug for term in example.values_of(kind)]


@pytest.mark.parametrize("kind", KINDS_TABLE, ids=KIND_IDS)
def test_the_record_carries_every_kind_and_refuses_a_missing_required_one(app, kind):
    example = factories.example()
    record = to_record(example)
    values = _values(example, kind)
    assert values and record[kind.field] == (values if kind.many else values[0])
    empty = [] if kind.many else None
    if kind.required:
        with pytest.raises(Invalid) as refused:
            create_example(SYSTEM, factories.record(**{kind.field: empty}))
        assert kind.field in refused.value.errors
    else:
        assert _values(create_example(SYSTEM, factories.record(**{kind.field: empty})),
                       kind) == []


@pytest.mark.parametrize("kind", KINDS_TABLE, ids=KIND_IDS)
def test_the_page_the_form_and_search_know_every_kind(client, kind):
    example = factories.example(title="Een voorbeeld met alle indelingen")
    slug = _values(example, kind)[0]
    page = client.get(f"/voorbeelden/{example.id}/{example.slug}").get_data(as_text=True)
    label = example.values_of(kind)[0].label
    assert f'/zoeken?{kind.name}={slug}">{label}</a>' in page
    answer = client.get(f"/api/v1/search?{kind.name}={slug}").get_json()
    assert [result["id"] for result in answer["results"]] == [example.id]
    assert {row["value"] for row in answer["facets"][kind.name]} == set(_values(example, kind))
    filters = {p["name"] for p in client.get("/api/v1/openapi.json").get_json()[
        "paths"]["/api/v1/search"]["get"]["parameters"]}
    assert kind.name in filters
    logged_in(client)
    form = client.get("/voorbeelden/nieuw").get_data(as_text=True)
    assert f'name="{kind.field}"' in form and str(kind.question) in form


def test_curation_lists_every_kind(client):
    logged_in(client, "moderator")
    page = client.get("/beheer/taxonomie").get_data(as_text=True)
    assert all(f'id="{kind.name}"' in page and str(kind.label) in page for kind in KINDS_TABLE)
