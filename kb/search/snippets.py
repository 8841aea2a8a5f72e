"""Snippets: fragments of the stored text around the matched words, cut from the
character offsets stored in the postings (no second analysis of the text)."""
from collections import defaultdict

import numpy as np
from markupsafe import Markup, escape

SNIPPET_FIELDS = ("body", "summary")
WIDTH = 220
BEFORE = 60
FRAGMENTS = 2


def _postings(cache, docnums: list[int], tokens: set[str]) -> dict[tuple, list]:
    """(position, start, end) of each term per (document, field, term), one walk per term."""
    found: dict[tuple, list] = defaultdict(list)
    for sub, offset, data in cache.leaves:
        local = sorted(d - offset for d in docnums if offset <= d < offset + data.size)
        if not local:
            continue
        reader = sub.reader()
        for field in SNIPPET_FIELDS:
            for token in tokens:
                ids, _weights = data.postings(reader, field, token)
                present = [d for d in local if _contains(ids, d)]
                if not present:
                    continue
                matcher = reader.postings(field, token)
                for docnum in present:  # ascending: the matcher only moves forward
                    matcher.skip_to(docnum)
                    found[(docnum + offset, field, token)] = list(matcher.value_as("characters"))
    return found


def _sequence_spans(found: dict, key: tuple, sequence: tuple[str, ...]) -> list:
    """Character spans where the terms of a sequence stand one after another."""
    docnum, field = key
    following = [{position: end for position, _start, end in found.get((docnum, field, t), ())}
                 for t in sequence[1:]]
    spans = []
    for position, start, end in found.get((docnum, field, sequence[0]), ()):
        for step, ends in enumerate(following, start=1):
            end = ends.get(position + step)
            if end is None:
                break
        else:
            spans.append((start, end))
    return spans


def _spans(cache, docnums: list[int], single: set[str],
           sequences: set[tuple[str, ...]]) -> dict[tuple[int, str], list]:
    """(start, end) character spans to mark per (document, field): the single terms, and
    each sequence where its terms stand together (a phrase is marked as a phrase)."""
    found = _postings(cache, docnums, single | {t for s in sequences for t in s})
    spans: dict[tuple[int, str], list] = defaultdict(list)
    for (docnum, field, token), places in found.items():
        if token in single:
            spans[(docnum, field)] += [(start, end) for _pos, start, end in places]
    for docnum in docnums:
        for field in SNIPPET_FIELDS:
            for sequence in sequences:
                spans[(docnum, field)] += _sequence_spans(found, (docnum, field), sequence)
    return spans


def _contains(ids: np.ndarray, docnum: int) -> bool:
    """Whether a sorted id array holds docnum."""
    at = np.searchsorted(ids, docnum)
    return bool(at < len(ids) and ids[at] == docnum)


def _windows(spans: list[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    """Up to FRAGMENTS non-overlapping windows, each starting a little before a match."""
    windows: list[tuple[int, int]] = []
    for start, _end in spans:
        if windows and start < windows[-1][1]:
            continue
        begin = max(0, start - BEFORE)
        windows.append((begin, min(length, begin + WIDTH)))
        if len(windows) == FRAGMENTS:
            break
    return windows


def _trim(text: str, begin: int, end: int) -> tuple[int, int]:
    """Move a window's edges to word boundaries."""
    if begin > 0:
        space = text.find(" ", begin)
        begin = space + 1 if 0 <= space < begin + 20 else begin
    if end < len(text):
        space = text.rfind(" ", begin, end)
        end = space if space > begin + 40 else end
    return begin, end


def _render(text: str, window: tuple[int, int], spans: list[tuple[int, int]]) -> tuple:
    """One fragment as HTML (escaped text, <mark> around matches) and where it lies."""
    begin, end = _trim(text, *window)
    parts, cursor = [], begin
    for start, stop in spans:
        if start < cursor or stop > end:
            continue
        parts += [str(escape(text[cursor:start])), f"<mark>{escape(text[start:stop])}</mark>"]
        cursor = stop
    parts.append(str(escape(text[cursor:end])))
    return "".join(parts).replace("\n", " "), begin, end


def _fragments(text: str, spans: list[tuple[int, int]]) -> str:
    """The fragments joined by one ellipsis, with ellipses where text was cut off."""
    rendered = [_render(text, window, spans) for window in _windows(spans, len(text))]
    html = " … ".join(fragment for fragment, _begin, _end in rendered)
    prefix = "… " if rendered[0][1] > 0 else ""
    suffix = " …" if rendered[-1][2] < len(text) else ""
    return prefix + html + suffix


def make_snippets(searcher, cache, docnums: list[int], single: set[str],
                  sequences: set[tuple[str, ...]] = frozenset()) -> dict[int, Markup]:
    """Per document: highlighted fragments of the body (or summary), else the summary."""
    spans = _spans(cache, docnums, single, sequences) if single or sequences else {}
    snippets = {}
    for docnum in docnums:
        stored = searcher.stored_fields(docnum)
        snippets[docnum] = Markup(escape(stored["summary"]))
        for field in SNIPPET_FIELDS:
            found = sorted(set(spans.get((docnum, field), ())))
            if found:
                snippets[docnum] = Markup(_fragments(stored[field], found))
                break
    return snippets
