"""The indexer: the only code that writes the index. Applies outbox events; rebuilds.

The index folder `instance/index` is a symlink to `index-<stamp>`; a rebuild writes a new
folder and swaps the link atomically. The meta document records the last applied event
and the ids below it not yet seen (PostgreSQL commits sequence numbers out of order).
"""
import fcntl
import gc
import logging
import multiprocessing
import os
import shutil
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

from kb.extensions import db
from kb.models import Example, IndexEvent
from kb.search.documents import document_for
from kb.search.schema import META_ID, SCHEMA_VERSION, build_schema

log = logging.getLogger(__name__)
GAP_TTL = 3600  # seconds an unseen event id is waited for before it counts as rolled back
LOCK_TIMEOUT = 10.0  # seconds to wait for Whoosh's writer lock
BATCH = 500
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

    def as_stored(self) -> dict:
        """The state as stored on the meta document."""
        return {"last": self.last, "gaps": {str(k): v for k, v in self.gaps.items()},
                "schema": SCHEMA_VERSION}

    @classmethod
    def from_stored(cls, stored: dict | None) -> "SyncState":
        """The state read back from the meta document."""
        stored = stored or {}
        gaps = {int(k): float(v) for k, v in (stored.get("gaps") or {}).items()}
        return cls(last=int(stored.get("last", 0)), gaps=gaps)


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


def pending_events(state: SyncState) -> list[tuple[int, int]]:
    """(event id, example id) of the events this index has not applied, in order."""
    query = (select(IndexEvent.id, IndexEvent.example_id).where(_unapplied(state))
             .order_by(IndexEvent.id))
    return [tuple(row) for row in db.session.execute(query).all()]


def has_pending(state: SyncState) -> bool:
    """True when the outbox holds events this index has not applied (one cheap query)."""
    return db.session.scalar(select(IndexEvent.id).where(_unapplied(state)).limit(1)) is not None


def advance(state: SyncState, seen: list[int], now: float) -> SyncState:
    """The state after applying the seen event ids: new gaps noted, old ones expired."""
    seen_set = set(seen)
    newest = max([state.last, *seen])
    gaps = {i: t for i, t in state.gaps.items() if i not in seen_set and now - t < GAP_TTL}
    for missing in set(range(state.last + 1, newest)) - seen_set:
        gaps[missing] = now
    return SyncState(last=newest, gaps=gaps)


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


def apply_pending(ix) -> int:
    """Apply the outbox events this index misses, under the writer lock; returns how many."""
    writer = ix.writer(timeout=LOCK_TIMEOUT, compound=False)
    try:
        state = read_state(writer.searcher())  # as committed: another process may have applied
        events = pending_events(state)
        new_state = advance(state, [event_id for event_id, _ in events], time.time())
        if not events and new_state.gaps == state.gaps:
            writer.cancel()
            return 0
        write_examples(writer, sorted({example_id for _, example_id in events}))
        write_state(writer, new_state)
        writer.commit()
        return len(events)
    except BaseException:
        if not writer.is_closed:
            writer.cancel()
        raise


def _initial_state() -> SyncState:
    """The state a full rebuild starts from: everything up to now, recent holes as gaps."""
    last = db.session.scalar(select(func.max(IndexEvent.id))) or 0
    recent = set(db.session.scalars(select(IndexEvent.id).where(IndexEvent.id > last - 1000)))
    now = time.time()
    return SyncState(last=last, gaps={i: now for i in range(max(1, last - 999), last)
                                      if i not in recent})


def published_ids() -> list[int]:
    """Ids of every published example, in id order."""
    return list(db.session.scalars(select(Example.id).where(Example.status == "published")
                                   .order_by(Example.id)))


def _worker_start(settings: dict) -> None:
    """In a fresh worker process: an app of its own, with its own database connections."""
    global _worker_app
    from kb import create_app
    _worker_app = create_app(settings)


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
    size = max(1, min(SEGMENT_DOCS, -(-len(ids) // procs)))
    slices = [ids[start:start + size] for start in range(0, len(ids), size)]
    settings = {"INSTANCE_PATH": current_app.instance_path, "SECRET_KEY": "indexer",
                "DATABASE_URL": current_app.config["SQLALCHEMY_DATABASE_URI"]}
    # spawn, not fork: a forked child would share the parent's database connections.
    context = multiprocessing.get_context("spawn")
    segments = []
    with context.Pool(procs, initializer=_worker_start, initargs=(settings,)) as pool:
        for segment, count in pool.imap_unordered(partial(_build_segment, folder), slices):
            segments.append(segment)
            if progress:
                progress(count)
    return segments


@contextmanager
def rebuild_lock(link: str):
    """One rebuild at a time per instance folder, across processes."""
    with open(link + ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def rebuild(link: str, progress=None) -> int:
    """Build a new index from the database beside the old one and swap it in atomically."""
    with rebuild_lock(link):
        state = _initial_state()  # read first: events after it are applied by catch-up
        ids = published_ids()
        folder = f"{link}-{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:6]}"
        os.makedirs(folder)
        ix = whoosh_index.create_in(folder, build_schema())
        segments = []
        if len(ids) >= PARALLEL_FROM and (os.cpu_count() or 1) > 1:
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


def _open_existing(link: str):
    """The index behind link, or None when it is missing or unreadable."""
    try:
        ix = whoosh_index.open_dir(os.path.realpath(link))
        with ix.searcher() as searcher:
            meta = searcher.document(id=META_ID)  # touch it: corrupt segments fail here
        if (meta or {}).get("state", {}).get("schema") != SCHEMA_VERSION:
            log.warning("search index at %s has another schema version: rebuilding", link)
            ix.close()
            return None
        return ix
    except Exception as exc:  # noqa: BLE001 - any unreadable index is rebuilt, not a 500
        if os.path.lexists(link):
            log.warning("search index at %s unreadable (%r): rebuilding", link, exc)
        return None


def open_or_rebuild(link: str):
    """Open the index behind link; a missing or unreadable index is rebuilt from the database."""
    with warnings.catch_warnings():  # Whoosh leaves files open when it fails to read
        warnings.simplefilter("ignore", ResourceWarning)
        ix = _open_existing(link)
        gc.collect()
    if ix is None:
        rebuild(link)
        ix = whoosh_index.open_dir(os.path.realpath(link))
    return ix


def try_apply(ix) -> bool:
    """Apply pending events; False when another writer held the lock too long."""
    try:
        apply_pending(ix)
        return True
    except LockError:
        log.warning("search index busy: answering from the index as it is")
        return False
