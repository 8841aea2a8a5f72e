"""Per-process access to the index: a long-lived searcher, refreshed only when it changed.

A request never does unbounded index work. It applies a small backlog of outbox events
itself (so a writer sees their own change at once); a larger backlog, and the rebuild of a
missing, damaged or outdated index, run in a background thread of this process while
requests answer from the index as it is ("catching up") or, without a usable index, from
the database (IndexUnavailable).
"""
import logging
import os
import threading
import time

from flask import current_app
from whoosh import index as whoosh_index

from kb.database import db
from kb.search import indexer
from kb.search.engine import SearcherCache, SegmentData, segment_key

log = logging.getLogger(__name__)
RETIRE_AFTER = 120  # seconds a replaced searcher stays open for requests still using it
CHECK_EVERY = 30  # seconds between checks that the index still follows this database
FORCED_REBUILD_EVERY = 900  # seconds: at most one rebuild per process after read errors
CURRENT, CATCHING_UP = "current", "catching_up"


class IndexUnavailable(Exception):
    """No usable index right now: it is being built. Answer from the database."""


class IndexStore:
    """The index of one instance folder, as this process sees it."""

    def __init__(self, link: str):
        self.link = link
        # Held for opening, refreshing and every search: Whoosh's readers seek and then read
        # their shared file objects, so two threads reading at once read each other's
        # positions (seen as "damaged postings" under a threaded server and the warm-up).
        self.lock = threading.RLock()
        self.target = None
        self.ix = None
        self.searcher = None
        self.cache: SearcherCache | None = None
        self.segments: dict[str, SegmentData] = {}  # kept while their segment lives
        self.retired: list[tuple[float, object]] = []  # old searchers, closed later
        self.state = indexer.SyncState()
        self.checked_at = 0.0
        self.broken: str | None = None  # the folder that failed to read
        self.forced_at = -float(FORCED_REBUILD_EVERY)
        self.worker: threading.Thread | None = None

    # --- opening and refreshing ----------------------------------------------------------

    def _retire(self, searcher) -> None:
        """Close a replaced searcher later: a request in another thread may still use it."""
        now = time.monotonic()
        if searcher is not None:
            self.retired.append((now, searcher))
        for retired_at, old in [r for r in self.retired if now - r[0] > RETIRE_AFTER]:
            old.close()
            self.retired.remove((retired_at, old))

    def _open(self) -> None:
        """(Re)open the index behind the link and start a fresh searcher; IndexProblem
        when there is no usable index."""
        self._retire(self.searcher)
        self.searcher = self.ix = self.cache = None
        self.segments = {}
        target = os.path.realpath(self.link)
        if target == self.broken:
            raise indexer.IndexProblem("index unreadable (failed while searching)")
        self.ix = indexer.open_index(self.link)
        self.target = target
        self.searcher = self.ix.searcher()
        self._after_refresh()
        self.checked_at = time.monotonic()
        indexer.tidy(self.link)

    def _after_refresh(self) -> None:
        """Recompute what depends on the searcher's documents; forget merged segments."""
        self.cache = SearcherCache(self.searcher, self.segments)
        live = {segment_key(sub.reader()) for sub, _offset in self.searcher.leaf_searchers()}
        self.segments = {key: data for key, data in self.segments.items() if key in live}
        self.state = indexer.read_state(self.searcher)

    def refresh(self) -> None:
        """Pick up a new commit (or a swapped-in rebuild) made by any process; IndexProblem
        when there is no usable index."""
        if self.ix is None or os.path.realpath(self.link) != self.target:
            self._open()
            return
        if not self.searcher.up_to_date():
            # A new searcher, not Searcher.refresh(): reused segment readers were seen
            # to keep documents that the newer commit had deleted.
            self._retire(self.searcher)
            self.searcher = self.ix.searcher()
            self._after_refresh()
        if time.monotonic() - self.checked_at > CHECK_EVERY:
            self.checked_at = time.monotonic()
            if not indexer.matches_database(self.state):
                self.ix = None
                raise indexer.IndexProblem("index follows another database history")

    # --- what a request gets ---------------------------------------------------------------

    def current(self, own_examples=()) -> tuple:
        """(searcher, facet cache, CURRENT or CATCHING_UP) for a request; IndexUnavailable
        while there is no usable index. `own_examples`: ids the visitor just changed."""
        with self.lock:
            self._ready()
            status = self._catch_up(list(own_examples))
            return self.searcher, self.cache, status

    def _ready(self) -> None:
        """Have a usable index open, building a small one right here; IndexUnavailable
        while a larger one is built in the background."""
        if self._working():
            raise IndexUnavailable()
        try:
            self.refresh()
            return
        except indexer.IndexProblem as problem:
            log.warning("search index at %s: %s", self.link, problem)
        if self.broken is not None:
            # Read errors: rebuild, but not over and over if the cause is not the files.
            if time.monotonic() - self.forced_at < FORCED_REBUILD_EVERY:
                raise IndexUnavailable()
            self.forced_at = time.monotonic()
        settings = current_app.config
        if indexer.published_count() <= settings["INDEX_INLINE_REBUILD"]:
            try:
                self._rebuild(wait=settings["INDEX_INLINE_LOCK_SECONDS"])
                self.refresh()
                return
            except indexer.RebuildBusy:
                raise IndexUnavailable() from None
        self._start(self._rebuild_in_background)
        raise IndexUnavailable()

    def _catch_up(self, own_examples: list[int]) -> str:
        """Apply a small backlog now; hand a large one to the background thread."""
        settings = current_app.config
        inline = settings["INDEX_INLINE_EVENTS"]
        pending = indexer.backlog(self.state, inline + 1)
        if not pending:
            return CURRENT
        lock_wait = settings["INDEX_INLINE_LOCK_SECONDS"]
        if pending <= inline and self._try(indexer.apply_pending, limit=inline,
                                           timeout=lock_wait):
            self.refresh()
            return CURRENT
        self._start(self._catch_up_in_background)
        if own_examples and self._try(indexer.apply_examples, own_examples,
                                      timeout=settings["INDEX_OWN_LOCK_SECONDS"]):
            self.refresh()
        return CATCHING_UP

    def _try(self, write, *args, **kwargs) -> bool:
        """Run an index write; False when another process held the writer lock too long."""
        try:
            write(self.ix, *args, **kwargs)
            return True
        except Exception as exc:  # noqa: BLE001 - only the lock is expected here
            if not indexer.lock_busy(exc):
                raise
            log.info("search index busy: answering from the index as it is")
            return False

    def failed(self, exc: BaseException) -> None:
        """Reading the index failed (a damaged file): stop using it and rebuild it."""
        with self.lock:
            log.error("search index at %s failed while searching (%r): rebuilding",
                      self.link, exc)
            self.broken = self.target
            self._retire(self.searcher)
            self.searcher = self.ix = self.cache = None

    # --- the health check ----------------------------------------------------------------

    def health(self) -> str:
        """"ok" when the index opens and answers (its document count), "rebuilding" while
        a rebuild runs here or in another process, else "unavailable". Cheap and without
        side effects: it never builds, catches up or marks anything."""
        if self._working():
            return "rebuilding"
        try:
            with self.lock:
                self.refresh()
                self.searcher.doc_count()
            return "ok"
        except Exception as exc:  # noqa: BLE001 - a damaged index is an answer, not a crash
            if not indexer.is_index_failure(exc):
                raise
            log.warning("health check: search index at %s: %s", self.link, exc)
        return "rebuilding" if indexer.rebuilding(self.link) else "unavailable"

    # --- background work -----------------------------------------------------------------

    def _working(self) -> bool:
        """True while this process's background thread rebuilds the index."""
        worker = self.worker
        return worker is not None and worker.is_alive() and worker.name == "kb-rebuild"

    def _start(self, job) -> None:
        """Run job in this process's background thread, unless that thread is busy."""
        if self.worker is not None and self.worker.is_alive():
            return
        app = current_app._get_current_object()
        name = "kb-rebuild" if job == self._rebuild_in_background else "kb-catch-up"
        self.worker = threading.Thread(target=self._run, args=(app, job), name=name,
                                       daemon=True)
        self.worker.start()

    @staticmethod
    def _run(app, job) -> None:
        """The background thread: job in an app context of its own."""
        with app.app_context():
            try:
                job()
            except indexer.RebuildBusy:
                log.info("another process is rebuilding the search index")
            except Exception as exc:  # noqa: BLE001 - a thread has nobody to raise to
                if indexer.lock_busy(exc):
                    log.info("another process is applying index events")
                else:
                    log.exception("background index work failed")
            finally:
                db.session.remove()

    def _catch_up_in_background(self) -> None:
        """Apply the whole backlog, a committed batch at a time."""
        ix = whoosh_index.open_dir(os.path.realpath(self.link))
        try:
            indexer.catch_up(ix)
        finally:
            ix.close()

    def _rebuild_in_background(self) -> None:
        """Rebuild unless another process is at it, or has just made the index fine."""
        self._rebuild(wait=0)

    def _rebuild(self, wait: float | None = None, progress=None):
        """Rebuild, skipping it when (under the lock) a good index turns out to be there."""
        broken = self.broken

        def fine() -> bool:
            target = os.path.realpath(self.link)
            if target == broken:
                return False
            try:
                indexer.open_index(self.link).close()
                return True
            except indexer.IndexProblem:
                return False
        count = indexer.rebuild(self.link, progress, wait=wait, unless=fine)
        self.broken = None
        return count

    # --- the command line ---------------------------------------------------------------

    def rebuild(self, progress=None) -> int:
        """Rebuild from the database now (`kb reindex`) and switch to the new index."""
        with self.lock:
            count = indexer.rebuild(self.link, progress)
            self.broken = None
            self._open()
            return count

    def catch_up(self, progress=None) -> int:
        """Apply every pending event now, a batch per commit (`kb import` after writing);
        a missing or unusable index is rebuilt instead."""
        with self.lock:
            try:
                self.refresh()
            except indexer.IndexProblem:
                self.rebuild()
                return 0
            applied = indexer.catch_up(self.ix, progress=progress)
            self.refresh()
            return applied

    def close(self) -> None:
        """Release the searchers' files (waits for this process's background work)."""
        worker = self.worker
        if worker is not None and worker is not threading.current_thread():
            worker.join()
        with self.lock:
            for _retired_at, old in self.retired:
                old.close()
            if self.searcher is not None:
                self.searcher.close()
            self.searcher = self.ix = self.cache = None
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
