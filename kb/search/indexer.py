"""The indexer: the only code that writes the index. Applies outbox events; rebuilds.

The index folder `instance/index` is a symlink to `index-<stamp>`; a rebuild writes a new
folder and swaps the link atomically. The meta document records the last applied event
and the ids below it not yet seen (PostgreSQL commits sequence numbers out of order).
"""
import fcntl
import gc
import glob
import logging
import multiprocessing
import os
import shutil
import threading
import time
import uuid
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial

from flask import current_app
from sqlalchemy import func, or_, select
from whoosh import index as whoosh_index
from whoosh.index import LockError
from whoosh.writing import SegmentWriter

from kb.database import db
from kb.models import Example, IndexEvent
from kb.search.documents import document_for
from kb.search.schema import META_ID, SCHEMA_VERSION, build_schema

log = logging.getLogger(__name__)
GAP_TTL = 3600  # seconds an unseen event id is waited for before it counts as rolled back
LOCK_TIMEOUT = 10.0  # seconds to wait for Whoosh's writer lock
BATCH = 500
# Events applied per commit when catching up: each commit keeps its progress, so a worker
# killed mid-way (gunicorn's timeout) loses at most one batch. Measured here at 10k:
# one event costs about 10 ms, a commit about 50 ms.
EVENT_BATCH = 500
PARALLEL_FROM = 5000  # examples: larger rebuilds index in worker processes
# A rebuild writes segments of at most this many examples, each in one go: the posting
# pool of a segment this size fits in BULK_LIMIT_MB, so Whoosh never spills and merges
# runs on disk. Measured at 100k: one large segment per process (Whoosh's MpWriter) 434 s,
# segments of 10k built by worker processes that also read the database 274 s.
SEGMENT_DOCS = 10_000
BULK_LIMIT_MB = 1024
_worker_app = None  # the app of a rebuild's worker process


@dataclass
class SyncState:
    """How far the index has followed the outbox."""

    last: int = 0
    gaps: dict[int, float] = field(default_factory=dict)  # event id -> first missed (epoch)
    # When the event `last` was written: with its id, it tells this database's history
    # from another one (a restored older backup hands out the same ids again).
    last_at: float | None = None

    def as_stored(self) -> dict:
        """The state as stored on the meta document."""
        return {"last": self.last, "gaps": {str(k): v for k, v in self.gaps.items()},
                "last_at": self.last_at, "schema": SCHEMA_VERSION}

    @classmethod
    def from_stored(cls, stored: dict | None) -> "SyncState":
        """The state read back from the meta document."""
        stored = stored or {}
        gaps = {int(k): float(v) for k, v in (stored.get("gaps") or {}).items()}
        return cls(last=int(stored.get("last", 0)), gaps=gaps, last_at=stored.get("last_at"))


def read_state(searcher) -> SyncState:
    """The sync state recorded in an index."""
    meta = searcher.document(id=META_ID)
    return SyncState.from_stored(meta["state"] if meta else None)


def _unapplied(state: SyncState):
    """The condition of events after the last applied one or filling a gap."""
    condition = IndexEvent.id > state.last
    if state.gaps:
        condition = or_(condition, IndexEvent.id.in_(list(state.gaps)))
    return condition


def pending_events(state: SyncState, limit: int | None = None) -> list[tuple]:
    """(event id, example id, written at) of the first events this index has not applied."""
    query = (select(IndexEvent.id, IndexEvent.example_id, IndexEvent.created_at)
             .where(_unapplied(state)).order_by(IndexEvent.id).limit(limit))
    return [tuple(row) for row in db.session.execute(query).all()]


def backlog(state: SyncState, cap: int) -> int:
    """How many events this index has not applied, counted up to cap."""
    first = select(IndexEvent.id).where(_unapplied(state)).limit(cap).subquery()
    return db.session.scalar(select(func.count()).select_from(first))


def _moment(value) -> float | None:
    """A stored moment as seconds since the epoch (None stays None)."""
    return value.timestamp() if value is not None else None


def matches_database(state: SyncState) -> bool:
    """False when the index followed another history than this database's (an older
    backup restored under a newer index): such an index must be rebuilt, not trusted."""
    if not state.last:
        return True
    event = db.session.get(IndexEvent, state.last)
    if event is None:
        newest = db.session.scalar(select(func.max(IndexEvent.id))) or 0
        return newest >= state.last  # the event was pruned, not never written
    written = _moment(event.created_at)
    return state.last_at is None or abs(written - state.last_at) < 0.001


def has_pending(state: SyncState) -> bool:
    """True when the outbox holds events this index has not applied (one cheap query)."""
    return db.session.scalar(select(IndexEvent.id).where(_unapplied(state)).limit(1)) is not None


def advance(state: SyncState, seen: list[int], now: float,
            written: dict[int, float] | None = None) -> SyncState:
    """The state after applying the seen event ids: new gaps noted, old ones expired."""
    seen_set = set(seen)
    newest = max([state.last, *seen])
    gaps = {i: t for i, t in state.gaps.items() if i not in seen_set and now - t < GAP_TTL}
    for missing in set(range(state.last + 1, newest)) - seen_set:
        gaps[missing] = now
    last_at = (written or {}).get(newest, state.last_at) if newest != state.last \
        else state.last_at
    return SyncState(last=newest, gaps=gaps, last_at=last_at)


def _published(example_ids: list[int]) -> dict[int, Example]:
    """The published examples among these ids, by id."""
    query = (select(Example).where(Example.id.in_(example_ids), Example.status == "published")
             .execution_options(populate_existing=True))  # the row as committed now
    rows = db.session.scalars(query)
    return {row.id: row for row in rows}


def write_examples(writer, example_ids: list[int]) -> None:
    """Upsert the documents of published examples; delete the others (idempotent)."""
    for start in range(0, len(example_ids), BATCH):
        chunk = example_ids[start:start + BATCH]
        published = _published(chunk)
        for example_id in chunk:
            if example_id in published:
                writer.update_document(**document_for(published[example_id]))
            else:
                writer.delete_by_term("id", str(example_id))


def write_state(writer, state: SyncState) -> None:
    """Record the sync state on the meta document."""
    writer.update_document(id=META_ID, kind="meta", state=state.as_stored())


def apply_pending(ix, limit: int = EVENT_BATCH, timeout: float = LOCK_TIMEOUT) -> int:
    """Apply the first `limit` events this index misses in one commit, under the writer
    lock; returns how many were applied."""
    writer = ix.writer(timeout=timeout, compound=False)
    try:
        state = read_state(writer.searcher())  # as committed: another process may have applied
        events = pending_events(state, limit)
        written = {event_id: _moment(at) for event_id, _example, at in events}
        new_state = advance(state, list(written), time.time(), written)
        if not events and new_state.gaps == state.gaps:
            writer.cancel()
            return 0
        write_examples(writer, sorted({example_id for _, example_id, _at in events}))
        write_state(writer, new_state)
        writer.commit()
        return len(events)
    except BaseException:
        if not writer.is_closed:
            writer.cancel()
        raise
    finally:
        db.session.expire_all()  # keep memory flat over many batches


def catch_up(ix, batch: int = EVENT_BATCH, until: float | None = None, progress=None) -> int:
    """Apply pending events a batch (one commit) at a time until none are left, or until
    the monotonic clock passes `until`; returns how many were applied."""
    total = 0
    while until is None or time.monotonic() < until:
        applied = apply_pending(ix, limit=batch)
        total += applied
        if progress and applied:
            progress(applied)
        if applied < batch:
            break
    return total


def apply_examples(ix, example_ids: list[int], timeout: float) -> None:
    """Bring these examples' documents up to date now, ahead of the outbox (their events
    are applied again later in order: applying is idempotent)."""
    writer = ix.writer(timeout=timeout, compound=False)
    try:
        write_examples(writer, sorted(set(example_ids)))
        writer.commit()
    except BaseException:
        if not writer.is_closed:
            writer.cancel()
        raise


def _initial_state() -> SyncState:
    """The state a full rebuild starts from: everything up to now, recent holes as gaps."""
    last = db.session.scalar(select(func.max(IndexEvent.id))) or 0
    recent = set(db.session.scalars(select(IndexEvent.id).where(IndexEvent.id > last - 1000)))
    now = time.time()
    event = db.session.get(IndexEvent, last) if last else None
    return SyncState(last=last, gaps={i: now for i in range(max(1, last - 999), last)
                                      if i not in recent},
                     last_at=_moment(event.created_at) if event else None)


def published_ids() -> list[int]:
    """Ids of every published example, in id order."""
    return list(db.session.scalars(select(Example.id).where(Example.status == "published")
                                   .order_by(Example.id)))


def published_count() -> int:
    """How many examples a rebuild would index."""
    return db.session.scalar(select(func.count(Example.id)).where(
        Example.status == "published"))


def _end_with_parent(parent: int) -> None:
    """In a rebuild's worker process: exit as soon as the process that started it is gone
    (killed with -9, it cannot stop its pool, and the workers would run on)."""
    def watch():
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)
    threading.Thread(target=watch, daemon=True, name="kb-parent-watch").start()


def _worker_start(factory, settings: dict, parent: int) -> None:
    """In a fresh worker process: an app of its own (made by the factory that made the
    parent's, passed down by reference), with its own database connections."""
    global _worker_app
    _end_with_parent(parent)
    _worker_app = factory(settings)


def _build_segment(folder: str, ids: list[int]) -> tuple:
    """In a worker: index these examples as one new segment of the index in folder."""
    with _worker_app.app_context():
        ix = whoosh_index.open_dir(folder)
        # As Whoosh's own MpWriter does: a segment writer that does not take the lock
        # (the parent owns the unpublished folder), finished into a segment that the
        # parent lists in the table of contents.
        writer = SegmentWriter(ix, _lk=False, limitmb=BULK_LIMIT_MB, compound=False)
        _add_documents(writer, ids)
        segment = writer._finalize_segment()
        db.session.remove()
        return segment, len(ids)


def _add_documents(writer, ids: list[int], progress=None) -> None:
    """Add the documents of these published examples, a batch at a time."""
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        for example in _published(chunk).values():
            writer.add_document(**document_for(example))
        db.session.expire_all()  # keep memory flat on large collections
        if progress:
            progress(len(chunk))


def _parallel_segments(folder: str, ids: list[int], progress=None) -> list:
    """Index the examples in worker processes, one segment per slice of ids."""
    procs = min(os.cpu_count() or 1, 4)
    most = current_app.config.get("INDEX_SEGMENT_DOCS", SEGMENT_DOCS)
    size = max(1, min(most, -(-len(ids) // procs)))
    slices = [ids[start:start + size] for start in range(0, len(ids), size)]
    settings = {"INSTANCE_PATH": current_app.instance_path, "SECRET_KEY": "indexer",
                "DATABASE_URL": current_app.config["SQLALCHEMY_DATABASE_URI"]}
    # spawn, not fork: a forked child would share the parent's database connections.
    context = multiprocessing.get_context("spawn")
    segments = []
    factory = current_app.extensions["kb.factory"]
    with context.Pool(procs, initializer=_worker_start,
                      initargs=(factory, settings, os.getpid())) as pool:
        for segment, count in pool.imap_unordered(partial(_build_segment, folder), slices):
            segments.append(segment)
            if progress:
                progress(count)
    return segments


class RebuildBusy(Exception):
    """Another process is rebuilding this index."""


@contextmanager
def rebuild_lock(link: str, wait: float | None = None):
    """One rebuild at a time per instance folder, across processes; with `wait`, give up
    (RebuildBusy) when another holds it for longer than that many seconds."""
    with open(link + ".lock", "w") as handle:
        deadline = None if wait is None else time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | (0 if deadline is None else fcntl.LOCK_NB))
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise RebuildBusy() from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def rebuilding(link: str) -> bool:
    """True while some process holds the rebuild lock of this index."""
    try:
        with rebuild_lock(link, wait=0):
            return False
    except RebuildBusy:
        return True


def remove_leftovers(link: str) -> list[str]:
    """Remove index folders and link files that killed rebuilds left behind (call with the
    rebuild lock held: then no rebuild is writing any of them)."""
    current = os.path.realpath(link) if os.path.lexists(link) else None
    removed = []
    for path in glob.glob(glob.escape(link) + "-*") + glob.glob(glob.escape(link) + ".swap-*"):
        if os.path.realpath(path) == current or path == current:
            continue
        if os.path.islink(path) or os.path.isfile(path):
            os.unlink(path)
        else:
            shutil.rmtree(path, ignore_errors=True)
        removed.append(os.path.basename(path))
    if removed:
        log.warning("removed %d index folder(s) left by interrupted rebuilds: %s",
                    len(removed), ", ".join(sorted(removed)))
    return removed


def tidy(link: str) -> None:
    """Remove leftovers when no rebuild is running (cheap; skipped when one is)."""
    try:
        with rebuild_lock(link, wait=0):
            remove_leftovers(link)
    except RebuildBusy:
        pass


def rebuild(link: str, progress=None, wait: float | None = None, unless=None) -> int | None:
    """Build a new index from the database beside the old one and swap it in atomically.

    With `wait`, give up (RebuildBusy) when another rebuild runs longer; with `unless`,
    a check made under the lock: when it says the index is fine now, do nothing (None).
    """
    with rebuild_lock(link, wait):
        if unless is not None and unless():
            return None
        remove_leftovers(link)
        state = _initial_state()  # read first: events after it are applied by catch-up
        ids = published_ids()
        folder = f"{link}-{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:6]}"
        os.makedirs(folder)
        ix = whoosh_index.create_in(folder, build_schema())
        segments = []
        parallel_from = current_app.config.get("INDEX_PARALLEL_FROM", PARALLEL_FROM)
        if len(ids) >= parallel_from and (os.cpu_count() or 1) > 1:
            segments = _parallel_segments(folder, ids, progress)
        writer = ix.writer(limitmb=BULK_LIMIT_MB, compound=False)
        if not segments:
            _add_documents(writer, ids, progress)
        write_state(writer, state)
        writer.commit(mergetype=lambda _writer, existing: existing + segments)
        ix.close()
        _swap_link(link, folder)
        return len(ids)


def _swap_link(link: str, folder: str) -> None:
    """Point link at folder atomically, then remove the previous index folder."""
    previous = os.path.realpath(link) if os.path.lexists(link) else None
    if os.path.isdir(link) and not os.path.islink(link):  # a plain folder from elsewhere
        aside = f"{link}-replaced-{uuid.uuid4().hex[:6]}"
        os.rename(link, aside)
        previous = aside
    temporary = f"{link}.swap-{uuid.uuid4().hex[:6]}"
    os.symlink(os.path.basename(folder), temporary)
    os.replace(temporary, link)
    if previous and previous != os.path.realpath(link) and os.path.isdir(previous):
        shutil.rmtree(previous, ignore_errors=True)


class IndexProblem(Exception):
    """The index cannot be used as it is: missing, unreadable, of another schema version,
    or built from another database history. The message says which."""


def open_index(link: str):
    """The index behind link, checked enough to be served; IndexProblem otherwise."""
    if not os.path.lexists(link):
        raise IndexProblem("index missing")
    with warnings.catch_warnings():  # Whoosh leaves files open when it fails to read
        warnings.simplefilter("ignore", ResourceWarning)
        try:
            ix = whoosh_index.open_dir(os.path.realpath(link))
            with ix.searcher() as searcher:
                meta = searcher.document(id=META_ID)  # touch it: corrupt segments fail here
        except Exception as exc:  # noqa: BLE001 - any unreadable index is rebuilt, not a 500
            raise IndexProblem(f"index unreadable ({type(exc).__name__}: {exc})") from exc
        finally:
            gc.collect()
    stored = (meta or {}).get("state") or {}
    if stored.get("schema") != SCHEMA_VERSION:
        ix.close()
        raise IndexProblem(f"index has schema version {stored.get('schema')}, "
                           f"the code needs {SCHEMA_VERSION}")
    if not matches_database(SyncState.from_stored(stored)):
        ix.close()
        raise IndexProblem("index was built from another database history "
                           "(an older backup restored?)")
    return ix


def is_index_failure(exc: BaseException) -> bool:
    """True when an error came from reading the index (a damaged file), not from our code."""
    if isinstance(exc, (IndexProblem, EOFError, OSError)):
        return True
    frame = exc.__traceback__
    while frame is not None:
        if os.sep + "whoosh" + os.sep in frame.tb_frame.f_code.co_filename:
            return True
        frame = frame.tb_next
    return False


def lock_busy(exc: BaseException) -> bool:
    """True when the error is Whoosh's writer lock held by another process."""
    return isinstance(exc, LockError)
