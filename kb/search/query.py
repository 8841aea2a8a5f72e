"""The query side: user syntax, synonyms, filters, disjunctive facet counts, pages, snippets."""
import re
from collections import Counter
from dataclasses import dataclass, field

from markupsafe import Markup
from whoosh import highlight
from whoosh.query import Every, Or, Phrase, Term

from kb.search.analysis import analyse, fold
from kb.search.schema import FACETS, TEXT_FIELDS
from kb.search.store import FacetCache, get_store
from kb.search.synonyms import Synonyms, builtin_synonyms

CLAUSE = re.compile(r'(-?)"([^"]*)"?|(\S+)')
SYNONYM_BOOST = 0.8
SNIPPET_FIELDS = ("body", "summary")


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


def _field_query(tokens: tuple[str, ...], boost: float = 1.0):
    """tokens in any text field: a term, or a phrase for several tokens."""
    if len(tokens) == 1:
        return Or([Term(name, tokens[0], boost=boost) for name in TEXT_FIELDS])
    return Or([Phrase(name, list(tokens), boost=boost) for name in TEXT_FIELDS])


def _concept(alternatives: list[tuple[str, ...]]):
    """Any of the equivalent token sequences (the literal one weighs most)."""
    parts = [_field_query(alternatives[0])]
    parts += [_field_query(tokens, SYNONYM_BOOST) for tokens in alternatives[1:]]
    return parts[0] if len(parts) == 1 else Or(parts)


def _concepts_of_words(words: list[str], synonyms: Synonyms) -> list:
    """Consecutive plain words as concepts; multi-word synonyms are matched greedily."""
    analysed = [tuple(analyse(word)) for word in words]
    analysed = [tokens for tokens in analysed if tokens]
    concepts, start = [], 0
    while start < len(analysed):
        for width in range(min(synonyms.longest, len(analysed) - start), 0, -1):
            tokens = tuple(t for part in analysed[start:start + width] for t in part)
            if width == 1 or tokens in synonyms.lookup:
                concepts.append(_concept(synonyms.alternatives(tokens)))
                start += width
                break
    return concepts


def minimum_match(words: int) -> int:
    """How many of the typed words a document must match: any of one or two, at least
    half of longer queries. Documents matching more words rank higher (scoring())."""
    return 1 if words <= 2 else -(-words // 2)


@dataclass
class ParsedQuery:
    """The user's query as Whoosh queries: phrases must match, most words must match
    (each word with its synonyms), excluded words must not."""

    phrases: list = field(default_factory=list)
    words: list = field(default_factory=list)
    negative: list = field(default_factory=list)

    def scoring(self):
        """The query that ranks: documents matching more words score higher."""
        positive = self.phrases + self.words
        if not positive:
            return Every()
        return positive[0] if len(positive) == 1 else Or(positive, scale=0.9)

    def matching(self, searcher, universe: set[int]) -> set[int]:
        """The documents of universe that satisfy the query."""
        docs = set(universe)
        for phrase in self.phrases:
            docs &= set(searcher.docs_for_query(phrase))
        if self.words:
            need, counts = minimum_match(len(self.words)), Counter()
            for word in self.words:
                counts.update(docs.intersection(searcher.docs_for_query(word)))
            docs = {doc for doc, n in counts.items() if n >= need}
        for excluded in self.negative:
            docs.difference_update(searcher.docs_for_query(excluded))
        return docs


def build_query(text: str, synonyms: Synonyms | None = None) -> ParsedQuery | None:
    """Parse user text; None when nothing searchable remains."""
    synonyms = synonyms or builtin_synonyms()
    parsed, run = ParsedQuery(), []
    for clause in parse_clauses(text) + [Clause("", phrase=True)]:  # sentinel ends the run
        if not clause.phrase and not clause.negated:
            run.append(clause.text)
            continue
        parsed.words += _concepts_of_words(run, synonyms)
        run = []
        tokens = tuple(analyse(clause.text))
        if tokens and clause.negated:
            parsed.negative.append(_field_query(tokens))
        elif tokens:
            parsed.phrases.append(_concept(synonyms.alternatives(tokens)))
    if not (parsed.phrases or parsed.words or parsed.negative):
        return None
    return parsed


def _allowed(cache: FacetCache, filters: dict[str, list[str]], skip: str | None) -> set[int]:
    """Example documents passing every filter except `skip`."""
    docs = set(cache.examples)
    for name, values in filters.items():
        if name == skip or not values:
            continue
        chosen: set[int] = set()
        for value in values:
            chosen |= cache.postings[name].get(value, frozenset())
        docs &= chosen
    return docs


def facet_counts(cache: FacetCache, matching: set[int],
                 filters: dict[str, list[str]]) -> dict[str, dict[str, int]]:
    """Counts per facet value over the documents passing every *other* facet's filter,
    so a facet's own selection does not zero its other values."""
    passing_all = matching & _allowed(cache, filters, skip=None)
    counts = {}
    for name in FACETS:
        base = matching & _allowed(cache, filters, skip=name) if filters.get(name) \
            else passing_all
        counted = {}
        for value, docs in cache.postings[name].items():
            n = len(docs & base)
            if n:
                counted[value] = n
        counts[name] = counted
    return counts


def _snippet(hit, highlighted: bool) -> Markup:
    """Highlighted fragments of the body (or the summary); plain summary otherwise."""
    for name in SNIPPET_FIELDS if highlighted else ():
        fragment = hit.highlights(name, top=2)
        if fragment:
            return Markup(fragment)
    return Markup.escape(hit["summary"])


def _known(reader, word: str, folded: str, synonyms: Synonyms) -> bool:
    """The word occurs in the collection or is a synonym of something."""
    return bool(reader.doc_frequency("spell", folded)) or \
        tuple(analyse(word)) in synonyms.lookup


def suggest(searcher, text: str, synonyms: Synonyms | None = None) -> str | None:
    """A corrected query when some words are not in the collection, else None."""
    synonyms = synonyms or builtin_synonyms()
    words = [w for c in parse_clauses(text) if not c.negated for w in c.text.split()]
    reader, changed, corrected = searcher.reader(), False, text
    for word in words:
        folded = fold(word)
        if len(folded) < 4 or " " in folded or _known(reader, word, folded, synonyms):
            continue
        options = searcher.suggest("spell", folded, limit=1, maxdist=2)
        if options:
            corrected = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", options[0], corrected, count=1)
            changed = True
    return corrected if changed else None


def _ordered_page(searcher, parsed: ParsedQuery | None, allowed: set[int],
                  request: SearchRequest) -> list[Hit]:
    """The requested page of hits in the requested order (browsing: newest first)."""
    limit = request.page * request.per_page
    sort = "newest" if parsed is None and request.sort == "relevance" else request.sort
    options = {"limit": limit, "filter": allowed, "terms": parsed is not None}
    if sort == "newest":
        options.update(sortedby="published", reverse=True)
    elif sort == "title":
        options.update(sortedby="title_sort")
    results = searcher.search(parsed.scoring() if parsed else Every(), **options)
    results.formatter = highlight.HtmlFormatter(tagname="mark", between=" … ")
    results.fragmenter = highlight.PinpointFragmenter(maxchars=220, surround=70, autotrim=True)
    start = (request.page - 1) * request.per_page
    scored = "sortedby" not in options  # with a sort key, hit.score is that key
    return [Hit(id=int(hit["id"]), score=round(hit.score, 4) if scored else None,
                snippet=_snippet(hit, parsed is not None))
            for hit in list(results)[start:limit]]


def run(request: SearchRequest) -> SearchOutcome:
    """Answer a search from the (caught-up) index."""
    searcher, cache = get_store().current()
    parsed = build_query(request.q)
    if parsed is None:
        matching = set(cache.examples)
    else:
        matching = parsed.matching(searcher, set(cache.examples))
    allowed = matching & _allowed(cache, request.filters, skip=None)
    hits = _ordered_page(searcher, parsed, allowed, request) if allowed else []
    return SearchOutcome(total=len(allowed), hits=hits,
                         facets=facet_counts(cache, matching, request.filters),
                         suggestion=suggest(searcher, request.q) if request.q else None)


def related(example_id: int, limit: int = 4) -> list[int]:
    """Ids of the published examples most like this one (its own document excluded)."""
    searcher, cache = get_store().current()
    docnum = searcher.document_number(id=str(example_id))
    if docnum is None:
        return []
    hits = searcher.more_like(docnum, "body", top=limit, numterms=25,
                              filter=set(cache.examples))
    return [int(hit["id"]) for hit in hits]
