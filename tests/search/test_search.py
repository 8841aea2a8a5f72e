"""Search through the real Whoosh index in the test's instance folder."""
import os
import re
import shutil
from urllib.parse import quote

import pytest
from sqlalchemy import text

from kb.database import db
from kb.search import WrongWhoosh, check_whoosh
from kb.search.concepts import parse_clauses
from kb.search.store import get_store
from kb.services.examples import set_status, update_example
from kb.services.importing import import_records
from kb.services.permissions import SYSTEM
from tests import factories
from tests.conftest import make_app
from tests.factories import record


def api(client, query: str = "", status: int = 200) -> dict:
    """GET the search API and check the status."""
    response = client.get("/api/v1/search" + (f"?{query}" if query else ""))
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_json()


def titles(client, query: str) -> list[str]:
    """Titles of the first page of results."""
    return [r["title"] for r in api(client, query)["results"]]


@pytest.mark.parametrize("stored, typed", [
    ("Gesprekken met cliënten over hun doelen", "clienten"),
    ("Nieuwe ideeën voor de buurt", "ideeen"),
    ("Mantelzorgondersteuning in de avond", "mantelzorg"),
    ("Samenwerking met de huisartsenpraktijk", "huisarts"),
    ("Wandelgroep voor senioren", "ouderen"),
    ("Spreekuur voor ouderen", "senioren"),
    ("Hulp bij schulden in het gezin", "geldzorgen"),
    ("Minder eenzaamheid in de wijk", "loneliness"),
    ("Sociaal isolement doorbreken", "eenzaamheid"),
])
def test_dutch_analysis_finds_what_people_type(client, stored, typed):
    neutral = {"summary": "Een voorbeeld uit de praktijk van de regio.", "impact": "",
               "evidence": "", "themes": ["leefstijl"], "target_groups": ["inwoners"]}
    factories.example(title=stored, body="Tekst zonder het zoekwoord.", **neutral)
    factories.example(title="Iets heel anders over fietsen", body="Fietsen.", **neutral)
    assert titles(client, f"q={typed}") == [stored]


def test_title_weighs_more_than_body(client):
    factories.example(title="Verslag van een bijeenkomst", body="Het ging over dementie.")
    factories.example(title="Dementie in de huiskamer", body="Een verslag.")
    assert titles(client, "q=dementie")[0] == "Dementie in de huiskamer"


def test_phrases_and_minus(client):
    factories.example(title="Het andere gesprek in de spreekkamer", body="Over regie.")
    factories.example(title="Een ander soort gesprek", body="Over jeugd.")
    assert titles(client, "q=%22het+andere+gesprek%22") == ["Het andere gesprek in de spreekkamer"]
    assert titles(client, "q=gesprek+-spreekkamer") == ["Een ander soort gesprek"]


@pytest.mark.parametrize("quoted", ["„het andere gesprek”", "“het andere gesprek”",
                                    "‟het andere gesprek”", "″het andere gesprek″",
                                    "‘het andere gesprek’", "‚het andere gesprek’"])
def test_typographic_quotes_make_a_phrase_too(client, quoted):
    """What phones and word processors type around a phrase counts as quotes."""
    factories.example(title="Het andere gesprek in de spreekkamer", body="Over regie.")
    factories.example(title="Een ander soort gesprek", body="Over jeugd.")
    answer = api(client, "q=" + quote(quoted))
    assert [r["title"] for r in answer["results"]] == ["Het andere gesprek in de spreekkamer"]
    assert answer["query"] == quoted  # the query is answered as typed
    excluded = api(client, "q=" + quote("gesprek -" + quoted))
    assert [r["title"] for r in excluded["results"]] == ["Een ander soort gesprek"]


@pytest.mark.parametrize("text, clauses", [
    ("‘het gaat wel’ opa’s", [("het gaat wel", True), ("opa’s", False)]),
    ("’s avonds zo’n", [("’s", False), ("avonds", False), ("zo’n", False)]),
    ("‘opa’s fiets’", [("opa’s fiets", True)]),
    ("„open", [("open", True)]),
])
def test_an_apostrophe_stays_part_of_its_word(text, clauses):
    assert [(c.text, c.phrase) for c in parse_clauses(text)] == clauses


@pytest.mark.parametrize("odd", ['"open haakje (', "-", "*", ")))", "a" * 900, "\ttab",
                                 "OR AND NOT", "-\"\"", "ﬁets ≠ ∑"])
def test_odd_text_gets_a_normal_answer(client, odd):
    factories.example()
    answer = api(client, "q=" + odd.replace('"', "%22").replace("#", "%23"))
    assert answer["total"] >= 0 and "results" in answer


@pytest.mark.parametrize("query, field", [
    ("page=0", "page"), ("per_page=1000", "per_page"), ("year=abc", "year"),
    ("sort=random", "sort"), ("theme=bestaat-niet", "theme"), ("q=" + "x" * 10_001, "q"),
    ("organisation=" + "x" * 201, "organisation"), ("page=-1", "page"),
])
def test_bad_parameters_get_a_400_naming_them(client, query, field):
    answer = api(client, query, 400)
    assert field in answer["error"]["fields"]


def test_bad_parameters_on_the_page_are_explained(client):
    response = client.get("/zoeken?per_page=1000")
    assert response.status_code == 400
    assert "Deze zoekopdracht kunnen we niet uitvoeren" in response.get_data(as_text=True)


def test_facets_count_and_a_facets_own_selection_does_not_zero_it(client):
    factories.example(themes=["mantelzorg"], level="micro")
    factories.example(themes=["mantelzorg"], level="macro")
    factories.example(themes=["dementie"], level="micro")
    answer = api(client, "theme=mantelzorg")
    assert answer["total"] == 2
    themes = {row["value"]: row for row in answer["facets"]["theme"]}
    assert themes["mantelzorg"]["count"] == 2 and themes["mantelzorg"]["selected"]
    assert themes["dementie"]["count"] == 1 and not themes["dementie"]["selected"]
    levels = {row["value"]: row["count"] for row in answer["facets"]["level"]}
    assert levels == {"micro": 1, "macro": 1}
    both = api(client, "theme=mantelzorg&theme=dementie&level=micro")
    assert both["total"] == 2
    assert {r["value"]: r["count"] for r in both["facets"]["level"]} == {"micro": 2, "macro": 1}


def test_selected_value_without_matches_is_listed_at_zero(client):
    factories.example(themes=["mantelzorg"], municipality="Leiden")
    answer = api(client, "theme=mantelzorg&municipality=Leiden&q=fietsen")
    assert answer["total"] == 0
    assert answer["facets"]["theme"] == [{"value": "mantelzorg", "label": "Mantelzorg",
                                          "count": 0, "selected": True}]


@pytest.mark.parametrize("status", ["draft", "submitted", "changes_requested", "rejected",
                                    "archived"])
def test_only_published_examples_ever_appear(client, status):
    factories.example(status, title="Verborgen zwembadproject", themes=["leefstijl"])
    factories.example(title="Zichtbaar voorbeeld", themes=["mantelzorg"])
    answer = api(client, "q=zwembadproject")
    assert answer["total"] == 0 and answer["suggestion"] is None
    everything = api(client)
    assert everything["total"] == 1
    assert [r["value"] for r in everything["facets"]["theme"]] == ["mantelzorg"]
    assert b"zwembad" not in client.get("/feeds/zoeken.atom").data


def test_every_status_change_reaches_the_index(client):
    moderator = factories.user("moderator")
    example = factories.example("submitted", title="Wachtend op publicatie")
    assert api(client, "q=publicatie")["total"] == 0
    set_status(example, "published", moderator)
    db.session.commit()
    assert api(client, "q=publicatie")["total"] == 1
    set_status(example, "archived", moderator)
    db.session.commit()
    answer = api(client, "q=publicatie")
    assert answer["total"] == 0 and answer["facets"]["theme"] == []
    set_status(example, "published", moderator)
    db.session.commit()
    assert api(client)["total"] == 1


def test_changes_are_searchable_on_the_next_request(client):
    moderator = factories.user("moderator")
    example = factories.example(title="Eerste versie over tuinieren")
    assert titles(client, "q=tuinieren") == ["Eerste versie over tuinieren"]
    update_example(moderator, example.id, record(ref=example.ref,
                                                 title="Tweede versie over moestuinen"))
    assert titles(client, "q=moestuinen") == ["Tweede versie over moestuinen"]
    assert titles(client, "q=tuinieren") == []
    set_status(example, "archived", moderator)
    db.session.commit()
    assert titles(client, "q=moestuinen") == []
    import_records(SYSTEM, [record(title="Geïmporteerd over volkstuinen")])
    assert titles(client, "q=volkstuinen") == ["Geïmporteerd over volkstuinen"]


def test_a_short_misspelling_is_answered_by_its_correction(client):
    factories.example(title="Samen wandelen in de wijk")
    answer = api(client, "q=wjik")  # two letters swapped: one edit
    assert answer["corrected_from"] == "wjik" and answer["query"] == "wjik"
    assert answer["suggestion"] == "wijk" and answer["total"] == 1
    html = client.get("/zoeken?q=wjik").get_data(as_text=True)
    assert "Dit zijn de resultaten voor" in html and "exact=1" in html
    exact = client.get("/zoeken?q=wjik&exact=1").get_data(as_text=True)
    assert "Bedoelde je" in exact and "0 voorbeelden" in exact
    exact_api = api(client, "q=wjik&exact=1")
    assert exact_api["total"] == 0 and exact_api["corrected_from"] is None


def test_one_misspelled_word_in_a_longer_query_is_corrected(client):
    factories.example(title="Samen wandelen in de buurt", body="Een ommetje met buren.")
    factories.example(title="Wandelen in het park", body="Over groen.")
    answer = api(client, "q=wandelen+prak")
    assert answer["corrected_from"] == "wandelen prak"
    assert [r["title"] for r in answer["results"]][0] == "Wandelen in het park"


def test_a_long_unknown_word_also_finds_its_near_spellings_below_exact_ones(client):
    factories.example(title="Eenzaamheid onder mantelzorgers")
    factories.example(title="Eenzaamheit als dorpsnaam", body="Een andere spelling.")
    answer = api(client, "q=eenzaamheit")
    assert answer["corrected_from"] is None  # found as typed and near it: no correction
    assert [r["title"] for r in answer["results"]] == ["Eenzaamheit als dorpsnaam"]
    answer = api(client, "q=eenzaamhied")  # unknown: its near spellings, nearest first
    assert [r["title"] for r in answer["results"]] == ["Eenzaamheid onder mantelzorgers",
                                                       "Eenzaamheit als dorpsnaam"]
    assert answer["suggestion"] == "eenzaamheid"
    assert api(client, "q=eenzaamhied&exact=1")["total"] == 0


@pytest.mark.parametrize("typed, stored", [
    ("informele zorg", "Informeel zorgen voor elkaar in de buurt"),  # by the stem
    ("senioren wandelen", "Ouderen wandelen samen"),  # by a synonym
    ("beweegtuin", "Een tuin waar bewoners samen bewegen"),  # by the compound's parts
    ("“samen wandelen”", "Samen wandelen in het park"),  # a phrase found whole
])
def test_no_suggestion_when_every_word_is_found(client, typed, stored):
    """A word found by its stem, synonyms or parts is no misspelling, even when a word of
    the vocabulary is one letter away ("informele" was corrected to "informeel")."""
    factories.example(title=stored, summary="Informeel, senior, beweegtuinen, samenwandelen.",
                      body="Tekst.")
    answer = api(client, "q=" + quote(typed))
    assert answer["total"] == 1 and answer["suggestion"] is None


def test_only_the_word_that_matches_nothing_is_corrected(client):
    factories.example(title="Informeel zorgen voor elkaar in de wijk", body="Tekst.")
    answer = api(client, "q=informele+wjik")
    assert answer["suggestion"] == "informele wijk"
    archived = factories.example(title="Later gearchiveerd over wijkk", body="Tekst.")
    assert api(client, "q=wijkk")["suggestion"] is None
    set_status(archived, "archived", factories.user("moderator"))
    db.session.commit()
    assert api(client, "q=wijkk")["suggestion"] == "wijk"  # only published words count


def test_a_removed_examples_words_are_not_suggested(client):
    """The vocabulary keeps an archived example's words until its segment is merged."""
    factories.example(title="Over de wijk", body="Tekst.")
    archived = factories.example(title="Later gearchiveerd: zwembadproject", body="Tekst.")
    assert api(client, "q=zwembadprojekt")["suggestion"] == "zwembadproject"
    set_status(archived, "archived", factories.user("moderator"))
    db.session.commit()
    answer = api(client, "q=zwembadprojekt")
    assert answer["suggestion"] is None and answer["total"] == 0


def test_snippets_highlight_and_escape(client):
    factories.example(title="Over beweging",
                      body="Wij <b>wandelen</b> samen & praten over bewegen.")
    result = api(client, "q=wandelen")["results"][0]
    assert "<mark" in result["snippet"] and "<b>" not in result["snippet"]


def test_sorting_and_pagination(client):
    for number, year in enumerate([2021, 2023, 2022]):
        factories.example(title=f"Project {'CBA'[number]} over bewegen", year=year)
    by_title = titles(client, "sort=title")
    assert by_title == sorted(by_title)
    first = api(client, "per_page=2&sort=title")
    second = api(client, "per_page=2&page=2&sort=title")
    assert first["pages"] == 2 and len(first["results"]) == 2 and len(second["results"]) == 1
    newest = titles(client, "sort=newest")
    assert newest[0] == "Project A over bewegen"  # created last, so published last


def test_search_page_keeps_state_in_the_url_and_offers_a_feed(client):
    factories.example(title="Beweegtuin voor ouderen", themes=["mantelzorg"])
    html = client.get("/zoeken?q=beweegtuin&theme=mantelzorg").get_data(as_text=True)
    assert 'value="beweegtuin"' in html and 'value="mantelzorg" checked' in html
    assert "/feeds/zoeken.atom?q=beweegtuin&amp;theme=mantelzorg" in html
    feed = client.get("/feeds/zoeken.atom?q=beweegtuin&theme=mantelzorg")
    assert feed.mimetype == "application/atom+xml" and b"Beweegtuin voor ouderen" in feed.data


# Whoosh leaves a file handle open when it fails to read a corrupt table of contents.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.filterwarnings("ignore::ResourceWarning")
def test_missing_or_corrupt_index_is_rebuilt_not_a_500(client, app):
    factories.example(title="Herstel na een beroerte")
    assert titles(client, "q=beroerte")
    store = get_store()
    folder = os.path.realpath(store.link)
    store.close()
    shutil.rmtree(folder)
    assert titles(client, "q=beroerte") == ["Herstel na een beroerte"]
    store.close()
    for name in os.listdir(os.path.realpath(store.link)):
        with open(os.path.join(os.path.realpath(store.link), name), "wb") as handle:
            handle.write(b"kapot")
    assert titles(client, "q=beroerte") == ["Herstel na een beroerte"]


def test_two_app_instances_sharing_one_database_stay_in_step(app, tmp_path):
    other_instance = tmp_path / "other-host"
    other_instance.mkdir()
    other = make_app(other_instance, app.config["SQLALCHEMY_DATABASE_URI"])
    factories.example(title="Gedeeld tussen twee servers")
    with other.app_context():
        assert titles(other.test_client(), "q=servers") == ["Gedeeld tussen twee servers"]
    factories.example(title="Tweede voorbeeld voor beide servers")
    with other.app_context():
        assert len(titles(other.test_client(), "q=servers")) == 2
        get_store().close()
        db.engine.dispose()


def test_reindex_and_index_check(runner, client):
    factories.example(title="Voorbeeld voor de controle")
    assert runner.invoke(args=["reindex"]).exit_code == 0
    result = runner.invoke(args=["index-check"])
    assert result.exit_code == 0, result.output
    db.session.execute(text("UPDATE example SET title = 'Stiekem veranderd'"))
    db.session.commit()
    result = runner.invoke(args=["index-check"])
    assert result.exit_code == 1 and "stale in index" in result.output and "title" in result.output
    assert runner.invoke(args=["reindex"]).exit_code == 0
    assert runner.invoke(args=["index-check"]).exit_code == 0


def test_wrong_whoosh_distribution_refuses_to_start(monkeypatch):
    import whoosh
    monkeypatch.setattr(whoosh, "versionstring", lambda: "2.7.4")
    with pytest.raises(WrongWhoosh):
        check_whoosh()


def test_related_examples_are_similar_and_published_only(client):
    base = factories.example(title="Moestuin als ontmoetingsplek",
                             body="Samen tuinieren in de moestuin: zaaien, oogsten en koken.")
    factories.example(title="Tweede moestuin in de wijk",
                      body="Bewoners tuinieren samen in een moestuin en koken de oogst.")
    factories.example("submitted", title="Ingediende moestuin",
                      body="Tuinieren in de moestuin, zaaien, oogsten en koken.")
    factories.example(title="Schuldhulp aan de keukentafel", body="Over formulieren en geld.")
    html = client.get(f"/voorbeelden/{base.id}", follow_redirects=True).get_data(as_text=True)
    related = html.split("Verwante voorbeelden")[1]
    assert "Tweede moestuin in de wijk" in related
    assert "Ingediende moestuin" not in related and "Moestuin als ontmoetingsplek" not in related


def _change_title_with_event(connection, example_id: int, title: str) -> None:
    """What a service does, by hand: change a row and write its outbox event."""
    connection.execute(text("UPDATE example SET title = :t WHERE id = :i"),
                       {"t": title, "i": example_id})
    connection.execute(text("INSERT INTO index_event (example_id, op, created_at) "
                            "VALUES (:i, 'upsert', CURRENT_TIMESTAMP)"), {"i": example_id})


def test_event_committed_after_a_later_one_is_not_lost(app, client):
    """PostgreSQL hands out ids before commit: event n+1 may commit after n+2."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("SQLite serialises writers, so ids cannot commit out of order")
    slow = factories.example(title="Langzame transactie oud")
    fast = factories.example(title="Snelle transactie oud")
    assert api(client)["total"] == 2  # the index is caught up
    with db.engine.connect() as first, db.engine.connect() as second:
        first.begin()
        _change_title_with_event(first, slow.id, "Langzame kwartel")  # id n+1
        second.begin()
        _change_title_with_event(second, fast.id, "Snelle zwaluw")  # id n+2
        second.commit()
        assert titles(client, "q=zwaluw") == ["Snelle zwaluw"]
        assert titles(client, "q=kwartel") == []  # not committed yet
        first.commit()
    assert titles(client, "q=kwartel") == ["Langzame kwartel"]


def test_index_of_another_schema_version_is_rebuilt(client, monkeypatch):
    from kb.search import indexer
    factories.example(title="Versie van het schema")
    assert titles(client, "q=schema")
    store = get_store()
    before = os.path.realpath(store.link)
    store.close()
    monkeypatch.setattr(indexer, "SCHEMA_VERSION", indexer.SCHEMA_VERSION + 1)
    assert titles(client, "q=schema") == ["Versie van het schema"]
    assert os.path.realpath(store.link) != before


def test_moderators_extend_the_synonyms_without_a_reindex(client, runner):
    factories.example(title="Spreekuur voor ouderen in de bibliotheek")
    assert api(client, "q=oudjes")["total"] == 0
    result = runner.invoke(args=["synonyms", "add", "Oudjes, ouderen"])
    assert result.exit_code == 0, result.output
    assert titles(client, "q=oudjes") == ["Spreekuur voor ouderen in de bibliotheek"]
    assert titles(client, "q=65-plussers")  # the shipped group it joined still works
    group_id = result.output.split()[2].rstrip(":")
    assert runner.invoke(args=["synonyms", "remove", group_id]).exit_code == 0
    assert api(client, "q=oudjes")["total"] == 0


@pytest.mark.parametrize("terms", ["alleen", "a, b", ", ,", "x" * 61 + ", ouderen"])
def test_bad_synonym_groups_are_refused(runner, terms):
    result = runner.invoke(args=["synonyms", "add", terms])
    assert result.exit_code == 1 and "terms:" in result.output
    assert runner.invoke(args=["synonyms", "list"]).output == ""


def test_only_moderators_add_synonyms(app):
    from kb.services.errors import Forbidden
    from kb.services.synonyms import add_synonym_group
    with pytest.raises(Forbidden):
        add_synonym_group(factories.user(), "oudjes, ouderen")


def test_a_phrase_synonym_does_not_shrink_to_a_common_word(client):
    neutral = {"themes": ["leefstijl"], "target_groups": ["inwoners"], "impact": ""}
    factories.example(title="Alleen de eerste stap telt", body="Over bewegen.", **neutral)
    factories.example(title="Eenzaamheid in de wijk", body="Over contact.", **neutral)
    assert titles(client, "q=eenzaamheid") == ["Eenzaamheid in de wijk"]


def test_snippet_fragments_are_joined_by_one_ellipsis(client):
    words = " ".join(f"woord{n}" for n in range(80))
    factories.example(title="Lange tekst", body=f"mantelzorg {words} mantelzorg {words}")
    snippet = api(client, "q=mantelzorg")["results"][0]["snippet"]
    assert snippet.count("<mark>") == 2 and "… …" not in snippet


@pytest.mark.parametrize("gap", [0, 20, 35, 50, 60, 80, 150])
def test_snippet_fragments_never_show_the_same_text_twice(client, gap):
    """A second match just past the first fragment's end once got a fragment starting
    inside the first one: "… te proberen, al … een online variant te proberen, al …"."""
    before = " ".join(f"voor{n}" for n in range(32))  # ~200 characters before the 2nd match
    after = " ".join(f"na{n}" for n in range(gap // 4))
    factories.example(title="Overlap", body=f"mantelzorg {before} {after} mantelzorg "
                      + " ".join(f"slot{n}" for n in range(40)))
    snippet = api(client, "q=mantelzorg")["results"][0]["snippet"]
    others = [w for w in re.findall(r"\w+", re.sub(r"<[^>]+>", "", snippet)) if w != "mantelzorg"]
    assert snippet.count("<mark>") == 2 and len(others) == len(set(others)), snippet


def test_a_heading_ends_before_the_sentence_after_it_in_a_snippet(client):
    factories.example(title="Kop", body="## Wat we zagen\n\nIn een flat woonden ouderen.\n\n"
                      "## Vragen?\n\nOf de flat bleef.")
    snippet = api(client, "q=flat")["results"][0]["snippet"]
    assert "Wat we zagen. In een <mark>flat</mark>" in snippet
    assert "Vragen? Of de <mark>flat</mark>" in snippet and "?." not in snippet


def test_large_rebuild_writes_segments_in_worker_processes(runner, client, monkeypatch):
    """The path of a large rebuild (worker processes, one segment per slice), made small."""
    from kb.search import indexer
    monkeypatch.setattr(indexer, "PARALLEL_FROM", 1)
    monkeypatch.setattr(indexer, "SEGMENT_DOCS", 3)
    words = ["appel", "boom", "citroen", "dadel", "eik", "framboos", "gerst"]
    for word in words:
        factories.example(title=f"Segmenttoets {word}", themes=["mantelzorg"],
                          target_groups=[], impact="", body="Tekst.")
    factories.example("draft", title="Segmenttoets concept", themes=["mantelzorg"])
    result = runner.invoke(args=["reindex"])
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["index-check"]).exit_code == 0
    searcher, _cache, _status = get_store().current()
    assert len(searcher.reader().leaf_readers()) >= 3  # 7 examples in slices of 3, + meta
    assert sorted(titles(client, "q=segmenttoets")) == [f"Segmenttoets {w}" for w in words]
    assert titles(client, "q=framboos") == ["Segmenttoets framboos"]
