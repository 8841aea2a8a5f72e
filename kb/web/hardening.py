"""HTTP hardening: security headers, no caching of personal pages, HTTPS behind a proxy."""
import re

from flask import request
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from kb.logs import RequestId

CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
HSTS = "max-age=31536000; includeSubDomains"
# Pages about one person or for moderators: never kept by a browser or proxy cache.
PRIVATE_BLUEPRINTS = {"accounts", "contribute", "moderation", "curation", "notifications",
                      "second_factor"}
SECURE_FLAG = re.compile(r";\s*secure\s*(;|$)", re.IGNORECASE)


class HttpsOnly:
    """WSGI middleware: a response served over HTTPS marks every cookie Secure and tells
    the browser to use HTTPS from now on (HSTS). Over plain HTTP it changes nothing, so a
    local `make run` keeps working."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        """Serve the request, adding Secure and HSTS when its scheme is https."""
        if environ.get("wsgi.url_scheme") != "https":
            return self.wsgi_app(environ, start_response)

        def secure_start(status, headers, exc_info=None):
            headers = [(name, value + "; Secure" if name.lower() == "set-cookie"
                        and not SECURE_FLAG.search(value) else value) for name, value in headers]
            headers.append(("Strict-Transport-Security", HSTS))
            return start_response(status, headers, exc_info)
        return self.wsgi_app(environ, secure_start)


def _headers(response):
    """Strict Content-Security-Policy and related headers; no-store for personal pages."""
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    if request.endpoint == "static":  # the same for everyone: no need to know who asks
        return response
    if request.blueprint in PRIVATE_BLUEPRINTS or current_user.is_authenticated:
        response.headers["Cache-Control"] = "no-store"
    return response


def install(app) -> None:
    """Headers and a request id on every response; behind TRUSTED_PROXIES proxies, trust
    their X-Forwarded-For/-Proto/-Host/-Port (client address, HTTPS) and nobody else's."""
    app.after_request(_headers)
    app.wsgi_app = RequestId(HttpsOnly(app.wsgi_app))
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies,
                                x_host=proxies, x_port=proxies)
