"""Following the collection: examples a member keeps ("bewaren"), and saved searches
whose new matches are mailed as a daily or weekly digest (`kb digest`). A digest never
sends an example twice for one saved search; a signed link stops one without logging in."""
import datetime as dt
import logging
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

from flask import current_app, url_for
from flask_babel import gettext as _
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import delete, func, select
from werkzeug.datastructures import MultiDict

from kb.database import db
from kb.models import Bookmark, DigestItem, Example, SavedSearch, Term, User
from kb.search import query as index_query
from kb.search.schema import FACETS
from kb.services import mailer
from kb.services import permissions as perm
from kb.services import search as search_service
from kb.services.errors import Invalid, NotFound
from kb.services.examples import get_example
from kb.services.transactions import unit_of_work
from kb.util import utcnow

log = logging.getLogger(__name__)
FREQUENCIES = {"daily": dt.timedelta(days=1), "weekly": dt.timedelta(days=7)}
KEPT_PARAMETERS = ("q", *FACETS, "exact")  # what a saved search keeps of a search URL
MAX_SAVED_SEARCHES = 20
MAX_QUERY_STRING = 2000
DIGEST_LIMIT = 20  # examples listed in one mail; the rest follow in the next
UNSUBSCRIBE_SALT = "saved-search-stop"


# -- bookmarks ------------------------------------------------------------------------------

@unit_of_work
def save_example(actor, example_id: int) -> Example:
    """Keep a published example on the member's own page (once)."""
    example = get_example(actor, example_id)
    perm.require(perm.can_save_example(actor, example))
    if db.session.get(Bookmark, (actor.id, example.id)) is None:
        db.session.add(Bookmark(user_id=actor.id, example_id=example.id))
    return example


@unit_of_work
def unsave_example(actor, example_id: int) -> None:
    """Take an example off the member's own page (nothing when it was not there)."""
    perm.require(perm.can_unsave_example(actor))
    db.session.execute(delete(Bookmark).where(Bookmark.user_id == actor.id,
                                              Bookmark.example_id == example_id))


def is_saved(actor, example_id: int) -> bool:
    """Whether the member keeps this example."""
    return bool(getattr(actor, "id", None)) and \
        db.session.get(Bookmark, (actor.id, example_id)) is not None


def saved_examples(actor) -> list[Example]:
    """The published examples the member keeps, most recently kept first."""
    return list(db.session.scalars(
        select(Example).join(Bookmark, Bookmark.example_id == Example.id)
        .where(Bookmark.user_id == actor.id, Example.status == "published")
        .order_by(Bookmark.created_at.desc())))


# -- saved searches -------------------------------------------------------------------------

def canonical_query(query_string: str) -> str:
    """The search parameters of a URL's query string, validated as search validates them,
    in a stable order (page, sort and the like left out); Invalid names `query`."""
    if len(query_string) > MAX_QUERY_STRING:
        raise Invalid({"query": _("hoogstens %(max)d tekens", max=MAX_QUERY_STRING)})
    pairs = [(k, v) for k, v in parse_qsl(query_string.lstrip("?"), keep_blank_values=False)
             if k in KEPT_PARAMETERS]
    try:
        search_service.parse_request(MultiDict(pairs))
    except Invalid as exc:
        problems = "; ".join(f"{name}: {message}" for name, message in exc.errors.items())
        raise Invalid({"query": problems}) from None
    order = {name: position for position, name in enumerate(KEPT_PARAMETERS)}
    return urlencode(sorted(set(pairs), key=lambda pair: (order[pair[0]], pair[1])))


@unit_of_work
def save_search(actor, query_string: str, frequency: str) -> SavedSearch:
    """Follow a search; the same search again only changes how often it is mailed."""
    perm.require(perm.can_save_search(actor))
    if frequency not in FREQUENCIES:
        raise Invalid({"frequency": _("kies uit: %(choices)s", choices=", ".join(FREQUENCIES))})
    query = canonical_query(query_string)
    saved = db.session.scalar(select(SavedSearch).where(SavedSearch.user_id == actor.id,
                                                        SavedSearch.query == query))
    if saved is None:
        mine = db.session.scalar(select(func.count(SavedSearch.id))
                                 .where(SavedSearch.user_id == actor.id))
        if mine >= MAX_SAVED_SEARCHES:
            raise Invalid({"query": _("je volgt al %(max)d zoekopdrachten; verwijder er eerst "
                                      "een", max=MAX_SAVED_SEARCHES)})
        saved = SavedSearch(user_id=actor.id, query=query)
        db.session.add(saved)
    saved.frequency = frequency
    db.session.flush()
    return saved


@unit_of_work
def delete_search(actor, saved_search_id: int) -> None:
    """Stop following one of the member's own searches (NotFound for anyone else's)."""
    perm.require(perm.can_delete_search(actor))
    saved = db.session.get(SavedSearch, saved_search_id)
    if saved is None or saved.user_id != actor.id:
        raise NotFound()
    db.session.delete(saved)


def searches_of(actor) -> list[SavedSearch]:
    """The member's saved searches, newest first."""
    return list(db.session.scalars(select(SavedSearch).where(SavedSearch.user_id == actor.id)
                                   .order_by(SavedSearch.created_at.desc(),
                                             SavedSearch.id.desc())))


def describe(saved: SavedSearch) -> str:
    """A saved search in words: its text and filter values (taxonomy values by label)."""
    pairs = parse_qsl(saved.query)
    words = " ".join(v for k, v in pairs if k == "q")
    labels = {(term.kind, term.slug): term.label for term in db.session.scalars(
        select(Term).where(Term.slug.in_([v for k, v in pairs if k in FACETS])))}
    filters = ", ".join(labels.get((k, v), v) for k, v in pairs if k in FACETS)
    parts = [f"“{words}”" if words else _("alle voorbeelden"), filters]
    return " · ".join(part for part in parts if part)


def _serializer() -> URLSafeSerializer:
    """Signs the links that stop a saved search."""
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)


def stop_token(saved: SavedSearch) -> str:
    """The signed token in a digest's "stop" link: this search of this address only."""
    return _serializer().dumps({"s": saved.id, "u": saved.user_id})


def search_for_token(token: str) -> SavedSearch:
    """The saved search a stop link names (NotFound for a bad or spent token)."""
    try:
        data = _serializer().loads(token)
    except BadData:
        raise NotFound() from None
    saved = db.session.get(SavedSearch, data.get("s")) if isinstance(data, dict) else None
    if saved is None or saved.user_id != data.get("u"):
        raise NotFound()
    return saved


@unit_of_work
def stop_by_token(token: str) -> None:
    """Stop the saved search of a signed link (no login needed: the token is the proof)."""
    db.session.delete(search_for_token(token))


# -- digests --------------------------------------------------------------------------------

@dataclass
class DigestReport:
    """What one `kb digest` run did."""

    due: int = 0
    mailed: int = 0
    examples: int = 0


def _due(now: dt.datetime) -> list[SavedSearch]:
    """Saved searches of active accounts whose period has passed since the last digest
    (or since they were saved)."""
    rows = db.session.scalars(select(SavedSearch).join(SavedSearch.user)
                              .where(User.active.is_(True)).order_by(SavedSearch.id))
    return [saved for saved in rows
            if now - (saved.last_sent_at or saved.created_at) >= FREQUENCIES[saved.frequency]]


def _new_matches(saved: SavedSearch) -> list[Example]:
    """Published examples the search finds that were published since it was saved and
    that no digest of it has sent yet, newest first (at most DIGEST_LIMIT)."""
    request = search_service.parse_request(MultiDict(parse_qsl(saved.query)))
    request.sort = "newest"
    try:
        ids = index_query.all_ids(request)
    except index_query.IndexUnavailable:
        return []  # the next run finds them: nothing is marked sent
    sent = set(db.session.scalars(select(DigestItem.example_id)
                                  .where(DigestItem.saved_search_id == saved.id)))
    fresh = [i for i in ids if i not in sent]
    rows = {e.id: e for e in db.session.scalars(select(Example).where(
        Example.id.in_(fresh), Example.status == "published",
        Example.published_at >= saved.created_at))}
    return [rows[i] for i in fresh if i in rows][:DIGEST_LIMIT]


def _digest_text(saved: SavedSearch, examples: list[Example]) -> str:
    """The digest's body: the examples with their links, and how to stop it."""
    lines = [_("Nieuwe praktijkvoorbeelden voor je zoekopdracht %(search)s:",
               search=describe(saved)), ""]
    for example in examples:
        lines += [f"- {example.title}", "  " + url_for(
            "public.example", example_id=example.id, slug=example.slug, _external=True)]
    lines += ["", _("Alle resultaten: %(url)s", url=url_for("search.search", _external=True)
                    + "?" + saved.query),
              _("Geen mail meer voor deze zoekopdracht: %(url)s", url=url_for(
                  "following.stop", token=stop_token(saved), _external=True))]
    return "\n".join(lines)


@unit_of_work
def _send_one(saved: SavedSearch, now: dt.datetime) -> int:
    """Mail one saved search's news (if any) and mark it sent, in one transaction."""
    examples = _new_matches(saved)
    if examples:
        mailer.send_later(saved.user.email, _("Nieuw in Praktijkbank: %(search)s",
                                              search=describe(saved)[:80]),
                          _digest_text(saved, examples), "a saved-search digest")
        db.session.add_all(DigestItem(saved_search_id=saved.id, example_id=e.id, sent_at=now)
                           for e in examples)
    saved.last_sent_at = now
    return len(examples)


def send_digests(now: dt.datetime | None = None) -> DigestReport:
    """Send every due digest; run it from cron or a timer (running it twice sends
    nothing twice)."""
    now = now or utcnow()
    report = DigestReport()
    for saved in _due(now):
        report.due += 1
        sent = _send_one(saved, now)
        report.mailed += bool(sent)
        report.examples += sent
    mailer.drain()
    return report
