"""Template globals and filters."""
from flask import request, url_for
from flask_babel import format_date, format_datetime, get_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from werkzeug.datastructures import MultiDict

from kb.markdown import render_markdown
from kb.services import permissions
from kb.services.accounts import link_lifetime
from kb.services.search import MAX_QUERY
from kb.taxonomy import EVIDENCE, FACT_KINDS, KINDS_TABLE
from kb.util import file_size, shorten
from kb.web.charts import profile_of

STATUS_LABELS = {  # translated when shown
    "draft": _l("concept"),
    "submitted": _l("ingediend"),
    "published": _l("gepubliceerd"),
    "changes_requested": _l("aanpassingen gevraagd"),
    "rejected": _l("afgewezen"),
    "archived": _l("gearchiveerd"),
}


def url_with(**changes) -> str:
    """The current URL with some query parameters replaced (None removes one)."""
    args = MultiDict(request.args)
    for key, value in changes.items():
        args.pop(key, None)
        if value is not None:
            args[key] = value
    return url_for(request.endpoint, **(request.view_args or {}), **args.to_dict(flat=False))


def url_without(kind: str, value: str) -> str:
    """The current URL without one selected filter value (and back to page 1)."""
    args = MultiDict(request.args)
    kept = [v for v in args.getlist(kind) if v != value]
    args.setlist(kind, kept)
    args.pop("page", None)
    return url_for(request.endpoint, **(request.view_args or {}), **args.to_dict(flat=False))


def meta_text(value, limit: int = 160) -> Markup:
    """Text for a meta tag (a description, a shared link's title): without tags, on one
    line, cut between words, and escaped here, because a {% filter %} block's output is
    not escaped again."""
    text = value.striptags() if isinstance(value, Markup) else str(value or "")
    return escape(shorten(text, limit))


def register_template_helpers(app) -> None:
    """Make the helpers available in every template."""
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["date"] = lambda value, fmt="long": format_date(value, fmt) \
        if value else ""
    app.jinja_env.filters["filesize"] = file_size  # (kb.util)
    app.jinja_env.filters["meta_text"] = meta_text
    app.jinja_env.filters["datetime"] = lambda value, fmt="d MMMM HH:mm": \
        format_datetime(value, fmt) if value else ""
    app.jinja_env.globals.update(url_with=url_with, url_without=url_without,
                                 status_labels=STATUS_LABELS, perm=permissions,
                                 taxonomy_kinds=KINDS_TABLE, evidence_kind=EVIDENCE,
                                 fact_kinds=FACT_KINDS,
                                 profile_of=profile_of, link_lifetime=link_lifetime,
                                 max_query=MAX_QUERY)  # every search box allows what search does

    @app.context_processor
    def _language():
        locale = get_locale()
        return {"current_language": locale.language if locale else "nl"}
