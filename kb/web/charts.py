"""Chart geometry for server-rendered SVG: the Positive Health "spinnenweb" of an example.
Templates draw the shapes (templates/charts.html); the numbers are computed here, so that
no chart script is needed in the browser."""
import math
from dataclasses import dataclass

from flask import g

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
