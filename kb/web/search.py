"""The search page: free text, facets, sorting and pages, all in the URL."""
from flask import Blueprint, render_template, request

from kb.services import search as search_service
from kb.services.errors import Invalid
from kb.web.freshness import own_examples
from kb.web.helpers import search_limit

bp = Blueprint("search", __name__)

FACET_ORDER = ("dimension", "theme", "organisation_type", "level", "setting", "target_group",
               "organisation", "municipality", "year")


@bp.get("/zoeken")
@search_limit()
def search():
    """Search published examples; bad parameters get a friendly explanation."""
    try:
        search_request = search_service.parse_request(request.args)
    except Invalid as exc:
        return render_template("search/search.html", result=None, errors=exc.errors,
                               facet_order=FACET_ORDER), 400
    result = search_service.search(search_request, own_examples=own_examples())
    return render_template("search/search.html", result=result, errors=None,
                           facet_order=FACET_ORDER)
