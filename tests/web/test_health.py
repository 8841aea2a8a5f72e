"""`GET /healthz`: what a monitor or load balancer asks every few seconds."""
import os
import shutil

import pytest
from sqlalchemy import text

from kb.database import db
from kb.search import indexer
from kb.search.store import get_store
from tests import factories
from tests.browser.conftest import free_port
from tests.conftest import make_app
from tests.search.test_availability import _damage


def health(client, expected: int) -> dict:
    """The health check's JSON answer, which must have the expected status."""
    response = client.get("/healthz")
    assert response.status_code == expected, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "no-store"
    return response.get_json()


def with_index(count: int = 2) -> None:
    """Published examples and an index built from them."""
    for number in range(count):
        factories.example(title=f"Gezond voorbeeld {number}")
    get_store().rebuild()


def test_both_answer(client):
    with_index()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"database": "ok", "index": "ok"}
    assert "Set-Cookie" not in response.headers  # no session for a monitor
    assert response.headers["Cache-Control"] == "no-store"


def test_a_monitor_calling_often_is_never_limited(client):
    with_index()
    assert {client.get("/healthz").status_code for _ in range(150)} == {200}


def test_a_database_that_cannot_be_reached_is_named(tmp_path):
    # The app starts all the same (the database may come back), and says what is wrong.
    nobody_listens = f"postgresql+psycopg://kb@127.0.0.1:{free_port()}/kb?connect_timeout=3"
    app = make_app(tmp_path, nobody_listens)
    with app.app_context():
        body = health(app.test_client(), 503)
        db.engine.dispose()
    assert body == {"database": "unavailable", "index": "unknown"}


def test_a_database_file_that_is_not_a_database_is_named(app, client, backend):
    if backend["name"] != "sqlite":
        pytest.skip("a database file is SQLite's")
    with_index()
    db.engine.dispose()
    path = os.path.join(app.instance_path, "praktijkbank.sqlite")
    shutil.copy(path, path + ".good")
    with open(path, "wb") as handle:
        handle.write(b"this is no database at all" * 100)
    try:
        body = health(client, 503)
    finally:
        db.engine.dispose()
        os.replace(path + ".good", path)
    assert body["database"] == "unavailable"
    assert "sqlite" not in str(body).lower() and "error" not in str(body).lower()


def test_a_database_behind_the_code_is_named(client):
    with_index()
    head = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    db.session.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    db.session.commit()
    try:
        assert health(client, 503) == {"database": "schema_mismatch", "index": "ok"}
    finally:  # PostgreSQL's test database is shared by the tests that follow
        db.session.execute(text("UPDATE alembic_version SET version_num = :head"),
                           {"head": head})
        db.session.commit()


def test_a_missing_index_is_named_and_not_rebuilt_by_the_check(client):
    factories.example()
    store = get_store()
    assert not os.path.lexists(store.link)  # nothing searched yet: no index
    assert health(client, 503) == {"database": "ok", "index": "unavailable"}
    assert not os.path.lexists(store.link)  # the check did no index work
    assert client.get("/api/v1/search").status_code == 200  # a search builds it
    assert health(client, 200) == {"database": "ok", "index": "ok"}


# Whoosh leaves the damaged files open when it fails to read them.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.filterwarnings("ignore::ResourceWarning")
def test_a_damaged_index_is_named(client):
    with_index(4)
    store = get_store()
    _damage(os.path.realpath(store.link))
    store.close()
    assert health(client, 503) == {"database": "ok", "index": "unavailable"}


def test_an_index_rebuilt_by_another_process_is_rebuilding(client):
    with_index()
    store = get_store()
    store.close()
    os.unlink(store.link)
    with indexer.rebuild_lock(store.link):
        assert health(client, 503) == {"database": "ok", "index": "rebuilding"}


def test_odd_requests_get_no_500(client):
    with_index()
    assert client.post("/healthz").status_code == 405
    assert client.get("/healthz?x=%00").status_code == 400
    assert client.get("/healthz?" + "a=b&" * 2000).status_code == 200
    assert client.head("/healthz").status_code == 200
    odd = client.get("/healthz", headers={"X-Request-ID": "\u00e9" * 500})
    assert odd.status_code == 200 and len(odd.headers["X-Request-ID"]) == 16
