"""The API's JSON shapes (DESIGN.md, "Search API"): what the services answer, as the API
shows it."""
from flask import url_for

from kb.models import Example
from kb.services.records import to_record
from kb.services.search import SearchPage, index_query
from kb.taxonomy import KINDS_TABLE

RESULT_FIELDS = ("organisation", *(kind.field for kind in KINDS_TABLE), "municipality", "year")


def result_record(example: Example, hit: index_query.Hit | None = None) -> dict:
    """An example as the API shows it in results."""
    record = to_record(example)
    data = {"id": example.id, "ref": example.ref,
            "url": url_for("public.example", example_id=example.id, slug=example.slug),
            "title": example.title, "summary": example.summary}
    if hit is not None:
        data["snippet"] = str(hit.snippet)
    data.update({name: record[name] for name in RESULT_FIELDS})
    if hit is not None:
        data["score"] = hit.score
    return data


def search_answer(page: SearchPage) -> dict:
    """The search answer in the API's shape."""
    request = page.request
    return {"query": request.q, "total": page.total, "page": request.page,
            "per_page": request.per_page, "pages": page.pages,
            "suggestion": page.suggestion, "corrected_from": page.corrected_from,
            "match": page.match, "index": page.index,
            "results": [result_record(example, hit) for example, hit in page.examples],
            "facets": page.facets}


def taxonomy_answer(terms) -> dict:
    """Every active value by kind, with Dutch and English labels."""
    kinds = {kind.name: [] for kind in KINDS_TABLE}
    for term in terms:
        kinds[term.kind].append({"value": term.slug, "label_nl": term.label_nl,
                                 "label_en": term.label_en})
    return kinds
