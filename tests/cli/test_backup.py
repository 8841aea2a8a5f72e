"""`kb backup` and `kb restore`: a restored instance has every example with its status,
every account, decision and revision; its index is rebuilt and agrees with it."""
import os
import shutil
import stat
from contextlib import contextmanager

import pytest
from sqlalchemy import func, select

from kb.database import db
from kb.models import Decision, Example, Report, Revision, User
from kb.search.store import close_all
from kb.services.examples import update_example
from kb.services.moderation import report_example
from tests import factories
from tests.conftest import make_app, run_init, scratch_postgres
from tests.factories import PASSWORD
from tests.webtools import login

STATUSES = ["draft", "submitted", "published", "changes_requested", "rejected", "archived"]


def _state() -> dict:
    """Everything a restore must bring back, in comparable form."""
    db.session.expire_all()
    examples = {e.ref: (e.id, e.status, e.title, e.author_id, e.featured,
                        sorted(t.slug for t in e.terms))
                for e in db.session.scalars(select(Example))}
    users = {u.email: (u.id, u.role, u.active, u.password_hash)
             for u in db.session.scalars(select(User))}
    decisions = sorted((d.example_id, d.action, d.reason, d.on_edit)
                       for d in db.session.scalars(select(Decision)))
    revisions = sorted((r.example_id, r.state, r.note, r.data["title"])
                       for r in db.session.scalars(select(Revision)))
    reports = db.session.scalar(select(func.count(Report.id)))
    return {"examples": examples, "users": users, "decisions": decisions,
            "revisions": revisions, "reports": reports}


def _fill() -> None:
    """Examples in every status, authors, a pending edit, a report, moderators."""
    author = factories.user()
    factories.user("moderator")
    for status in STATUSES:
        factories.example(status, author=author, title=f"Voorbeeld in status {status}")
    published = db.session.scalar(select(Example).where(Example.status == "published"))
    update_example(author, published.id, {**factories.record(ref=published.ref),
                                          "title": "Een bewerking die wacht op moderatie"})
    report_example(factories.user(), published.id, "De link werkt niet meer.")


@contextmanager
def _empty_instance(backend, tmp_path):
    """A second, empty but initialised instance of the same kind."""
    folder = tmp_path / "restored"
    folder.mkdir()

    @contextmanager
    def build(url):
        other = make_app(folder, url)
        with other.app_context():  # the CLI runs in the current app context: this one
            run_init(other)
            yield other
            close_all()
            db.session.remove()
            db.engine.dispose()

    if backend["name"] == "sqlite":
        with build(None) as other:
            yield other
    else:
        with scratch_postgres("restore") as url, build(url) as other:
            yield other


def test_backup_and_restore_bring_back_everything(app, runner, backend, tmp_path):
    _fill()
    before = _state()
    path = str(tmp_path / "praktijkbank.backup")
    result = runner.invoke(args=["backup", path])
    assert result.exit_code == 0, result.output
    assert "6 examples" in result.output and stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with _empty_instance(backend, tmp_path) as other:
        result = other.test_cli_runner().invoke(args=["restore", path])
        assert result.exit_code == 0, result.output
        assert _state() == before
        check = other.test_cli_runner().invoke(args=["index-check"])
        assert check.exit_code == 0, check.output
        client = other.test_client()
        answer = client.get("/api/v1/search").get_json()
        assert [r["title"] for r in answer["results"]] == ["Voorbeeld in status published"]
        moderator = next(email for email, row in before["users"].items() if row[1] == "moderator")
        assert login(client, moderator, PASSWORD).status_code == 302
        queue = client.get("/moderatie").get_data(as_text=True)
        assert "Voorbeeld in status submitted" in queue
        assert "Bewerkingen van gepubliceerde voorbeelden (1)" in queue
        assert "Open meldingen (1)" in queue


def test_restore_refuses_an_instance_that_is_not_empty(app, runner, tmp_path):
    factories.example()
    path = str(tmp_path / "b.backup")
    assert runner.invoke(args=["backup", path]).exit_code == 0
    before = _state()
    result = runner.invoke(args=["restore", path])
    assert result.exit_code == 1 and "niet leeg" in result.output
    assert _state() == before


@pytest.mark.parametrize("content", [b"", b"niet een backup", b"SQLite format 3\x00kapot" * 4])
def test_restore_refuses_what_is_no_backup(app, runner, tmp_path, backend, content):
    path = tmp_path / "bad.backup"
    path.write_bytes(content)
    with _empty_instance(backend, tmp_path) as other:
        before = _state()
        result = other.test_cli_runner().invoke(args=["restore", str(path)])
        assert result.exit_code == 1 and "Traceback" not in result.output
        assert _state() == before


def test_restore_of_a_missing_file_is_a_clear_error(app, runner, tmp_path):
    result = runner.invoke(args=["restore", str(tmp_path / "nergens.backup")])
    assert result.exit_code == 1 and "nergens.backup" in result.output


def test_an_older_database_put_back_by_hand_is_not_trusted_by_the_index(
        app, runner, client, backend, tmp_path):
    """Copying a backup over the database (not `kb restore`): the index, now ahead of
    the database, is rebuilt instead of skipping the events written after."""
    if backend["name"] != "sqlite":
        pytest.skip("a file copied over the database: SQLite")
    factories.example(title="Van voor de backup")
    path = str(tmp_path / "old.backup")
    assert runner.invoke(args=["backup", path]).exit_code == 0
    factories.example(title="Van na de backup")
    assert client.get("/api/v1/search").get_json()["total"] == 2
    close_all()
    db.session.remove()
    db.engine.dispose()
    database = os.path.join(app.instance_path, "praktijkbank.sqlite")
    for suffix in ("-wal", "-shm"):
        if os.path.exists(database + suffix):
            os.unlink(database + suffix)
    shutil.copy(path, database)
    factories.example(title="Nieuw na het terugzetten")  # reuses the event ids of "na"
    titles = sorted(r["title"] for r in client.get("/api/v1/search").get_json()["results"])
    assert titles == ["Nieuw na het terugzetten", "Van voor de backup"]
    assert runner.invoke(args=["index-check"]).exit_code == 0
