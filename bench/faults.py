"""Fault probes: what a real installation lives through, with the figures they produce.

    .venv/bin/python bench/faults.py import-load --records 3000
    .venv/bin/python bench/faults.py lost-index --examples 3000 --damage missing
    .venv/bin/python bench/faults.py lost-index --examples 6500 --damage corrupt
    .venv/bin/python bench/faults.py kills --imports 14 --rebuilds 15
    .venv/bin/python bench/faults.py spelling --examples 10000

Each prints what it measured; the short versions of these run in `make test`
(tests/integration/test_faults.py, tests/search/test_availability.py).
"""
import argparse
import json
import os
import random
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus import generate  # noqa: E402
from bench.harness import BIN, Server, Visitor, alive, children, instance_env, kb, wait_for  # noqa: E402

PASSWORD = "proef-wachtwoord-123"


def _site(folder: Path, records: int = 0, workers: int = 4, **settings):
    """An initialised instance (with `records` synthetic examples and one member) served
    by gunicorn with its default timeout."""
    # The load comes from one address and asks far more than a visitor may (SEARCH_LIMIT).
    env = instance_env(folder, SEARCH_LIMIT="1000000/minute", **settings)
    kb(env, "init")
    kb(env, "users", "create", "lid@voorbeeld.nl", "--name", "Lid", "--role", "participant",
       "--password-stdin", stdin=PASSWORD)
    if records:
        path = folder.parent / f"{folder.name}-seed.json"
        path.write_text(json.dumps(generate(records, seed=7)))
        kb(env, "import", str(path))
    return env, Server(env, workers)


WORDS = ("mantelzorg ouderen eenzaamheid wijk gesprek spreekkamer jongeren school gezondheid "
         "bewegen dementie armoede schulden vrijwilligers huisarts welzijn samen koken "
         "tuin bibliotheek leefstijl regie zingeving werk wonen herstel").split()


class Load:
    """Readers searching (a different pair of words each time, so that searches read the
    index's files, not only what is cached) and members logging in, in threads, counting
    every answer."""

    def __init__(self, base: str, users: int):
        self.base, self.stop = base, threading.Event()
        self.random = random.Random(5)
        self.statuses: dict[int, int] = {}
        self.search_ms: list[float] = []
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self._use) for _ in range(users)]

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_exc):
        self.stop.set()
        for thread in self.threads:
            thread.join()

    def _note(self, status: int, started: float | None = None) -> None:
        """Count an answer (and a search's duration)."""
        with self.lock:
            self.statuses[status] = self.statuses.get(status, 0) + 1
            if started is not None:
                self.search_ms.append((time.perf_counter() - started) * 1000)

    def _use(self) -> None:
        """One person: search, open the search page, log in and out, again."""
        reader, member = Visitor(self.base), Visitor(self.base)
        while not self.stop.is_set():
            words = "+".join(self.random.sample(WORDS, 2))
            for path in (f"/api/v1/search?q={words}", f"/zoeken?q={words}&sort=newest"):
                started = time.perf_counter()
                self._note(reader.get(path, timeout=120)[0], started)
            self._note(member.post("/inloggen", {"email": "lid@voorbeeld.nl",
                                                 "password": PASSWORD})[0])
            member.post("/uitloggen", {}, page="/")

    def summary(self) -> str:
        """The answers by status, and search latency."""
        ms = sorted(self.search_ms) or [0.0]
        return (f"answers by status {dict(sorted(self.statuses.items()))}; searches "
                f"p50 {statistics.median(ms):.0f} ms, p95 {ms[int(len(ms) * 0.95) - 1]:.0f} "
                f"ms, max {ms[-1]:.0f} ms")


def import_load(args) -> None:
    """A large import on another host (same database, its own index) while people search
    and log in on this one: every answer, and how long until search has caught up."""
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        env, server = _site(folder / "site", records=200)
        other = instance_env(folder / "other-host",
                             "sqlite:///" + str(folder / "site" / "praktijkbank.sqlite"))
        path = folder / "large.json"
        records = generate(args.records, seed=11)
        for item in records:  # new examples, not updates of the 200 already there
            item["ref"] = "golf-" + item["ref"]
        path.write_text(json.dumps(records))
        try:
            with Load(server.base, args.users) as load:
                started = time.perf_counter()
                kb(other, "import", str(path))
                imported = time.perf_counter() - started
                reader = Visitor(server.base)
                wait_for(lambda: reader.api("/api/v1/search?per_page=1")["total"]
                         == 200 + args.records
                         and reader.api("/api/v1/search")["index"] == "current", 900, 1)
                caught_up = time.perf_counter() - started
            print(f"import of {args.records} records on another host: {imported:.1f} s; "
                  f"this host's search complete after {caught_up:.1f} s")
            print(load.summary())
            print("worker timeouts:", server.output().count("WORKER TIMEOUT"))
        finally:
            server.stop()


def _damage(link: str, how: str) -> None:
    """Remove the index, or overwrite its segment files with garbage."""
    folder = os.path.realpath(link)
    if how == "missing":
        os.unlink(link)
        subprocess.run(["rm", "-rf", folder], check=True)
        return
    for name in os.listdir(folder):
        if not name.startswith("_MAIN"):
            with open(os.path.join(folder, name), "r+b") as handle:
                handle.write(os.urandom(max(64, os.path.getsize(handle.name))))


def lost_index(args) -> None:
    """The index lost or damaged under load: every answer while it is rebuilt in the
    background, and how long until search answers from a new index."""
    with tempfile.TemporaryDirectory() as scratch:
        env, server = _site(Path(scratch) / "site", records=args.examples)
        try:
            reader = Visitor(server.base)
            reader.api("/api/v1/search")
            link = os.path.join(env["KB_INSTANCE_PATH"], "index")
            damaged = os.path.realpath(link)
            _damage(link, args.damage)
            started, modes = time.perf_counter(), {}
            with Load(server.base, args.users) as load:
                def back() -> bool:
                    index = reader.api("/api/v1/search?q=mantelzorg")["index"]
                    modes[index] = modes.get(index, 0) + 1
                    replaced = os.path.exists(link) and os.path.realpath(link) != damaged
                    return index == "current" and replaced
                wait_for(back, 900, 1)
                rebuilt = time.perf_counter() - started
            print(f"{args.damage} index, {args.examples} examples: search answered from a "
                  f"new index after {rebuilt:.1f} s; the checker's answers meanwhile by index "
                  f"state {modes}")
            print(load.summary())
            print("worker timeouts:", server.output().count("WORKER TIMEOUT"))
            print("index-check:", kb(env, "index-check").strip())
        finally:
            server.stop()


def _count(database: str, where: str) -> int:
    """Examples matching a condition, straight from the database file."""
    with sqlite3.connect(database, timeout=60) as connection:
        return connection.execute(f"SELECT count(*) FROM example WHERE {where}").fetchone()[0]


def kills(args) -> None:
    """`kb import` and `kb reindex` killed with -9 at seeded moments: every import is all or
    nothing and completes when run again; every rebuild's workers end with it, the index in
    use stays whole and the half-built folders go."""
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "site"
        env = instance_env(folder, INDEX_PARALLEL_FROM=1, INDEX_SEGMENT_DOCS=400)
        kb(env, "init")
        database = str(folder / "praktijkbank.sqlite")
        outcomes = {"nothing": 0, "all": 0, "partial": 0}
        for run in range(args.imports):
            before = _count(database, "status = 'published'")
            path = Path(scratch) / f"import-{run}.json"
            records = generate(1000, seed=100 + run)
            for number, item in enumerate(records):
                item["ref"] = f"kill-{run}-{number}"
            path.write_text(json.dumps(records))
            process = subprocess.Popen([str(BIN / "kb"), "import", str(path)], env=env,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.3, 8.0))
            process.send_signal(signal.SIGKILL)
            process.wait()
            after = _count(database, "status = 'published'")
            outcomes["nothing" if after == before else "all" if after == before + 1000
                     else "partial"] += 1
            kb(env, "import", str(path))
            assert _count(database, "status = 'published'") == before + 1000
        staged = _count(database, "status = 'staged'")
        print(f"kb import killed -9 {args.imports}×: {outcomes}; every file imported whole "
              f"when run again; staged rows left: {staged}")
        link = str(folder / "index")
        stragglers = 0
        for _run in range(args.rebuilds):
            process = subprocess.Popen([str(BIN / "kb"), "reindex"], env=env,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            workers = wait_for(lambda pid=process.pid: children(pid)
                               if len(children(pid)) >= 2 else None, 120, 0.05)
            time.sleep(rng.uniform(0.0, 6.0))
            process.send_signal(signal.SIGKILL)
            process.wait()
            try:
                wait_for(lambda started=workers: not any(alive(pid) for pid in started), 15, 0.2)
            except AssertionError:
                stragglers += 1
            check = subprocess.run([str(BIN / "kb"), "index-check"], env=env,
                                   capture_output=True, text=True)
            assert check.returncode == 0, check.stdout
        left = [name for name in os.listdir(folder) if name.startswith("index-")
                and str(folder / name) != os.path.realpath(link)]
        print(f"kb reindex killed -9 {args.rebuilds}×: runs with workers still alive after "
              f"15 s: {stragglers}; index-check clean after each; folders left: {len(left)}")


def spelling(args) -> None:
    """The cost of a search with one unknown word, by word length (the suggestion's work)."""
    with tempfile.TemporaryDirectory() as scratch:
        env, server = _site(Path(scratch) / "site", records=args.examples, workers=1)
        try:
            reader = Visitor(server.base)
            reader.api("/api/v1/search?q=warm")
            for length in (8, 12, 20, 30, 31, 60, 200, 1000):
                word = ("mantelzorgondersteuning" * 50)[:length - 1] + "q"
                timings = []
                for _ in range(5):
                    started = time.perf_counter()
                    reader.api("/api/v1/search?q=" + word)
                    timings.append((time.perf_counter() - started) * 1000)
                print(f"unknown word of {length:4} letters: median "
                      f"{statistics.median(timings):6.1f} ms, max {max(timings):6.1f} ms")
        finally:
            server.stop()


def main() -> None:
    """Run one probe."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    probes = parser.add_subparsers(dest="probe", required=True)
    load = probes.add_parser("import-load")
    load.add_argument("--records", type=int, default=3000)
    load.add_argument("--users", type=int, default=4)
    lost = probes.add_parser("lost-index")
    lost.add_argument("--examples", type=int, default=3000)
    lost.add_argument("--damage", choices=["missing", "corrupt"], default="missing")
    lost.add_argument("--users", type=int, default=4)
    killing = probes.add_parser("kills")
    killing.add_argument("--imports", type=int, default=14)
    killing.add_argument("--rebuilds", type=int, default=15)
    killing.add_argument("--seed", type=int, default=1)
    spell = probes.add_parser("spelling")
    spell.add_argument("--examples", type=int, default=10000)
    args = parser.parse_args()
    {"import-load": import_load, "lost-index": lost_index, "kills": kills,
     "spelling": spelling}[args.probe](args)


if __name__ == "__main__":
    main()
