"""Curation by moderators: taxonomy terms and organisations (add, rename, reorder, merge)."""
import re

from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update

from kb import taxonomy
from kb.database import db
from kb.models import KINDS, Example, Organisation, Revision, Term, User, example_term
from kb.search.synonyms import builtin_groups
from kb.services import permissions as perm
from kb.services.base import record_index_event, unit_of_work
from kb.services.errors import Invalid, NotFound
from kb.util import parse_id, parse_int, slugify

# Single-valued kinds live in a column of the example; the others in example_term.
SINGLE_COLUMNS = {kind.name: getattr(Example, kind.column) for kind in taxonomy.SINGLE}
# The record field (import format, pending edits) that holds a kind's slugs.
RECORD_FIELDS = {kind.name: kind.field for kind in taxonomy.KINDS_TABLE}
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_LABEL = 200
MAX_SLUG = 64
MAX_DESCRIPTION = 5_000


def _get(model, raw_id):
    """A row by an id typed into a form (any text), or None."""
    ident = parse_id(raw_id)
    return db.session.get(model, ident) if ident is not None else None


def _clean_label(field: str, value: str | None, limit: int = MAX_LABEL) -> str:
    """A label or name: spaces collapsed, 2 to limit characters."""
    cleaned = " ".join((value or "").split())
    if not 2 <= len(cleaned) <= limit:
        raise Invalid({field: _("moet 2 tot %(max)d tekens lang zijn", max=limit)})
    return cleaned


def _clean_slug(value: str | None, fallback: str, limit: int = MAX_SLUG) -> str:
    """A typed slug (checked, not rewritten) or one made from the fallback text."""
    if not (value or "").strip():
        return slugify(fallback, limit)
    value = value.strip()
    if len(value) > limit or not SLUG_PATTERN.match(value):
        raise Invalid({"slug": _("alleen kleine letters, cijfers en koppeltekens, "
                                 "hoogstens %(max)d tekens", max=limit)})
    return value


def _reindex_published(example_ids) -> int:
    """Index events for the published ones among these examples (only they are indexed)."""
    ids = sorted(set(example_ids))
    if not ids:
        return 0
    published = db.session.scalars(select(Example.id).where(
        Example.id.in_(ids), Example.status == "published").order_by(Example.id)).all()
    for example_id in published:
        record_index_event(example_id)
    return len(published)


def _expire_examples(example_ids) -> None:
    """Forget loaded examples changed by bulk SQL, so later reads see the new values."""
    ids = set(example_ids)
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, Example) and obj.id in ids:
            db.session.expire(obj)


# --- terms -------------------------------------------------------------------------------

def get_term(term_id: int) -> Term:
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


def ordered_terms(kind: str) -> list[Term]:
    """The terms of a kind (inactive too) in display order."""
    return list(db.session.scalars(select(Term).where(Term.kind == kind)
                                   .order_by(Term.position, Term.id)))


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
    label_nl = _clean_label("label_nl", label_nl)
    label_en = _clean_label("label_en", label_en)
    slug = _clean_slug(slug, label_nl)
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
    term = get_term(term_id)
    label_nl = _clean_label("label_nl", label_nl)
    label_en = _clean_label("label_en", label_en)
    _check_label_free(term.kind, label_nl, term.id)
    if (label_nl, label_en) != (term.label_nl, term.label_en):
        term.label_nl, term.label_en = label_nl, label_en
        # Labels are indexed as free text: the examples' documents change.
        _reindex_published(example_ids_with_term(term))
    return term


@unit_of_work
def set_term_position(actor, term_id: int, position) -> Term:
    """Put a term at a place (1 = first) within its kind; the others shift."""
    perm.require(perm.can_set_term_position(actor))
    term = get_term(term_id)
    siblings = ordered_terms(term.kind)
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
    term = get_term(term_id)
    siblings = ordered_terms(term.kind)
    current = siblings.index(term) + 1
    wanted = current - 1 if direction == "up" else current + 1
    return set_term_position(actor, term_id, min(max(wanted, 1), len(siblings)))


@unit_of_work
def deactivate_term(actor, term_id: int) -> Term:
    """No longer offered for new records; examples that have it keep it and stay findable."""
    perm.require(perm.can_deactivate_term(actor))
    term = get_term(term_id)
    others = db.session.scalar(select(func.count()).select_from(Term).where(
        Term.kind == term.kind, Term.active.is_(True), Term.id != term.id))
    if term.active and not others:
        # Forms need at least one value of every kind.
        raise Invalid({"term": _("dit is de laatste actieve waarde van deze soort")})
    term.active = False
    return term


@unit_of_work
def activate_term(actor, term_id: int) -> Term:
    """Offer a term again for new records."""
    perm.require(perm.can_activate_term(actor))
    term = get_term(term_id)
    term.active = True
    return term


def _merge_target(source: Term, target_id) -> Term:
    """The term to merge into: another, active term of the same kind."""
    target = _get(Term, target_id)
    if target is None or target.kind != source.kind or target.id == source.id:
        raise Invalid({"target": _("kies een andere waarde van dezelfde soort")})
    if not target.active:
        raise Invalid({"target": _("kies een actieve waarde")})
    return target


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


def _pending_edits() -> list[Revision]:
    """Edits awaiting review (few at any time): they hold slugs and names as typed."""
    return list(db.session.scalars(select(Revision).where(Revision.state == "pending")))


def _rewrite_pending_terms(source: Term, target: Term) -> None:
    """Pending edits name the source by slug: approving one later must not fail on it."""
    field = RECORD_FIELDS[source.kind]
    for revision in _pending_edits():
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
    source = get_term(source_id)
    target = _merge_target(source, target_id)
    moved = example_ids_with_term(source)
    _move_term_rows(source, target)
    _rewrite_pending_terms(source, target)
    _expire_examples(moved)
    source.active = False
    _reindex_published(moved)
    return target, len(moved)


# --- organisations -----------------------------------------------------------------------

def get_organisation(organisation_id: int) -> Organisation:
    """An organisation by id, or NotFound."""
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound()
    return organisation


def organisations_overview() -> list[tuple[Organisation, int, int]]:
    """Every organisation by name, with its number of examples (any status) and accounts."""
    examples = dict(db.session.execute(select(Example.organisation_id, func.count())
                                       .group_by(Example.organisation_id)).all())
    users = dict(db.session.execute(select(User.organisation_id, func.count())
                                    .group_by(User.organisation_id)).all())
    rows = db.session.scalars(select(Organisation).order_by(func.lower(Organisation.name)))
    return [(o, examples.get(o.id, 0), users.get(o.id, 0)) for o in rows]


def organisation_types() -> list[Term]:
    """The organisation types in display order (inactive too: an old one may still be set)."""
    return ordered_terms("organisation_type")


def _clean_type(type_id, current: Term | None) -> Term:
    """An organisation type: an active one, or the one the organisation already has."""
    term = _get(Term, type_id)
    if term is None or term.kind != "organisation_type":
        raise Invalid({"type": _("kies een soort organisatie")})
    if not term.active and term is not current:
        raise Invalid({"type": _("deze soort is niet meer in gebruik")})
    return term


def _organisation_slug(values: dict, name: str, organisation: Organisation | None) -> str:
    """The typed slug, else the current one (URLs stay), else one made from the name."""
    typed = (values.get("slug") or "").strip()
    if organisation is not None and not typed:
        return organisation.slug
    return _clean_slug(typed, name, 200)


def _check_organisation_free(name: str, slug: str, own_id: int | None) -> None:
    """No other organisation has this name (ignoring case) or slug."""
    others = select(Organisation.id).where(Organisation.id != (own_id or -1))
    if db.session.scalar(others.where(func.lower(Organisation.name) == name.lower())):
        raise Invalid({"name": _("er is al een organisatie met deze naam")})
    if db.session.scalar(others.where(Organisation.slug == slug)):
        raise Invalid({"slug": _("er is al een organisatie met slug '%(slug)s'", slug=slug)})


def _clean_organisation(values: dict, organisation: Organisation | None) -> dict:
    """Validate name, slug, type, partner and description."""
    name = _clean_label("name", values.get("name"))
    slug = _organisation_slug(values, name, organisation)
    _check_organisation_free(name, slug, organisation.id if organisation else None)
    description = (values.get("description") or "").replace("\r\n", "\n").strip()
    if len(description) > MAX_DESCRIPTION:
        raise Invalid({"description": _("mag hoogstens %(max)d tekens lang zijn",
                                        max=MAX_DESCRIPTION)})
    current_type = organisation.type if organisation else None
    return {"name": name, "slug": slug, "description": description,
            "type": _clean_type(values.get("type"), current_type),
            "partner": bool(values.get("partner"))}


@unit_of_work
def add_organisation(actor, values: dict) -> Organisation:
    """Add an organisation: name, slug (from the name if absent), type, partner, description."""
    perm.require(perm.can_add_organisation(actor))
    organisation = Organisation(**_clean_organisation(values, None))
    db.session.add(organisation)
    db.session.flush()
    return organisation


@unit_of_work
def edit_organisation(actor, organisation_id: int, values: dict) -> Organisation:
    """Rename or edit an organisation; an empty slug keeps the current one."""
    perm.require(perm.can_edit_organisation(actor))
    organisation = get_organisation(organisation_id)
    clean = _clean_organisation(values, organisation)
    indexed = (clean["name"], clean["slug"]) != (organisation.name, organisation.slug)
    for key, value in clean.items():
        setattr(organisation, key, value)
    if indexed:  # the name is indexed as text and the slug is the facet value
        _reindex_published(db.session.scalars(select(Example.id).where(
            Example.organisation_id == organisation.id)))
    return organisation


def _rewrite_pending_organisation(source: Organisation, target: Organisation) -> None:
    """Pending edits name the organisation: approving one must not bring the source back."""
    for revision in _pending_edits():
        typed = str(revision.data.get("organisation") or "")
        if typed.strip().lower() == source.name.lower():
            revision.data = {**revision.data, "organisation": target.name}


@unit_of_work
def merge_organisation(actor, source_id: int, target_id) -> tuple[Organisation, int]:
    """Move every example and account from source to target, then delete source.

    Returns the target and how many examples moved."""
    perm.require(perm.can_merge_organisation(actor))
    source = get_organisation(source_id)
    target = _get(Organisation, target_id)
    if target is None or target.id == source.id:
        raise Invalid({"target": _("kies een andere organisatie")})
    moved = list(db.session.scalars(select(Example.id).where(
        Example.organisation_id == source.id)))
    db.session.execute(update(Example.__table__).where(Example.organisation_id == source.id)
                       .values(organisation_id=target.id))
    db.session.execute(update(User.__table__).where(User.organisation_id == source.id)
                       .values(organisation_id=target.id))
    db.session.expire_all()  # loaded examples and accounts still point at the source
    _rewrite_pending_organisation(source, target)
    _reindex_published(moved)
    # Examples and accounts are the only rows that reference an organisation, and both
    # were repointed above: deleting the source leaves nothing dangling. (Organisation
    # has no active flag; a kept, empty duplicate would only confuse the lists.)
    db.session.delete(source)
    db.session.flush()
    return target, len(moved)


# --- synonyms (the groups themselves are kb.services.synonyms) ----------------------------

def shipped_synonym_count() -> int:
    """How many synonym groups ship with the search (kb/search/synonyms.txt)."""
    return len(builtin_groups())
