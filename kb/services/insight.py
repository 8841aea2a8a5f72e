"""Impact made visible across the collection: the level map's grouped counts of published
examples (theme by level, dimension by setting), from the database in a few queries."""
from dataclasses import dataclass

from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased

from kb import taxonomy
from kb.database import db
from kb.models import Example, Term, example_term
from kb.services.listings import facet_condition

MAPS = (("theme", "level"), ("dimension", "setting"))  # (rows, columns) of each grid


@dataclass
class Grid:
    """Counts of published examples for every pair of a row and a column value."""

    row_kind: taxonomy.Kind
    column_kind: taxonomy.Kind
    rows: list[Term]
    columns: list[Term]
    cells: dict[tuple[int, int], int]
    row_totals: dict[int, int]
    column_totals: dict[int, int]
    total: int

    def count(self, row: Term, column: Term) -> int:
        """The examples having both values."""
        return self.cells.get((row.id, column.id), 0)

    @property
    def gaps(self) -> int:
        """How many pairs have no example yet."""
        return sum(1 for row in self.rows for column in self.columns
                   if not self.count(row, column))


def axis(kind: taxonomy.Kind, query):
    """The query joined to the kind's values, and the column holding a value's term id."""
    if not kind.many:
        return query, getattr(Example, kind.column)
    link, term = example_term.alias(), aliased(Term)
    query = (query.join(link, link.c.example_id == Example.id)
             .join(term, and_(term.id == link.c.term_id, term.kind == kind.name)))
    return query, link.c.term_id


def filtered(query, filters: dict[str, list[str]], skip=()):
    """The query limited to the examples passing search's filters (but those in skip)."""
    for name, values in filters.items():
        if name not in skip:
            query = query.where(facet_condition(name, values))
    return query


def published_count(filters: dict[str, list[str]], *axes: taxonomy.Kind):
    """A count of published examples passing the filters of all but the axes. (Joined to
    the axes' values, each row is one example with one value: no example counts twice in
    a group, so no DISTINCT is needed; filters are subqueries, not joins.)"""
    query = select(func.count(Example.id)).where(Example.status == "published")
    return filtered(query, filters, {kind.name for kind in axes})


def grouped(query, *columns) -> dict:
    """The counts of the query grouped by the columns, keyed by their values."""
    rows = db.session.execute(query.add_columns(*columns).group_by(*columns)).all()
    return {tuple(row[1:]) if len(columns) > 1 else row[1]: row[0] for row in rows}


def shown_values(kind: taxonomy.Kind, filters, counted: dict) -> list[Term]:
    """The values shown of a kind: those filtered on, else the active ones and any
    inactive one that still has examples, in taxonomy order."""
    chosen = filters.get(kind.name)
    terms = db.session.scalars(select(Term).where(Term.kind == kind.name)
                               .order_by(Term.position, Term.id))
    return [term for term in terms if (term.slug in chosen if chosen else
                                       term.active or counted.get(term.id))]


def grid(row_name: str, column_name: str, filters: dict[str, list[str]],
         total: int | None = None) -> Grid:
    """The map of two kinds: the published examples passing the other filters, counted
    per pair of values, per value, and in all (unless the total is given)."""
    rows, columns = taxonomy.BY_NAME[row_name], taxonomy.BY_NAME[column_name]
    base = published_count(filters, rows, columns)
    joined, row_id = axis(rows, base)
    joined, column_id = axis(columns, joined)
    row_only, row_alone = axis(rows, base)
    column_only, column_alone = axis(columns, base)
    row_totals, column_totals = grouped(row_only, row_alone), grouped(column_only, column_alone)
    if total is None:
        total = db.session.scalar(published_count(filters))
    return Grid(rows, columns, shown_values(rows, filters, row_totals),
                shown_values(columns, filters, column_totals),
                grouped(joined, row_id, column_id), row_totals, column_totals, total)


def level_maps(filters: dict[str, list[str]]) -> list[Grid]:
    """Both views of the map: themes by level, dimensions by setting."""
    total = db.session.scalar(published_count(filters))
    return [grid(row, column, filters, total) for row, column in MAPS]
