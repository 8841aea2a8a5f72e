"""Error pages: friendly Dutch pages for 400, 403, 404, 405, 413, 429 and 500."""
import time

from flask import current_app, make_response, render_template, request
from flask_babel import gettext as _
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from kb.extensions import limiter
from kb.services.errors import Forbidden, NotFound
from kb.services.throttle import TooMany, wait_text
from kb.services.transactions import discard
from kb.web.helpers import current_path


def _messages() -> dict[int, tuple[str, str]]:
    """Title and explanation per status code, in the visitor's language."""
    return {
        400: (_("Ongeldig verzoek"), _("Er klopt iets niet aan het adres of het formulier.")),
        403: (_("Geen toegang"), _("Je hebt geen toestemming voor deze pagina of actie.")),
        404: (_("Pagina niet gevonden"),
              _("Deze pagina of dit praktijkvoorbeeld bestaat niet (meer).")),
        405: (_("Niet toegestaan"), _("Deze pagina werkt niet op deze manier.")),
        413: (_("Te groot"), _("Wat je verstuurde is te groot.")),
        429: (_("Even geduld"), _("Dat is te vaak geprobeerd in korte tijd. "
                                  "Wacht even en probeer het dan opnieuw.")),
        500: (_("Er ging iets mis"),
              _("Er ging aan onze kant iets mis. Probeer het later opnieuw.")),
    }


def wants_json() -> bool:
    """True for the API, and for a page's script that asks for JSON (the form's autosave)."""
    return request.path.startswith("/api/") or request.accept_mimetypes.best_match(
        ["text/html", "application/json"]) == "application/json"


def render_error(code: int, detail: str | None = None, fields: dict | None = None):
    """The error page for a status code (JSON for API paths)."""
    title, text = _messages().get(code, (str(code), ""))
    if wants_json():
        body = {"error": {"status": code, "message": detail or title}}
        if fields:
            body["error"]["fields"] = fields
        return body, code
    return render_template("errors/error.html", code=code, title=title, text=detail or text), code


def _limiter_wait() -> int:
    """Seconds until Flask-Limiter's exhausted limit for this request resets."""
    current = limiter.current_limit
    if current is None:
        return 60
    return max(1, int(current.reset_at - time.time()) + 1)


def with_retry_after(rendered, seconds: int):
    """A rendered error with a Retry-After header."""
    response = make_response(rendered)
    response.headers["Retry-After"] = str(seconds)
    return response


BUSY_SIGNS = ("database is locked", "database table is locked", "lock timeout",
              "could not obtain lock", "deadlock detected", "canceling statement due to")
RETRY_SECONDS = 5


def is_busy(exc: OperationalError) -> bool:
    """True when the database was too busy (a lock not granted in time), not broken."""
    text = str(exc.orig).lower()
    return any(sign in text for sign in BUSY_SIGNS)


def _busy_page():
    """503 "try again shortly", keeping what was typed: a form that sends it again (all
    fields but passwords, which are never written into a page)."""
    if wants_json():
        body = {"error": {"status": 503, "message": _("Het is even te druk. Probeer het zo "
                                                      "nog eens.")}}
        return with_retry_after((body, 503), RETRY_SECONDS)
    posted = list(request.form.items(multi=True)) if request.method == "POST" else []
    kept = [(name, value) for name, value in posted if "password" not in name]
    page = render_template("errors/busy.html", kept=kept, action=current_path(),
                           method=request.method, password_dropped=len(kept) < len(posted))
    return with_retry_after((page, 503), RETRY_SECONDS)


def _csrf(_exc):
    """A form without a valid CSRF token."""
    return render_error(400, _("Het formulier is verlopen of ongeldig. "
                               "Laad de pagina opnieuw en probeer het nog eens."))


def _too_many(exc: TooMany):
    """A per-account or per-address limit counted in the database."""
    return with_retry_after(render_error(429, str(exc)), exc.retry_after)


def _rate_limited(_exc):
    """A Flask-Limiter limit: say how long to wait."""
    wait = _limiter_wait()
    text = _("Dat is te vaak geprobeerd in korte tijd. Probeer het over %(wait)s "
             "opnieuw.", wait=wait_text(wait))
    return with_retry_after(render_error(429, text), wait)


def _http(exc: HTTPException):
    """Werkzeug's errors as our pages, keeping their headers (Allow on a 405, ...)."""
    if exc.code is not None and exc.code < 400:  # routing redirects pass through
        return exc
    # A description of our own (abort(400, description=...)) says what was wrong; the
    # class's default is Werkzeug's English.
    own = exc.description if exc.description != type(exc).description else None
    response = make_response(render_error(exc.code or 500, own))
    for name, value in exc.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def _database_error(exc: OperationalError):
    """A busy database is a 503 to try again; anything else is our fault (raised on, so
    that it is a 500 in production and a traceback in tests)."""
    discard()
    if not is_busy(exc):
        raise exc
    current_app.logger.warning("Database busy on %s: %s", request.path, exc.orig)
    return _busy_page()


def _unexpected(_exc: InternalServerError):
    """A bug (Flask has logged it): roll back and show the apology page. Flask calls this
    only where exceptions do not propagate: in tests a bug shows as its traceback."""
    discard()
    return render_error(InternalServerError.code)


def register(app) -> None:
    """Install the error handlers on the app (the most specific class wins)."""
    app.register_error_handler(CSRFError, _csrf)
    # Services raise domain errors; a view that does not handle one gets the plain page.
    app.register_error_handler(Forbidden, lambda exc: render_error(403))
    app.register_error_handler(NotFound, lambda exc: render_error(404))
    app.register_error_handler(TooMany, _too_many)
    app.register_error_handler(RateLimitExceeded, _rate_limited)
    app.register_error_handler(HTTPException, _http)
    app.register_error_handler(OperationalError, _database_error)
    app.register_error_handler(InternalServerError, _unexpected)
