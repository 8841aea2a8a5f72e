"""When SQLite's write lock is not granted in time: a friendly 503 that keeps what was
typed, never a 500 (SQLite; PostgreSQL writers lock rows, not the database)."""
import re
import sqlite3

import pytest
from sqlalchemy import func, select

from kb.database import db
from kb.models import Example
from tests import factories
from tests.conftest import make_app
from tests.webtools import csrf_token, logged_in


@pytest.fixture
def impatient(app, backend):
    """The app on the same database, waiting only 0.1 s for SQLite's write lock."""
    if backend["name"] != "sqlite":
        pytest.skip("the database-wide write lock is SQLite's")
    other = make_app(app.instance_path, None, SQLITE_BUSY_TIMEOUT_MS=100)
    with other.app_context():
        yield other
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def locked(impatient):
    """(hold, release): another process taking and giving back the write lock."""
    database = impatient.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    holder = sqlite3.connect(database, isolation_level=None)
    yield (lambda: holder.execute("BEGIN IMMEDIATE")), (lambda: holder.execute("ROLLBACK"))
    holder.close()


def test_a_locked_database_gives_a_503_that_keeps_the_form(impatient, locked):
    hold, release = locked
    client = impatient.test_client()
    logged_in(client)
    data = factories.record(title="Wat ik net heb getypt over de buurtmoestuin",
                            action="save")
    data.pop("ref")
    data["csrf_token"] = csrf_token(client, "/voorbeelden/nieuw")
    hold()
    response = client.post("/voorbeelden/nieuw", data=data)
    release()
    html = response.get_data(as_text=True)
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert "Het is even te druk" in html
    assert 'value="Wat ik net heb getypt over de buurtmoestuin"' in html
    assert 'name="csrf_token"' in html and 'action="/voorbeelden/nieuw"' in html
    assert db.session.scalar(select(func.count(Example.id))) == 0
    # Sending the kept form again, once the lock is free, stores it.
    kept = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))
    again = client.post("/voorbeelden/nieuw", data=kept)
    assert again.status_code == 302
    assert db.session.scalar(select(func.count(Example.id))) == 1


def test_a_locked_login_never_shows_the_password_again(impatient, locked):
    hold, release = locked
    client = impatient.test_client()
    account = factories.user()
    token = csrf_token(client, "/inloggen")
    hold()
    response = client.post("/inloggen", data={"email": account.email,
                                              "password": "geheim-wachtwoord",
                                              "csrf_token": token})
    release()
    html = response.get_data(as_text=True)
    assert response.status_code == 503
    assert account.email in html and "geheim-wachtwoord" not in html
    assert "Alleen je wachtwoord" in html
