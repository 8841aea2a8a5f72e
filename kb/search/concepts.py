"""What a query asks for, as concepts: every concept must be found in a result.

A concept is a typed word, with its inflections (the analysis), compound parts (indexed
with the text), synonyms and, for a word the collection does not contain, its near
spellings; or a quoted phrase, found as typed (after the same analysis as the text). A
multi-word synonym entry matched by consecutive typed words adds a span: the entry's
other wordings stand for all the words it covers, while each word stays a concept of its
own (so "kinderen armoede" still finds what contains both words).
"""
import re
from dataclasses import dataclass, field

from kb.search.analysis import QUESTION_WORDS, analyse, compound_terms, fold
from kb.search.synonyms import Synonyms

CLAUSE = re.compile(r'(-?)"([^"]*)"?|(\S+)')
# What phones and word processors type for quotes: „…”, “…”, ‟…”, ″…″, «…» mean "…".
DOUBLE_QUOTES = str.maketrans(dict.fromkeys("„“”‟″«»", '"'))
# ‘…’ and ‚…’ too, but only as a pair around words: ’ is also the apostrophe ("opa’s",
# "’s avonds", "zo’n"), which stays part of its word.
SINGLE_QUOTED = re.compile(r"(?<!\w)[‘‚]((?:[^‘‚’\"]|’(?=\w))*)’(?!\w)")
OPERATORS = ("-", "+", "*", "OR", "AND", "NOT")
SYNONYM_WEIGHT = 0.8
NEAR_WEIGHTS = {1: 0.5, 2: 0.35}  # a near spelling (by edits away) ranks below what was typed
MAX_CONCEPTS = 24  # distinct words and phrases a query is searched for; more are ignored
Alternative = tuple[tuple[str, ...], float]  # index terms in order, and their weight


@dataclass
class Clause:
    """One piece of the user's query: a word or a quoted phrase, maybe excluded."""

    text: str
    phrase: bool = False
    negated: bool = False


@dataclass
class Concept:
    """Something a result must contain, in any of its wordings."""

    typed: str
    alternatives: list[Alternative]
    phrase: bool = False
    # A typed compound's parts ("kinderarmoede": kinder, armoede): a result with all of
    # them, anywhere in it, has the concept too.
    parts: tuple[str, ...] = ()
    # How many of the alternatives are the word's own wordings (as typed, its stem, its
    # synonyms); those after them are near spellings of a word the collection lacks.
    own: int | None = None

    @property
    def own_alternatives(self) -> list[Alternative]:
        """The wordings of the word itself, without near spellings."""
        return self.alternatives[:self.own]

    @property
    def near_alternatives(self) -> list[Alternative]:
        """The near spellings' wordings (none for a word the collection has)."""
        return self.alternatives[self.own:] if self.own is not None else []

    @property
    def key(self) -> tuple:
        """What makes two concepts the same."""
        return (self.phrase, self.alternatives[0][0])


@dataclass
class Span:
    """Consecutive typed words forming a multi-word synonym entry, and its wordings."""

    covers: list[int]  # positions in ParsedQuery.words
    alternatives: list[Alternative]


@dataclass
class ParsedQuery:
    """The query's concepts: words (all must match, or most when search relaxes), phrases
    (always required), excluded words, and multi-word synonym spans."""

    words: list[Concept] = field(default_factory=list)
    phrases: list[Concept] = field(default_factory=list)
    negative: list[Concept] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)

    def highlights(self) -> tuple[set[str], set[tuple[str, ...]]]:
        """Single index terms to mark, and term sequences to mark where they stand
        together (phrases and multi-word wordings)."""
        wordings = [tokens for concept in self.words + self.phrases
                    for tokens, _weight in concept.alternatives]
        wordings += [tokens for span in self.spans for tokens, _weight in span.alternatives]
        single = {tokens[0] for tokens in wordings if len(tokens) == 1}
        single |= {part for concept in self.words for part in concept.parts}
        return single, {tokens for tokens in wordings if len(tokens) > 1}


def straight_quotes(text: str) -> str:
    """Typographic quotes around a phrase as the straight quotes the syntax takes."""
    return SINGLE_QUOTED.sub(r'"\1"', text.translate(DOUBLE_QUOTES))


def parse_clauses(text: str) -> list[Clause]:
    """Split user text into words and "phrases" (in straight or typographic quotes); -word
    excludes. Never fails."""
    clauses = []
    for match in CLAUSE.finditer(straight_quotes(text)):
        minus, quoted, word = match.groups()
        if quoted is not None:
            clauses.append(Clause(quoted, phrase=True, negated=bool(minus)))
        elif word.startswith("-") and len(word) > 1:
            clauses.append(Clause(word[1:], negated=True))
        elif word not in OPERATORS:
            clauses.append(Clause(word.lstrip("+")))
    return clauses


def typed_words(text: str) -> list[str]:
    """The words of the text that are not excluded (inside phrases too)."""
    return [word for clause in parse_clauses(text) if not clause.negated
            for word in clause.text.split()]


def _wordings(tokens: tuple[str, ...], synonyms: Synonyms, weight: float) -> list[Alternative]:
    """A wording and its synonyms, the wording itself weighing most."""
    return [(tokens, weight)] + [(other, weight * SYNONYM_WEIGHT)
                                 for other in synonyms.alternatives(tokens)[1:]]


def _word(word: str, tokens: tuple[str, ...], synonyms: Synonyms, speller) -> Concept:
    """A typed word's concept: its own terms and synonyms, then (for a word the collection
    does not have) near spellings with theirs, weighing less."""
    alternatives = _wordings(tokens, synonyms, 1.0)
    own = len(dict.fromkeys(wording for wording, _weight in alternatives))
    for near, edits in (speller.near_words(word) if speller else []):
        near_tokens = tuple(analyse(near))
        if near_tokens:
            alternatives += _wordings(near_tokens, synonyms, NEAR_WEIGHTS[edits])
    weights: dict[tuple[str, ...], float] = {}
    for wording, weight in alternatives:  # each wording once, at its first (highest) weight
        weights.setdefault(wording, weight)
    return Concept(word, list(weights.items()), parts=compound_terms(word), own=own)


def _spans(analysed: list[tuple[str, ...]], first: int, synonyms: Synonyms) -> list[Span]:
    """Multi-word synonym entries among consecutive words, longest first, not overlapping."""
    spans, start = [], 0
    while start < len(analysed):
        for width in range(min(synonyms.longest, len(analysed) - start), 1, -1):
            tokens = tuple(t for part in analysed[start:start + width] for t in part)
            if tokens in synonyms.lookup:
                spans.append(Span(list(range(first + start, first + start + width)),
                                  _wordings(tokens, synonyms, 1.0)))
                start += width
                break
        else:
            start += 1
    return spans


def _room(parsed: ParsedQuery) -> int:
    """How many more concepts the query may have."""
    return MAX_CONCEPTS - len(parsed.words) - len(parsed.phrases) - len(parsed.negative)


def _add_words(parsed: ParsedQuery, words: list[str], synonyms: Synonyms, speller) -> None:
    """Consecutive plain words: a concept each (once, while there is room; stop words and
    question words drop out), and the spans they form."""
    seen = {concept.key for concept in parsed.words}
    kept = []
    for word in words:
        if fold(word) in QUESTION_WORDS:
            continue
        tokens = tuple(analyse(word))
        if tokens and (False, tokens) not in seen and len(kept) < _room(parsed):
            seen.add((False, tokens))
            kept.append((word, tokens))
    first = len(parsed.words)
    parsed.words += [_word(word, tokens, synonyms, speller) for word, tokens in kept]
    parsed.spans += _spans([tokens for _typed, tokens in kept], first, synonyms)


def _add_clause(parsed: ParsedQuery, clause: Clause) -> None:
    """A quoted phrase or an excluded word (once, while there is room)."""
    tokens = tuple(analyse(clause.text))
    concept = Concept(clause.text, [(tokens, 1.0)], phrase=clause.phrase)
    target = parsed.negative if clause.negated else parsed.phrases
    if tokens and _room(parsed) > 0 and concept.key not in {c.key for c in target}:
        target.append(concept)


def build_query(text: str, synonyms: Synonyms, speller=None) -> ParsedQuery | None:
    """Parse user text into concepts; None when nothing searchable remains (empty, or
    only words too common to search for)."""
    parsed, run = ParsedQuery(), []
    for clause in parse_clauses(text) + [Clause("", phrase=True)]:  # the sentinel ends a run
        if not clause.phrase and not clause.negated:
            run.append(clause.text)
            continue
        _add_words(parsed, run, synonyms, speller)
        run = []
        _add_clause(parsed, clause)
    if not (parsed.phrases or parsed.words or parsed.negative):
        return None
    return parsed
