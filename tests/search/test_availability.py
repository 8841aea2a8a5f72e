"""Search stays up: bounded index work in requests, background catch-up and rebuilds,
answers from the database while there is no index, damaged indexes found and replaced."""
import os

import pytest
from sqlalchemy import select

from kb.database import db
from kb.models import Example, IndexEvent
from kb.search import concepts, indexer, spelling
from kb.search.store import get_store
from tests import factories
from tests.webtools import logged_in, post_form


def api(client, params: str = "") -> dict:
    """The search API's answer (must be a 200)."""
    response = client.get("/api/v1/search?" + params)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.get_json()


def wait_for_background(timeout: float = 60) -> None:
    """Until this process's background index work has finished."""
    worker = get_store().worker
    if worker is not None:
        worker.join(timeout)
        assert not worker.is_alive()


def many(count: int, word: str) -> list[Example]:
    """Published examples whose titles carry a word."""
    return [factories.example(title=f"Voorbeeld {word} nummer {n}") for n in range(count)]


@pytest.fixture
def small_limits(app):
    """Limits small enough that a handful of examples is a 'large' backlog or collection."""
    app.config.update(INDEX_INLINE_EVENTS=3, INDEX_INLINE_REBUILD=3)
    return app


def test_a_small_backlog_is_applied_in_the_request(client, small_limits):
    factories.example(title="Eerste voorbeeld")
    assert api(client)["index"] == "current"
    factories.example(title="Tweede voorbeeld")
    answer = api(client, "q=tweede")
    assert answer["total"] == 1 and answer["index"] == "current"


def test_a_large_backlog_is_caught_up_in_the_background(client, small_limits):
    factories.example(title="Eerste voorbeeld")
    assert api(client)["total"] == 1
    many(12, "achterstand")
    answer = api(client, "q=achterstand")
    assert answer["index"] == "catching_up"
    assert answer["total"] < 12  # answered from the index as it was, not after catching up
    html = client.get("/zoeken?q=achterstand").get_data(as_text=True)
    assert "Zoeken wordt bijgewerkt" in html
    wait_for_background()
    answer = api(client, "q=achterstand")
    assert answer["total"] == 12 and answer["index"] == "current"


def test_catching_up_commits_each_batch(app, client):
    factories.example()
    api(client)
    store = get_store()
    before = store.state.last
    many(4, "batch")
    newest = db.session.scalar(select(IndexEvent.id).order_by(IndexEvent.id.desc()))
    assert indexer.apply_pending(store.ix, limit=3) == 3
    store.refresh()
    assert store.state.last == before + 3  # the first batch is committed and kept
    assert indexer.catch_up(store.ix, batch=3) == newest - before - 3
    store.refresh()
    assert store.state.last == newest


def test_a_writer_sees_their_own_change_while_the_index_catches_up(client, small_limits):
    factories.example(title="Eerste voorbeeld")
    assert api(client)["total"] == 1
    submitted = factories.example("submitted", title="Mijn eigen kwikstaart")
    many(12, "achterstand")
    logged_in(client, "moderator")
    response = post_form(client, f"/moderatie/{submitted.id}", {"decision": "publish"},
                         page=f"/moderatie/voorbeelden/{submitted.id}")
    assert response.status_code == 302
    answer = api(client, "q=kwikstaart")
    assert answer["index"] == "catching_up"
    assert [r["title"] for r in answer["results"]] == ["Mijn eigen kwikstaart"]
    wait_for_background()


def test_without_an_index_search_answers_from_the_database(client, small_limits):
    many(6, "tuinieren")
    factories.example(title="Iets anders", themes=["dementie"])
    store = get_store()
    store.rebuild()
    os.unlink(store.link) if os.path.islink(store.link) else None
    # As while another process rebuilds: this one's rebuild cannot start and finish between
    # the requests (seven examples index in milliseconds).
    with indexer.rebuild_lock(store.link):
        answer = api(client, "q=tuinieren")
        assert answer["index"] == "rebuilding"
        assert answer["total"] == 6 and len(answer["results"]) == 6
        assert api(client, "theme=dementie")["total"] == 1
        html = client.get("/zoeken?q=tuinieren").get_data(as_text=True)
        assert "Zoeken wordt bijgewerkt" in html and "Voorbeeld tuinieren nummer 3" in html
        filtered = client.get("/zoeken?theme=dementie").get_data(as_text=True)
        assert 'value="dementie" checked' in filtered and "Iets anders" in filtered
        assert '<span class="badge">0</span>' not in filtered  # no counts without an index
        wait_for_background()
    assert api(client, "q=tuinieren")["index"] == "rebuilding"  # this one rebuilds now
    wait_for_background()
    answer = api(client, "q=tuinieren")
    assert answer["index"] == "current" and answer["total"] == 6
    assert os.path.islink(store.link)


def _damage(folder: str) -> None:
    """Overwrite every segment file of an index with garbage."""
    for name in os.listdir(folder):
        if not name.startswith("_MAIN"):
            with open(os.path.join(folder, name), "r+b") as handle:
                size = os.path.getsize(handle.name)
                handle.write(os.urandom(max(size, 64)))


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.filterwarnings("ignore::ResourceWarning")
def test_a_damaged_index_is_replaced_and_never_a_500(client, runner, small_limits):
    many(6, "beschadigd")
    get_store().rebuild()
    assert api(client, "q=beschadigd")["total"] == 6
    store = get_store()
    damaged = os.path.realpath(store.link)
    _damage(damaged)
    store.close()
    check = runner.invoke(args=["index-check"])
    assert check.exit_code == 1 and "index unreadable" in check.output
    assert "Traceback" not in check.output
    for url in ("/zoeken?q=beschadigd", "/api/v1/search?q=beschadigd", "/feeds/zoeken.atom"):
        assert client.get(url).status_code == 200, url
    wait_for_background()
    assert os.path.realpath(store.link) != damaged
    assert api(client, "q=beschadigd")["total"] == 6
    assert runner.invoke(args=["index-check"]).exit_code == 0


def test_read_errors_while_searching_lead_to_a_rebuild(client, small_limits, monkeypatch):
    """The index opens, then a search meets a damaged postings file."""
    many(6, "leesfout")
    get_store().rebuild()
    assert api(client, "q=leesfout")["total"] == 6
    store = get_store()
    before = os.path.realpath(store.link)
    from whoosh.reading import SegmentReader
    original = SegmentReader.postings

    def damaged(self, fieldname, text, *args, **kwargs):
        if fieldname == "title" and os.path.realpath(store.link) == before:
            raise OSError("simulated bad sector")
        return original(self, fieldname, text, *args, **kwargs)
    monkeypatch.setattr(SegmentReader, "postings", damaged)
    answer = api(client, "q=nummer")  # in every title, not read from the index before
    assert answer["index"] == "rebuilding" and answer["total"] == 6
    api(client, "q=leesfout")  # the next search starts the rebuild (the collection is large)
    wait_for_background()
    assert os.path.realpath(store.link) != before
    answer = api(client, "q=nummer")
    assert answer["index"] == "current" and answer["total"] == 6


def test_a_bug_is_not_mistaken_for_a_damaged_index():
    assert not indexer.is_index_failure(KeyError("missing"))
    assert indexer.is_index_failure(OSError("disk"))


def test_an_index_from_another_database_history_is_rebuilt(client):
    factories.example(title="Na het terugzetten")
    assert api(client)["total"] == 1
    store = get_store()
    # What restoring an older backup looks like to the index: its last event is gone.
    db.session.execute(IndexEvent.__table__.delete())
    db.session.commit()
    store.checked_at = 0  # the periodic check is due
    before = os.path.realpath(store.link)
    assert api(client, "q=terugzetten")["total"] == 1
    assert os.path.realpath(store.link) != before


def test_leftover_folders_of_killed_rebuilds_are_removed(client, runner):
    factories.example()
    api(client)
    link = get_store().link
    leftovers = [f"{link}-20200101000000-dead01", f"{link}-20200101000000-dead02"]
    for folder in leftovers:
        os.makedirs(folder)
        with open(os.path.join(folder, "_MAIN_1.toc"), "wb") as handle:
            handle.write(b"half")
    os.symlink("nowhere", f"{link}.swap-dead03")
    assert runner.invoke(args=["reindex"]).exit_code == 0
    for path in leftovers + [f"{link}.swap-dead03"]:
        assert not os.path.lexists(path), path
    assert api(client)["total"] == 1


def test_the_suggestion_work_is_bounded(client, monkeypatch):
    factories.example(title="Mantelzorg in de wijk", body="Mantelzorgers ontmoeten elkaar.")
    calls = []
    from whoosh.searching import Searcher
    original = Searcher.suggest

    def counting(self, fieldname, text, **kwargs):
        calls.append((text, kwargs))
        return original(self, fieldname, text, **kwargs)
    monkeypatch.setattr(Searcher, "suggest", counting)
    long_word = "mantelzorg" * 100
    assert api(client, "q=" + long_word)["suggestion"] is None
    assert calls == []  # far too long to compare with the vocabulary
    words = " ".join(f"onbkend{letter}woord" for letter in "abcdefgh")
    api(client, "q=" + words)
    assert len(calls) <= spelling.MAX_WORDS
    assert all(kwargs.get("prefix") == 1 for _text, kwargs in calls)
    calls.clear()
    assert api(client, "q=mantelzrg")["suggestion"] == "mantelzorg"
    assert len(calls) == 1


def test_a_query_of_many_words_is_searched_for_a_bounded_number(client):
    factories.example(title="Zorg en welzijn")
    from kb.search.synonyms import current_synonyms
    parsed = concepts.build_query(" ".join(f"woord{n}" for n in range(200)) + " zorg zorg",
                                  current_synonyms())
    assert len(parsed.words) == concepts.MAX_CONCEPTS
    assert api(client, "q=" + "+".join(["zorg"] * 150))["total"] == 1


def test_anonymous_searches_are_limited_per_address(client, app):
    app.config["SEARCH_LIMIT"] = "3 per minute"
    for _ in range(3):
        assert client.get("/api/v1/search").status_code == 200
    response = client.get("/api/v1/search")
    assert response.status_code == 429 and response.headers.get("Retry-After")
    assert client.get("/zoeken").status_code == 429


def test_a_request_hands_a_large_backlog_to_the_background(client, small_limits,
                                                           monkeypatch):
    import threading
    factories.example()
    api(client)
    many(20, "grens")
    calls = []
    original = indexer.apply_pending

    def recording(ix, limit=indexer.EVENT_BATCH, timeout=indexer.LOCK_TIMEOUT):
        calls.append((threading.current_thread().name, limit))
        return original(ix, limit=limit, timeout=timeout)
    monkeypatch.setattr(indexer, "apply_pending", recording)
    api(client, "q=grens")
    wait_for_background()
    assert calls and all(name == "kb-catch-up" for name, _limit in calls)
    factories.example(title="Nog een grens")
    calls.clear()
    assert api(client, "q=grens")["total"] == 21
    assert calls == [(threading.current_thread().name, 3)]  # small: in the request


def test_a_serving_process_warms_the_index_up_at_start(app, tmp_path):
    factories.example(title="Warm bij de start")
    from tests.conftest import make_app
    serving = make_app(app.instance_path, app.config["SQLALCHEMY_DATABASE_URI"])
    from kb.search.query import warm_up_in_background
    warm_up_in_background(serving).join(60)
    with serving.app_context():
        store = get_store()
        assert store.searcher is not None and store.cache is not None  # ready before any request
        assert store.cache.examples.sum() == 1
