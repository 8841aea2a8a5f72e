"""The read API (JSON): search, one example, the taxonomy."""
from flask import Blueprint, current_app, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from kb.api import shapes
from kb.api.export import csv_export, json_export
from kb.extensions import csrf, limiter
from kb.services import search as search_service
from kb.services.errors import Invalid, NotFound
from kb.services.examples import get_example
from kb.services.records import to_record
from kb.services.taxonomy import active_terms
from kb.web.freshness import own_examples
from kb.web.helpers import search_limit

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # read-only GET endpoints


class Anonymous:
    """The API is anonymous: it shows what readers may see."""

    is_authenticated = False
    is_active = False
    id = None


def _error(status: int, message: str, fields: dict | None = None):
    """A JSON error answer."""
    body = {"error": {"status": status, "message": message}}
    if fields:
        body["error"]["fields"] = fields
    return jsonify(body), status


EXPORTS = {"json": json_export, "csv": csv_export}


def _export_format(args) -> str:
    """The export asked for ("json", "csv"), or "" for the usual answer; Invalid else."""
    chosen = args.get("format", "")
    if chosen and chosen not in EXPORTS:
        raise Invalid({"format": _("kies uit: %(choices)s", choices=", ".join(EXPORTS))})
    return chosen


@bp.get("/search")
@search_limit()
def search():
    """Search published examples (parameters and answer as in DESIGN.md); format=json or
    csv exports every match instead, in the search's order."""
    try:
        search_request = search_service.parse_request(request.args)
        export = _export_format(request.args)
    except Invalid as exc:
        return _error(400, _("Ongeldige parameters"), exc.errors)
    if export:
        examples = search_service.exported(search_request, current_user, export)
        return EXPORTS[export](examples, f"praktijkbank-zoeken.{export}")
    # As the search page: a query that finds nothing is answered by its correction
    # (corrected_from says so), unless exact=1 asks for the words as typed.
    page = search_service.search(search_request, own_examples=own_examples())
    return jsonify(shapes.search_answer(page))


@bp.get("/similar")
@limiter.limit(lambda: current_app.config["SIMILAR_LIMIT"])
def similar():
    """Up to five published examples like the title and summary being written (the
    example form asks while one types); exclude = the id of the example being edited."""
    try:
        text, exclude = search_service.parse_similar(request.args)
    except Invalid as exc:
        return _error(400, _("Ongeldige parameters"), exc.errors)
    found = search_service.similar_while_writing(text, exclude)
    return jsonify({"results": [shapes.result_record(example) for example in found]})


@bp.get("/examples/<int:example_id>")
def example(example_id: int):
    """One published example: the record fields plus id, url, status, published_at."""
    try:
        item = get_example(Anonymous(), example_id)
    except NotFound:
        return _error(404, _("Onbekend voorbeeld"))
    data = to_record(item)
    data.update(shapes.result_record(item))
    data.update(status=item.status,
                published_at=item.published_at.isoformat() if item.published_at else None)
    return jsonify(data)


@bp.get("/taxonomy")
def taxonomy():
    """Every active taxonomy value by kind, with Dutch and English labels."""
    return jsonify(shapes.taxonomy_answer(active_terms()))


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3 description of this API."""
    from kb.api.openapi import openapi_document
    return jsonify(openapi_document())
