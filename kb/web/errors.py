"""Error pages: friendly Dutch pages for 400, 403, 404, 405, 413, 429 and 500."""
from flask import render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from kb.extensions import db
from kb.services.errors import Forbidden, NotFound
from kb.services.throttle import TooMany


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


def render_error(code: int, detail: str | None = None):
    """The error page for a status code (JSON for API paths)."""
    title, text = _messages().get(code, (str(code), ""))
    if request.path.startswith("/api/"):
        return {"error": {"status": code, "message": detail or title}}, code
    return render_template("errors/error.html", code=code, title=title, text=detail or text), code


def register(app) -> None:
    """Install the error handlers on the app."""

    @app.errorhandler(CSRFError)
    def _csrf(exc):
        return render_error(400, _("Het formulier is verlopen of ongeldig. "
                                   "Laad de pagina opnieuw en probeer het nog eens."))

    # Services raise domain errors; a view that does not handle one gets the plain page.
    app.register_error_handler(Forbidden, lambda exc: render_error(403))
    app.register_error_handler(NotFound, lambda exc: render_error(404))
    app.register_error_handler(TooMany, lambda exc: render_error(429))

    @app.errorhandler(HTTPException)
    def _http(exc):
        if exc.code is not None and exc.code < 400:  # routing redirects pass through
            return exc
        return render_error(exc.code or 500)

    @app.errorhandler(Exception)
    def _unexpected(exc):
        db.session.rollback()
        app.logger.exception("Unhandled error on %s", request.path)
        return render_error(InternalServerError.code)
