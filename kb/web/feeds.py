"""Atom feeds: follow any search."""
import datetime as dt

from feedgen.feed import FeedGenerator
from flask import Blueprint, Response, request, url_for
from flask_babel import gettext as _

from kb.services import search as search_service
from kb.services.errors import Invalid
from kb.web.freshness import own_examples
from kb.web.helpers import refuse_parameters, search_limit

bp = Blueprint("feeds", __name__, url_prefix="/feeds")
FEED_SIZE = 50
EPOCH = dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)  # "updated" of an empty feed


def _feed_title(search_request) -> str:
    """A readable title naming the query and filters."""
    parts = [search_request.q] if search_request.q else []
    parts += [f"{name}: {', '.join(values)}" for name, values in search_request.filters.items()]
    return "Praktijkbank — " + ("; ".join(parts) if parts else _("nieuwe praktijkvoorbeelden"))


@bp.get("/zoeken.atom")
@search_limit()
def search_feed():
    """The newest published examples matching a search, as Atom."""
    try:
        search_request = search_service.parse_request(request.args)
    except Invalid as exc:
        refuse_parameters(exc)
    search_request.sort, search_request.page, search_request.per_page = "newest", 1, FEED_SIZE
    page = search_service.search(search_request, own_examples=own_examples())
    feed = FeedGenerator()
    feed.id(request.url)
    feed.title(_feed_title(search_request))
    feed.link(href=url_for("search.search", _external=True, **request.args.to_dict(flat=False)),
              rel="alternate")
    feed.link(href=request.url, rel="self")
    feed.language("nl")
    newest = max((e.published_at for e, _hit in page.examples), default=None)
    feed.updated(newest or EPOCH)
    for example, _hit in page.examples:
        entry = feed.add_entry(order="append")
        link = url_for("public.example", example_id=example.id, slug=example.slug,
                       _external=True)
        entry.id(link)
        entry.title(example.title)
        entry.link(href=link)
        entry.summary(example.summary)
        entry.author(name=example.organisation.name)
        entry.published(example.published_at)
        entry.updated(example.published_at)
        for term in example.themes:
            entry.category(term=term.slug, label=term.label)
    return Response(feed.atom_str(pretty=True), mimetype="application/atom+xml")
