"""Curating the taxonomy's values: added, renamed, placed, (de)activated, merged."""

from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update

from kb import taxonomy
from kb.database import db
from kb.models import KINDS, Example, Organisation, Term, example_term
from kb.services import audit
from kb.services import permissions as perm
from kb.services.curation.shared import (
    clean_label,
    clean_slug,
    expire_examples,
    pending_edits,
    reindex_published,
    row_by_typed_id,
)
from kb.services.errors import Invalid, NotFound
from kb.services.taxonomy import terms_of_kind
from kb.services.transactions import unit_of_work
from kb.util import parse_int

# Single-valued kinds live in a column of the example; the others in example_term.
SINGLE_COLUMNS = {kind.name: getattr(Example, kind.column) for kind in taxonomy.SINGLE}
# The record field (import format, pending edits) that holds a kind's slugs.
RECORD_FIELDS = {kind.name: kind.field for kind in taxonomy.KINDS_TABLE}


def term_by_id(term_id: int) -> Term:
    """A term by id, or NotFound."""
    term = db.session.get(Term, term_id)
    if term is None:
        raise NotFound()
    return term


def example_ids_with_term(term: Term) -> list[int]:
    """The examples (any status) that carry the term."""
    if term.kind in SINGLE_COLUMNS:
        query = select(Example.id).where(SINGLE_COLUMNS[term.kind] == term.id)
    else:
        query = select(example_term.c.example_id).where(example_term.c.term_id == term.id)
    return list(db.session.scalars(query))


def term_usage() -> dict[int, int]:
    """How many examples (any status) carry each term, by term id."""
    counts: dict[int, int] = {}
    for column in SINGLE_COLUMNS.values():
        counts.update(db.session.execute(select(column, func.count()).group_by(column)).all())
    counts.update(db.session.execute(select(example_term.c.term_id, func.count())
                                     .group_by(example_term.c.term_id)).all())
    return counts


def taxonomy_overview() -> dict[str, list[tuple[Term, int]]]:
    """Every term (inactive too) per kind, in order, with its number of examples."""
    usage = term_usage()
    overview: dict[str, list[tuple[Term, int]]] = {kind: [] for kind in KINDS}
    for term in db.session.scalars(select(Term).order_by(Term.kind, Term.position, Term.id)):
        overview.setdefault(term.kind, []).append((term, usage.get(term.id, 0)))
    return overview


def _check_label_free(kind: str, label_nl: str, term_id: int | None = None) -> None:
    """Two values of one kind with the same Dutch label would be indistinguishable."""
    query = select(Term.id).where(Term.kind == kind,
                                  func.lower(Term.label_nl) == label_nl.lower())
    if term_id is not None:
        query = query.where(Term.id != term_id)
    if db.session.scalar(query) is not None:
        raise Invalid({"label_nl": _("deze soort heeft al een waarde met dit label")})


@unit_of_work
def add_term(actor, kind: str, label_nl: str, label_en: str, slug: str | None = None) -> Term:
    """Add a value at the end of its kind; the slug is made from the Dutch label if absent."""
    perm.require(perm.can_add_term(actor))
    if kind not in KINDS:
        raise Invalid({"kind": _("kies uit: %(kinds)s", kinds=", ".join(KINDS))})
    label_nl = clean_label("label_nl", label_nl)
    label_en = clean_label("label_en", label_en)
    slug = clean_slug(slug, label_nl)
    if db.session.scalar(select(Term.id).where(Term.kind == kind, Term.slug == slug)):
        raise Invalid({"slug": _("deze soort heeft al een waarde met slug '%(slug)s'",
                                 slug=slug)})
    _check_label_free(kind, label_nl)
    last = db.session.scalar(select(func.max(Term.position)).where(Term.kind == kind))
    term = Term(kind=kind, slug=slug, label_nl=label_nl, label_en=label_en,
                position=(last if last is not None else -1) + 1, active=True)
    db.session.add(term)
    db.session.flush()
    return term


@unit_of_work
def rename_term(actor, term_id: int, label_nl: str, label_en: str) -> Term:
    """New labels in both languages; the slug stays, so URLs and imports keep working."""
    perm.require(perm.can_rename_term(actor))
    term = term_by_id(term_id)
    label_nl = clean_label("label_nl", label_nl)
    label_en = clean_label("label_en", label_en)
    _check_label_free(term.kind, label_nl, term.id)
    if (label_nl, label_en) != (term.label_nl, term.label_en):
        term.label_nl, term.label_en = label_nl, label_en
        # Labels are indexed as free text: the examples' documents change.
        reindex_published(example_ids_with_term(term))
    return term


@unit_of_work
def set_term_position(actor, term_id: int, position) -> Term:
    """Put a term at a place (1 = first) within its kind; the others shift."""
    perm.require(perm.can_set_term_position(actor))
    term = term_by_id(term_id)
    siblings = terms_of_kind(term.kind, active_only=False)
    place = parse_int(position, 1, len(siblings))
    if place is None:
        raise Invalid({"position": _("kies een plaats van 1 tot %(n)d", n=len(siblings))})
    siblings.remove(term)
    siblings.insert(place - 1, term)
    for index, sibling in enumerate(siblings):  # renumbered: old positions may tie
        sibling.position = index
    return term


@unit_of_work
def move_term(actor, term_id: int, direction: str) -> Term:
    """Move a term one place up or down within its kind (at an end it stays)."""
    perm.require(perm.can_move_term(actor))
    if direction not in ("up", "down"):
        raise Invalid({"direction": _("kies omhoog of omlaag")})
    term = term_by_id(term_id)
    siblings = terms_of_kind(term.kind, active_only=False)
    current = siblings.index(term) + 1
    wanted = current - 1 if direction == "up" else current + 1
    return set_term_position(actor, term_id, min(max(wanted, 1), len(siblings)))


@unit_of_work
def deactivate_term(actor, term_id: int) -> Term:
    """No longer offered for new records; examples that have it keep it and stay findable."""
    perm.require(perm.can_deactivate_term(actor))
    term = term_by_id(term_id)
    others = db.session.scalar(select(func.count()).select_from(Term).where(
        Term.kind == term.kind, Term.active.is_(True), Term.id != term.id))
    if term.active and not others:
        # Forms need at least one value of every kind.
        raise Invalid({"term": _("dit is de laatste actieve waarde van deze soort")})
    if term.active:
        audit.record("term_deactivated", actor, term=term.label_nl, taxonomy=term.kind)
    term.active = False
    return term


@unit_of_work
def activate_term(actor, term_id: int) -> Term:
    """Offer a term again for new records."""
    perm.require(perm.can_activate_term(actor))
    term = term_by_id(term_id)
    if not term.active:
        audit.record("term_activated", actor, term=term.label_nl, taxonomy=term.kind)
    term.active, term.merged_into_id = True, None  # in use again: its slug is its own
    return term


def term_merge(source_id: int, target_id) -> tuple[Term, Term, int]:
    """The source, the term to merge into (another, active term of the same kind) and how
    many examples would move (to confirm first); Invalid as the merge."""
    source = term_by_id(source_id)
    target = row_by_typed_id(Term, target_id)
    if target is None or target.kind != source.kind or target.id == source.id:
        raise Invalid({"target": _("kies een andere waarde van dezelfde soort")})
    if not target.active:
        raise Invalid({"target": _("kies een actieve waarde")})
    return source, target, len(example_ids_with_term(source))


def _move_term_rows(source: Term, target: Term) -> None:
    """Repoint every use of source to target; an example never gets a term twice."""
    if source.kind in SINGLE_COLUMNS:
        column = SINGLE_COLUMNS[source.kind]
        db.session.execute(update(Example.__table__).where(column == source.id)
                           .values({column.key: target.id}))
    else:
        has_target = select(example_term.c.example_id).where(example_term.c.term_id == target.id)
        db.session.execute(delete(example_term).where(
            example_term.c.term_id == source.id, example_term.c.example_id.in_(has_target)))
        db.session.execute(update(example_term).where(example_term.c.term_id == source.id)
                           .values(term_id=target.id))
    if source.kind == "organisation_type":
        db.session.execute(update(Organisation.__table__)
                           .where(Organisation.type_id == source.id).values(type_id=target.id))
        db.session.expire_all()  # loaded organisations point at the old type


def _rewrite_pending_terms(source: Term, target: Term) -> None:
    """Pending edits name the source by slug: approving one later must not fail on it."""
    field = RECORD_FIELDS[source.kind]
    for revision in pending_edits():
        value = revision.data.get(field)
        if isinstance(value, list) and source.slug in value:
            value = list(dict.fromkeys(target.slug if v == source.slug else v for v in value))
        elif value == source.slug:
            value = target.slug
        else:
            continue
        revision.data = {**revision.data, field: value}  # a new dict: the column is written


@unit_of_work
def merge_term(actor, source_id: int, target_id) -> tuple[Term, int]:
    """Move every example from source to target; source is kept, inactive, for history.

    Returns the target and how many examples moved."""
    perm.require(perm.can_merge_term(actor))
    source, target, _count = term_merge(source_id, target_id)
    moved = example_ids_with_term(source)
    _move_term_rows(source, target)
    _rewrite_pending_terms(source, target)
    expire_examples(moved)
    source.active, source.merged_into_id = False, target.id  # old links find the target
    reindex_published(moved)
    audit.record("term_merged", actor, before=source.label_nl, after=target.label_nl,
                 taxonomy=source.kind, examples=len(moved))
    return target, len(moved)
