"""Two versions of a record shown field by field: a pending edit against the published
record, or a resubmission against the text a moderator sent back."""
import difflib
import re
from dataclasses import dataclass

from kb.models import Example
from kb.services.moderation.shared import edit_to_decide
from kb.services.records import FIELDS, MULTI_TERMS, PRACTICAL, SINGLE_TERMS, to_record
from kb.services.taxonomy import terms_by_kind

DIFF_CONTEXT = 2  # unchanged lines shown around a change
TERM_KINDS = {**SINGLE_TERMS, **MULTI_TERMS}  # record field -> taxonomy kind
# Running text: a changed paragraph shows which words changed, not two whole paragraphs.
PROSE = ("summary", "body", "impact", "evidence", *(n for n in PRACTICAL if n != "contact_role"))
SIMILAR = 0.4  # paragraphs sharing at least this share of their words count as one, changed
TOKEN = re.compile(r"\s+|\w+|[^\w\s]")  # words, runs of space, single punctuation marks


@dataclass
class FieldDiff:
    """One changed record field and its lines as (kind, content): kind same|removed|added
    with the line's text, changed with the line's words as (same|removed|added, text)
    pieces, or gap for unchanged lines left out."""

    name: str
    lines: list[tuple[str, object]]


def _readable(name: str, value, terms: dict) -> list[str]:
    """A record value as lines of text; taxonomy slugs shown by their label."""
    if value is None or value == "" or value == []:
        return []
    kind = TERM_KINDS.get(name)
    values = value if isinstance(value, list) else [value]
    if kind:  # in taxonomy order: a list given in another order is no change
        known = terms.get(kind, {})
        values = sorted(values, key=lambda v: (known[v].position, known[v].id) if v in known
                        else (len(known), 0))
        return [known[v].label if v in known else str(v) for v in values]
    if isinstance(value, list):
        return [str(v) for v in values]
    return [line for line in str(value).splitlines() if line.strip()]  # blank lines: layout


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """The words of two versions of a line as (same|removed|added, text) pieces, in reading
    order; neighbouring pieces of one kind are joined."""
    before, after = TOKEN.findall(old), TOKEN.findall(new)
    pieces: list[tuple[str, str]] = []

    def add(kind: str, tokens: list[str]) -> None:
        text = "".join(tokens)
        if not text:
            return
        if pieces and pieces[-1][0] == kind:
            pieces[-1] = (kind, pieces[-1][1] + text)
        else:
            pieces.append((kind, text))

    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            add("same", before[i1:i2])
            continue
        add("removed", before[i1:i2])
        add("added", after[j1:j2])
    return pieces


def _similar(old: str, new: str) -> bool:
    """Two paragraphs close enough to show as one changed paragraph."""
    words = difflib.SequenceMatcher(None, old.split(), new.split(), autojunk=False)
    return words.ratio() >= SIMILAR


def _replaced(old: list[str], new: list[str], prose: bool) -> list[tuple[str, object]]:
    """Lines replaced by others: in running text a paragraph and its rewrite pair up as
    one changed line; the rest are removed and added."""
    lines: list[tuple[str, object]] = []
    pairs = min(len(old), len(new)) if prose else 0
    for before, after in zip(old[:pairs], new[:pairs], strict=True):
        if _similar(before, after):
            lines.append(("changed", word_diff(before, after)))
        else:
            lines += [("removed", before), ("added", after)]
    lines += [("removed", line) for line in old[pairs:]]
    lines += [("added", line) for line in new[pairs:]]
    return lines


def _line_diff(old: list[str], new: list[str], prose: bool = False) -> list[tuple[str, object]]:
    """Lines marked same, removed, added or (in running text) changed; long unchanged
    stretches shrink to a gap."""
    lines: list[tuple[str, object]] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            lines += [("same", line) for line in old[i1:i2]]
        else:
            lines += _replaced(old[i1:i2], new[j1:j2], prose)
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
            changes.append(FieldDiff(name, _line_diff(before, after, name in PROSE)))
    return changes


def pending_diff(example: Example) -> list[FieldDiff] | None:
    """The pending edit against the published record (None when nothing is pending)."""
    revision = edit_to_decide(example)
    if revision is None:
        return None
    return diff_records(to_record(example), revision.data)
