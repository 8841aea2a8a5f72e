"""The alliance dashboard: what the collection holds over time and by taxonomy, which
partners contributed, how often impact was made visible, and for moderators how the queue
moves. Every figure is a few grouped queries; no example is loaded."""
import datetime as dt
import statistics
from dataclasses import dataclass, field

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import Integer, and_, case, cast, extract, func, or_, select

from kb import taxonomy
from kb.database import db
from kb.models import Adoption, Decision, Example, Organisation, Term, example_term
from kb.services import permissions as perm
from kb.services.insight import axis, filtered, grouped, published_count, shown_values

KINDS = ("dimension", "theme", "level", "setting", "organisation_type", "evidence_type")
DECIDED = ("publish", "changes", "reject")  # a moderator's answer to a submission
LEFT_QUEUE = (*DECIDED, "withdraw")  # a submission stops waiting


@dataclass
class Row:
    """One line of a figure's table (and one bar of its chart)."""

    label: str
    cells: tuple  # the numbers, in the order of the figure's headings after the first
    search: dict | None = None  # the search parameters of the examples it counts
    mark: str = ""  # a time series' label on the chart's axis, when shorter than label


@dataclass
class Figure:
    """One chart of the dashboard with the table behind it."""

    key: str  # its anchor and its CSV's name
    title: str
    headings: tuple[str, ...]  # the table's column headings, the label's first
    rows: list[Row]
    plot: int = 0  # the cell the chart draws
    time: bool = False  # a time series (columns, oldest first), else bars
    unit: str = ""  # after the plotted number: "%" or a word
    note: str = ""

    @property
    def largest(self) -> float:
        """The largest plotted value (0 without rows)."""
        return max((row.cells[self.plot] or 0 for row in self.rows), default=0)

    @property
    def empty(self) -> bool:
        """Nothing to draw: no rows, or every plotted value zero."""
        return not self.largest


@dataclass
class Dashboard:
    """The figures of the page, and its headline numbers."""

    total: int
    partners: tuple[int, int]  # (contributed, partners in all)
    visible_share: int | None  # per cent of the examples whose impact was made visible
    adoptions: int = 0  # times another organisation applied one of the examples
    figures: list[Figure] = field(default_factory=list)
    moderation: list[Figure] = field(default_factory=list)
    queue_now: int | None = None
    decision_days: tuple[float, float] | None = None  # (median, 90th percentile)

    def figure(self, key: str) -> Figure | None:
        """The figure with this key, public or for moderators."""
        return next((f for f in self.figures + self.moderation if f.key == key), None)


def made_visible():
    """SQL of Example.impact_made_visible: an evidence type other than "not yet", or, without
    any evidence type, a description of how in words. (Uncorrelated subqueries: each is
    read once, not once per example.)"""
    typed = (select(example_term.c.example_id).join(Term, Term.id == example_term.c.term_id)
             .where(Term.kind == taxonomy.EVIDENCE.name))
    shown = typed.where(Term.slug != taxonomy.NOT_YET_VISIBLE)
    return or_(Example.id.in_(shown),
               and_(Example.id.not_in(typed), func.trim(Example.evidence) != ""))


def _share(part: int, whole: int) -> int:
    """A whole per cent (0 of nothing)."""
    return round(100 * part / whole) if whole else 0


def _month_label(year: int, month: int) -> str:
    """A month as the visitor's language writes it briefly: "mrt 2024"."""
    return format_date(dt.date(year, month, 1), "MMM yyyy")


def _year_mark(year: int, month: int) -> str:
    """On a chart of months, January carries its year and the other months nothing."""
    return str(year) if month == 1 else ""


def _months(first: tuple[int, int], last: tuple[int, int]) -> list[tuple[int, int]]:
    """Every (year, month) from first to last, both included."""
    months, (year, month) = [], first
    while (year, month) <= last:
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _by_year(filters) -> dict[int, tuple[int, int]]:
    """Per year of publication: (published, of which impact made visible)."""
    year = cast(extract("year", Example.published_at), Integer)
    query = filtered(select(year, func.count(Example.id),
                             func.sum(case((made_visible(), 1), else_=0)))
                      .where(Example.status == "published"), filters).group_by(year)
    return {int(y): (n, int(v or 0)) for y, n, v in db.session.execute(query)}


def _per_month(column, where, filters) -> dict[tuple[int, int], int]:
    """Counts per (year, month) of a date column of examples or of their decisions, of the
    rows passing where and whose example passes the filters."""
    year, month = (cast(extract("year", column), Integer),
                   cast(extract("month", column), Integer))
    query = select(year, month, func.count()).where(*where)
    if column.class_ is Decision:
        query = query.select_from(Decision).join(Decision.example)
    query = filtered(query, filters).group_by(year, month)
    return {(int(y), int(m)): n for y, m, n in db.session.execute(query)}


def _year_figures(years: dict[int, tuple[int, int]]) -> list[Figure]:
    """Published per year, and the share made visible per year."""
    ordered = sorted(years)
    per_year = Figure("per_year", _("Gepubliceerd per jaar"), (_("Jaar"), _("Voorbeelden")),
                      [Row(str(y), (years[y][0],)) for y in ordered], time=True)
    visible = Figure(
        "made_visible", _("Impact zichtbaar gemaakt, per jaar"),
        (_("Jaar"), _("Gepubliceerd"), _("Impact zichtbaar gemaakt"), _("Aandeel (%)")),
        [Row(str(y), (years[y][0], years[y][1], _share(years[y][1], years[y][0])))
         for y in ordered], plot=2, time=True, unit="%",
        note=_("Zichtbaar gemaakt: met een vorm van zichtbaar maken anders dan ‘nog niet’, "
               "of bij oudere voorbeelden met een beschrijving hoe."))
    return [per_year, visible]


def _month_figure(key: str, title: str, heading: str, counts: dict, note: str = "") -> Figure:
    """A count per month, every month from the first to the last shown (zeros included)."""
    months = _months(min(counts), max(counts)) if counts else []
    return Figure(key, title, (_("Maand"), heading),
                  [Row(_month_label(*m), (counts.get(m, 0),), mark=_year_mark(*m))
                   for m in months],
                  time=True, note=note)


def _kind_figure(name: str, filters, total: int) -> Figure:
    """Published examples per value of a kind, with the share of all."""
    kind = taxonomy.BY_NAME[name]
    query, column = axis(kind, published_count(filters, kind))
    counts = grouped(query, column)
    rows = [Row(term.label, (counts.get(term.id, 0), _share(counts.get(term.id, 0), total)),
                {name: term.slug}) for term in shown_values(kind, filters, counts)]
    note = _("Een voorbeeld kan bij meer dan één waarde horen.") if kind.many else ""
    return Figure(name, str(kind.plural if kind.many else kind.label),
                  (str(kind.label), _("Voorbeelden"), _("Aandeel (%)")), rows, note=note)


def _partner_figure(filters) -> Figure:
    """Every partner organisation with its number of published examples."""
    counted = filtered(select(Example.organisation_id, func.count(Example.id))
                        .where(Example.status == "published"), filters)
    counts = dict(db.session.execute(counted.group_by(Example.organisation_id)).all())
    partners = db.session.scalars(select(Organisation).where(Organisation.partner.is_(True))
                                  .order_by(func.lower(Organisation.name)))
    rows = [Row(org.name, (counts.get(org.id, 0),), {"organisation": org.slug})
            for org in partners]
    rows.sort(key=lambda row: -row.cells[0])
    return Figure("partners", _("Bijdragen per partner"), (_("Partner"), _("Voorbeelden")),
                  rows, note=_("Alle partners van de alliantie, ook wie nog niets deelde."))


def _decision_days(filters) -> list[tuple[int, float]]:
    """(year, days) from each submission to a moderator's decision on it."""
    submit = Decision.__table__.alias("submitted")
    since = (select(func.max(submit.c.created_at))
             .where(submit.c.example_id == Decision.example_id, submit.c.action == "submit",
                    submit.c.created_at <= Decision.created_at)
             .scalar_subquery())
    query = filtered(select(Decision.created_at, since).join(Example)
                      .where(Decision.action.in_(DECIDED), Decision.on_edit.is_(False),
                             Decision.actor_id.is_not(None)), filters)
    return [(decided.year, (decided - submitted).total_seconds() / 86400)
            for decided, submitted in db.session.execute(query) if submitted is not None]


def _quantiles(days: list[float]) -> tuple[float, float]:
    """Median and 90th percentile, in days to one decimal."""
    if len(days) == 1:
        return round(days[0], 1), round(days[0], 1)
    return (round(statistics.median(days), 1),
            round(statistics.quantiles(days, n=10, method="inclusive")[-1], 1))


def _decision_figure(pairs: list[tuple[int, float]]) -> Figure:
    """The time to a decision per year of the decision: count, median, 90th percentile."""
    years = sorted({year for year, _days in pairs})
    rows = []
    for year in years:
        days = [d for y, d in pairs if y == year]
        rows.append(Row(str(year), (len(days), *_quantiles(days))))
    return Figure("decision_time", _("Tijd van inzending tot besluit, per jaar"),
                  (_("Jaar"), _("Besluiten"), _("Mediaan (dagen)"),
                   _("90e percentiel (dagen)")), rows, plot=1, time=True,
                  unit=" " + _("dagen"),
                  note=_("Nieuwe voorbeelden; besluiten door de import niet meegeteld."))


def _queue_figure(came: dict, filters) -> tuple[Figure, int]:
    """New submissions waiting at the end of each month (came: submissions per month), and
    how many wait now."""
    mine = Decision.on_edit.is_(False)
    left = _per_month(Decision.created_at, (Decision.action.in_(LEFT_QUEUE), mine), filters)
    months = _months(min(came), max(*came, _this_month())) if came else []
    rows, waiting = [], 0
    for month in months:
        waiting += came.get(month, 0) - left.get(month, 0)
        rows.append(Row(_month_label(*month), (waiting,), mark=_year_mark(*month)))
    return Figure("queue", _("Wachtrij aan het eind van elke maand"),
                  (_("Maand"), _("Inzendingen die wachten")), rows, time=True,
                  note=_("Nieuwe voorbeelden die op een besluit wachten; bewerkingen en "
                         "meldingen staan in de moderatie.")), waiting


def _this_month() -> tuple[int, int]:
    """The current (year, month), in UTC like the stored times."""
    today = dt.datetime.now(dt.timezone.utc)
    return today.year, today.month


def _moderation(dashboard: Dashboard, filters) -> None:
    """The moderators' figures: submissions, time to a decision, the queue."""
    submitted = _per_month(Decision.created_at, (Decision.action == "submit",
                                                 Decision.on_edit.is_(False)), filters)
    pairs = _decision_days(filters)
    queue, dashboard.queue_now = _queue_figure(submitted, filters)
    if pairs:
        dashboard.decision_days = _quantiles([days for _year, days in pairs])
    dashboard.moderation = [
        _month_figure("submissions", _("Inzendingen per maand"), _("Inzendingen"), submitted,
                      _("Nieuwe voorbeelden die ter beoordeling werden ingediend.")),
        _decision_figure(pairs), queue]


def dashboard(actor, filters: dict[str, list[str]]) -> Dashboard:
    """The dashboard of the published examples passing search's filters; moderators get
    the moderation figures too."""
    total = db.session.scalar(published_count(filters))
    years = _by_year(filters)
    published = _per_month(Example.published_at, (Example.status == "published",), filters)
    partners = _partner_figure(filters)
    visible = sum(v for _n, v in years.values())
    board = Dashboard(
        total=total,
        partners=(sum(1 for row in partners.rows if row.cells[0]), len(partners.rows)),
        visible_share=_share(visible, total) if total else None,
        adoptions=db.session.scalar(filtered(
            select(func.count(Adoption.id)).join(Adoption.example)
            .where(Example.status == "published"), filters)))
    board.figures = [*_year_figures(years)[:1],
                     _month_figure("per_month", _("Gepubliceerd per maand"), _("Voorbeelden"),
                                   published),
                     *[_kind_figure(name, filters, total) for name in KINDS], partners,
                     *_year_figures(years)[1:]]
    if perm.can_moderate_example(actor):
        _moderation(board, filters)
    return board
