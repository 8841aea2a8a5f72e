"""The level map: where the region has examples, and where it has none yet."""
from flask import Blueprint, render_template, request

from kb.services import insight, listings
from kb.services import search as search_service
from kb.services.errors import Invalid
from kb.services.taxonomy import terms_of_kind
from kb.web.search import facet_titles

bp = Blueprint("insight", __name__)
MAP_FILTERS = ("organisation_type", "municipality", "year")  # the map's own filter form


def _filter_choices() -> dict[str, list[tuple[str, str]]]:
    """The values offered by the map's filter form."""
    municipalities = listings.published_municipalities()
    return {"organisation_type": [(t.slug, t.label) for t in terms_of_kind("organisation_type")],
            "municipality": [(name, name) for name in municipalities],
            "year": [(str(year), str(year)) for year in listings.published_years()]}


@bp.get("/kaart")
def level_map():
    """Themes by level and dimensions by setting, filtered as search is."""
    try:
        filters = search_service.parse_filters(request.args)
    except Invalid as exc:
        return render_template("insight/map.html", grids=None, errors=exc.errors, filters={},
                               choices=_filter_choices(), map_filters=MAP_FILTERS,
                               titles=facet_titles()), 400
    return render_template("insight/map.html", grids=insight.level_maps(filters), errors=None,
                           filters=filters, choices=_filter_choices(), map_filters=MAP_FILTERS,
                           titles=facet_titles(), anything=listings.published_total() > 0)
