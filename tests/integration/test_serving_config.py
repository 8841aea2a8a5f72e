"""The shipped gunicorn configuration (kb/gunicorn_config.py, what `make serve` and the
systemd unit in deploy/ start): gunicorn loads it, and serves with it as the README says."""
import json
import subprocess
import urllib.error
import urllib.request

import pytest

from tests.integration.serving import BIN, Server, instance_env, kb

pytestmark = pytest.mark.integration

CONFIG = "python:kb.gunicorn_config"
SECRET = "aVeryPrivateToken123"


def gunicorn(env: dict, *args: str) -> subprocess.CompletedProcess:
    """gunicorn with the shipped configuration and the given arguments."""
    if not (BIN / "gunicorn").exists():
        pytest.skip("gunicorn is not installed")
    return subprocess.run([str(BIN / "gunicorn"), "-c", CONFIG, *args, "kb:create_app()"],
                          env=env, capture_output=True, text=True, timeout=60)


def test_gunicorn_loads_the_configuration_and_its_settings_from_the_environment(tmp_path):
    env = instance_env(tmp_path, WORKERS=3, BIND="127.0.0.1:8765")
    assert gunicorn(env, "--check-config").returncode == 0
    printed = gunicorn(env, "--print-config").stdout
    settings = {name.strip(): value.strip() for name, value in
                (line.split(" = ", 1) for line in printed.splitlines() if " = " in line)}
    assert settings["workers"] == "3"
    assert settings["bind"] == "['127.0.0.1:8765']"
    assert settings["worker_class"] == "gthread"
    assert settings["graceful_timeout"] == "30"
    assert settings["forwarded_allow_ips"] == "[]"  # KB_TRUSTED_PROXIES decides
    assert settings["logger_class"] == "<MaskingLogger()>"


def get(url: str) -> tuple[int, dict, bytes]:
    """Status, headers and body of a GET (error statuses too)."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_served_with_the_configuration_health_and_json_access_lines(tmp_path):
    # No warm-up: the index is made by the first search, so the first check finds none.
    env = instance_env(tmp_path, LOG_FORMAT="json", INDEX_WARM_UP="false")
    kb(env, "init")
    server = Server(env, 1, "-c", CONFIG)
    try:
        status, missing, body = get(server.base + "/healthz")
        assert status == 503 and json.loads(body) == {"database": "ok", "index": "unavailable"}
        assert get(server.base + "/api/v1/search")[0] == 200  # the index is there now
        status, headers, body = get(server.base + "/healthz")
        assert status == 200 and json.loads(body) == {"database": "ok", "index": "ok"}
        assert get(f"{server.base}/wachtwoord-herstellen/{SECRET}?utm=x")[0] == 400
    finally:
        server.stop()
    output = (tmp_path / "gunicorn.log").read_text()
    assert SECRET not in output and "utm" not in output
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    assert len(lines) == len(output.strip().splitlines())  # every line is one JSON object
    access = [line for line in lines if line["logger"] == "gunicorn.access"]
    health = next(line for line in access if line["request_id"] == headers["X-Request-ID"])
    assert health["path"] == "/healthz" and health["status"] == 200
    assert isinstance(health["duration_ms"], int) and health["remote_addr"] == "127.0.0.1"
    assert any(line["path"] == "/wachtwoord-herstellen/***" for line in access)
    app_line = next(line for line in lines if line["logger"] == "kb.search.store")
    assert app_line["level"] == "WARNING" and "index missing" in app_line["message"]
    assert app_line["request_id"] == missing["X-Request-ID"] and app_line["path"] == "/healthz"
    assert any(line["logger"] == "gunicorn.error" and "Booting worker" in line["message"]
               for line in lines)
