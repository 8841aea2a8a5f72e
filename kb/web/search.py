"""The search page: free text, facets, sorting and pages, all in the URL."""
from flask import Blueprint, render_template, request
from flask_babel import gettext as _

from kb.services import search as search_service
from kb.services.attachments import first_images
from kb.services.errors import Invalid
from kb.taxonomy import kind_titles
from kb.web.freshness import own_examples
from kb.web.helpers import search_limit

bp = Blueprint("search", __name__)

FACET_ORDER = search_service.FACETS


def facet_titles() -> dict[str, str]:
    """Each facet's title in the visitor's language."""
    return {**kind_titles(), "organisation": _("Organisatie"), "municipality": _("Gemeente"),
            "year": _("Jaar")}


def parameter_labels() -> dict[str, str]:
    """What the page calls each search parameter, for explaining a bad one: the search
    box, the sorting and the filters by the names the page shows them under."""
    return {"q": _("Zoekwoorden"), "page": _("Pagina"), "per_page": _("Resultaten per pagina"),
            "sort": _("Sorteren op"), "exact": _("Precies zoeken"), **facet_titles()}


def _explained(errors: dict[str, str]) -> dict[str, str]:
    """The problems in the page's words: the sort order by the names the page offers."""
    if "sort" in errors:
        errors = {**errors, "sort": _("kies uit: %(choices)s", choices=", ".join(
            [_("relevantie"), _("nieuwste"), _("titel")]))}
    return errors


@bp.get("/zoeken")
@search_limit()
def search():
    """Search published examples; bad parameters get a friendly explanation, with the
    search box again as it was filled in."""
    try:
        search_request = search_service.parse_request(request.args)
    except Invalid as exc:
        return render_template("search/search.html", result=None, errors=_explained(exc.errors),
                               labels=parameter_labels(), facet_order=FACET_ORDER,
                               facet_titles=facet_titles()), 400
    result = search_service.search(search_request, own_examples=own_examples())
    thumbnails = first_images([example.id for example, _hit in result.examples])
    # A page past the last one does not exist (the page says so and links to the last).
    past_the_end = result.total and search_request.page > result.pages
    return render_template("search/search.html", result=result, errors=None,
                           facet_order=FACET_ORDER, facet_titles=facet_titles(),
                           thumbnails=thumbnails), 404 if past_the_end else 200
