"""Bulk import and export of examples in the record format of DESIGN.md."""
import datetime as dt
import json
import logging
import os
import socket
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import Integer, and_, case, cast, delete, func, insert, literal, select, update

from kb import taxonomy
from kb.database import db, write_intent
from kb.models import (
    Decision,
    Example,
    ImportRun,
    IndexEvent,
    Revision,
    StagedExample,
    example_term,
)
from kb.models.types import UTCDateTime
from kb.services import audit
from kb.services import permissions as perm
from kb.services.errors import ImportInvalid, Invalid
from kb.services.examples import apply_record, new_ref
from kb.services.records import (
    PRACTICAL,
    CleanRecord,
    clean_published_at,
    to_export_record,
    to_record,
    validate_record,
)
from kb.services.taxonomy import terms_by_kind
from kb.services.transactions import changes_data, unit_of_work
from kb.util import utcnow

log = logging.getLogger(__name__)
IMPORT_STATUSES = ("published", "submitted")
MAX_PROBLEMS = 50
# Records written per transaction. Measured on SQLite here: about 5 ms a record, so a
# batch holds the write lock about a second and web writers wait at most that long.
IMPORT_BATCH = 200
STAGED = "staged"  # the status of an imported example until its import completes
ABANDONED_AFTER = 24 * 3600  # seconds: a run still staging after this is cleared anyway


@dataclass
class ImportResult:
    """What an import did."""

    created: int = 0
    updated: int = 0


def parse_records(text: str) -> list:
    """Read a JSON array or JSON Lines text into raw records; Invalid names the bad line."""
    stripped = text.lstrip("\ufeff").strip()
    if not stripped:
        raise Invalid(_("het bestand bevat geen records"))
    if stripped.startswith("["):
        try:
            records = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise Invalid(_("geen geldige JSON: regel %(line)d, kolom %(column)d: %(reason)s",
                            line=exc.lineno, column=exc.colno, reason=exc.msg)) from None
        if not isinstance(records, list):
            raise Invalid(_("verwacht een JSON-array van records"))
        return records
    records = []
    for number, line in enumerate(stripped.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError as exc:
            reason = _("geen geldige JSON Lines: regel %(line)d, kolom %(column)d: %(reason)s",
                       line=number, column=exc.colno, reason=exc.msg)
            raise Invalid(reason) from None
    return records


def _ref_of(raw) -> str | None:
    """The raw record's ref for error messages, if it has a usable one."""
    ref = raw.get("ref") if isinstance(raw, dict) else None
    return ref if isinstance(ref, str) and ref else None


def _validate(raw, taxonomy) -> CleanRecord:
    """One import record: the example's fields and, only in import and export, when it was
    published (kept in values["published_at"]); Invalid names every bad field."""
    published, errors = None, {}
    if isinstance(raw, dict) and "published_at" in raw:
        raw = dict(raw)
        try:
            published = clean_published_at(raw.pop("published_at"))
        except Invalid as exc:
            errors.update(exc.errors)
    try:
        clean = validate_record(raw, taxonomy)
    except Invalid as exc:
        raise Invalid({**exc.errors, **errors}) from None
    if errors:
        raise Invalid(errors)
    clean.values["published_at"] = published
    return clean


def validate_records(raws: list) -> list[CleanRecord]:
    """Validate every record; ImportInvalid lists each problem and nothing is written."""
    taxonomy = terms_by_kind()
    problems, cleaned, seen = [], [], {}
    for position, raw in enumerate(raws, start=1):
        ref = _ref_of(raw)
        try:
            cleaned.append(_validate(raw, taxonomy))
        except Invalid as exc:
            problems += [(position, ref, name, message) for name, message in exc.errors.items()]
        if ref is not None and ref in seen:
            problems.append((position, ref, "ref", f"komt ook voor in record {seen[ref]}"))
        seen.setdefault(ref, position)
    if not raws:
        problems.append((0, None, "", "het bestand bevat geen records"))
    if problems:
        raise ImportInvalid(problems[:MAX_PROBLEMS])
    return cleaned


def _existing_by_ref(refs: list[str]) -> dict[str, Example]:
    """The examples that already carry one of these refs."""
    found: dict[str, Example] = {}
    for start in range(0, len(refs), 500):
        chunk = refs[start:start + 500]
        for example in db.session.scalars(select(Example).where(Example.ref.in_(chunk))):
            found[example.ref] = example
    return found


@changes_data
def import_records(actor, raws: list, status: str = "published") -> ImportResult:
    """Validate all records, then create or update (by ref) each one: all or nothing.

    The records are written in batches, each its own short transaction, so a large file
    never holds the database's write lock for long; until the last step they are staged
    and invisible. The last step makes all of them visible in one transaction. A failed
    import removes what it staged; one that was killed is cleared by the next import
    (or `kb init`): nothing of it ever shows.
    """
    perm.require(perm.can_import_records(actor))
    if status not in IMPORT_STATUSES:
        choices = ", ".join(IMPORT_STATUSES)
        raise Invalid({"status": _("kies uit: %(choices)s", choices=choices)})
    cleaned = validate_records(raws)
    nested = write_intent.get()  # inside another unit of work: one transaction for all
    if not nested:
        clear_abandoned_imports()
    run_id = _start_run(actor, status, len(cleaned))
    result = ImportResult()
    try:
        for start in range(0, len(cleaned), IMPORT_BATCH):
            created, updated = _stage(run_id, cleaned[start:start + IMPORT_BATCH])
            result.created += created
            result.updated += updated
        _publish_run(run_id, actor, status, {c.values["year"] for c in cleaned})
    except BaseException:
        if not nested:  # nested, the outer unit's rollback undoes everything
            _discard_quietly(run_id)
        raise
    return result


@unit_of_work
def _start_run(actor, status: str, records: int) -> int:
    """Record that an import begins, and which process runs it."""
    run = ImportRun(target_status=status, records=records, actor_id=getattr(actor, "id", None),
                    host=socket.gethostname()[:255], pid=os.getpid())
    db.session.add(run)
    db.session.flush()
    return run.id


@unit_of_work
def _stage(run_id: int, batch: list[CleanRecord]) -> tuple[int, int]:
    """Write one batch, invisibly: new examples in status 'staged', updates as staged
    copies of the examples they change. Returns (created, updated)."""
    existing = _existing_by_ref([c.ref for c in batch if c.ref])
    created = updated = 0
    for clean in batch:
        target = existing.get(clean.ref) if clean.ref else None
        ref = clean.ref or new_ref()
        staged = Example(status=STAGED, published_at=clean.values["published_at"])
        apply_record(staged, clean)
        # A copy cannot hold its target's ref (refs are unique); '~' is never in a real one.
        staged.ref = f"~{run_id}~{target.id}" if target else ref
        db.session.add(staged)
        db.session.flush()
        db.session.add(StagedExample(run_id=run_id, example_id=staged.id,
                                     target_id=target.id if target else None,
                                     data={**to_record(staged), "ref": ref}))
        created, updated = created + (target is None), updated + (target is not None)
    return created, updated


COPIED = ("title", "summary", "body", "impact", "evidence", *PRACTICAL, "organisation_id",
          *(kind.column for kind in taxonomy.SINGLE), "municipality", "year",
          "leeratelier_id", "learning_question_id", "links", "updated_at")
REOPENED = ("draft", "changes_requested", "rejected")  # imported again: offered anew


@unit_of_work
def _publish_run(run_id: int, actor, status: str, years: set[int]) -> None:
    """Make a staged run visible at once: updates copied onto their examples, an 'import'
    event in each one's history, statuses moved, revisions and index events written
    (set-based, so the write lock is held briefly however large the file). The import is
    no moderator's decision: its history rows carry no reason."""
    now = literal(utcnow(), UTCDateTime())
    actor_id = cast(literal(getattr(actor, "id", None)), Integer)
    staged = StagedExample.__table__
    of_run = staged.c.run_id == run_id
    new_ids = select(staged.c.example_id).where(of_run, staged.c.target_id.is_(None))
    targets = select(staged.c.target_id).where(of_run, staged.c.target_id.is_not(None))
    copies = select(staged.c.example_id).where(of_run, staged.c.target_id.is_not(None))
    every = select(func.coalesce(staged.c.target_id, staged.c.example_id)).where(of_run)
    _copy_updates(of_run)
    db.session.execute(insert(Revision.__table__).from_select(
        ["example_id", "author_id", "created_at", "state", "note", "data"],
        select(func.coalesce(staged.c.target_id, staged.c.example_id), actor_id, now,
               literal("applied"), literal("import"), staged.c.data)
        .where(of_run)))
    _decide(every, "import", actor_id, now)
    if status == "published":
        _publish(new_ids, targets, actor_id, now, years)
    else:
        _submit(new_ids, targets, actor_id, now)
    _move(every, "published", checked_at=now)  # looked at by whoever made the file
    db.session.execute(insert(IndexEvent.__table__).from_select(
        ["example_id", "op", "created_at"],
        select(func.coalesce(staged.c.target_id, staged.c.example_id), literal("upsert"),
               now).where(of_run)))
    db.session.execute(delete(Example.__table__).where(Example.__table__.c.id.in_(copies)))
    db.session.execute(delete(staged).where(of_run))
    db.session.execute(update(ImportRun.__table__).where(ImportRun.__table__.c.id == run_id)
                       .values(status="done", finished_at=now))
    db.session.expire_all()  # the rows changed under the session's objects


def _publish(new_ids, targets, actor_id, now, years: set[int]) -> None:
    """New examples and those sent back are published; a waiting submission leaves the
    queue with a publish decision (no reason); published and archived ones stay so."""
    published = {"status": "published",
                 "published_at": func.coalesce(Example.__table__.c.published_at,
                                               _publication_fallback(years, now))}
    _move(new_ids, None, **published)
    _move(targets, REOPENED, **published)
    _decide(targets, "publish", actor_id, now, only="submitted")
    _move(targets, "submitted", **published)


def _submit(new_ids, targets, actor_id, now) -> None:
    """New examples and those sent back are submitted: they wait in the queue."""
    _decide(new_ids, "submit", actor_id, now)
    _move(new_ids, None, status="submitted", submitted_at=now)
    _decide(targets, "submit", actor_id, now, only=REOPENED)
    _move(targets, REOPENED, status="submitted", submitted_at=now)


def _publication_fallback(years: set[int], now):
    """When a record gives no publication date: noon on 1 January of its year when that
    year lies before this one (not the day of the import), else the import's time."""
    this_year = utcnow().year
    year = Example.__table__.c.year
    earlier = sorted(y for y in years if y < this_year)
    if not earlier:
        return now
    return case(*[(year == y, literal(dt.datetime(y, 1, 1, 12, tzinfo=dt.timezone.utc),
                                      UTCDateTime())) for y in earlier], else_=now)


def _copy_updates(of_run) -> None:
    """Copy each staged update onto its example, with its taxonomy values."""
    example, staged = Example.__table__, StagedExample.__table__
    copy = example.alias("staged_copy")
    db.session.execute(update(example).where(
        example.c.id == staged.c.target_id, staged.c.example_id == copy.c.id, of_run)
        .values({**{name: copy.c[name] for name in COPIED},  # a date given replaces one
                 "published_at": func.coalesce(copy.c.published_at, example.c.published_at)}))
    targets = select(staged.c.target_id).where(of_run, staged.c.target_id.is_not(None))
    db.session.execute(delete(example_term).where(example_term.c.example_id.in_(targets)))
    db.session.execute(insert(example_term).from_select(
        ["example_id", "term_id"],
        select(staged.c.target_id, example_term.c.term_id)
        .join(staged, staged.c.example_id == example_term.c.example_id)
        .where(of_run, staged.c.target_id.is_not(None))))


def _in_status(ids, only):
    """The condition: example among ids, and (if given) in one of the statuses."""
    example = Example.__table__
    condition = example.c.id.in_(ids)
    if only is not None:
        statuses = (only,) if isinstance(only, str) else only
        condition = and_(condition, example.c.status.in_(statuses))
    return condition


def _decide(ids, action: str, actor_id, now, only=None) -> None:
    """A history row, without a reason, for each of these examples (in those statuses)."""
    example = Example.__table__
    db.session.execute(insert(Decision.__table__).from_select(
        ["example_id", "actor_id", "action", "reason", "on_edit", "created_at"],
        select(example.c.id, actor_id, literal(action), literal(""), literal(False),
               now).where(_in_status(ids, only))))


def _move(ids, only, **values) -> None:
    """Set columns of these examples (those in the given statuses)."""
    db.session.execute(update(Example.__table__).where(_in_status(ids, only)).values(**values))


def clear_abandoned_imports() -> int:
    """Remove what imports left staged when their process died; returns how many runs."""
    stale = utcnow() - dt.timedelta(seconds=ABANDONED_AFTER)
    runs = db.session.execute(select(ImportRun.id, ImportRun.host, ImportRun.pid,
                                     ImportRun.started_at)
                              .where(ImportRun.status == "staging")).all()
    dead = [run_id for run_id, host, pid, started in runs
            if started < stale or (host == socket.gethostname() and not _alive(pid))]
    for run_id in dead:
        _discard_run(run_id, "abandoned")
    return len(dead)


def _alive(pid: int) -> bool:
    """True when a process with this id runs on this machine."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return pid > 0


def _discard_run(run_id: int, status: str) -> None:
    """Remove a run's staged rows, a batch per transaction, and mark how it ended."""
    while _discard_batch(run_id):
        pass
    _finish_run(run_id, status)


def _discard_quietly(run_id: int) -> None:
    """After a failed import: discard it, without hiding the failure if that fails too
    (the next import clears it then)."""
    try:
        _discard_run(run_id, "failed")
    except Exception:  # noqa: BLE001 - the import's own error is the one to report
        log.exception("could not discard the staged rows of import %s", run_id)


@unit_of_work
def _discard_batch(run_id: int) -> int:
    """Delete one batch of a run's staged examples (their staging rows go with them)."""
    ids = list(db.session.scalars(select(StagedExample.example_id)
                                  .where(StagedExample.run_id == run_id).limit(IMPORT_BATCH)))
    if ids:
        db.session.execute(delete(StagedExample.__table__).where(
            StagedExample.__table__.c.example_id.in_(ids)))
        db.session.execute(delete(Example.__table__).where(
            Example.__table__.c.id.in_(ids), Example.__table__.c.status == STAGED))
    return len(ids)


@unit_of_work
def _finish_run(run_id: int, status: str) -> None:
    """Mark how a run ended."""
    db.session.execute(update(ImportRun.__table__).where(ImportRun.__table__.c.id == run_id)
                       .values(status=status, finished_at=utcnow()))


def export_records(actor, statuses: tuple[str, ...] = ("published",)):
    """The examples of the given statuses as records, oldest first (an iterator); the
    export is in the audit log."""
    if statuses != ("published",):
        perm.require(perm.can_export_examples(actor))
    audit.record("export", actor, what="records", statuses=list(statuses))
    return _records_of(statuses)


def _records_of(statuses: tuple[str, ...]):
    """Yield the examples of the statuses as records, a batch of rows read at a time."""
    query = select(Example).where(Example.status.in_(statuses)).order_by(Example.id)
    for example in db.session.scalars(query.execution_options(yield_per=500)):
        yield to_export_record(example)
