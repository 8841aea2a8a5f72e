"""Taxonomy and organisation reference data: defaults, look-ups and find-or-create."""
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from kb.database import db
from kb.models import LearningQuestion, Leeratelier, Organisation, Term
from kb.seed_data import PARTNERS, TAXONOMY
from kb.services.transactions import unit_of_work
from kb.util import slugify


def _seed_terms() -> int:
    """Insert the built-in terms that are missing; keep curated labels as they are."""
    existing = {(t.kind, t.slug) for t in db.session.scalars(select(Term))}
    added = 0
    for kind, values in TAXONOMY.items():
        for position, (slug, label_nl, label_en) in enumerate(values):
            if (kind, slug) not in existing:
                db.session.add(Term(kind=kind, slug=slug, label_nl=label_nl,
                                    label_en=label_en, position=position, active=True))
                added += 1
    db.session.flush()
    return added


def _seed_partners() -> int:
    """Insert the alliance partners that are missing."""
    types = {t.slug: t for t in terms_of_kind("organisation_type", active_only=False)}
    added = 0
    for name, type_slug in PARTNERS:
        organisation = find_organisation(name)
        if organisation is None:
            db.session.add(Organisation(name=name, slug=unique_slug(Organisation, name),
                                        type=types[type_slug], partner=True))
            added += 1
        elif not organisation.partner:
            organisation.partner = True
    db.session.flush()
    return added


@unit_of_work
def ensure_defaults() -> dict[str, int]:
    """Create the built-in taxonomy and partner organisations where missing (idempotent)."""
    return {"terms": _seed_terms(), "organisations": _seed_partners()}


def terms_of_kind(kind: str, active_only: bool = True) -> list[Term]:
    """The terms of one kind in display order."""
    query = select(Term).where(Term.kind == kind).order_by(Term.position, Term.id)
    if active_only:
        query = query.where(Term.active.is_(True))
    return list(db.session.scalars(query))


def active_terms() -> list[Term]:
    """Every active term, by kind, in display order."""
    return list(db.session.scalars(select(Term).where(Term.active.is_(True))
                                   .order_by(Term.kind, Term.position, Term.id)))


def term_by_slug(kind: str, slug: str) -> Term | None:
    """One term by kind and slug, or None."""
    return db.session.scalar(select(Term).where(Term.kind == kind, Term.slug == slug))


def terms_by_kind() -> dict[str, dict[str, Term]]:
    """Every term, as {kind: {slug: term}}: one query for a whole import."""
    table: dict[str, dict[str, Term]] = {}
    for term in db.session.scalars(select(Term)):
        table.setdefault(term.kind, {})[term.slug] = term
    return table


def find_organisation(name: str) -> Organisation | None:
    """An organisation by name, ignoring case and surrounding spaces."""
    key = name.strip().lower()
    return db.session.scalar(select(Organisation).where(func.lower(Organisation.name) == key))


def find_leeratelier(name: str) -> Leeratelier | None:
    """A leeratelier by name, ignoring case and surrounding spaces."""
    key = name.strip().lower()
    return db.session.scalar(select(Leeratelier).where(func.lower(Leeratelier.name) == key))


def unique_slug(model, name: str) -> str:
    """A slug for name that no row of model uses yet."""
    base = slugify(name)
    slug, n = base, 1
    while db.session.scalar(select(model.id).where(model.slug == slug)) is not None:
        n += 1
        slug = f"{base}-{n}"
    return slug


def _insert_or_get(model, find, make, name: str, attempts: int = 5):
    """The row find(name) returns, else a new one from make(slug); when a concurrent
    transaction inserts the same name or slug first, its row is used (or a next slug)."""
    for _attempt in range(attempts):
        row = find(name)
        if row is not None:
            return row
        row = make(unique_slug(model, name))
        try:
            with db.session.begin_nested():  # a savepoint: the race loses only this insert
                db.session.add(row)
        except IntegrityError:
            continue  # taken meanwhile: look again
        return row
    raise IntegrityError("insert or get", {"name": name}, None)


def get_or_create_organisation(name: str, type_term: Term) -> Organisation:
    """The named organisation; created (not a partner) when it is new."""
    return _insert_or_get(Organisation, find_organisation, lambda slug: Organisation(
        name=name.strip(), slug=slug, type=type_term, partner=False), name)


def get_or_create_leeratelier(name: str) -> Leeratelier:
    """The named leeratelier; created with only its name when it is new."""
    return _insert_or_get(Leeratelier, find_leeratelier, lambda slug: Leeratelier(
        name=name.strip(), slug=slug), name)


def find_question(workshop: Leeratelier, text: str) -> LearningQuestion | None:
    """One of the leeratelier's learning questions by its words, ignoring case."""
    key = text.strip().lower()
    return next((q for q in workshop.questions if q.text.strip().lower() == key), None)


def get_or_create_question(workshop: Leeratelier, text: str) -> LearningQuestion:
    """The leeratelier's learning question with these words; added after the others when
    it is new (an import may name a question the leeratelier does not have yet)."""
    question = find_question(workshop, text)
    if question is None:
        question = LearningQuestion(text=text.strip(), position=len(workshop.questions))
        workshop.questions.append(question)
    return question


def partner_names() -> list[str]:
    """The names of the alliance partners, for suggestions in forms."""
    return list(db.session.scalars(select(Organisation.name).where(
        Organisation.partner.is_(True)).order_by(Organisation.name)))
