"""The query side: user syntax, synonyms, filters, disjunctive facet counts, pages, snippets."""
import re
import time
from dataclasses import dataclass, field

import numpy as np
from markupsafe import Markup

from kb.search import indexer
from kb.search.analysis import analyse, fold
from kb.search.engine import SearcherCache
from kb.search.schema import FACETS
from kb.search.snippets import make_snippets
from kb.search.store import CURRENT, IndexUnavailable, get_store
from kb.search.synonyms import Synonyms, current_synonyms

__all__ = ["IndexUnavailable", "SearchRequest", "run", "related", "suggest"]

CLAUSE = re.compile(r'(-?)"([^"]*)"?|(\S+)')
SYNONYM_WEIGHT = 0.8
COORDINATION = 0.5  # each typed word a document lacks costs a tenth of its score
MAX_CONCEPTS = 24  # distinct words and phrases a query is searched for; more are ignored
# Spelling suggestions compare a word with the vocabulary, work that grows with the word's
# length and the vocabulary's size: bound it. Candidates must share the first letter
# (Whoosh then skips through the sorted vocabulary with an automaton instead of comparing
# every term: measured at 10k examples, 0.3 s per word without, 5 ms with).
MAX_SPELL_WORD = 30  # longer words are not corrected
MAX_SPELL_WORDS = 4  # unknown words corrected per query
SPELL_BUDGET = 0.15  # seconds of suggestion work per query
Concept = list[tuple[tuple[str, ...], float]]  # equivalent wordings with their weights


@dataclass
class Clause:
    """One piece of the user's query: a word or a quoted phrase, maybe excluded."""

    text: str
    phrase: bool = False
    negated: bool = False


@dataclass
class SearchRequest:
    """A validated search: text, filters (OR within, AND across), order and page."""

    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20


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


@dataclass
class ParsedQuery:
    """The user's query as concepts: phrases must match, at least half of the words must
    match (each word with its synonyms), excluded words must not."""

    phrases: list[Concept] = field(default_factory=list)
    words: list[Concept] = field(default_factory=list)
    negative: list[Concept] = field(default_factory=list)

    def tokens(self) -> set[str]:
        """Every index term the positive concepts look for (for highlighting)."""
        return {t for concept in self.phrases + self.words for tokens, _ in concept
                for t in tokens}

    def evaluate(self, cache: SearcherCache) -> tuple[np.ndarray, np.ndarray]:
        """(which documents match, their scores) over all document numbers."""
        matching = cache.examples.copy()
        scores = np.zeros(cache.size)
        for concept in self.phrases:
            found = cache.concept_scores(concept)
            matching &= found > 0
            scores += found
        if self.words:
            counts = np.zeros(cache.size, dtype=np.int64)
            for concept in self.words:
                found = cache.concept_scores(concept)
                counts += found > 0
                scores += found
            matching &= counts >= minimum_match(len(self.words))
            scores *= COORDINATION ** (len(self.words) - counts)
        for concept in self.negative:
            matching &= cache.concept_scores(concept) == 0
        return matching, scores


def minimum_match(words: int) -> int:
    """How many of the typed words a document must match: any of one or two, at least
    half of longer queries. Documents matching more words rank higher (COORDINATION)."""
    return 1 if words <= 2 else -(-words // 2)


def parse_clauses(text: str) -> list[Clause]:
    """Split user text into words and "phrases"; -word excludes. Never fails."""
    clauses = []
    for match in CLAUSE.finditer(text):
        minus, quoted, word = match.groups()
        if quoted is not None:
            clauses.append(Clause(quoted, phrase=True, negated=bool(minus)))
        elif word.startswith("-") and len(word) > 1:
            clauses.append(Clause(word[1:], negated=True))
        elif word not in ("-", "+", "*", "OR", "AND", "NOT"):
            clauses.append(Clause(word.lstrip("+")))
    return clauses


def _concept(tokens: tuple[str, ...], synonyms: Synonyms) -> Concept:
    """A wording and its synonyms; the literal one weighs most."""
    alternatives = synonyms.alternatives(tokens)
    return [(alternatives[0], 1.0)] + [(other, SYNONYM_WEIGHT) for other in alternatives[1:]]


def _concepts_of_words(words: list[str], synonyms: Synonyms) -> list[Concept]:
    """Consecutive plain words as concepts; multi-word synonyms are matched greedily."""
    analysed = [tokens for tokens in (tuple(analyse(word)) for word in words) if tokens]
    concepts, start = [], 0
    while start < len(analysed):
        for width in range(min(synonyms.longest, len(analysed) - start), 0, -1):
            tokens = tuple(t for part in analysed[start:start + width] for t in part)
            if width == 1 or tokens in synonyms.lookup:
                concepts.append(_concept(tokens, synonyms))
                start += width
                break
    return concepts


def build_query(text: str, synonyms: Synonyms | None = None) -> ParsedQuery | None:
    """Parse user text; None when nothing searchable remains."""
    synonyms = synonyms or current_synonyms()
    parsed, run = ParsedQuery(), []
    for clause in parse_clauses(text) + [Clause("", phrase=True)]:  # sentinel ends the run
        if not clause.phrase and not clause.negated:
            run.append(clause.text)
            continue
        parsed.words += _concepts_of_words(run, synonyms)
        run = []
        tokens = tuple(analyse(clause.text))
        if tokens and clause.negated:
            parsed.negative.append([(tokens, 1.0)])
        elif tokens:
            parsed.phrases.append(_concept(tokens, synonyms))
    parsed.phrases, parsed.words, parsed.negative = _bounded(
        parsed.phrases, parsed.words, parsed.negative)
    if not (parsed.phrases or parsed.words or parsed.negative):
        return None
    return parsed


def _bounded(*groups: list[Concept]) -> list[list[Concept]]:
    """Each concept once, and at most MAX_CONCEPTS in all (in the order typed)."""
    seen, left, kept = set(), MAX_CONCEPTS, []
    for concepts in groups:
        unique = []
        for concept in concepts:
            key = tuple(tokens for tokens, _weight in concept)
            if key not in seen and left:
                seen.add(key)
                unique.append(concept)
                left -= 1
        kept.append(unique)
    return kept


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


def _order(cache: SearcherCache, candidates: np.ndarray, scores: np.ndarray | None,
           sort: str) -> np.ndarray:
    """Candidates in the requested order; ties go to the newest."""
    newest = -cache.published[candidates]
    if sort == "title":
        return candidates[np.lexsort((newest, cache.title_rank[candidates]))]
    if sort == "newest" or scores is None:
        return candidates[np.lexsort((-candidates, newest))]
    return candidates[np.lexsort((newest, -scores[candidates]))]


def _known(reader, word: str, folded: str, synonyms: Synonyms) -> bool:
    """The word occurs in the collection or is a synonym of something."""
    return bool(reader.doc_frequency("spell", folded)) or \
        tuple(analyse(word)) in synonyms.lookup


def suggest(searcher, text: str, synonyms: Synonyms | None = None) -> str | None:
    """A corrected query when some words are not in the collection, else None; the work
    is bounded (word length, words per query, time), whatever was typed."""
    synonyms = synonyms or current_synonyms()
    words = [w for c in parse_clauses(text) if not c.negated for w in c.text.split()]
    reader, changed, corrected = searcher.reader(), False, text
    deadline, tried = time.monotonic() + SPELL_BUDGET, 0
    for word in dict.fromkeys(words):
        if tried == MAX_SPELL_WORDS or time.monotonic() > deadline:
            break
        folded = fold(word[:MAX_SPELL_WORD + 1])
        if not 4 <= len(folded) <= MAX_SPELL_WORD or " " in folded \
                or _known(reader, word, folded, synonyms):
            continue
        tried += 1
        options = searcher.suggest("spell", folded, limit=1, maxdist=2, prefix=1)
        if options:
            corrected = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", options[0], corrected, count=1)
            changed = True
    return corrected if changed else None


def run(request: SearchRequest, own_examples=()) -> SearchOutcome:
    """Answer a search from the index, caught up as far as a request may; IndexUnavailable
    while there is no usable index (the caller answers from the database)."""
    store = get_store()
    try:
        searcher, cache, status = store.current(own_examples)
        outcome = _answer(searcher, cache, request)
    except IndexUnavailable:
        raise
    except Exception as exc:
        if not indexer.is_index_failure(exc):
            raise
        store.failed(exc)
        raise IndexUnavailable() from exc
    outcome.index = status
    return outcome


def _answer(searcher, cache: SearcherCache, request: SearchRequest) -> SearchOutcome:
    """The page of results, facet counts and suggestion for a request."""
    synonyms = current_synonyms()
    parsed = build_query(request.q, synonyms)
    if parsed is None:
        matching, scores = cache.examples, None
    else:
        matching, scores = parsed.evaluate(cache)
    allowed = matching & _filter_mask(cache, request.filters)
    ordered = _order(cache, np.flatnonzero(allowed), scores,
                     "newest" if parsed is None and request.sort == "relevance"
                     else request.sort)
    start = (request.page - 1) * request.per_page
    shown = [int(docnum) for docnum in ordered[start:start + request.per_page]]
    snippets = make_snippets(searcher, cache, shown, parsed.tokens() if parsed else set())
    relevance = scores is not None and request.sort == "relevance"
    hits = [Hit(id=int(searcher.stored_fields(docnum)["id"]),
                score=round(float(scores[docnum]), 4) if relevance else None,
                snippet=snippets[docnum]) for docnum in shown]
    return SearchOutcome(total=int(np.count_nonzero(allowed)), hits=hits,
                         facets=facet_counts(cache, matching, request.filters),
                         suggestion=suggest(searcher, request.q, synonyms) if request.q else None)


def related(example_id: int, limit: int = 4) -> list[int]:
    """Ids of the published examples most like this one (its own document excluded);
    none while the index is unavailable."""
    store = get_store()
    try:
        searcher, cache, _status = store.current()
        return _related(searcher, cache, example_id, limit)
    except IndexUnavailable:
        return []
    except Exception as exc:
        if not indexer.is_index_failure(exc):
            raise
        store.failed(exc)
        return []


def _related(searcher, cache: SearcherCache, example_id: int, limit: int) -> list[int]:
    """More-like-this on the example's body."""
    docnum = searcher.document_number(id=str(example_id))
    if docnum is None:
        return []
    hits = searcher.more_like(docnum, "body", top=limit, numterms=25,
                              filter=set(np.flatnonzero(cache.examples).tolist()))
    return [int(hit["id"]) for hit in hits]
