"""Snippets: fragments of the stored text around the matched words, cut from the
character offsets stored in the postings (no second analysis of the text)."""
import re
from collections import defaultdict

from markupsafe import Markup, escape

from kb.search import postings

SNIPPET_FIELDS = ("body", "summary")
WIDTH = 220
BEFORE = 60
FRAGMENTS = 2
LINE_BREAKS = re.compile(r"[ \t]*\n\s*")  # a paragraph break reads as one space


def _postings(cache, docnums: list[int], field: str, tokens: set[str]) -> dict[tuple, list]:
    """(position, start, end) of each term in one field, per (document, term)."""
    found: dict[tuple, list] = {}
    for sub, offset, data in cache.leaves:
        local = [d - offset for d in docnums if offset <= d < offset + data.size]
        if not local:
            continue
        reader = sub.reader()
        for token in tokens:
            places = postings.characters(reader, field, token,
                                         data.postings(reader, field, token), local)
            for docnum, chars in places.items():
                found[(docnum + offset, token)] = chars
    return found


def _sequence_spans(found: dict, docnum: int, sequence: tuple[str, ...]) -> list:
    """Character spans where the terms of a sequence stand one after another."""
    following = [{position: end for position, _start, end in found.get((docnum, t), ())}
                 for t in sequence[1:]]
    spans = []
    for position, start, end in found.get((docnum, sequence[0]), ()):
        for step, ends in enumerate(following, start=1):
            end = ends.get(position + step)
            if end is None:
                break
        else:
            spans.append((start, end))
    return spans


def _spans(cache, docnums: list[int], field: str, single: set[str],
           sequences: set[tuple[str, ...]]) -> dict[int, list]:
    """(start, end) character spans to mark in one field, per document: the single terms,
    and each sequence where its terms stand together (a phrase is marked as a phrase)."""
    found = _postings(cache, docnums, field, single | {t for s in sequences for t in s})
    spans: dict[int, list] = defaultdict(list)
    for (docnum, token), places in found.items():
        if token in single:
            spans[docnum] += [(start, end) for _pos, start, end in places]
    for docnum in docnums:
        for sequence in sequences:
            spans[docnum] += _sequence_spans(found, docnum, sequence)
    return spans


def _windows(spans: list[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    """Windows around up to FRAGMENTS matches, each starting a little before its match.
    A match already inside a window gets none of its own; a window that would start
    before the previous one ends extends that one instead, so that no text is shown
    twice ("… een online variant te proberen, al … een online variant …")."""
    windows: list[tuple[int, int]] = []
    used = 0  # matches given a window (a merged window holds two)
    for start, _end in spans:
        if windows and start < windows[-1][1]:
            continue
        if used == FRAGMENTS:
            break
        begin = max(0, start - BEFORE)
        end = min(length, begin + WIDTH)
        if windows and begin <= windows[-1][1]:
            windows[-1] = (windows[-1][0], end)
        else:
            windows.append((begin, end))
        used += 1
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
    return LINE_BREAKS.sub(" ", "".join(parts)), begin, end


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
    stored = {docnum: searcher.stored_fields(docnum) for docnum in docnums}
    snippets = {docnum: Markup(escape(stored[docnum]["summary"])) for docnum in docnums}
    waiting = list(docnums) if single or sequences else []
    for field in SNIPPET_FIELDS:  # the next field only for documents still without one
        spans = _spans(cache, waiting, field, single, sequences) if waiting else {}
        for docnum in waiting:
            found = sorted(set(spans.get(docnum, ())))
            if found:
                snippets[docnum] = Markup(_fragments(stored[docnum][field], found))
        waiting = [docnum for docnum in waiting if not spans.get(docnum)]
    return snippets
