"""Drift between the database and the index (`kb index-check`)."""
from kb.extensions import db
from kb.models import Example
from kb.search.documents import document_for
from kb.search.indexer import has_pending, published_ids
from kb.search.store import get_store

COMPARED = ("title", "summary", "dimension", "theme", "target_group", "organisation_type",
            "level", "setting", "organisation", "municipality", "year")


def index_drift() -> list[str]:
    """Lines describing each difference; empty when index and database agree."""
    store = get_store()
    with store.lock:
        store.refresh()  # compare what is on disk, without applying pending events
        searcher = store.searcher
        indexed = {int(doc["id"]): doc for doc in searcher.documents(kind="example")}
        pending = "pending outbox events" if has_pending(store.state) else None
    expected = set(published_ids())
    lines = [f"missing from index: example {i}" for i in sorted(expected - set(indexed))]
    lines += [f"in index but not published: example {i}" for i in sorted(set(indexed) - expected)]
    for example_id in sorted(expected & set(indexed)):
        document = document_for(db.session.get(Example, example_id))
        stale = [name for name in COMPARED if document[name] != indexed[example_id].get(name)]
        if stale:
            lines.append(f"stale in index: example {example_id} ({', '.join(stale)})")
    return lines + ([pending] if pending and lines else [])
