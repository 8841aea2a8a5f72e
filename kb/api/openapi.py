"""The OpenAPI 3 description of the read API, with the taxonomy's current values: what
it accepts is exactly what it says."""
from kb.search.schema import FACETS
from kb.services.records import PRACTICAL, TEXT_LIMITS
from kb.services.search import (
    MAX_FREE_VALUE,
    MAX_PAGE,
    MAX_PER_PAGE,
    MAX_QUERY,
    SIMILAR_FIELDS,
    SORTS,
    TERM_FACETS,
)
from kb.services.taxonomy import terms_of_kind
from kb.taxonomy import KINDS_TABLE
from kb.util import MAX_ID

FILTER_HELP = {
    **{kind.name: f"{kind.english} slug" for kind in KINDS_TABLE},
    "organisation": "organisation slug",
    "municipality": "municipality name",
    "year": "year, four digits",
}

STRING_LIST = {"type": "array", "items": {"type": "string"}}
TEXT_FIELDS = ("title", "summary", "body", "impact", "evidence", *PRACTICAL, "organisation",
               "municipality")
# Text without control characters (tab, line feed and carriage return are allowed).
PLAIN_TEXT = "^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]*$"
JSON_ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
ERROR = {"description": "Bad parameters or unknown id", "content": JSON_ERROR}
RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait",
                               "schema": {"type": "integer", "minimum": 1}}}
TOO_MANY = {"description": "Too many searches from this address; wait as Retry-After says",
            "headers": RETRY_AFTER, "content": JSON_ERROR}
BUSY = {"description": "The database is briefly too busy; try again after Retry-After",
        "headers": RETRY_AFTER, "content": JSON_ERROR}


def _value_schema(name: str) -> dict:
    """What one value of a filter may be."""
    if name in TERM_FACETS:
        slugs = sorted(term.slug for term in terms_of_kind(name, active_only=False))
        return {"type": "string", "enum": slugs}
    if name == "year":
        return {"type": "string", "pattern": "^(19|20)[0-9]{2}$"}
    return {"type": "string", "maxLength": MAX_FREE_VALUE, "pattern": PLAIN_TEXT}


def _filter_parameters() -> list[dict]:
    """The repeatable filters: values OR-ed within a filter, AND-ed across filters."""
    return [{"name": name, "in": "query", "required": False, "explode": True,
             "description": f"{FILTER_HELP[name]}; repeat to OR values",
             "schema": {"type": "array", "items": _value_schema(name)}} for name in FACETS]


def _schemas() -> dict:
    """Component schemas: results, facets, examples, errors."""
    result_props = {
        "id": {"type": "integer"}, "ref": {"type": "string"}, "url": {"type": "string"},
        "title": {"type": "string"}, "summary": {"type": "string"},
        "snippet": {"type": "string", "description": "HTML with <mark> around matches"},
        "organisation": {"type": "string"},
        **{kind.field: STRING_LIST if kind.many else {"type": "string"} for kind in KINDS_TABLE},
        "municipality": {"type": "string"}, "year": {"type": "integer"},
        "score": {"type": "number", "nullable": True}}
    facet_value = {"type": "object", "properties": {
        "value": {"type": "string"}, "label": {"type": "string"},
        "count": {"type": "integer"}, "selected": {"type": "boolean"}}}
    return {
        "Result": {"type": "object", "properties": result_props},
        "FacetValue": facet_value,
        "SearchAnswer": {"type": "object", "properties": {
            "query": {"type": "string"}, "total": {"type": "integer"},
            "page": {"type": "integer"}, "per_page": {"type": "integer"},
            "pages": {"type": "integer"},
            "suggestion": {"type": "string", "nullable": True},
            "corrected_from": {"type": "string", "nullable": True,
                               "description": "the query as typed, when the answer is for "
                                              "its correction (query and suggestion)"},
            "match": {"type": "string", "enum": ["all", "most", "none"],
                      "description": "all: every concept of the query is in each result; "
                                     "most: fewer than a few had them all, so these have "
                                     "most of them (ranked by how many); none: only words "
                                     "too common to search for were typed"},
            "index": {"type": "string", "enum": ["current", "catching_up", "rebuilding"],
                      "description": "catching_up: the newest changes may not show yet; "
                                     "rebuilding: no index yet, results come from the "
                                     "database (every word literally, newest first, no "
                                     "facet counts)"},
            "results": {"type": "array", "items": {"$ref": "#/components/schemas/Result"}},
            "facets": {"type": "object", "properties": {
                name: {"type": "array", "items": {"$ref": "#/components/schemas/FacetValue"}}
                for name in FACETS}}}},
        "Example": {"type": "object", "properties": {
            **result_props, "body": {"type": "string", "description": "Markdown"},
            "impact": {"type": "string"}, "evidence": {"type": "string"},
            **{name: {"type": "string"} for name in PRACTICAL},
            "leeratelier": {"type": "string", "nullable": True},
            "learning_question": {"type": "string", "nullable": True,
                                  "description": "the leeratelier's learning question it "
                                                 "answers"},
            "links": STRING_LIST, "status": {"type": "string"},
            "published_at": {"type": "string", "format": "date-time", "nullable": True}}},
        "Record": {"type": "object", "description": "An example in the import format "
                   "(DESIGN.md): `kb import` takes an array of these back", "properties": {
                       "ref": {"type": "string", "nullable": True},
                       **{name: {"type": "string"} for name in TEXT_FIELDS},
                       **{kind.field: STRING_LIST if kind.many else
                          {"type": "string", "nullable": True} for kind in KINDS_TABLE},
                       "year": {"type": "integer"},
                       "leeratelier": {"type": "string", "nullable": True},
                       "learning_question": {"type": "string", "nullable": True},
                       "links": STRING_LIST,
                       "published_at": {"type": "string", "format": "date-time",
                                        "nullable": True,
                                        "description": "when it was published; import "
                                                       "also takes a date (YYYY-MM-DD)"}}},
        "Error": {"type": "object", "properties": {"error": {"type": "object", "properties": {
            "status": {"type": "integer"}, "message": {"type": "string"},
            "fields": {"type": "object", "additionalProperties": {"type": "string"}}}}}},
    }


def _search_operation() -> dict:
    """GET /api/v1/search."""
    parameters = [
        {"name": "q", "in": "query",
         "schema": {"type": "string", "maxLength": MAX_QUERY, "pattern": PLAIN_TEXT},
         "description": 'free text; "phrase" and -exclude work; empty lists everything'},
        *_filter_parameters(),
        {"name": "sort", "in": "query", "schema": {"type": "string", "enum": list(SORTS)}},
        {"name": "exact", "in": "query", "schema": {"type": "string", "enum": ["0", "1"]},
         "description": "1: search the words as typed; otherwise a query that finds nothing "
                        "is answered by its spelling correction (see corrected_from)"},
        {"name": "page", "in": "query",
         "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}},
        {"name": "per_page", "in": "query",
         "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE}},
        {"name": "format", "in": "query", "schema": {"type": "string", "enum": ["json", "csv"]},
         "description": "export every match (page and per_page do not apply), in the "
                        "search's order, streamed: json = an array of import records, csv = "
                        "one row per example (UTF-8 with a byte-order mark; cells a "
                        "spreadsheet would run as a formula start with a quote)"},
    ]
    return {"get": {"summary": "Search published practice examples", "operationId": "search",
                    "parameters": parameters, "responses": {
                        "200": {"description": "Results, facets and a spelling suggestion; "
                                               "with format, the export",
                                "content": {"application/json": {"schema": {"oneOf": [
                                    {"$ref": "#/components/schemas/SearchAnswer"},
                                    {"type": "array",
                                     "items": {"$ref": "#/components/schemas/Record"}}]}},
                                    "text/csv": {"schema": {"type": "string"}}}},
                        "400": ERROR, "429": TOO_MANY, "503": BUSY}}}


def _similar_operation() -> dict:
    """GET /api/v1/similar."""
    parameters = [{"name": name, "in": "query", "description": f"the {name} being written",
                   "schema": {"type": "string", "maxLength": TEXT_LIMITS[name][2],
                              "pattern": PLAIN_TEXT}} for name in SIMILAR_FIELDS]
    parameters.append({"name": "exclude", "in": "query",
                       "description": "id of the example being edited (left out)",
                       "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}})
    found = {"type": "object", "properties": {"results": {
        "type": "array", "maxItems": 5, "items": {"$ref": "#/components/schemas/Result"}}}}
    return {"get": {"summary": "Published examples like a title and summary being written",
                    "operationId": "similar", "parameters": parameters, "responses": {
                        "200": {"description": "Up to five, most alike first; none for a "
                                               "text too short to compare",
                                "content": {"application/json": {"schema": found}}},
                        "400": ERROR, "429": TOO_MANY, "503": BUSY}}}


def openapi_document() -> dict:
    """The whole description."""
    return {
        "openapi": "3.0.3",
        "info": {"title": "Praktijkbank read API", "version": "1",
                 "description": "Published practice examples of the Positive Health "
                                "alliance Zuid-Holland Noord. Read-only, no authentication."},
        "servers": [{"url": "/"}],
        "paths": {
            "/api/v1/search": _search_operation(),
            "/api/v1/examples/{id}": {"get": {
                "summary": "One published example", "operationId": "getExample",
                "parameters": [{"name": "id", "in": "path", "required": True,
                                "schema": {"type": "integer", "minimum": 1,
                                           "maximum": MAX_ID}}],
                "responses": {"200": {"description": "The example", "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Example"}}}},
                    "404": ERROR, "503": BUSY}}},
            "/api/v1/similar": _similar_operation(),
            "/api/v1/taxonomy": {"get": {
                "summary": "The active taxonomy values with Dutch and English labels",
                "operationId": "taxonomy",
                "responses": {"200": {"description": "Values by kind", "content": {
                    "application/json": {"schema": {"type": "object"}}}}}}},
        },
        "components": {"schemas": _schemas()},
    }
