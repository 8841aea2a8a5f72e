"""The query side: concepts matched strictly (relaxed honestly when too few match),
filters, disjunctive facet counts, pages, snippets, corrections."""
import logging
import math
import threading
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
from markupsafe import Markup
from whoosh.query import Or, Term

from kb.database import db
from kb.search import indexer
from kb.search.analysis import analyse
from kb.search.concepts import ParsedQuery, build_query, typed_words
from kb.search.engine import SearcherCache
from kb.search.schema import FACETS
from kb.search.snippets import make_snippets
from kb.search.spelling import Speller
from kb.search.store import CURRENT, IndexUnavailable, get_store
from kb.search.synonyms import current_synonyms

log = logging.getLogger(__name__)
__all__ = ["IndexUnavailable", "SearchRequest", "all_ids", "run", "related",
           "similar_to_text", "warm_up_in_background"]
ALL, MOST, NONE = "all", "most", "none"
PART_WEIGHT = 0.7  # a typed compound found by its parts ranks below the compound itself
SIMILAR_TERMS = 12  # key terms taken from a text being written
SIMILAR_FIELDS = ("title", "summary", "body")
SIMILAR_SHARED = 2  # distinct key terms an example must share to count as like the text


@dataclass
class SearchRequest:
    """A validated search: text, filters (OR within, AND across), order and page."""

    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    relax_below: int = 5  # fewer strict results than this: search relaxes
    exact: bool = False  # the words as typed: no near spellings, no correction


@dataclass
class Hit:
    """One result on the page."""

    id: int
    score: float | None  # None when sorted by date or title
    snippet: Markup


@dataclass
class SearchOutcome:
    """What the index answered."""

    total: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]]
    suggestion: str | None = None
    index: str = CURRENT  # or "catching_up": recent changes may not show yet
    match: str = ALL  # MOST: too few had every concept; NONE: nothing searchable was typed
    complete: int = 0  # how many (within the filters) have every concept


@dataclass
class Evaluation:
    """Which documents a query matches (before filters), how well, and how strictly."""

    matching: np.ndarray
    scores: np.ndarray | None
    matched: np.ndarray | None  # how many of the word concepts each document has
    match: str = ALL
    complete: int = 0  # how many allowed documents have every concept
    # The typed words (ParsedQuery.words) and phrases some example has as typed: directly,
    # by stem, compound parts or synonyms, not only by a near spelling; whatever the filters.
    words_found: list[bool] = field(default_factory=list)
    phrases_found: list[bool] = field(default_factory=list)


def evaluate(parsed: ParsedQuery, cache: SearcherCache, allowed: np.ndarray,
             relax_below: int) -> Evaluation:
    """Every concept must match; when that leaves fewer than relax_below results among the
    allowed documents, most of the word concepts (at least half) will do."""
    scores = np.zeros(cache.size)
    hits, as_typed = [], []
    for concept in parsed.words:
        own = cache.concept_scores(concept.own_alternatives)
        found = own + cache.concept_scores(concept.near_alternatives)
        if concept.parts:
            parts = PART_WEIGHT * cache.all_terms_scores(concept.parts)
            found, own = found + parts, own + parts
        hits.append(found > 0)
        as_typed.append(own > 0)
        scores += found
    for span in parsed.spans:  # another wording of several typed words stands for all
        found = cache.concept_scores(span.alternatives)
        scores += found
        for position in span.covers:
            hits[position] = hits[position] | (found > 0)
            as_typed[position] = as_typed[position] | (found > 0)
    required = cache.examples.copy()
    phrases_found = []
    for concept in parsed.phrases:
        found = cache.concept_scores(concept.alternatives)
        required &= found > 0
        scores += found
        phrases_found.append(bool(np.any((found > 0) & cache.examples)))
    words_found = [bool(np.any(mask & cache.examples)) for mask in as_typed]
    for concept in parsed.negative:
        required &= cache.concept_scores(concept.alternatives) == 0
    matched = np.sum(hits, axis=0) if hits else np.zeros(cache.size, dtype=np.int64)
    strict = required & (matched == len(hits))
    complete = int(np.count_nonzero(strict & allowed))
    if len(hits) >= 2 and complete < relax_below:
        relaxed = required & (matched >= -(-len(hits) // 2))
        if np.count_nonzero(relaxed & allowed) > complete:
            return Evaluation(relaxed, scores, matched, MOST, complete, words_found,
                              phrases_found)
    return Evaluation(strict, scores, matched, ALL, complete, words_found, phrases_found)


def _filter_mask(cache: SearcherCache, filters: dict[str, list[str]],
                 skip: str | None = None) -> np.ndarray:
    """Documents passing every filter except `skip`: OR within a facet, AND across."""
    mask = np.ones(cache.size, dtype=bool)
    for name, values in filters.items():
        if name != skip and values:
            mask &= cache.values_mask(name, values)
    return mask


def facet_counts(cache: SearcherCache, matching: np.ndarray,
                 filters: dict[str, list[str]]) -> dict[str, dict[str, int]]:
    """Counts per facet value over the documents passing every *other* facet's filter,
    so a facet's own selection does not zero its other values."""
    passing_all = matching & _filter_mask(cache, filters)
    counts = {}
    for name in FACETS:
        base = matching & _filter_mask(cache, filters, skip=name) if filters.get(name) \
            else passing_all
        counted = {value: int(np.count_nonzero(base[ids]))
                   for value, ids in cache.postings[name].items()}
        counts[name] = {value: n for value, n in counted.items() if n}
    return counts


def _order(cache: SearcherCache, candidates: np.ndarray, found: Evaluation,
           sort: str) -> np.ndarray:
    """Candidates in the requested order; by relevance, those with more of the concepts
    first (when search relaxed), then by score; ties go to the newest."""
    newest = -cache.published[candidates]
    if sort == "title":
        return candidates[np.lexsort((newest, cache.title_rank[candidates]))]
    if sort == "newest" or found.scores is None:
        return candidates[np.lexsort((-candidates, newest))]
    return candidates[np.lexsort((newest, -found.scores[candidates],
                                  -found.matched[candidates]))]


@contextmanager
def _reading(own_examples=()):
    """The index's searcher, cache and status, read under the store's lock; a failing
    index is marked failed and raises IndexUnavailable (as does a missing one)."""
    store = get_store()
    try:
        with store.lock:  # one reader of the index's open files at a time (see IndexStore)
            yield store.current(own_examples)
    except IndexUnavailable:
        raise
    except Exception as exc:
        if not indexer.is_index_failure(exc):
            raise
        store.failed(exc)
        raise IndexUnavailable() from exc


def run(request: SearchRequest, own_examples=()) -> SearchOutcome:
    """Answer a search from the index, caught up as far as a request may; IndexUnavailable
    while there is no usable index (the caller answers from the database)."""
    with _reading(own_examples) as (searcher, cache, status):
        outcome = _answer(searcher, cache, request)
    outcome.index = status
    return outcome


def _evaluate(parsed: ParsedQuery | None, request: SearchRequest, cache: SearcherCache,
              allowed: np.ndarray) -> Evaluation:
    """The query's evaluation; without concepts, every example (nothing, when words were
    typed that are all too common to search for)."""
    if parsed is not None:
        return evaluate(parsed, cache, allowed, request.relax_below)
    if request.q.strip():
        return Evaluation(np.zeros(cache.size, dtype=bool), None, None, NONE)
    return Evaluation(cache.examples, None, None, ALL, int(np.count_nonzero(
        cache.examples & allowed)))


@dataclass
class Ranking:
    """Every document a request lists, in its order, and how it was found."""

    ordered: np.ndarray  # document numbers
    found: Evaluation
    parsed: ParsedQuery | None
    speller: Speller


def _rank(searcher, cache: SearcherCache, request: SearchRequest) -> Ranking:
    """The whole ordered list of a request, before it is cut into pages."""
    synonyms = current_synonyms()
    speller = Speller(searcher, synonyms)
    parsed = build_query(request.q, synonyms, None if request.exact else speller)
    allowed = _filter_mask(cache, request.filters)
    found = _evaluate(parsed, request, cache, allowed)
    ordered = _order(cache, np.flatnonzero(found.matching & allowed), found,
                     "newest" if parsed is None and request.sort == "relevance"
                     else request.sort)
    return Ranking(ordered, found, parsed, speller)


def _answer(searcher, cache: SearcherCache, request: SearchRequest) -> SearchOutcome:
    """The page of results, facet counts and suggestion for a request; the total, the
    pages and the facet counts all describe exactly the list shown."""
    ranking = _rank(searcher, cache, request)
    ordered, found, parsed, speller = (ranking.ordered, ranking.found, ranking.parsed,
                                       ranking.speller)
    start = (request.page - 1) * request.per_page
    shown = [int(docnum) for docnum in ordered[start:start + request.per_page]]
    single, sequences = parsed.highlights() if parsed else (set(), set())
    snippets = make_snippets(searcher, cache, shown, single, sequences)
    relevance = found.scores is not None and request.sort == "relevance"
    hits = [Hit(id=int(searcher.stored_fields(docnum)["id"]),
                score=round(float(found.scores[docnum]), 4) if relevance else None,
                snippet=snippets[docnum]) for docnum in shown]
    suggestion = speller.suggestion(request.q, typed_words(request.q),
                                    _found_words(parsed, found)) if request.q else None
    return SearchOutcome(total=len(ordered), hits=hits,
                         facets=facet_counts(cache, found.matching, request.filters),
                         suggestion=suggestion, match=found.match, complete=found.complete)


def _found_words(parsed: ParsedQuery | None, found: Evaluation) -> dict[tuple[str, ...], bool]:
    """Whether some example has each searched word as typed, by its analysed terms (the
    words of a phrase found as a whole count as found): a correction leaves these alone."""
    if parsed is None:
        return {}
    words = {concept.alternatives[0][0]: ok
             for concept, ok in zip(parsed.words, found.words_found, strict=True)}
    for concept, ok in zip(parsed.phrases, found.phrases_found, strict=True):
        if ok:
            words.update((tuple(analyse(word)), True) for word in concept.typed.split())
    return words


def all_ids(request: SearchRequest) -> list[int]:
    """The ids of every example a request lists, in its order (for an export); raises
    IndexUnavailable while there is no usable index."""
    with _reading() as (searcher, cache, _status):
        ordered = _rank(searcher, cache, request).ordered
        return [int(searcher.stored_fields(int(docnum))["id"]) for docnum in ordered]


def related(example_id: int, limit: int = 4) -> list[int]:
    """Ids of the published examples most like this one (its own document excluded);
    none while the index is unavailable."""
    try:
        with _reading() as (searcher, cache, _status):
            return _related(searcher, cache, example_id, limit)
    except IndexUnavailable:
        return []


def _related(searcher, cache: SearcherCache, example_id: int, limit: int) -> list[int]:
    """More-like-this on the example's body."""
    docnum = searcher.document_number(id=str(example_id))
    if docnum is None:
        return []
    hits = searcher.more_like(docnum, "body", top=limit, numterms=25,
                              filter=set(np.flatnonzero(cache.examples).tolist()))
    return [int(hit["id"]) for hit in hits]


def similar_to_text(text: str, exclude: int | None = None, limit: int = 5) -> list[int]:
    """Ids of the published examples most like a text being written (its title and
    summary), best first, without the example being edited; none while the index is
    unavailable."""
    try:
        with _reading() as (searcher, cache, _status):
            return _similar(searcher, cache, text, exclude, limit)
    except IndexUnavailable:
        return []


def _key_terms(searcher, text: str) -> list[tuple[str, float]]:
    """The text's analysed words that some example has, weighed by how often the text says
    them and how rare they are in the collection, the weightiest first."""
    counts = Counter(searcher.schema["body"].process_text(text, mode="index"))
    total = searcher.doc_count()
    weights = {}
    for word, count in counts.items():
        frequency = max(searcher.doc_frequency(name, word) for name in SIMILAR_FIELDS)
        if frequency:
            weights[word] = count * math.log(1 + total / frequency)
    return sorted(weights.items(), key=lambda item: -item[1])[:SIMILAR_TERMS]


def _similar(searcher, cache: SearcherCache, text: str, exclude: int | None,
             limit: int) -> list[int]:
    """The text's key terms (weighed against the collection) searched in title, summary
    and body; an example must share a few of them, one common word is no likeness."""
    terms = _key_terms(searcher, text)
    if len(terms) < SIMILAR_SHARED:
        return []
    wanted = Or([Term(name, word, boost=weight) for word, weight in terms
                 for name in SIMILAR_FIELDS])
    own = searcher.document_number(id=str(exclude)) if exclude is not None else None
    hits = searcher.search(wanted, limit=limit * 3, terms=True,
                           filter=set(np.flatnonzero(cache.examples).tolist()),
                           mask={own} if own is not None else None)
    alike = [hit for hit in hits
             if len({word for _name, word in hit.matched_terms()}) >= SIMILAR_SHARED]
    return [int(hit["id"]) for hit in alike[:limit]]


def warm_up_in_background(app) -> threading.Thread:
    """Open the index and answer one search in a thread, so that the first visitor's
    search finds the searcher, its caches, the synonyms and the analysers ready."""
    def warm() -> None:
        with app.app_context():
            try:
                run(SearchRequest(q="zorg welzijn"))
            except IndexUnavailable:
                pass  # being built in the background: nothing to warm yet
            except Exception:  # noqa: BLE001 - a failed warm-up only means a slower start
                log.exception("warming the search index up failed")
            finally:
                db.session.remove()
    thread = threading.Thread(target=warm, name="kb-warm-up", daemon=True)
    thread.start()
    return thread
