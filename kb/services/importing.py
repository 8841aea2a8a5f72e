"""Bulk import and export of examples in the record format of DESIGN.md."""
import json
from dataclasses import dataclass

from sqlalchemy import select

from kb.extensions import db
from kb.models import Example
from kb.services import permissions as perm
from kb.services.base import record_index_event, unit_of_work
from kb.services.errors import ImportInvalid, Invalid
from kb.services.examples import apply_record, new_ref, record_revision, set_status
from kb.services.records import CleanRecord, to_record, validate_record
from kb.services.taxonomy import terms_by_kind

IMPORT_STATUSES = ("published", "submitted")
MAX_PROBLEMS = 50


@dataclass
class ImportResult:
    """What an import did."""

    created: int = 0
    updated: int = 0


def parse_records(text: str) -> list:
    """Read a JSON array or JSON Lines text into raw records; Invalid names the bad line."""
    stripped = text.lstrip("\ufeff").strip()
    if not stripped:
        raise Invalid("het bestand bevat geen records")
    if stripped.startswith("["):
        try:
            records = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise Invalid(f"geen geldige JSON: regel {exc.lineno}, kolom {exc.colno}: {exc.msg}")
        if not isinstance(records, list):
            raise Invalid("verwacht een JSON-array van records")
        return records
    records = []
    for number, line in enumerate(stripped.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise Invalid(f"geen geldige JSON Lines: regel {number}, kolom {exc.colno}: {exc.msg}")
    return records


def _ref_of(raw) -> str | None:
    """The raw record's ref for error messages, if it has a usable one."""
    ref = raw.get("ref") if isinstance(raw, dict) else None
    return ref if isinstance(ref, str) and ref else None


def validate_records(raws: list) -> list[CleanRecord]:
    """Validate every record; ImportInvalid lists each problem and nothing is written."""
    taxonomy = terms_by_kind()
    problems, cleaned, seen = [], [], {}
    for position, raw in enumerate(raws, start=1):
        ref = _ref_of(raw)
        try:
            cleaned.append(validate_record(raw, taxonomy))
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


def _bring_to_status(example: Example, status: str, actor) -> None:
    """Submit, and publish when asked, an imported example; published or archived ones stay."""
    if example.status in ("draft", "changes_requested", "rejected"):
        set_status(example, "submitted", actor, reason="import")
    if status == "published" and example.status == "submitted":
        set_status(example, "published", actor, reason="import")


@unit_of_work
def import_records(actor, raws: list, status: str = "published") -> ImportResult:
    """Validate all records, then create or update (by ref) each one in one transaction."""
    perm.require(perm.can_import_examples(actor))
    if status not in IMPORT_STATUSES:
        raise Invalid({"status": f"kies uit {', '.join(IMPORT_STATUSES)}"})
    cleaned = validate_records(raws)
    existing = _existing_by_ref([c.ref for c in cleaned if c.ref])
    result = ImportResult()
    for clean in cleaned:
        example = existing.get(clean.ref) if clean.ref else None
        if example is None:
            example = Example(status="draft", ref=clean.ref or new_ref())
            result.created += 1
        else:
            result.updated += 1
        apply_record(example, clean)
        db.session.add(example)
        db.session.flush()
        record_revision(example, actor, "import")
        _bring_to_status(example, status, actor)
        record_index_event(example.id)
    return result


def export_records(actor, statuses: tuple[str, ...] = ("published",)):
    """Yield the examples of the given statuses as records, oldest first."""
    if statuses != ("published",):
        perm.require(perm.can_export_examples(actor))
    query = select(Example).where(Example.status.in_(statuses)).order_by(Example.id)
    for example in db.session.scalars(query.execution_options(yield_per=500)):
        yield to_record(example)
