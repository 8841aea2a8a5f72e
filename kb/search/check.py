"""Drift between the database and the index (`kb index-check`)."""
from kb.database import db
from kb.models import Example
from kb.search import indexer
from kb.search.documents import document_for
from kb.search.store import get_store
from kb.taxonomy import KINDS

COMPARED = ("title", "summary", *KINDS, "organisation", "municipality", "year")


def index_drift() -> list[str]:
    """Lines describing each difference; empty when index and database agree. A missing,
    unreadable or outdated index is drift too (the first line says which), never a crash."""
    store = get_store()
    try:
        with store.lock:
            store.refresh()  # compare what is on disk, without applying pending events
            indexed = _indexed_documents(store.searcher)
            pending = "pending outbox events" if indexer.has_pending(store.state) else None
    except Exception as exc:  # noqa: BLE001 - a damaged index is a finding, not a crash
        if not indexer.is_index_failure(exc):
            raise
        return [str(exc) if isinstance(exc, indexer.IndexProblem)
                else f"index unreadable ({type(exc).__name__}: {exc})",
                "run `kb reindex` to rebuild it from the database"]
    expected = set(indexer.published_ids())
    lines = [f"missing from index: example {i}" for i in sorted(expected - set(indexed))]
    lines += [f"in index but not published: example {i}" for i in sorted(set(indexed) - expected)]
    for example_id in sorted(expected & set(indexed)):
        document = document_for(db.session.get(Example, example_id))
        stale = [name for name in COMPARED if document[name] != indexed[example_id].get(name)]
        if stale:
            lines.append(f"stale in index: example {example_id} ({', '.join(stale)})")
    return lines + ([pending] if pending and lines else [])


def _indexed_documents(searcher) -> dict[int, dict]:
    """Every example document's stored fields, after reading each term of the index once
    (a damaged postings or term file fails here rather than in a visitor's search)."""
    reader = searcher.reader()
    for _term in reader.all_terms():
        pass
    return {int(doc["id"]): doc for doc in searcher.documents(kind="example")}
