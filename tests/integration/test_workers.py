"""Several gunicorn workers and a separate writer process share one SQLite database:
every change is searchable on the next request, whichever worker answers."""
import json
import os
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

import pytest

from tests.browser.conftest import free_port, wait_until_up
from tests.factories import record

pytestmark = pytest.mark.integration

BIN = Path(sys.executable).parent


def kb(env, *args, stdin: str | None = None) -> str:
    """Run the kb command line as a separate process."""
    done = subprocess.run([str(BIN / "kb"), *args], env=env, input=stdin, text=True,
                          capture_output=True, check=True)
    return done.stdout


def search(base: str, query: str) -> dict:
    """The search API's answer."""
    with urllib.request.urlopen(f"{base}/api/v1/search?q={query}", timeout=30) as response:
        return json.loads(response.read())


@pytest.fixture
def workers(tmp_path):
    """An initialised instance served by gunicorn with two worker processes."""
    if not (BIN / "gunicorn").exists():
        pytest.skip("gunicorn is not installed (test extra)")
    # The readers below search far more often than a visitor may (SEARCH_LIMIT).
    env = {**os.environ, "KB_INSTANCE_PATH": str(tmp_path), "KB_SEARCH_LIMIT": "10000/minute"}
    env.pop("KB_DATABASE_URL", None)
    kb(env, "init")
    port = free_port()
    # A file, not a pipe: nobody reads a pipe while the readers search, and once it is full
    # the workers block on their next log line.
    log = open(tmp_path / "gunicorn.log", "w")  # noqa: SIM115 - closed in the finally
    server = subprocess.Popen([str(BIN / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}",
                               "kb:create_app()"], env=env, stdout=log,
                              stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/", server, log=tmp_path / "gunicorn.log")
        yield env, base
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


def test_changes_are_visible_to_every_worker_on_the_next_request(workers, tmp_path):
    env, base = workers
    errors: list[str] = []

    def keep_searching(stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                search(base, "wandelen")
            except Exception as exc:  # noqa: BLE001 - any failure is the finding
                errors.append(repr(exc))

    stop = threading.Event()
    readers = [threading.Thread(target=keep_searching, args=(stop,)) for _ in range(2)]
    for reader in readers:
        reader.start()
    try:
        for number in range(6):
            word = f"zoekwoord{chr(97 + number) * 3}"
            path = tmp_path / f"r{number}.json"
            path.write_text(json.dumps([record(title=f"Nieuw voorbeeld {word}")]))
            kb(env, "import", str(path))
            answers = [search(base, word)["total"] for _ in range(4)]
            assert answers == [1, 1, 1, 1], (word, answers)
    finally:
        stop.set()
        for reader in readers:
            reader.join()
    assert errors == []
