"""Per-process access to the index: a long-lived searcher, refreshed only when it changed."""
import os
import threading
import time

from flask import current_app

from kb.search import indexer
from kb.search.engine import SearcherCache, SegmentData, segment_key


RETIRE_AFTER = 120  # seconds a replaced searcher stays open for requests still using it


class IndexStore:
    """The index of one instance folder, as this process sees it."""

    def __init__(self, link: str):
        self.link = link
        self.lock = threading.RLock()
        self.target = None
        self.ix = None
        self.searcher = None
        self.cache: SearcherCache | None = None
        self.segments: dict[str, SegmentData] = {}  # kept while their segment lives
        self.retired: list[tuple[float, object]] = []  # old searchers, closed later
        self.state = indexer.SyncState()

    def _retire(self, searcher) -> None:
        """Close a replaced searcher later: a request in another thread may still use it."""
        now = time.monotonic()
        if searcher is not None:
            self.retired.append((now, searcher))
        for retired_at, old in [r for r in self.retired if now - r[0] > RETIRE_AFTER]:
            old.close()
            self.retired.remove((retired_at, old))

    def _open(self) -> None:
        """(Re)open the index behind the link and start a fresh searcher."""
        self._retire(self.searcher)
        self.segments = {}
        self.ix = indexer.open_or_rebuild(self.link)
        self.target = os.path.realpath(self.link)
        self.searcher = self.ix.searcher()
        self._after_refresh()

    def _after_refresh(self) -> None:
        """Recompute what depends on the searcher's documents; forget merged segments."""
        self.cache = SearcherCache(self.searcher, self.segments)
        live = {segment_key(sub.reader()) for sub, _offset in self.searcher.leaf_searchers()}
        self.segments = {key: data for key, data in self.segments.items() if key in live}
        self.state = indexer.read_state(self.searcher)

    def refresh(self) -> None:
        """Pick up a new commit (or a swapped-in rebuild) made by any process."""
        if self.ix is None or os.path.realpath(self.link) != self.target:
            self._open()
            return
        if not self.searcher.up_to_date():
            # A new searcher, not Searcher.refresh(): reused segment readers were seen
            # to keep documents that the newer commit had deleted.
            self._retire(self.searcher)
            self.searcher = self.ix.searcher()
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
        """Release the searchers' files."""
        with self.lock:
            for _retired_at, old in self.retired:
                old.close()
            if self.searcher is not None:
                self.searcher.close()
            self.searcher = self.ix = None
            self.retired, self.segments = [], {}


_stores: dict[str, IndexStore] = {}
_stores_lock = threading.Lock()


def get_store() -> IndexStore:
    """The store of the current app's index folder (one per process and folder)."""
    link = (current_app.config.get("INDEX_PATH")
            or os.path.join(current_app.instance_path, "index"))
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
