"""Dutch text analysis for the index: accents folded, stop words, compounds split, stemmed."""
import functools
import re
from pathlib import Path

from whoosh.analysis import (
    CharsetFilter,
    Filter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.lang.snowball.dutch import DutchStemmer
from whoosh.support.charset import accent_map

HERE = Path(__file__).resolve().parent
TOKEN_PATTERN = r"\w+"
LINKS = ("", "s", "en", "e", "er")  # Dutch linking sounds between compound parts
MIN_PART = 4
# Function words only: Snowball's Dutch list also drops words that carry meaning here
# ("andere" in "het andere gesprek", "geen", "niet", "zelf", "veel").
DUTCH_STOPWORDS = frozenset("""
aan al als bij dan dat de der deze die dit door een en er het hij hun haar hem hen ik in is je
jij me men met mij mijn na naar nu of om onder ons onze ook op over te tot u uit van voor was
we wat wie wij wordt werd worden ze zich zij zo zijn
""".split())
# English function words: visitors type English queries ("return to work", "impact of
# social work"), and English passages occur in the texts. None is also a Dutch word that
# carries meaning here ("been" is, so it is not in the list).
ENGLISH_STOPWORDS = frozenset("""
a about an and are at be by can do does for from has have how into it its my not our than
that the their these this those to what when where which who why with you your
""".split())
STOPWORDS = DUTCH_STOPWORDS | ENGLISH_STOPWORDS
# Words that make a typed question a question ("hoe bereik je laaggeletterden", "wat kan ik
# doen als …") but say nothing about its subject: left out of plain query words (quoted
# phrases keep them, as the text does).
QUESTION_WORDS = frozenset("""
hoe waarom wanneer welke welk waar kan kun kunt kunnen moet moeten mag mogen doe doet doen
heb hebt heeft hebben wil wilt willen zou zouden iemand iets
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


@functools.cache
def stem_exceptions() -> dict[str, str]:
    """Word → stem for the words Snowball would give another word's stem."""
    table = {}
    for line in read_lines(HERE / "stem_exceptions.txt"):
        stem, _colon, words = line.partition(":")
        table.update({word: stem.strip() for word in words.split()})
    return table


_SNOWBALL = DutchStemmer()


def stem_dutch(word: str) -> str:
    """Snowball's Dutch stem, except for the words listed in stem_exceptions.txt."""
    return stem_exceptions().get(word) or _SNOWBALL.stem(word)


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
    """Tokenise, lowercase, fold accents ('cliënt' → 'client'), drop stop words."""
    return (RegexTokenizer(TOKEN_PATTERN) | LowercaseFilter() | CharsetFilter(accent_map)
            | StopFilter(stoplist=STOPWORDS, minsize=2))


def dutch_analyzer():
    """The analyzer of the searchable text fields."""
    return base_chain() | CompoundFilter() | StemFilter(stemfn=stem_dutch, cachesize=100_000)


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


def compound_terms(word: str) -> tuple[str, ...]:
    """The index terms of a typed compound's parts ("kinderarmoede": kinder, armoede), as
    the index adds them for compounds in the text; () for a word that is no compound."""
    folded = fold(word)
    if " " in folded:
        return ()
    parts = split_compound(folded, compound_parts())
    terms = [term for part in parts for term in analyse(part)]
    return tuple(dict.fromkeys(terms)) if len(terms) > 1 else ()


def fold(text: str) -> str:
    """Lowercase and accent-free, as the spelling field stores words."""
    return " ".join(token.text for token in spelling_analyzer()(text, mode="query"))


WORD = re.compile(TOKEN_PATTERN)
