"""Error pages: friendly Dutch pages for 400, 403, 404, 405, 413 and 500."""
from flask import render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from kb.extensions import db


def _messages() -> dict[int, tuple[str, str]]:
    """Title and explanation per status code, in the visitor's language."""
    return {
        400: (_("Ongeldig verzoek"), _("Er klopt iets niet aan het adres of het formulier.")),
        403: (_("Geen toegang"), _("Je hebt geen toestemming voor deze pagina of actie.")),
        404: (_("Pagina niet gevonden"),
              _("Deze pagina of dit praktijkvoorbeeld bestaat niet (meer).")),
        405: (_("Niet toegestaan"), _("Deze pagina werkt niet op deze manier.")),
        413: (_("Te groot"), _("Wat je verstuurde is te groot.")),
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
