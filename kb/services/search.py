"""Searching published examples: parameters validated, the index asked, answers labelled."""
import re
from dataclasses import dataclass, replace

from flask import current_app
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select

from kb import taxonomy
from kb.database import db
from kb.models import Example, Term
from kb.search import query as index_query
from kb.search.concepts import typed_words
from kb.search.schema import FACETS
from kb.services import audit
from kb.services.errors import Invalid
from kb.services.listings import public_organisation_labels, search_in_database
from kb.services.records import TEXT_LIMITS
from kb.util import MAX_ID, parse_int

SORTS = ("relevance", "newest", "title")
TERM_FACETS = taxonomy.KINDS
MAX_QUERY = 1000
MAX_PER_PAGE = 100
MAX_PAGE = 10_000
MAX_FREE_VALUE = 200
MAX_EXPORT = 100_000  # examples in one export while the index is rebuilt
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
SIMILAR_FIELDS = ("title", "summary")  # what "lijkt op" compares while one writes
SIMILAR_COUNT = 5


def _int_param(args, name: str, default: int, low: int, high: int, errors: dict) -> int:
    """A whole-number parameter within bounds; the problem goes into errors."""
    raw = args.get(name)
    if raw is None or raw == "":
        return default
    number = parse_int(raw, low, high)
    if number is None:
        errors[name] = _("moet een geheel getal van %(min)d tot %(max)d zijn", min=low, max=high)
        return default
    return number


def _known_values(name: str) -> set[str]:
    """The slugs a taxonomy filter accepts (the taxonomy is public)."""
    return set(db.session.scalars(select(Term.slug).where(Term.kind == name)))


def _merged_slugs(name: str) -> dict[str, str]:
    """The slugs of a taxonomy's merged terms, each with the slug its examples now carry
    (through a chain of merges), so that old links still find them."""
    terms = {term.id: term for term in db.session.scalars(select(Term).where(Term.kind == name))}
    aliases = {}
    for term in terms.values():
        target, seen = term, {term.id}
        while target.merged_into_id in terms and target.merged_into_id not in seen:
            target = terms[target.merged_into_id]
            seen.add(target.id)
        if target is not term:
            aliases[term.slug] = target.slug
    return aliases


def _filter_values(args, name: str, errors: dict) -> list[str]:
    """The validated values of one repeatable filter (a merged term's as the one it went
    into)."""
    values = list(dict.fromkeys(v for v in args.getlist(name) if v != ""))
    if not values:
        return []
    if name in TERM_FACETS:
        aliases = _merged_slugs(name)
        values = list(dict.fromkeys(aliases.get(v, v) for v in values))
    if name == "year":
        bad = [v for v in values if not re.fullmatch(r"(19|20)[0-9][0-9]", v)]
    elif name in TERM_FACETS:
        known = _known_values(name)
        bad = [v for v in values if v not in known]
    else:
        # Organisations and municipalities: any value, so that the answer (no results)
        # does not tell whether an unpublished example names it.
        if any(len(v) > MAX_FREE_VALUE for v in values):
            errors[name] = _("hoogstens %(max)d tekens", max=MAX_FREE_VALUE)
        bad = []
    if bad:
        errors[name] = _("onbekende waarde '%(value)s'", value=bad[0][:60])
    return values


def parse_filters(args) -> dict[str, list[str]]:
    """The validated filter parameters alone (as the search takes them); Invalid names each
    bad one. The level map takes these."""
    errors: dict[str, str] = {}
    filters = {name: _filter_values(args, name, errors) for name in FACETS}
    if errors:
        raise Invalid(errors)
    return {name: values for name, values in filters.items() if values}


def parse_request(args) -> index_query.SearchRequest:
    """Validate search parameters (as in the API contract); Invalid names each bad one."""
    errors: dict[str, str] = {}
    q = CONTROL.sub(" ", args.get("q", "")).strip()
    if len(q) > MAX_QUERY:
        errors["q"] = _("hoogstens %(max)d tekens", max=MAX_QUERY)
    sort = args.get("sort") or "relevance"
    if sort not in SORTS:
        errors["sort"] = _("kies uit: %(choices)s", choices=", ".join(SORTS))
    if args.get("exact", "") not in ("", "0", "1"):
        errors["exact"] = _("kies uit: 0, 1")
    request = index_query.SearchRequest(
        q=q, sort=sort,
        page=_int_param(args, "page", 1, 1, MAX_PAGE, errors),
        per_page=_int_param(args, "per_page", 20, 1, MAX_PER_PAGE, errors),
        filters={name: _filter_values(args, name, errors) for name in FACETS},
        relax_below=current_app.config["SEARCH_RELAX_BELOW"], exact=args.get("exact") == "1")
    request.filters = {name: values for name, values in request.filters.items() if values}
    if errors:
        raise Invalid(errors)
    return request


@dataclass
class SearchPage:
    """A search answer ready for a page or the API."""

    request: index_query.SearchRequest
    total: int
    examples: list[tuple[Example, index_query.Hit]]
    facets: dict[str, list[dict]]
    suggestion: str | None
    corrected_from: str | None = None
    # "current"; "catching_up": the newest changes may not show yet; "rebuilding": no
    # index yet, the results come from the database (literal words, newest first).
    index: str = "current"
    # "all": every concept found; "most": too few had them all, these have the most;
    # "none": only words too common to search for were typed.
    match: str = "all"
    complete: int = 0  # how many of the results have every concept (they come first)

    @property
    def pages(self) -> int:
        """How many pages the results fill."""
        return max(1, -(-self.total // self.request.per_page))

    @property
    def chosen(self) -> list[tuple[str, dict]]:
        """(facet, value row) of every filter value chosen, in facet order."""
        return [(name, row) for name in FACETS for row in self.facets[name] if row["selected"]]


def _all_labels(organisations) -> dict[str, dict[str, str]]:
    """Display labels of the taxonomy's values and of these organisations: two queries."""
    labels: dict[str, dict[str, str]] = {name: {} for name in TERM_FACETS}
    for term in db.session.scalars(select(Term).where(Term.kind.in_(TERM_FACETS))):
        labels[term.kind][term.slug] = term.label
    labels["organisation"] = public_organisation_labels(organisations)
    return labels


def _facet_lists(counts: dict[str, dict[str, int]], filters) -> dict[str, list[dict]]:
    """Every value with a count, plus selected ones at zero, by count then label."""
    lists, all_labels = {}, _all_labels({*counts.get("organisation", {}),
                                         *filters.get("organisation", [])})
    for name in FACETS:
        values = dict(counts.get(name, {}))
        for selected in filters.get(name, []):
            values.setdefault(selected, 0)
        labels = all_labels.get(name, {})
        rows = [{"value": v, "label": labels.get(v, v), "count": n,
                 "selected": v in filters.get(name, [])} for v, n in values.items()]
        if name == "year":  # years read best in order, newest first
            rows.sort(key=lambda row: -int(row["value"]))
        else:
            rows.sort(key=lambda row: (-row["count"], row["label"].lower()))
        lists[name] = rows
    return lists


def _published_rows(ids: list[int]) -> dict[int, Example]:
    """The published examples among ids, by id (the index may lag a moment behind)."""
    return {e.id: e for e in db.session.scalars(select(Example).where(
        Example.id.in_(ids), Example.status == "published"))}


def _examples_for(hits: list[index_query.Hit]) -> list[tuple[Example, index_query.Hit]]:
    """The published rows behind the hits, in hit order."""
    rows = _published_rows([hit.id for hit in hits])
    return [(rows[hit.id], hit) for hit in hits if hit.id in rows]


def search(request: index_query.SearchRequest, own_examples=()) -> SearchPage:
    """Run a search; when nothing matches but a correction does, answer the correction
    (unless the request is exact). Without a usable index (being rebuilt), answer from the
    database."""
    try:
        outcome = index_query.run(request, own_examples)
        suggestion, corrected_from = outcome.suggestion, None
        incomplete = outcome.match != index_query.ALL or outcome.total == 0
        if incomplete and outcome.suggestion and not request.exact:
            # Nothing, or only part of the words, found as typed: the correction, when more
            # examples have all of its words.
            second = index_query.run(replace(request, q=outcome.suggestion))
            if second.complete > outcome.complete:
                corrected_from, outcome = request.q, second
    except index_query.IndexUnavailable:
        return _from_database(request)
    return SearchPage(request=request, total=outcome.total, examples=_examples_for(outcome.hits),
                      facets=_facet_lists(outcome.facets, request.filters),
                      suggestion=suggestion, corrected_from=corrected_from,
                      index=outcome.index, match=outcome.match, complete=outcome.complete)


def _from_database(request: index_query.SearchRequest) -> SearchPage:
    """The answer while the index is rebuilt: examples with every typed word, literally."""
    found = search_in_database(typed_words(request.q), request.filters, request.sort, request.page,
                               request.per_page)
    hits = [(example, index_query.Hit(id=example.id, score=None,
                                      snippet=Markup.escape(example.summary)))
            for example in found.items]
    return SearchPage(request=request, total=found.total, examples=hits,
                      facets=_facet_lists({}, request.filters), suggestion=None,
                      index="rebuilding")


def _listed_ids(request: index_query.SearchRequest) -> list[int]:
    """Every id the search lists for the request, in order, the correction included as
    the search page takes it; from the database while the index is rebuilt."""
    first = search(replace(request, page=1, per_page=1))
    if first.index == "rebuilding":
        found = search_in_database(typed_words(request.q), request.filters, request.sort, 1,
                                   MAX_EXPORT)
        return [example.id for example in found.items]
    query = first.suggestion if first.corrected_from is not None else request.q
    try:
        return index_query.all_ids(replace(request, q=query))
    except index_query.IndexUnavailable:
        return []


def exported(request: index_query.SearchRequest, actor=None, fmt: str = "json",
             batch: int = 200):
    """Every published example the search lists, in its order (an iterator), read a batch
    at a time so that an export of thousands does not hold them all at once; the export
    is in the audit log."""
    audit.record("export", actor, what="search", format=fmt, query=request.q[:100])
    return _exported_rows(request, batch)


def _exported_rows(request: index_query.SearchRequest, batch: int):
    """Yield the published examples a search lists, in its order, a batch at a time."""
    ids = _listed_ids(request)
    for start in range(0, len(ids), batch):
        part = ids[start:start + batch]
        rows = _published_rows(part)
        yield from (rows[i] for i in part if i in rows)
        for row in rows.values():  # what was sent is not kept in the session
            db.session.expunge(row)


def _published_in_order(ids: list[int]) -> list[Example]:
    """The published examples among ids, in the order of ids."""
    rows = _published_rows(ids)
    return [rows[i] for i in ids if i in rows]


def related_examples(example: Example, limit: int = 4) -> list[Example]:
    """Published examples like this one (more-like-this on the index)."""
    return _published_in_order(index_query.related(example.id, limit))


def parse_similar(args) -> tuple[str, int | None]:
    """The text being written (title and summary) and the id of the example being edited,
    from the similar-examples parameters; Invalid names each bad one."""
    errors: dict[str, str] = {}
    texts = []
    for name in SIMILAR_FIELDS:
        value = CONTROL.sub(" ", args.get(name, "")).strip()
        maximum = TEXT_LIMITS[name][2]
        if len(value) > maximum:
            errors[name] = _("hoogstens %(max)d tekens", max=maximum)
        texts.append(value)
    exclude = _int_param(args, "exclude", 0, 1, MAX_ID, errors)
    if errors:
        raise Invalid(errors)
    return "\n".join(texts).strip(), exclude or None


def similar_while_writing(text: str, exclude: int | None = None) -> list[Example]:
    """Up to five published examples like a text being written, so that a participant
    sees a possible duplicate before submitting; none for an empty text."""
    if not text:
        return []
    return _published_in_order(index_query.similar_to_text(text, exclude, SIMILAR_COUNT))
