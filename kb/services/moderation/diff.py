"""A pending edit shown against the published record, field by field."""
import difflib
from dataclasses import dataclass

from kb.models import Example
from kb.services.moderation.shared import edit_to_decide
from kb.services.records import FIELDS, MULTI_TERMS, SINGLE_TERMS, to_record
from kb.services.taxonomy import terms_by_kind

DIFF_CONTEXT = 2  # unchanged lines shown around a change
TERM_KINDS = {**SINGLE_TERMS, **MULTI_TERMS}  # record field -> taxonomy kind


@dataclass
class FieldDiff:
    """One changed record field and its lines as (kind, text), kind same|removed|added, or
    gap for unchanged lines left out."""

    name: str
    lines: list[tuple[str, str]]


def _readable(name: str, value, terms: dict) -> list[str]:
    """A record value as lines of text; taxonomy slugs shown by their label."""
    if value is None or value == "" or value == []:
        return []
    kind = TERM_KINDS.get(name)
    values = value if isinstance(value, list) else [value]
    if kind:
        known = terms.get(kind, {})
        return [known[v].label if v in known else str(v) for v in values]
    if isinstance(value, list):
        return [str(v) for v in values]
    return [line for line in str(value).splitlines() if line.strip()]  # blank lines: layout


def _line_diff(old: list[str], new: list[str]) -> list[tuple[str, str]]:
    """Lines marked same, removed or added; long unchanged stretches shrink to a gap."""
    kinds = {"  ": "same", "- ": "removed", "+ ": "added"}
    lines = [(kinds[line[:2]], line[2:]) for line in difflib.ndiff(old, new)
             if line[:2] in kinds]  # difflib's '?' hint lines are for terminals
    changed = [i for i, (kind, _text) in enumerate(lines) if kind != "same"]
    shown, previous = [], -1
    for i, line in enumerate(lines):
        if any(abs(i - c) <= DIFF_CONTEXT for c in changed):
            if previous != i - 1:
                shown.append(("gap", ""))
            shown.append(line)
            previous = i
    if previous != len(lines) - 1:
        shown.append(("gap", ""))
    return shown


def diff_records(old: dict, new: dict) -> list[FieldDiff]:
    """Field-by-field differences between two records: only the fields that changed."""
    terms = terms_by_kind()
    changes = []
    for name in FIELDS:
        before, after = _readable(name, old.get(name), terms), _readable(name, new.get(name), terms)
        if before != after:
            changes.append(FieldDiff(name, _line_diff(before, after)))
    return changes


def pending_diff(example: Example) -> list[FieldDiff] | None:
    """The pending edit against the published record (None when nothing is pending)."""
    revision = edit_to_decide(example)
    if revision is None:
        return None
    return diff_records(to_record(example), revision.data)
