"""The logs: a request id on every answer, JSON lines when configured, and never the secret
of a mailed link (which would let whoever reads the log act as its owner)."""
import json
import logging

from flask import request

from kb import logs
from tests.conftest import make_app

SECRET = "Zq9-secret.Token_123"


def token_paths(app) -> list[str]:
    """A path for every route that takes a token, with SECRET as the token."""
    return [rule.rule.replace("<token>", SECRET) for rule in app.url_map.iter_rules()
            if "token" in rule.arguments]


def test_every_route_with_a_token_is_masked(app):
    paths = token_paths(app)
    assert len(paths) >= 5
    for path in paths:
        masked = logs.mask(path)
        assert SECRET not in masked and masked.endswith("/***"), path
        assert SECRET not in logs.mask(f"reset via https://praktijkbank.example{path}?x=1")
    assert logs.mask("/zoeken?q=uitnodiging") == "/zoeken?q=uitnodiging"


def test_a_sane_request_id_is_kept_and_returned(client):
    kept = client.get("/healthz", headers={"X-Request-ID": "proxy-4f2a-9b1c"})
    assert kept.headers["X-Request-ID"] == "proxy-4f2a-9b1c"
    for odd in ("short", "x" * 65, "spaces are not ok", "<script>"):
        answer = client.get("/healthz", headers={"X-Request-ID": odd})
        assert answer.headers["X-Request-ID"] != odd
        assert len(answer.headers["X-Request-ID"]) == 16
    first, second = client.get("/healthz"), client.get("/healthz")
    assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]


def json_lines(text: str) -> list[dict]:
    """Every line of text parsed as JSON (each must be one object)."""
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_json_lines_carry_the_request_and_mask_tokens(tmp_path, capsys):
    app = make_app(tmp_path, LOG_FORMAT="json")
    with app.test_request_context(f"/wachtwoord-herstellen/{SECRET}",
                                  headers={"X-Request-ID": "monitor-000123"}):
        request.environ[logs.ENVIRON_KEY] = logs.request_id(request.headers["X-Request-ID"])
        logging.getLogger("kb.services.example").warning("could not use %s", request.url)
        try:
            raise ValueError(f"bad token {request.path}")
        except ValueError:
            logging.getLogger("kb").exception("failed")
    written = capsys.readouterr().err
    assert SECRET not in written
    lines = json_lines(written)  # also the start's "database schema is at nothing"
    warning = next(line for line in lines if line["logger"] == "kb.services.example")
    failure = next(line for line in lines if line["message"] == "failed")
    assert warning["level"] == "WARNING" and warning["logger"] == "kb.services.example"
    assert warning["request_id"] == "monitor-000123" and warning["method"] == "GET"
    assert warning["path"] == "/wachtwoord-herstellen/***"
    assert warning["message"] == "could not use http://localhost/wachtwoord-herstellen/***"
    assert warning["time"].endswith("+00:00")
    assert failure["level"] == "ERROR" and "ValueError: bad token" in failure["exception"]


def test_plain_lines_mask_tokens_too_unless_links_are_asked_for(tmp_path, capsys):
    for asked in (False, True):
        app = make_app(tmp_path, MAIL_LOG_LINKS=asked)
        with app.app_context():
            logging.getLogger("kb.services.mailer").warning(
                "mail: http://localhost/uitnodiging/%s", SECRET)
        written = capsys.readouterr().err
        assert (SECRET in written) is asked
        assert "WARNING kb.services.mailer: mail: http://localhost/uitnodiging/" in written


def test_the_development_servers_request_lines_are_masked(tmp_path, caplog):
    make_app(tmp_path)
    with caplog.at_level(logging.INFO, logger="werkzeug"):
        # What Werkzeug's development server logs for each request it answers.
        logging.getLogger("werkzeug").info('%s - - [%s] "%s" %s %s', "127.0.0.1", "now",
                                           f"GET /wachtwoord-herstellen/{SECRET} HTTP/1.1",
                                           "200", "-")
    assert SECRET not in caplog.text and "GET /wachtwoord-herstellen/*** HTTP/1.1" in caplog.text
