"""Synonym groups: every term of a group finds the others (senioren finds ouderen).

The shipped list (synonyms.txt) plus the groups moderators add in the app; groups that
share a term are joined, so a moderator can extend a shipped group by naming one of
its terms."""
import functools
import threading

from sqlalchemy import func, select

from kb.database import db
from kb.models import SynonymGroup
from kb.search.analysis import HERE, analyse, read_lines


class Synonyms:
    """Groups of equivalent terms, keyed by their analysed token sequences."""

    def __init__(self, groups: list[list[str]]):
        self.groups: list[list[tuple[str, ...]]] = _joined(
            [list(dict.fromkeys(filter(None, map(_usable, terms)))) for terms in groups])
        self.lookup: dict[tuple[str, ...], int] = {
            tokens: number for number, group in enumerate(self.groups) for tokens in group}
        self.longest = max((len(t) for t in self.lookup), default=1)

    def alternatives(self, tokens: tuple[str, ...]) -> list[tuple[str, ...]]:
        """The token sequences equivalent to tokens, itself first."""
        number = self.lookup.get(tokens)
        if number is None:
            return [tokens]
        return [tokens] + [other for other in self.groups[number] if other != tokens]


def _usable(term: str) -> tuple[str, ...]:
    """A term's tokens; empty when stop words left a phrase as one lone word
    ("alleen zijn" would otherwise make every "alleen" mean loneliness)."""
    tokens = tuple(analyse(term))
    words = len(term.split())
    return () if words > 1 and len(tokens) == 1 else tokens


def _joined(groups: list[list[tuple]]) -> list[list[tuple]]:
    """Groups sharing a member merged into one (a small union-find)."""
    parent: dict[tuple, tuple] = {}

    def root(item):
        while parent.setdefault(item, item) != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    for group in groups:
        for member in group[1:]:
            parent[root(member)] = root(group[0])
    merged: dict[tuple, list[tuple]] = {}
    for group in groups:
        for member in group:
            merged.setdefault(root(member), [])
            if member not in merged[root(member)]:
                merged[root(member)].append(member)
    return [members for members in merged.values() if len(members) > 1]


def parse_groups(lines: list[str]) -> list[list[str]]:
    """Comma-separated groups, one per line."""
    return [[term.strip().lower() for term in line.split(",") if term.strip()] for line in lines]


@functools.cache
def builtin_groups() -> tuple[tuple[str, ...], ...]:
    """The shipped synonym list (kb/search/synonyms.txt)."""
    return tuple(tuple(group) for group in parse_groups(read_lines(HERE / "synonyms.txt")))


_current: dict = {"version": None, "synonyms": None}
_current_lock = threading.Lock()


def current_synonyms() -> Synonyms:
    """The shipped list joined with the moderators' groups; rebuilt when those change."""
    version = (str(db.engine.url), *db.session.execute(select(
        func.count(SynonymGroup.id), func.max(SynonymGroup.updated_at),
        func.max(SynonymGroup.id))).one())
    with _current_lock:
        if _current["version"] != version:
            custom = db.session.scalars(select(SynonymGroup).where(
                SynonymGroup.active.is_(True)).order_by(SynonymGroup.id))
            groups = [list(g) for g in builtin_groups()] + [g.term_list for g in custom]
            _current.update(version=version, synonyms=Synonyms(groups))
        return _current["synonyms"]
