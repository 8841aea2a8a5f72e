"""Near spellings from the collection's own vocabulary: "bedoelde je …?" suggestions, and
near words for typed words the collection does not contain (fuzzy matching).

The work is bounded whatever is typed: words up to MAX_WORD letters, MAX_WORDS looked up
per query, BUDGET seconds, and candidates must share the first letter (Whoosh then skips
through the sorted vocabulary with an automaton instead of comparing every word: measured
at 10k examples, 0.3 s per word without, 5 ms with; a 1,000-letter word took 21 s).
"""
import re
import time
from collections.abc import Mapping

from whoosh.support.levenshtein import damerau_levenshtein

from kb.search.analysis import analyse, fold
from kb.search.synonyms import Synonyms

MAX_WORD = 30  # longer words are not looked up
MAX_WORDS = 4  # unknown words looked up per query
BUDGET = 0.15  # seconds of look-ups per query
MIN_SUGGEST = 4  # shorter words are not corrected
MIN_FUZZY = 5  # shorter words get no near words (too many look alike)
NEAR_WORDS = 3  # near words a typed word may match
CANDIDATES = 8  # vocabulary words looked at per typed word


class Speller:
    """One query's look-ups in the spelling vocabulary, within one shared budget."""

    def __init__(self, searcher, synonyms: Synonyms):
        self.searcher, self.synonyms = searcher, synonyms
        self.reader = searcher.reader()
        self.deadline = time.monotonic() + BUDGET
        self.looked: dict[str, list[str]] = {}

    def _live(self, folded: str) -> bool:
        """Some published example has the word: the vocabulary keeps the words of removed
        examples until their segment is merged away, and those must not show."""
        return ("spell", folded) in self.reader \
            and self.reader.postings("spell", folded).is_active()

    def known(self, word: str) -> bool:
        """The word occurs in the collection or is a synonym of something."""
        folded = fold(word[:MAX_WORD + 1])
        return self._live(folded) or tuple(analyse(word)) in self.synonyms.lookup

    def _nearest(self, folded: str) -> list[str]:
        """Vocabulary words up to two edits away, nearest first (two swapped letters count
        as one edit: "wjik" is near "wijk", not "week"), then the most frequent."""
        if folded in self.looked:
            return self.looked[folded]
        if len(self.looked) >= MAX_WORDS or time.monotonic() > self.deadline:
            return []
        found = [word for word in self.searcher.suggest("spell", folded, limit=CANDIDATES,
                                                        maxdist=2, prefix=1)
                 if self._live(word)]
        # Whoosh orders by plain edit distance, then frequency; a stable sort keeps that
        # frequency order among words as near.
        found.sort(key=lambda word: damerau_levenshtein(word, folded))
        self.looked[folded] = found
        return found

    def _unknown(self, word: str, shortest: int, known: bool | None = None) -> str | None:
        """The folded word when it is worth looking up (long enough, not known), else None;
        `known` says whether it is, when the caller knows better than the vocabulary."""
        folded = fold(word[:MAX_WORD + 1])
        if not shortest <= len(folded) <= MAX_WORD or " " in folded:
            return None
        return None if (self.known(word) if known is None else known) else folded

    def near_words(self, word: str) -> list[tuple[str, int]]:
        """(vocabulary word, edits away) that a typed word of MIN_FUZZY letters or more, not
        in the collection, may stand for: one edit away up to seven letters, two from
        eight; nearest first."""
        folded = self._unknown(word, MIN_FUZZY)
        if folded is None:
            return []
        most = 1 if len(folded) < 8 else 2
        near = [(near, damerau_levenshtein(near, folded)) for near in self._nearest(folded)]
        return [(near, edits) for near, edits in near if edits <= most][:NEAR_WORDS]

    def suggestion(self, text: str, words: list[str],
                   searched: Mapping[tuple[str, ...], bool] | None = None) -> str | None:
        """The text with each unknown word replaced by its nearest vocabulary word, or None
        when nothing was replaced. `searched` says, by analysed terms, which words the
        search found some example for as typed (by stem, compound parts or synonyms too):
        only a word that matched nothing is unknown ("informele" is not corrected to
        "informeel" when examples have their shared stem); other words are looked up in the
        vocabulary."""
        corrected, changed = text, False
        for word in dict.fromkeys(words):
            folded = self._unknown(word, MIN_SUGGEST, (searched or {}).get(tuple(analyse(word))))
            options = self._nearest(folded) if folded else []
            if options:
                corrected = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", options[0], corrected,
                                   count=1)
                changed = True
        return corrected if changed else None
