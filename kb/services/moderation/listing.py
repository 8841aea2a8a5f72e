"""The moderators' list of published and archived examples, to find one and archive or
restore it: filtered by status, words in the title or organisation, and theme; paged."""
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from kb.database import db
from kb.models import Example, Organisation, Term, example_term
from kb.services import permissions as perm
from kb.services.errors import Invalid
from kb.util import parse_int

LIST_STATUSES = ("published", "archived")
PER_PAGE = 25
MAX_WORDS = 200  # characters of the free text


@dataclass
class ListFilters:
    """The list's filters, checked: status ("" for both), words, theme slug, page."""

    status: str = ""
    q: str = ""
    theme: str = ""
    page: int = 1


def _clean_status(value: str, errors: dict) -> str:
    """Published, archived, or both ("")."""
    if value and value not in LIST_STATUSES:
        errors["status"] = _("kies gepubliceerd of gearchiveerd (of laat leeg voor allebei)")
    return value


def _clean_theme(value: str, errors: dict) -> str:
    """A theme's slug (also a theme no longer in use: its examples may still be here)."""
    if value and db.session.scalar(select(Term.id).where(Term.kind == "theme",
                                                         Term.slug == value)) is None:
        errors["theme"] = _("onbekend thema '%(value)s'", value=value[:80])
    return value


def parse_filters(args) -> ListFilters:
    """The filters from a request's query string; Invalid names each bad parameter."""
    errors: dict[str, str] = {}
    words = " ".join((args.get("q") or "").split())
    if len(words) > MAX_WORDS:
        errors["q"] = _("hoogstens %(max)d tekens", max=MAX_WORDS)
    status = _clean_status(args.get("status") or "", errors)
    theme = _clean_theme(args.get("theme") or "", errors)
    page = parse_int(args.get("page") or "1", 1, 100_000)
    if page is None:
        errors["page"] = _("moet een geheel getal van 1 of meer zijn")
    filters = ListFilters(status=status, q=words, theme=theme, page=page or 1)
    if errors:
        raise Invalid(errors)
    return filters


def _query(filters: ListFilters):
    """The examples passing the filters, the most recently published first."""
    statuses = (filters.status,) if filters.status else LIST_STATUSES
    query = select(Example).where(Example.status.in_(statuses))
    for word in filters.q.split()[:10]:
        word = word.lower()
        query = query.where(or_(
            func.lower(Example.title).contains(word, autoescape=True),
            Example.organisation_id.in_(select(Organisation.id).where(
                func.lower(Organisation.name).contains(word, autoescape=True)))))
    if filters.theme:
        query = query.where(Example.id.in_(
            select(example_term.c.example_id).join(Term, Term.id == example_term.c.term_id)
            .where(Term.kind == "theme", Term.slug == filters.theme)))
    return query.order_by(Example.published_at.desc(), Example.id.desc())


def examples_to_manage(actor, filters: ListFilters):
    """One page of the published and archived examples passing the filters (a
    pagination: items, page, pages, total)."""
    perm.require(perm.can_moderate_example(actor))
    return db.paginate(_query(filters), page=filters.page, per_page=PER_PAGE,
                       error_out=False)
