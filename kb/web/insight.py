"""The level map and the alliance dashboard: where the region has examples, what they
show, and where there are none yet."""
from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from kb.services import dashboard as dashboard_service
from kb.services import insight, listings
from kb.services import search as search_service
from kb.services.errors import Invalid
from kb.services.taxonomy import terms_of_kind
from kb.web.charts import chart_of, describe, number
from kb.web.csvfile import csv_error, csv_response
from kb.web.search import facet_titles

bp = Blueprint("insight", __name__)
MAP_FILTERS = ("organisation_type", "municipality", "year")  # the pages' own filter form


def _filter_choices() -> dict[str, list[tuple[str, str]]]:
    """The values offered by the pages' filter form."""
    municipalities = listings.published_municipalities()
    return {"organisation_type": [(t.slug, t.label) for t in terms_of_kind("organisation_type")],
            "municipality": [(name, name) for name in municipalities],
            "year": [(str(year), str(year)) for year in listings.published_years()]}


def _page(template: str, compute, **context):
    """Render a filtered page: 400 naming the bad filters, else the computed figures."""
    context.update(choices=_filter_choices(), map_filters=MAP_FILTERS, titles=facet_titles())
    try:
        filters = search_service.parse_filters(request.args)
    except Invalid as exc:
        return render_template(template, errors=exc.errors, filters={}, **context), 400
    return render_template(template, errors=None, filters=filters, figures=compute(filters),
                           anything=listings.published_total() > 0, **context)


@bp.get("/kaart")
def level_map():
    """Themes by level and dimensions by setting, filtered as search is."""
    return _page("insight/map.html", insight.level_maps)


@bp.get("/inzicht")
def dashboard():
    """The alliance dashboard, filtered as search is; moderators see the queue too."""
    return _page("insight/dashboard.html",
                 lambda filters: dashboard_service.dashboard(current_user, filters),
                 chart_of=chart_of, describe=describe, number=number)


@bp.get("/inzicht.csv")
def dashboard_csv():
    """The dashboard's figures as CSV: all in long form, or one figure's table (figure=)."""
    try:
        filters = search_service.parse_filters(request.args)
    except Invalid as exc:
        return csv_error("; ".join(f"{name}: {message}" for name, message in exc.errors.items()))
    board = dashboard_service.dashboard(current_user, filters)
    key = request.args.get("figure", "")
    if not key:
        rows = ([figure.key, row.label, heading, value]
                for figure in board.figures + board.moderation for row in figure.rows
                for heading, value in zip(figure.headings[1:], row.cells, strict=True))
        return csv_response(("figure", "label", "measure", "value"), rows, "inzicht.csv")
    figure = board.figure(key)
    if figure is None:
        return csv_error(_("figure: onbekende figuur '%(key)s'", key=key[:60]))
    return csv_response(figure.headings, ([row.label, *row.cells] for row in figure.rows),
                        f"inzicht-{figure.key}.csv")
