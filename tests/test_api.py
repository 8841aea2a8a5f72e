"""The read API beside search: examples, taxonomy and the OpenAPI description."""
from openapi_spec_validator import validate

from tests import factories


def test_openapi_description_is_valid_and_lists_the_endpoints(client):
    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)
    assert set(document["paths"]) == {"/api/v1/search", "/api/v1/examples/{id}",
                                      "/api/v1/similar", "/api/v1/taxonomy"}


def test_example_endpoint_gives_the_record_and_hides_unpublished(client):
    published = factories.example(title="Zichtbaar in de API")
    hidden = factories.example("submitted", title="Nog niet zichtbaar")
    data = client.get(f"/api/v1/examples/{published.id}").get_json()
    assert data["title"] == "Zichtbaar in de API" and data["status"] == "published"
    assert data["url"].startswith(f"/voorbeelden/{published.id}/") and data["published_at"]
    assert {"body", "impact", "evidence", "dimensions", "leeratelier", "ref"} <= set(data)
    for missing in (hidden.id, 999_999):
        response = client.get(f"/api/v1/examples/{missing}")
        assert response.status_code == 404 and response.get_json()["error"]["status"] == 404


def test_unknown_api_path_answers_json(client):
    response = client.get("/api/v1/bestaat-niet")
    assert response.status_code == 404 and response.is_json


def test_taxonomy_lists_every_kind_with_both_labels(client):
    data = client.get("/api/v1/taxonomy").get_json()
    assert len(data["dimension"]) == 6 and len(data["theme"]) == 19
    assert {"value": "nano", "label_nl": "Nano: de inwoner zelf",
            "label_en": "Nano: the resident themself"} in data["level"]
