"""Chart geometry for server-rendered SVG: the Positive Health "spinnenweb" of an example
and the dashboard's bars and columns.
Templates draw the shapes (templates/charts.html); the numbers are computed here, so that
no chart script is needed in the browser."""
import math
from dataclasses import dataclass, field

from flask import g
from flask_babel import format_decimal
from flask_babel import gettext as _

from kb.services.taxonomy import terms_of_kind


def _point(angle: float, radius: float, centre: float) -> tuple[float, float]:
    """A point at an angle (degrees, 0 = up, clockwise) and radius from the centre."""
    rad = math.radians(angle - 90)
    return round(centre + radius * math.cos(rad), 2), round(centre + radius * math.sin(rad), 2)


def _points(points) -> str:
    """An SVG points attribute."""
    return " ".join(f"{x},{y}" for x, y in points)


@dataclass
class Wedge:
    """One dimension's sixth of the web."""

    number: int
    term: object
    touched: bool
    points: str
    label_x: float
    label_y: float


@dataclass
class SpiderWeb:
    """The six dimensions as wedges of a hexagon, the touched ones filled."""

    size: int
    wedges: list[Wedge]
    rings: list[str]

    @property
    def touched(self) -> list:
        """The terms of the dimensions the example touches, in taxonomy order."""
        return [wedge.term for wedge in self.wedges if wedge.touched]


def spider_web(dimensions: list, touched_slugs, size: int = 200) -> SpiderWeb:
    """The web of these dimension terms (taxonomy order) with the touched slugs filled."""
    touched_slugs = set(touched_slugs)
    count = max(len(dimensions), 3)
    centre, outer = size / 2, size / 2 - 2
    step = 360 / count
    wedges = []
    for number, term in enumerate(dimensions, start=1):
        start, end = (number - 1) * step, number * step
        corners = [(centre, centre), _point(start, outer, centre), _point(end, outer, centre)]
        label = _point((start + end) / 2, outer * 0.6, centre)
        wedges.append(Wedge(number, term, term.slug in touched_slugs, _points(corners),
                            *label))
    rings = [_points(_point(i * step, outer * share, centre) for i in range(count))
             for share in (1 / 3, 2 / 3, 1)]
    return SpiderWeb(size, wedges, rings)


def profile_of(example, size: int = 200) -> SpiderWeb:
    """The spider web of an example: every active dimension, and any inactive one it still
    has (the dimension terms are read once per request)."""
    if "dimension_terms" not in g:
        g.dimension_terms = terms_of_kind("dimension", active_only=False)
    touched = {term.slug for term in example.dimensions}
    shown = [term for term in g.dimension_terms if term.active or term.slug in touched]
    return spider_web(shown, touched, size)


# Dashboard charts. Their SVG has no viewBox: positions along the width are percentages
# and heights are pixels, so that a chart fills any screen and its text keeps its size.
BAR_ROW = 40  # px per bar: its label above, the bar below
BAR_SPAN = 82  # per cent of the width the longest bar takes; its number follows it
PLOT_TOP, PLOT_HEIGHT, AXIS_ROOM = 18, 160, 28  # column charts, px
MAX_AXIS_LABELS = 5
PLOT_LEFT = 10  # per cent of the width kept for the value axis's numbers


@dataclass
class Mark:
    """One bar (or column) of a chart."""

    label: str
    value: str  # the plotted number as shown
    x: float  # per cent
    y: float  # px
    width: float  # per cent
    height: float  # px


@dataclass
class Chart:
    """The geometry of one dashboard figure's chart."""

    height: int
    marks: list[Mark]
    ticks: list[tuple[float, str]] = field(default_factory=list)  # (y px, number)
    axis: list[tuple[float, str, str]] = field(default_factory=list)  # (x %, label, anchor)
    bottom: float = 0  # px: the column charts' base line


def _nice_top(largest: float, percent: bool) -> tuple[float, float]:
    """A round top for the value axis and its step (four or five steps)."""
    if percent:
        return 100, 25
    step = 10 ** math.floor(math.log10(largest / 4)) if largest >= 4 else 1
    for factor in (1, 2, 5, 10):
        if largest / (step * factor) <= 5:
            step *= factor
            break
    return step * math.ceil(largest / step), step


def number(value, unit: str = "") -> str:
    """A number as the visitor's language writes it, with its unit."""
    return format_decimal(value, format="#,##0.#") + unit


def bar_chart(figure) -> Chart:
    """Horizontal bars, one per row, each labelled above and numbered after."""
    largest = figure.largest or 1
    marks = [Mark(row.label, number(row.cells[figure.plot], figure.unit), 0,
                  i * BAR_ROW + 20, round(BAR_SPAN * (row.cells[figure.plot] or 0) / largest, 2),
                  14) for i, row in enumerate(figure.rows)]
    return Chart(len(figure.rows) * BAR_ROW + 4, marks)


def _axis_label(x: float, label: str) -> tuple[float, str, str]:
    """A label under a column, kept inside the chart: the first starts at the axis."""
    if x < PLOT_LEFT + 4:
        return PLOT_LEFT, label, "start"
    return round(x, 3), label, "end" if x > 94 else "middle"


def _axis_labels(rows) -> list[tuple[int, str]]:
    """(position, text) of the labels under a time series: the rows' own short marks when
    two or more have one (a year at each January), else the labels; at most a few."""
    marked = [(i, row.mark) for i, row in enumerate(rows) if row.mark]
    labels = marked if len(marked) >= 2 else [(i, row.label) for i, row in enumerate(rows)]
    every = math.ceil(len(labels) / MAX_AXIS_LABELS) or 1
    return labels[::every]


def column_chart(figure) -> Chart:
    """Columns in time order over a value axis with round steps, a few labels below."""
    top, step = _nice_top(figure.largest or 1, figure.unit == "%")
    slot = (100 - PLOT_LEFT) / max(len(figure.rows), 1)
    bottom = PLOT_TOP + PLOT_HEIGHT
    marks = []
    for i, row in enumerate(figure.rows):
        height = round(PLOT_HEIGHT * (row.cells[figure.plot] or 0) / top, 2)
        marks.append(Mark(row.label, number(row.cells[figure.plot], figure.unit),
                          round(PLOT_LEFT + i * slot + slot * 0.15, 3), bottom - height,
                          round(slot * 0.7, 3), height))
    tick_unit = "%" if figure.unit == "%" else ""  # words would not fit beside the axis
    ticks = [(bottom - PLOT_HEIGHT * k * step / top, number(k * step, tick_unit))
             for k in range(round(top / step) + 1)]
    axis = [_axis_label(PLOT_LEFT + i * slot + slot / 2, label)
            for i, label in _axis_labels(figure.rows)]
    return Chart(bottom + AXIS_ROOM, marks, ticks, axis, bottom)


def chart_of(figure) -> Chart:
    """The chart a figure is drawn as: columns for a time series, else bars."""
    return column_chart(figure) if figure.time else bar_chart(figure)


def describe(figure) -> str:
    """The chart's text alternative: its extremes, and where the whole table is."""
    plotted = [(row.cells[figure.plot] or 0, row.label) for row in figure.rows]
    high = max(plotted, key=lambda pair: pair[0])
    if figure.time:
        text = _("Van %(first)s tot %(last)s; het hoogst in %(high)s: %(value)s; "
                 "als laatste %(last_value)s.", first=figure.rows[0].label,
                 last=figure.rows[-1].label, high=high[1], value=number(high[0], figure.unit),
                 last_value=number(plotted[-1][0], figure.unit))
    else:
        low = min(plotted, key=lambda pair: pair[0])
        text = _("Het meest: %(high)s (%(value)s); het minst: %(low)s (%(low_value)s).",
                 high=high[1], value=number(high[0], figure.unit), low=low[1],
                 low_value=number(low[0], figure.unit))
    return text + " " + _("Alle waarden staan in de tabel bij deze grafiek.")
