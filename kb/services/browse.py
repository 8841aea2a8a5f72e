"""Read side for pages: published examples listed, filtered and counted from the database."""
from dataclasses import dataclass, field

from sqlalchemy import func, select

from kb.extensions import db
from kb.models import Example, Leeratelier, Organisation, Term, example_term
from kb.services.errors import Invalid, NotFound

SINGLE = {"organisation_type": Example.organisation_type_id, "level": Example.level_id,
          "setting": Example.setting_id}
MULTI = ("dimension", "theme", "target_group")
FILTERS = ("dimension", "theme", "organisation_type", "level", "setting", "target_group")


MAX_QUERY = 200


@dataclass
class BrowseFilters:
    """Validated filters of the browse list: words and taxonomy slugs per kind."""

    terms: dict[str, list[Term]] = field(default_factory=dict)
    words: list[str] = field(default_factory=list)

    def active(self) -> list[tuple[str, Term]]:
        """(kind, term) for every selected value."""
        return [(kind, term) for kind, terms in self.terms.items() for term in terms]


def published():
    """A select of the published examples."""
    return select(Example).where(Example.status == "published")


def parse_filters(args) -> BrowseFilters:
    """Read repeated taxonomy parameters; Invalid names an unknown value."""
    filters = BrowseFilters(words=args.get("q", "")[:MAX_QUERY].split()[:10])
    for kind in FILTERS:
        slugs = [s for s in args.getlist(kind) if s]
        if not slugs:
            continue
        terms = list(db.session.scalars(select(Term).where(Term.kind == kind,
                                                           Term.slug.in_(slugs))))
        unknown = set(slugs) - {t.slug for t in terms}
        if unknown:
            raise Invalid({kind: sorted(unknown)[0][:60]})
        filters.terms[kind] = terms
    return filters


def filtered(filters: BrowseFilters):
    """Published examples matching the filters: OR within a kind, AND across kinds."""
    query = published()
    for word in filters.words:
        pattern = "%" + word.lower().replace("\\", "").replace("%", "").replace("_", "") + "%"
        query = query.where(func.lower(Example.title + " " + Example.summary + " "
                                       + Example.body).like(pattern))
    for kind, terms in filters.terms.items():
        ids = [t.id for t in terms]
        if kind in SINGLE:
            query = query.where(SINGLE[kind].in_(ids))
        else:
            query = query.where(Example.id.in_(
                select(example_term.c.example_id).where(example_term.c.term_id.in_(ids))))
    return query


def browse(filters: BrowseFilters, page: int, per_page: int):
    """One page of filtered published examples, newest first."""
    query = filtered(filters).order_by(Example.published_at.desc(), Example.id.desc())
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


def _with_counts(model, fk):
    """Rows of model with their number of published examples, by name."""
    counts = (select(fk, func.count().label("n")).where(Example.status == "published")
              .group_by(fk).subquery())
    query = (select(model, func.coalesce(counts.c.n, 0))
             .outerjoin(counts, counts.c[fk.key] == model.id))
    return query


def organisations_with_counts() -> list[tuple[Organisation, int]]:
    """Every organisation with its published examples count, partners first."""
    query = _with_counts(Organisation, Example.organisation_id).order_by(
        Organisation.partner.desc(), func.lower(Organisation.name))
    return [tuple(row) for row in db.session.execute(query).all()]


def leerateliers_with_counts() -> list[tuple[Leeratelier, int]]:
    """Every leeratelier with its published examples count, newest first."""
    query = _with_counts(Leeratelier, Example.leeratelier_id).order_by(
        Leeratelier.date.desc().nulls_last(), Leeratelier.name)
    return [tuple(row) for row in db.session.execute(query).all()]


def get_by_slug(model, slug: str):
    """An organisation or leeratelier by slug; NotFound otherwise."""
    row = db.session.scalar(select(model).where(model.slug == slug))
    if row is None:
        raise NotFound()
    return row


def examples_of(column, value_id: int, page: int, per_page: int):
    """One page of the published examples whose column equals value_id, newest first."""
    query = (published().where(column == value_id)
             .order_by(Example.published_at.desc(), Example.id.desc()))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)
