"""Dutch text analysis for the index: accents folded, stop words, compounds split, stemmed."""
import functools
import re
from pathlib import Path

from whoosh.analysis import (CharsetFilter, Filter, LowercaseFilter, RegexTokenizer, StemFilter,
                             StopFilter)
from whoosh.support.charset import accent_map

HERE = Path(__file__).resolve().parent
TOKEN_PATTERN = r"\w+"
LINKS = ("", "s", "en", "e")  # Dutch linking sounds between compound parts
MIN_PART = 4
# Function words only: Snowball's Dutch list also drops words that carry meaning here
# ("andere" in "het andere gesprek", "geen", "niet", "zelf", "veel").
DUTCH_STOPWORDS = frozenset("""
aan al als bij dan dat de der deze die dit door een en er het hij hun haar hem hen ik in is je
jij me men met mij mijn na naar nu of om onder ons onze ook op over te tot u uit van voor was
we wat wie wij wordt werd worden ze zich zij zo zijn
""".split())


def read_lines(path: Path) -> list[str]:
    """The non-empty, non-comment lines of a UTF-8 text file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


@functools.cache
def compound_parts() -> frozenset[str]:
    """Known words that compounds are split into."""
    return frozenset(read_lines(HERE / "compound_parts.txt"))


def split_compound(word: str, parts: frozenset[str]) -> list[str]:
    """Split a compound into known parts (longest head first); [] when it is no compound."""
    if len(word) < 2 * MIN_PART:
        return []
    for cut in range(len(word) - MIN_PART, MIN_PART - 1, -1):
        head, rest = word[:cut], word[cut:]
        if head not in parts:
            continue
        for link in LINKS:
            tail = rest[len(link):]
            if not rest.startswith(link) or len(tail) < MIN_PART:
                continue
            if tail in parts:
                return [head, tail]
            deeper = split_compound(tail, parts)
            if deeper:
                return [head, *deeper]
    return []


class CompoundFilter(Filter):
    """At index time, add a compound's parts at its position: 'mantelzorgondersteuning'
    is then found by 'mantelzorg' and by 'ondersteuning'. Queries are not split."""

    def __init__(self, parts: frozenset[str] | None = None):
        self.parts = parts

    def __eq__(self, other):
        return isinstance(other, CompoundFilter)

    def __call__(self, tokens):
        parts = self.parts if self.parts is not None else compound_parts()
        for token in tokens:
            original = token.text  # later filters change the token in place
            yield token
            if token.mode != "index" or len(original) < 2 * MIN_PART:
                continue
            for part in split_compound(original, parts):
                token.text = part
                yield token


def base_chain():
    """Tokenise, lowercase, fold accents ('cliënt' → 'client'), drop Dutch stop words."""
    return (RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter() | CharsetFilter(accent_map)
            | StopFilter(stoplist=DUTCH_STOPWORDS, minsize=2))


def dutch_analyzer():
    """The analyzer of the searchable text fields."""
    return base_chain() | CompoundFilter() | StemFilter(lang="nl", cachesize=100_000)


def spelling_analyzer():
    """Unstemmed words for 'bedoelde je …?' suggestions."""
    return base_chain()


@functools.cache
def _query_analyzer():
    """The text fields' analyzer, used to analyse query words and synonyms."""
    return dutch_analyzer()


def analyse(text: str) -> list[str]:
    """The index terms a piece of query text turns into."""
    return [token.text for token in _query_analyzer()(text, mode="query")]


def fold(text: str) -> str:
    """Lowercase and accent-free, as the spelling field stores words."""
    return " ".join(token.text for token in spelling_analyzer()(text, mode="query"))


WORD = re.compile(TOKEN_PATTERN)
