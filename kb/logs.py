"""What the logs say: a request id on every answer, tokens masked, JSON lines when asked.

The privacy statement names what the web server logs: the page requested, when, and from
which address. So: no query strings, no referrer, no browser, and never the secret in a
link from a mail (confirmation, reset, invitation, unsubscribe), which would let whoever
reads the log act as its owner. This module needs only the standard library (gunicorn's
configuration imports it before any app exists).
"""
import datetime as dt
import json
import logging
import re
import secrets

# Pages whose last path segment is a secret from a mail; tests/test_logs.py checks that
# every route taking a `token` is listed.
TOKEN_PAGES = ("/registreren/bevestigen/", "/wachtwoord-herstellen/", "/uitnodiging/",
               "/zoekopdrachten/stoppen/", "/meldingen/uit/")
TOKEN = re.compile(r"(" + "|".join(map(re.escape, TOKEN_PAGES))
                   + r")[^/?#\s\"'<>]+")
MASK = "***"
# An incoming X-Request-ID (from the proxy) is kept when it looks like one: short, plain.
REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
ENVIRON_KEY = "kb.request_id"
HANDLER_NAME = "kb"


def mask(text: str) -> str:
    """text with the secret of every mailed link (path or full URL) replaced by ***."""
    return TOKEN.sub(r"\1" + MASK, text) if text else text


def request_id(header: str | None) -> str:
    """The proxy's request id when it is sane, else a new one."""
    if header and REQUEST_ID.fullmatch(header):
        return header
    return secrets.token_hex(8)


class RequestId:
    """WSGI middleware: every request gets an id (kept from a sane X-Request-ID header),
    in the environ for the logs and in the answer's X-Request-ID header."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        """Serve the request with its id."""
        environ[ENVIRON_KEY] = ident = request_id(environ.get("HTTP_X_REQUEST_ID"))

        def with_id(status, headers, exc_info=None):
            headers = [(k, v) for k, v in headers if k.lower() != "x-request-id"]
            headers.append(("X-Request-ID", ident))
            return start_response(status, headers, exc_info)
        return self.wsgi_app(environ, with_id)


class RequestFields(logging.Filter):
    """Adds the current request's id, method and (masked) path to a log record."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Always keep the record; only add to it."""
        from flask import has_request_context, request
        if has_request_context() and not hasattr(record, "request_id"):
            record.request_id = request.environ.get(ENVIRON_KEY)
            record.method = request.method
            record.path = mask(request.path)
        return True


class PlainFormatter(logging.Formatter):
    """A readable line, with the secret of every mailed link masked (unless unmasked:
    MAIL_LOG_LINKS asks for the links in the log)."""

    def __init__(self, fmt: str | None = None, datefmt: str | None = None,
                 masked: bool = True):
        super().__init__(fmt or "%(asctime)s %(levelname)s %(name)s: %(message)s", datefmt)
        self.masked = masked

    def format(self, record: logging.LogRecord) -> str:
        """The formatted line, masked."""
        text = super().format(record)
        return mask(text) if self.masked else text


class JsonFormatter(PlainFormatter):
    """One JSON object per line: time, level, logger, message, and the request's fields
    when there is a request (gunicorn's access lines bring theirs in `access`)."""

    FIELDS = ("request_id", "method", "path", "status", "duration_ms", "remote_addr")

    def format(self, record: logging.LogRecord) -> str:
        """The record as one line of JSON."""
        line = {"time": dt.datetime.fromtimestamp(record.created, dt.timezone.utc)
                .isoformat(timespec="milliseconds"),
                "level": record.levelname, "logger": record.name}
        access = getattr(record, "access", None)
        if isinstance(access, dict):
            line["message"] = "request"
            line.update(access)
        else:
            line["message"] = record.getMessage()
            line.update({name: getattr(record, name) for name in self.FIELDS
                         if getattr(record, name, None) is not None})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        if self.masked:
            line = {key: mask(value) if isinstance(value, str) else value
                    for key, value in line.items()}
        return json.dumps(line, ensure_ascii=False, default=str)


class MaskedRecords(logging.Filter):
    """Masks the secret of every mailed link in another logger's records: the development
    server's request lines (`kb run`) name the page asked for, a reset link's included."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Keep the record, its message masked."""
        record.msg, record.args = mask(record.getMessage()), ()
        return True


def formatter(log_format: str | None, masked: bool = True) -> logging.Formatter:
    """JSON lines when log_format is "json", else plain lines."""
    if str(log_format or "").lower() == "json":
        return JsonFormatter(masked=masked)
    return PlainFormatter(masked=masked)


def configure(app) -> None:
    """The `kb` loggers (the app and its services) at LOG_LEVEL, as JSON lines when
    LOG_FORMAT is "json", with the request's fields and masked links either way. They
    write where Flask's own handler would: the server's error stream (gunicorn's error
    log), else standard error."""
    from flask.logging import default_handler, wsgi_errors_stream
    logger = logging.getLogger("kb")
    for old in [h for h in logger.handlers if h.get_name() == HANDLER_NAME]:
        logger.removeHandler(old)
    logger.removeHandler(default_handler)
    handler = logging.StreamHandler(wsgi_errors_stream)
    handler.set_name(HANDLER_NAME)
    handler.setFormatter(formatter(app.config.get("LOG_FORMAT"),
                                   masked=not app.config.get("MAIL_LOG_LINKS")))
    handler.addFilter(RequestFields())
    logger.addHandler(handler)
    logger.setLevel(str(app.config.get("LOG_LEVEL") or "INFO").upper())
    server = logging.getLogger("werkzeug")
    for old in [f for f in server.filters if isinstance(f, MaskedRecords)]:
        server.removeFilter(old)
    if not app.config.get("MAIL_LOG_LINKS"):
        server.addFilter(MaskedRecords())
