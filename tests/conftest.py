"""Fixtures: an app over a temporary instance folder, on SQLite and (when configured) PostgreSQL."""
import contextvars
import os
import shutil
from contextlib import contextmanager

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from sqlalchemy import text

from kb import create_app
from kb.database import db
from kb.search.store import close_all
from kb.services.taxonomy import ensure_defaults

PG_SKIP = "KB_TEST_DATABASE_URL is not set: PostgreSQL runs are skipped"
# Under pytest-xdist every worker process has a database of its own (test_gw0, ...).
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")


class FreshClient(FlaskClient):
    """A test client whose every request runs in an app context of its own, as in
    production: its own `g` and its own database session, torn down after the answer.

    The test's code keeps its own app context (factories and services need one); the
    request runs in an empty context, so Flask pushes a new one for it. The test's session
    commits first: what the test wrote is visible to the request, and what the request
    wrote is read afresh afterwards (committing expires the test's loaded objects).
    """

    def open(self, *args, **kwargs):
        """Make the request in a context of its own."""
        if has_app_context():
            db.session.commit()
        # Buffered: a streamed answer is produced inside the request's context too.
        kwargs.setdefault("buffered", True)
        return contextvars.Context().run(super().open, *args, **kwargs)


def make_app(instance, database_url: str | None = None, **config):
    """An app on a given instance folder and database."""
    # The warm-up thread is tested on its own; elsewhere it would race the test's set-up.
    settings = {"TESTING": True, "INSTANCE_PATH": str(instance), "SECRET_KEY": "test-secret",
                "INDEX_WARM_UP": False, **config}
    if database_url:
        settings["DATABASE_URL"] = database_url
    app = create_app(settings)
    app.test_client_class = FreshClient
    return app


def run_init(app) -> None:
    """`kb init` through the real CLI: migrations to head, then the defaults."""
    result = app.test_cli_runner().invoke(args=["init"])
    assert result.exit_code == 0, result.output


def _recreate_database(base_url: str, name: str) -> str:
    """Drop and create a PostgreSQL database beside base_url's; returns its URL."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url
    url = make_url(base_url)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def _drop_database(url: str) -> None:
    """Drop a PostgreSQL database made by _recreate_database."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
    admin.dispose()


def _worker_database() -> str | None:
    """This test process's PostgreSQL URL: the configured one, or under pytest-xdist a
    database of the worker's own beside it."""
    base = os.environ.get("KB_TEST_DATABASE_URL")
    if not base or not WORKER:
        return base
    from sqlalchemy.engine import make_url
    return _recreate_database(base, f"{make_url(base).database}_{WORKER}")


PG_URL = _worker_database()


@contextmanager
def scratch_postgres(suffix: str):
    """A fresh PostgreSQL database of a test's own beside the shared one (whose tables the
    other tests empty); yields its URL and drops it afterwards."""
    from sqlalchemy.engine import make_url
    url = _recreate_database(PG_URL, f"{make_url(PG_URL).database}_{suffix}")
    try:
        yield url
    finally:
        _drop_database(url)


def reset_postgres(url: str) -> None:
    """Empty the PostgreSQL test database completely."""
    from sqlalchemy import create_engine
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session",
                params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend(request, tmp_path_factory):
    """A migrated database template per backend, made once per session."""
    if request.param == "postgresql":
        if not PG_URL:
            pytest.skip(PG_SKIP)
        reset_postgres(PG_URL)
        app = make_app(tmp_path_factory.mktemp("pg-template"), PG_URL)
        run_init(app)
        with app.app_context():
            db.engine.dispose()
        return {"name": "postgresql", "url": PG_URL}
    folder = tmp_path_factory.mktemp("sqlite-template")
    app = make_app(folder)
    run_init(app)
    with app.app_context():
        db.engine.dispose()
    return {"name": "sqlite", "template": folder / "praktijkbank.sqlite"}


def _fresh_database(backend, instance) -> str | None:
    """Give a test its own empty (but initialised) database; returns its URL."""
    if backend["name"] == "sqlite":
        shutil.copy(backend["template"], instance / "praktijkbank.sqlite")
        return None
    return backend["url"]


def _truncate_all() -> None:
    """PostgreSQL: empty every table and restart the id sequences."""
    names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    db.session.commit()


@pytest.fixture
def app(backend, tmp_path):
    """An application with a fresh database (taxonomy defaults only) and instance folder."""
    instance = tmp_path / "instance"
    instance.mkdir()
    application = make_app(instance, _fresh_database(backend, instance))
    with application.app_context():
        if backend["name"] == "postgresql":
            _truncate_all()
            ensure_defaults()
        yield application
        close_all()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    """A test client of the app."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner of the app."""
    return app.test_cli_runner()


@pytest.fixture
def inbox(app):
    """A running SMTP server the app is configured to send through."""
    from tests.mailbox import start_smtp
    handler, controller, port = start_smtp()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    app.extensions["mailman"].server = "127.0.0.1"
    app.extensions["mailman"].port = port
    yield handler
    controller.stop()
