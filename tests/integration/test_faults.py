"""Faults, as they happen to a real installation: a large import while people search and
log in, `kb import` and `kb reindex` killed with -9 at seeded points.

Short versions of the probes in bench/ (which print their figures); SQLite, the default.
"""
import json
import os
import random
import signal
import sqlite3
import subprocess
import threading
import time

import pytest

from bench.harness import alive, children
from tests.factories import record
from tests.integration.serving import BIN, Server, Visitor, instance_env, kb, start_kb, wait_for

pytestmark = pytest.mark.integration

PASSWORD = "proef-wachtwoord-123"


@pytest.fixture
def site(tmp_path):
    """An initialised instance with one participant, served by gunicorn with 2 workers and
    gunicorn's default 30 s timeout."""
    folder = tmp_path / "site"
    env = instance_env(folder, SEARCH_LIMIT="10000/minute")  # the users below search a lot
    kb(env, "init")
    kb(env, "users", "create", "lid@voorbeeld.nl", "--name", "Lid", "--role", "participant",
       "--password-stdin", stdin=PASSWORD)
    server = Server(env, 2)
    yield env, server
    server.stop()


def _records(count: int, word: str, prefix: str) -> list[dict]:
    """Valid records whose titles carry a word."""
    return [record(ref=f"{prefix}-{n}", title=f"Voorbeeld {word} nummer {n}")
            for n in range(count)]


def _database(env: dict) -> str:
    """The SQLite file of an instance."""
    return os.path.join(env["KB_INSTANCE_PATH"], "praktijkbank.sqlite")


def _count(env: dict, where: str) -> int:
    """Examples matching a condition, read straight from the database file."""
    with sqlite3.connect(_database(env), timeout=30) as connection:
        return connection.execute(f"SELECT count(*) FROM example WHERE {where}").fetchone()[0]


def test_a_large_import_elsewhere_never_takes_search_or_logins_down(site, tmp_path):
    """Another host (its own index, the same database) imports 1,500 examples: this host's
    searches answer at once throughout, logins keep working, and search catches up."""
    env, server = site
    other_host = instance_env(tmp_path / "other-host",
                              "sqlite:///" + _database(env))
    path = tmp_path / "large.json"
    path.write_text(json.dumps(_records(1500, "importgolf", "golf")))
    statuses: list[int] = []
    states: set[str] = set()
    stop = threading.Event()

    def keep_using() -> None:
        reader, member = Visitor(server.base), Visitor(server.base)
        while not stop.is_set():
            status, body = reader.get("/api/v1/search?q=importgolf")
            statuses.append(status)
            if status == 200:
                states.add(json.loads(body)["index"])
            statuses.append(reader.get("/zoeken?q=importgolf")[0])
            status, _text, _location = member.post(
                "/inloggen", {"email": "lid@voorbeeld.nl", "password": PASSWORD})
            statuses.append(status)
            member.post("/uitloggen", {}, page="/")

    users = [threading.Thread(target=keep_using) for _ in range(2)]
    for user in users:
        user.start()
    try:
        kb(other_host, "import", str(path))
        reader = Visitor(server.base)

        def caught_up() -> bool:
            answer = reader.api("/api/v1/search?q=importgolf&per_page=1")
            return answer["total"] == 1500 and answer["index"] == "current"
        wait_for(caught_up, 240, every=1)
    finally:
        stop.set()
        for user in users:
            user.join()
    assert statuses and set(statuses) <= {200, 302}, sorted(set(statuses))
    assert "catching_up" in states  # answered at once while the index was behind
    assert "WORKER TIMEOUT" not in server.output()


# One seeded point each here; `bench/faults.py kills` walks many more moments.
@pytest.mark.parametrize("seed", [1])
def test_kill_9_of_an_import_is_all_or_nothing(tmp_path, seed):
    env = instance_env(tmp_path / "kill-import")
    kb(env, "init")
    kb(env, "import", str(_write(tmp_path / "first.json", _records(30, "vooraf", "old"))))
    records = _records(600, "gedood", f"kill{seed}") + [
        record(ref="old-3", title="Bijgewerkt door de gedode import")]
    path = _write(tmp_path / "big.json", records)
    # Seeded points: after one or two batches were staged, or a seeded moment later on.
    staged_before_kill = {1: 200, 2: 400, 3: None}[seed]
    importer = start_kb(env, "import", str(path))
    if staged_before_kill:
        wait_for(lambda: _count(env, "status = 'staged'") >= staged_before_kill, 120, 0.05)
    else:
        time.sleep(random.Random(seed).uniform(1.0, 4.0))
    importer.send_signal(signal.SIGKILL)
    importer.wait()
    published = _count(env, "status = 'published'")
    title = _title(env, "old-3")
    assert (published, title) in [(30, "Voorbeeld vooraf nummer 3"),
                                  (630, "Bijgewerkt door de gedode import")]
    kb(env, "import", str(path))  # the same file again: finishes, nothing doubled
    assert _count(env, "status = 'published'") == 630
    assert _count(env, "status = 'staged'") == 0
    assert _title(env, "old-3") == "Bijgewerkt door de gedode import"
    assert "agree" in kb(env, "index-check")


def _write(path, records: list[dict]):
    """Write records as a JSON file; returns the path."""
    path.write_text(json.dumps(records))
    return path


def _title(env: dict, ref: str) -> str:
    """The title of an example by ref."""
    with sqlite3.connect(_database(env), timeout=30) as connection:
        return connection.execute("SELECT title FROM example WHERE ref = ?", (ref,)).fetchone()[0]


@pytest.mark.parametrize("seed", [2])
def test_kill_9_of_a_rebuild_ends_its_workers_and_keeps_the_old_index(tmp_path, seed):
    """A rebuild in worker processes (made small by settings) killed at a seeded moment:
    the workers end with it, search keeps the old index, the half-built folder goes."""
    env = instance_env(tmp_path / "kill-reindex", INDEX_PARALLEL_FROM=1, INDEX_SEGMENT_DOCS=3)
    kb(env, "init")
    kb(env, "import", str(_write(tmp_path / "r.json", _records(60, "herbouw", "r"))))
    link = os.path.join(env["KB_INSTANCE_PATH"], "index")
    rebuild = subprocess.Popen([str(BIN / "kb"), "reindex"], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers = wait_for(lambda: children(rebuild.pid) if len(children(rebuild.pid)) >= 2
                       else None, 60, 0.05)
    time.sleep(random.Random(seed).uniform(0.0, 1.5))
    rebuild.send_signal(signal.SIGKILL)
    rebuild.wait()
    wait_for(lambda: not any(alive(pid) for pid in workers), 15, 0.2)
    assert os.path.isdir(os.path.realpath(link))  # the old one, or the new if it finished
    assert "agree" in kb(env, "index-check")  # the index in use is whole
    leftovers = [name for name in os.listdir(env["KB_INSTANCE_PATH"])
                 if name.startswith("index-")
                 and os.path.join(env["KB_INSTANCE_PATH"], name) != os.path.realpath(link)]
    assert leftovers == []  # removed when the index was next opened
