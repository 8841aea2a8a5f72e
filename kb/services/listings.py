"""Read side for pages: published examples listed, filtered and counted from the database."""
from sqlalchemy import func, or_, select

from kb import taxonomy
from kb.database import db
from kb.models import (
    Example,
    LearningQuestion,
    Leeratelier,
    OldSlug,
    Organisation,
    Term,
    example_term,
)
from kb.services import permissions as perm
from kb.services.errors import NotFound

SINGLE = {kind.name: getattr(Example, kind.column) for kind in taxonomy.SINGLE}  # columns
MULTI = tuple(kind.name for kind in taxonomy.MULTI)


def published():
    """A select of the published examples."""
    return select(Example).where(Example.status == "published")


def _like(word: str):
    """A case-insensitive substring condition on an example's text."""
    pattern = "%" + word.lower().replace("\\", "").replace("%", "").replace("_", "") + "%"
    return func.lower(Example.title + " " + Example.summary + " " + Example.body).like(pattern)


def facet_condition(name: str, values: list[str]):
    """Published examples having any of these values of a search facet."""
    if name in SINGLE:
        return SINGLE[name].in_(select(Term.id).where(Term.kind == name, Term.slug.in_(values)))
    if name in MULTI:
        having = (select(example_term.c.example_id)
                  .join(Term, Term.id == example_term.c.term_id)
                  .where(Term.kind == name, Term.slug.in_(values)))
        return Example.id.in_(having)
    if name == "organisation":
        return Example.organisation_id.in_(select(Organisation.id).where(
            Organisation.slug.in_(values)))
    if name == "municipality":
        return Example.municipality.in_(values)
    return Example.year.in_([int(v) for v in values])


def search_in_database(words: list[str], filters: dict[str, list[str]], sort: str,
                       page: int, per_page: int):
    """Published examples containing every word literally, filtered as search filters:
    what can be answered while the search index is being rebuilt."""
    query = published()
    for word in words[:10]:
        query = query.where(_like(word))
    for name, values in filters.items():
        query = query.where(facet_condition(name, values))
    order = (func.lower(Example.title),) if sort == "title" else ()
    query = query.order_by(*order, Example.published_at.desc(), Example.id.desc())
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def term_counts(kind: str) -> list[tuple[Term, int]]:
    """Active terms of a kind with their number of published examples, in taxonomy order."""
    if kind in SINGLE:
        column = SINGLE[kind]
        counted = (select(column.label("term_id"), func.count().label("n"))
                   .where(Example.status == "published").group_by(column))
    else:
        counted = (select(example_term.c.term_id, func.count().label("n"))
                   .join(Example, Example.id == example_term.c.example_id)
                   .where(Example.status == "published").group_by(example_term.c.term_id))
    counts = dict(db.session.execute(counted).all())
    terms = db.session.scalars(select(Term).where(Term.kind == kind, Term.active.is_(True))
                               .order_by(Term.position, Term.id))
    return [(term, counts.get(term.id, 0)) for term in terms]


def recent(limit: int = 6) -> list[Example]:
    """The most recently published examples."""
    query = published().order_by(Example.published_at.desc(), Example.id.desc()).limit(limit)
    return list(db.session.scalars(query))


def featured(limit: int = 3) -> list[Example]:
    """Published examples moderators featured, newest first."""
    query = (published().where(Example.featured.is_(True))
             .order_by(Example.published_at.desc()).limit(limit))
    return list(db.session.scalars(query))


def published_total() -> int:
    """How many examples are published."""
    return db.session.scalar(select(func.count()).select_from(published().subquery()))


def _with_counts(model, fk, also=None):
    """Rows of model that have published examples (or satisfy `also`), with their counts.

    Names typed into drafts create rows too; until an example of theirs is published,
    nobody but its author and the moderators may learn of them.
    """
    counts = (select(fk, func.count().label("n")).where(Example.status == "published")
              .group_by(fk).subquery())
    shown = counts.c.n > 0 if also is None else or_(also, counts.c.n > 0)
    return (select(model, func.coalesce(counts.c.n, 0))
            .outerjoin(counts, counts.c[fk.key] == model.id).where(shown))


def _public_organisations():
    """The partners and every organisation with a published example, with their counts."""
    return _with_counts(Organisation, Example.organisation_id, Organisation.partner.is_(True))


def organisations_with_counts() -> list[tuple[Organisation, int]]:
    """The public organisations with their published examples count, partners first."""
    query = _public_organisations().order_by(Organisation.partner.desc(),
                                             func.lower(Organisation.name))
    return [tuple(row) for row in db.session.execute(query).all()]


def _public_leerateliers():
    """The announced leerateliers and every one with a published example, with counts."""
    return _with_counts(Leeratelier, Example.leeratelier_id, Leeratelier.listed.is_(True))


def leerateliers_with_counts() -> list[tuple[Leeratelier, int]]:
    """The public leerateliers and their counts of published examples, newest first."""
    query = _public_leerateliers().order_by(
        Leeratelier.date.desc().nulls_last(), Leeratelier.name)
    return [tuple(row) for row in db.session.execute(query).all()]


def public_organisation_names() -> list[str]:
    """Names of the public organisations, for suggestions while typing."""
    rows = db.session.execute(_public_organisations().order_by(Organisation.name))
    return [organisation.name for organisation, _count in rows]


def public_organisation_labels(slugs) -> dict[str, str]:
    """Slug to name of those of these organisations that are public (a partner, or with
    a published example): one look-up by slug, not a count over every example."""
    published = select(Example.id).where(Example.organisation_id == Organisation.id,
                                         Example.status == "published").exists()
    rows = db.session.execute(select(Organisation.slug, Organisation.name).where(
        Organisation.slug.in_(list(slugs)), or_(Organisation.partner.is_(True), published)))
    return {slug: name for slug, name in rows}


def leeratelier_choices(actor) -> list[str]:
    """The leerateliers an author may link an example to: moderators any (newest first),
    others those already public."""
    if perm.can_create_leeratelier(actor):
        return list(db.session.scalars(select(Leeratelier.name)
                                       .order_by(Leeratelier.date.desc())))
    return public_leeratelier_names()


def learning_questions(names: list[str]) -> dict[str, list[str]]:
    """The learning questions of these leerateliers, by name (those that have any)."""
    rows = db.session.execute(select(Leeratelier.name, LearningQuestion.text)
                              .join(LearningQuestion.leeratelier)
                              .where(Leeratelier.name.in_(names))
                              .order_by(Leeratelier.name, LearningQuestion.position))
    questions: dict[str, list[str]] = {}
    for name, text in rows:
        questions.setdefault(name, []).append(text)
    return {name: questions[name] for name in names if name in questions}


def offered_leeratelier(actor, slug: str) -> Leeratelier | None:
    """The leeratelier with this slug if the actor may link an example to it."""
    if not slug:
        return None
    workshop = db.session.scalar(select(Leeratelier).where(Leeratelier.slug == slug))
    return workshop if workshop is not None and workshop.name in leeratelier_choices(actor) \
        else None


def public_leeratelier_names() -> list[str]:
    """Names of the public leerateliers, newest first."""
    return [workshop.name for workshop, _count in leerateliers_with_counts()]


def published_municipalities() -> list[str]:
    """The municipalities of published examples."""
    return list(db.session.scalars(select(Example.municipality).distinct()
                                   .where(Example.status == "published")
                                   .order_by(Example.municipality)))


def published_years() -> list[int]:
    """The years of published examples, newest first."""
    return list(db.session.scalars(select(Example.year).distinct()
                                   .where(Example.status == "published")
                                   .order_by(Example.year.desc())))


def public_slugs(kind: str) -> list[str]:
    """The slugs of the public organisations or leerateliers (kind `organisation` or
    `leeratelier`), for the sitemap."""
    model = Organisation if kind == "organisation" else Leeratelier
    public = _public_organisations() if model is Organisation else _public_leerateliers()
    return [row.slug for row, _count in db.session.execute(public.order_by(model.id))]


def published_pages(offset: int, limit: int) -> list[tuple]:
    """A slice of the published examples in id order, as (id, title, published_at,
    updated_at) rows: what the sitemap needs of each, without loading the examples."""
    query = (select(Example.id, Example.title, Example.published_at, Example.updated_at)
             .where(Example.status == "published").order_by(Example.id)
             .offset(offset).limit(limit))
    return [tuple(row) for row in db.session.execute(query)]


def get_public(model, slug: str):
    """A public organisation or leeratelier by slug; NotFound otherwise (also for rows
    that only drafts name)."""
    public = _public_organisations() if model is Organisation else _public_leerateliers()
    row = db.session.execute(public.where(model.slug == slug)).first()
    if row is None:
        raise NotFound()
    return row[0]


def organisation_with_examples(slug: str, page: int, per_page: int):
    """A public organisation by slug and a page of its published examples (NotFound)."""
    item = get_public(Organisation, slug)
    return item, examples_of(Example.organisation_id, item.id, page, per_page)


def renamed_organisation(slug: str) -> str:
    """The current slug of the public organisation that had this slug before (NotFound
    when none did)."""
    current = db.session.scalar(select(Organisation.slug).join(
        OldSlug, OldSlug.organisation_id == Organisation.id).where(OldSlug.slug == slug))
    if current is None:
        raise NotFound()
    get_public(Organisation, current)
    return current


def public_logo(slug: str) -> bytes:
    """The logo of a public organisation (NotFound when it has none)."""
    item = get_public(Organisation, slug)
    if not item.has_logo or item.logo is None:
        raise NotFound()
    return item.logo


def get_public_leeratelier(slug: str) -> Leeratelier:
    """A public leeratelier by slug (NotFound otherwise)."""
    return get_public(Leeratelier, slug)


def examples_of(column, value_id: int, page: int, per_page: int):
    """One page of the published examples whose column equals value_id, newest first."""
    query = (published().where(column == value_id)
             .order_by(Example.published_at.desc(), Example.id.desc()))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)
