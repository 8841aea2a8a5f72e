"""Synonym groups: every term of a group finds the others (senioren finds ouderen)."""
import functools

from kb.search.analysis import HERE, analyse, read_lines


class Synonyms:
    """Groups of equivalent terms, keyed by their analysed token sequences."""

    def __init__(self, groups: list[list[str]]):
        self.groups: list[list[tuple[str, ...]]] = []
        self.lookup: dict[tuple[str, ...], int] = {}
        for terms in groups:
            analysed = list(dict.fromkeys(tuple(analyse(term)) for term in terms))
            analysed = [tokens for tokens in analysed if tokens]
            if len(analysed) < 2:
                continue
            number = len(self.groups)
            self.groups.append(analysed)
            for tokens in analysed:
                self.lookup.setdefault(tokens, number)
        self.longest = max((len(t) for t in self.lookup), default=1)

    def alternatives(self, tokens: tuple[str, ...]) -> list[tuple[str, ...]]:
        """The token sequences equivalent to tokens, itself first."""
        number = self.lookup.get(tokens)
        if number is None:
            return [tokens]
        return [tokens] + [other for other in self.groups[number] if other != tokens]


def parse_groups(lines: list[str]) -> list[list[str]]:
    """Comma-separated groups, one per line."""
    return [[term.strip().lower() for term in line.split(",") if term.strip()] for line in lines]


@functools.cache
def builtin_synonyms() -> Synonyms:
    """The shipped synonym list (kb/search/synonyms.txt)."""
    return Synonyms(parse_groups(read_lines(HERE / "synonyms.txt")))
