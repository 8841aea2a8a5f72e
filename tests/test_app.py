"""The application factory: configuration layers, the secret key, the 500 page."""
import os
import stat

import pytest
from sqlalchemy import text

from kb import create_app
from kb.database import db
from tests.conftest import make_app


def test_secret_key_is_generated_once_private_and_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("KB_SECRET_KEY", raising=False)
    first = create_app({"INSTANCE_PATH": str(tmp_path)})
    key_file = tmp_path / "secret_key"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert len(first.config["SECRET_KEY"]) == 64
    again = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert again.config["SECRET_KEY"] == first.config["SECRET_KEY"]


def test_instance_config_and_environment_override_defaults(tmp_path, monkeypatch):
    (tmp_path / "config.py").write_text("PER_PAGE = 7\nSECRET_KEY = 'uit-instance'\n")
    monkeypatch.setenv("KB_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("KB_DATABASE_URL", f"sqlite:///{tmp_path}/elders.sqlite")
    monkeypatch.delenv("KB_SECRET_KEY", raising=False)
    app = create_app()
    assert app.instance_path == str(tmp_path)
    assert app.config["PER_PAGE"] == 7 and app.config["SECRET_KEY"] == "uit-instance"
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("/elders.sqlite")
    monkeypatch.setenv("KB_SECRET_KEY", "uit-omgeving")
    assert create_app().config["SECRET_KEY"] == "uit-omgeving"


def test_cookies_are_strict(tmp_path):
    app = make_app(tmp_path)
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["REMEMBER_COOKIE_HTTPONLY"]
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_in_tests_a_bug_shows_as_its_traceback_not_as_a_500_page(app):
    def broken():
        raise RuntimeError("the real cause")

    app.add_url_rule("/kapot", "broken", broken)
    with pytest.raises(RuntimeError, match="the real cause"):
        app.test_client().get("/kapot")


def test_a_database_error_that_is_not_busy_is_a_500_in_production(app):
    def broken():
        db.session.execute(text("SELECT * FROM no_such_table"))

    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.add_url_rule("/kapot", "broken", broken)
    response = app.test_client().get("/kapot")
    assert response.status_code == 500 and "Er ging iets mis" in response.get_data(as_text=True)


def test_unexpected_error_shows_the_friendly_500_page(app):
    def broken():
        raise RuntimeError("geheime details")

    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production
    app.add_url_rule("/kapot", "broken", broken)
    response = app.test_client().get("/kapot")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Er ging iets mis" in html and "Traceback" not in html and "geheime details" not in html


def test_a_database_behind_the_migrations_is_reported(tmp_path, caplog):
    create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"})
    assert "database schema is at nothing" in caplog.text and "run `kb init`" in caplog.text


def test_a_migrated_database_is_not_reported(app, caplog):
    second = make_app(app.instance_path, app.config["SQLALCHEMY_DATABASE_URI"])
    assert "database schema is at" not in caplog.text
    with second.app_context():
        db.engine.dispose()
