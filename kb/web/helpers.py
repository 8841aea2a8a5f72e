"""Helpers shared by the blueprints."""
import json
from urllib.parse import urlsplit

from flask import Response, abort, current_app, make_response, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from kb.extensions import limiter
from kb.services.errors import Invalid
from kb.util import parse_int

MAX_PAGE = 100_000
FORM_ROOM = 64 * 1024  # an upload form's other fields beside the file


def page_arg() -> int:
    """The `page` query parameter: a whole number from 1 (empty: 1), else a 400 naming it."""
    page = parse_int(request.args.get("page") or "1", 1, MAX_PAGE)
    if page is None:
        abort(400, description=_("Pagina: %(problem)s", problem=_(
            "moet een geheel getal van %(min)d tot %(max)d zijn", min=1, max=MAX_PAGE)))
    return page


def refuse_parameters(exc: Invalid):
    """A 400 naming each query parameter a service refused, and why."""
    abort(400, description="; ".join(f"{name}: {message}" if name else message
                                     for name, message in exc.errors.items()))


def current_path() -> str:
    """This request's path with its query, without the stray "?" request.full_path ends
    in when there is none."""
    return request.full_path if request.query_string else request.path


def safe_next(target: str | None, default: str | None = None) -> str:
    """A local path to go to next; anything pointing off-site (browsers read "/\\host" as
    "//host") becomes `default`, or the home page."""
    parts = urlsplit(target or "")
    if not target or parts.scheme or parts.netloc or not target.startswith("/") \
            or target.startswith("//") or "\\" in target:
        return default or url_for("public.home")
    return target


def search_limit():
    """The per-address limit on searching (page, API and feeds share one budget), for
    anonymous visitors: search is the costliest thing a stranger can ask for."""
    return limiter.shared_limit(lambda: current_app.config["SEARCH_LIMIT"], scope="search",
                                exempt_when=lambda: current_user.is_authenticated)


def account_limit(setting: str, **options):
    """A Flask-Limiter limit (the setting's value) counted per logged-in account, not per
    client address: a leeratelier writes and sends together behind one Wi-Fi."""
    return limiter.limit(lambda: current_app.config[setting], **options,
                         key_func=lambda: f"account:{getattr(current_user, 'id', None)}")


def personal_data_file(data: dict):
    """A personal data document as a download (no-store, as every answer to a logged-in
    member is: kb.web.hardening)."""
    response = make_response(json.dumps(data, ensure_ascii=False, indent=2))
    response.mimetype = "application/json"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="praktijkbank-gegevens-{data["made_at"][:10]}.json"')
    return response


def room_for_upload(setting: str) -> None:
    """An upload may be larger than any other request: twice the setting's file limit is
    still taken in, so that the refusal can name the field and the limit; more is a 413.
    Called before the form is first read (the CSRF check reads it before the view)."""
    request.max_content_length = 2 * current_app.config[setting] + FORM_ROOM


def read_upload(sent, most: int) -> bytes:
    """Up to `most` bytes of an uploaded file, whose spooled copy is closed at once."""
    if sent is None or not getattr(sent, "filename", ""):
        return b""
    with sent.stream:
        return sent.stream.read(most)


def logo_response(logo: bytes) -> Response:
    """An organisation's logo: our own PNG re-encoding, sandboxed like every upload."""
    response = Response(logo, mimetype="image/png")
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
