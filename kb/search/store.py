"""Per-process access to the index: a long-lived searcher, refreshed only when it changed."""
import os
import threading
from dataclasses import dataclass

from flask import current_app

from kb.search import indexer
from kb.search.schema import FACETS, META_ID


@dataclass
class FacetCache:
    """Per-document facet values of one searcher, read once from the postings."""

    values: dict[str, dict[int, tuple[str, ...]]]
    examples: frozenset[int]
    postings: dict[str, dict[str, frozenset[int]]]


def build_facet_cache(searcher) -> FacetCache:
    """Read every facet value's documents once; deleted documents are left out."""
    reader = searcher.reader()
    values: dict[str, dict[int, tuple[str, ...]]] = {}
    postings: dict[str, dict[str, frozenset[int]]] = {}
    for name in FACETS:
        per_doc: dict[int, list[str]] = {}
        by_value: dict[str, frozenset[int]] = {}
        for value in reader.field_terms(name):
            docs = frozenset(reader.postings(name, value).all_ids())
            by_value[value] = docs
            for docnum in docs:
                per_doc.setdefault(docnum, []).append(value)
        values[name] = {docnum: tuple(v) for docnum, v in per_doc.items()}
        postings[name] = by_value
    examples = frozenset(reader.postings("kind", "example").all_ids()) \
        if "example" in set(reader.field_terms("kind")) else frozenset()
    return FacetCache(values=values, examples=examples, postings=postings)


class IndexStore:
    """The index of one instance folder, as this process sees it."""

    def __init__(self, link: str):
        self.link = link
        self.lock = threading.RLock()
        self.target = None
        self.ix = None
        self.searcher = None
        self.cache: FacetCache | None = None
        self.state = indexer.SyncState()

    def _open(self) -> None:
        """(Re)open the index behind the link and start a fresh searcher."""
        if self.searcher is not None:
            self.searcher.close()
        self.ix = indexer.open_or_rebuild(self.link)
        self.target = os.path.realpath(self.link)
        self.searcher = self.ix.searcher()
        self._after_refresh()

    def _after_refresh(self) -> None:
        """Recompute what depends on the searcher's documents."""
        self.cache = build_facet_cache(self.searcher)
        self.state = indexer.read_state(self.searcher)

    def refresh(self) -> None:
        """Pick up a new commit (or a swapped-in rebuild) made by any process."""
        if self.ix is None or os.path.realpath(self.link) != self.target:
            self._open()
            return
        if not self.searcher.up_to_date():
            # A new searcher, not Searcher.refresh(): reused segment readers were seen
            # to keep documents that the newer commit had deleted.
            old, self.searcher = self.searcher, self.ix.searcher()
            old.close()
            self._after_refresh()

    def current(self):
        """Catch the index up with the outbox, then return (searcher, facet cache)."""
        with self.lock:
            self.refresh()
            if indexer.has_pending(self.state):
                indexer.try_apply(self.ix)
                self.refresh()
            return self.searcher, self.cache

    def rebuild(self, progress=None) -> int:
        """Rebuild from the database and switch to the new index."""
        with self.lock:
            count = indexer.rebuild(self.link, progress)
            self._open()
            return count

    def close(self) -> None:
        """Release the searcher's files."""
        with self.lock:
            if self.searcher is not None:
                self.searcher.close()
            self.searcher = self.ix = None


_stores: dict[str, IndexStore] = {}
_stores_lock = threading.Lock()


def get_store() -> IndexStore:
    """The store of the current app's index folder (one per process and folder)."""
    link = current_app.config.get("INDEX_PATH") or os.path.join(current_app.instance_path,
                                                                 "index")
    with _stores_lock:
        if link not in _stores:
            _stores[link] = IndexStore(link)
        return _stores[link]


def close_all() -> None:
    """Close every store (tests, shutdown)."""
    with _stores_lock:
        for store in _stores.values():
            store.close()
        _stores.clear()


__all__ = ["FacetCache", "IndexStore", "META_ID", "close_all", "get_store"]
