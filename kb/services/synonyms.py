"""Moderators extend the search synonyms (the shipped list stays as it is)."""
from flask_babel import gettext as _
from sqlalchemy import select

from kb.database import db
from kb.models import SynonymGroup
from kb.search.synonyms import builtin_groups
from kb.services import permissions as perm
from kb.services.errors import Invalid, NotFound
from kb.services.transactions import unit_of_work
from kb.util import utcnow

MAX_TERMS = 12
MAX_TERM_LENGTH = 60


def _normal(term: str) -> str:
    """A term as stored and compared: spaces collapsed, lower case."""
    return " ".join(term.split()).lower()


def clean_terms(terms: str | list[str]) -> list[str]:
    """Validate a group: 2 to MAX_TERMS distinct terms of 2 to MAX_TERM_LENGTH characters."""
    if isinstance(terms, str):
        terms = terms.split(",")
    cleaned = list(dict.fromkeys(_normal(t) for t in terms if t.strip()))
    if not 2 <= len(cleaned) <= MAX_TERMS:
        raise Invalid({"terms": _("geef 2 tot %(max)d termen, gescheiden door komma's",
                                  max=MAX_TERMS)})
    bad = [t for t in cleaned if not 2 <= len(t) <= MAX_TERM_LENGTH]
    if bad:
        raise Invalid({"terms": _("elke term is 2 tot %(max)d tekens: %(term)s",
                                  max=MAX_TERM_LENGTH, term=bad[0][:80])})
    return cleaned


def _check_new_group(terms: list[str]) -> None:
    """Refuse the terms of an active group again, in any order or case: it would be listed
    twice and change nothing."""
    for group in synonym_groups():
        if {_normal(term) for term in group.term_list} == set(terms):
            raise Invalid({"terms": _("er is al een groep met deze termen: %(terms)s",
                                      terms=", ".join(group.term_list))})


@unit_of_work
def add_synonym_group(actor, terms: str | list[str]) -> SynonymGroup:
    """Add a group; search uses it from the next request on (no reindex needed)."""
    perm.require(perm.can_add_synonym_group(actor))
    cleaned = clean_terms(terms)
    _check_new_group(cleaned)
    group = SynonymGroup(terms=", ".join(cleaned), created_by_id=getattr(actor, "id", None))
    db.session.add(group)
    return group


def synonym_group(group_id: int) -> SynonymGroup:
    """An active group by id, or NotFound."""
    group = db.session.get(SynonymGroup, group_id)
    if group is None or not group.active:
        raise NotFound()
    return group


@unit_of_work
def remove_synonym_group(actor, group_id: int) -> SynonymGroup:
    """Switch a group off (kept, with when)."""
    perm.require(perm.can_remove_synonym_group(actor))
    group = synonym_group(group_id)
    group.active, group.updated_at = False, utcnow()
    return group


def synonym_groups() -> list[SynonymGroup]:
    """The moderators' active groups, oldest first."""
    return list(db.session.scalars(select(SynonymGroup).where(SynonymGroup.active.is_(True))
                                   .order_by(SynonymGroup.id)))


def shipped_synonym_count() -> int:
    """How many synonym groups ship with the search (kb/search/synonyms.txt)."""
    return len(builtin_groups())
