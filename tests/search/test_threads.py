"""Searches in several threads of one process (the threaded server, the warm-up thread)
share the index's open files: they must never read each other's half-done reads."""
import os
import threading

from kb.search.query import SearchRequest, run
from kb.search.store import get_store
from kb.services.importing import import_records
from kb.services.permissions import SYSTEM
from tests import factories

WORDS = ["wandelen", "koken", "tuinieren", "zingen", "schilderen", "fietsen", "lezen",
         "dansen"]


def _collection() -> None:
    """Enough published examples that common words span many posting blocks."""
    records = []
    for number in range(400):
        words = " ".join(WORDS[(number * step) % len(WORDS)] for step in range(1, 6))
        records.append(factories.record(body=f"In de buurt: {words}. Woord{number} zegt het.",
                                        title=f"Voorbeeld {WORDS[number % len(WORDS)]} "
                                              f"{number}"))
    import_records(SYSTEM, records)
    get_store().rebuild()


def test_searches_in_parallel_threads_all_answer_from_an_intact_index(app):
    _collection()
    store = get_store()
    index_before = os.path.realpath(store.link)
    expected = {}
    for word in WORDS:
        expected[word] = run(SearchRequest(q=word)).total
    failures, totals = [], []

    def searches(offset: int) -> None:
        with app.app_context():
            try:
                for round_ in range(30):
                    word = WORDS[(offset + round_) % len(WORDS)]
                    query = f"{word} woord{(offset * 37 + round_) % 400}"  # cold terms too
                    totals.append((word, run(SearchRequest(q=word)).total))
                    run(SearchRequest(q=query))
            except Exception as exc:  # noqa: BLE001 - the test reports what went wrong
                failures.append(repr(exc))

    threads = [threading.Thread(target=searches, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert failures == []
    assert all(total == expected[word] for word, total in totals) and len(totals) == 120
    assert os.path.realpath(store.link) == index_before and store.broken is None
