"""'Lijkt op…' while writing (GET /api/v1/similar): published examples like the title and
summary being typed, from the real index; drafts never, the edited example itself not,
bad parameters a 400 naming them, and a limit per client address."""
import os

from kb.search import indexer
from kb.search.store import get_store
from tests import factories
from tests.search.test_availability import wait_for_background


def similar(client, **params) -> list[str]:
    """The titles the endpoint offers for these parameters."""
    response = client.get("/api/v1/similar", query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    return [result["title"] for result in response.get_json()["results"]]


def published(title: str, summary: str, body: str = "Hoe het ging.", **fields):
    """An example whose whole text is this title, summary and body."""
    return factories.example(fields.pop("status", "published"), title=title, summary=summary,
                             body=body, impact="", evidence="", **fields)


def test_a_text_like_a_published_example_finds_it_first(client):
    published("Wandelgroep voor ouderen in de wijk",
              "Wekelijks wandelen met ouderen die weinig buiten komen.")
    published("Samen koken tegen eenzaamheid",
              "Buurtbewoners koken en eten samen in het buurthuis.")
    published("Wandelgroep voor ouderen, een concept",
              "Wandelen met ouderen in de wijk, nog niet gepubliceerd.", status="draft")
    found = similar(client, title="Wandelen met ouderen",
                    summary="Een groep ouderen uit de wijk wandelt elke week samen.")
    assert found == ["Wandelgroep voor ouderen in de wijk"]


def test_one_shared_word_is_no_likeness(client):
    published("Wandelgroep voor ouderen in de wijk",
              "Wekelijks wandelen met ouderen die weinig buiten komen.")
    assert similar(client, title="Ouderen") == []
    assert similar(client, title="Zwemles voor ouderen",
                   summary="Zwemmen in het zwembad met begeleiding.") == []
    assert similar(client) == []


def test_at_most_five_and_never_the_example_being_edited(client):
    made = [published(f"Mantelzorgcafé in de wijk {number}",
                      "Mantelzorgers ontmoeten elkaar in het wijkcafé.")
            for number in range(7)]
    params = {"title": "Mantelzorgcafé in de wijk",
              "summary": "Een café waar mantelzorgers elkaar ontmoeten."}
    assert len(similar(client, **params)) == 5
    response = client.get("/api/v1/similar", query_string={**params, "exclude": made[0].id})
    ids = [result["id"] for result in response.get_json()["results"]]
    assert made[0].id not in ids and len(ids) == 5
    first = response.get_json()["results"][0]
    assert first["url"].startswith(f"/voorbeelden/{first['id']}")
    assert {"title", "summary", "organisation", "themes", "year"} <= first.keys()


def test_bad_parameters_are_named(client):
    for params, field in (({"title": "x" * 201}, "title"), ({"summary": "y" * 601}, "summary"),
                          ({"exclude": "abc"}, "exclude"), ({"exclude": "0"}, "exclude")):
        response = client.get("/api/v1/similar", query_string=params)
        assert response.status_code == 400
        assert field in response.get_json()["error"]["fields"]
    nul = client.get("/api/v1/similar", query_string={"title": "Wandel\x00groep"})
    assert nul.status_code == 400 and "title" in nul.get_json()["error"]["fields"]


def test_the_endpoint_is_limited_per_address(app, client):
    app.config["SIMILAR_LIMIT"] = "3 per minute"
    for _ in range(3):
        assert client.get("/api/v1/similar?title=koken").status_code == 200
    refused = client.get("/api/v1/similar?title=koken")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert refused.get_json()["error"]["status"] == 429


def test_without_an_index_it_answers_nothing_rather_than_failing(client):
    published("Wandelgroep voor ouderen in de wijk",
              "Wekelijks wandelen met ouderen die weinig buiten komen.")
    store = get_store()
    store.rebuild()
    os.unlink(store.link)
    with indexer.rebuild_lock(store.link):  # as while another process rebuilds it
        assert similar(client, title="Wandelgroep ouderen wijk") == []
        wait_for_background()
