"""Search benchmark: build a synthetic corpus, reindex, and time the HTTP API.

    make bench                 # N=10000
    .venv/bin/python bench/search.py --n 100000

Prints: load and full-reindex time (examples/s); API latency p50/p95/p99 over mixed
queries (warm, filters, facets and snippets included) through gunicorn; the level map
and the dashboard (p95 per page) and the export of everything; peak memory of the
serving process; the catch-up cost of a change on the next request; and the
same queries answered by SQLite FTS5 on the same corpus, as a ratio.
"""
import argparse
import http.client
import json
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus import generate, queries  # noqa: E402
from kb import create_app  # noqa: E402

BIN = Path(sys.executable).parent


def percentile(values: list[float], fraction: float) -> float:
    """The value below which `fraction` of values fall (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def load(app, records: list[dict]) -> float:
    """Import the corpus through the import service; returns seconds."""
    from kb.services.importing import import_records
    from kb.services.permissions import SYSTEM
    started = time.perf_counter()
    with app.app_context():
        for start in range(0, len(records), 2000):
            import_records(SYSTEM, records[start:start + 2000])
    return time.perf_counter() - started


def reindex(app) -> float:
    """A full rebuild of the index; returns seconds."""
    from kb.search.store import close_all, get_store
    with app.app_context():
        started = time.perf_counter()
        get_store().rebuild()
        elapsed = time.perf_counter() - started
        close_all()
    return elapsed


def free_port() -> int:
    """A free loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(instance: str, port: int) -> subprocess.Popen:
    """gunicorn with one worker on the instance; waits until it answers."""
    # One client asks far more than a visitor may (SEARCH_LIMIT).
    env = {**os.environ, "KB_INSTANCE_PATH": instance, "KB_SEARCH_LIMIT": "1000000/minute"}
    # The server's output goes to a log in the instance (a rebuild it starts shows there).
    with open(Path(instance) / "bench-server.log", "ab") as log:
        server = subprocess.Popen([str(BIN / "gunicorn"), "-w", "1", "-b", f"127.0.0.1:{port}",
                                   "--timeout", "600", "kb:create_app()"], env=env,
                                  stdout=log, stderr=subprocess.STDOUT)
    for _ in range(600):
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=2).request("GET", "/")
            return server
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("server did not start")


def worker_pid(master: int) -> int:
    """The gunicorn worker's pid (the master's child)."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return int(children[0]) if children else master


def peak_memory_mb(pid: int) -> float:
    """VmHWM of a process in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def api_path(params: dict) -> str:
    """The search API URL of one mixed query."""
    return "/api/v1/search?" + urllib.parse.urlencode(params, doseq=True)


def time_requests(port: int, paths: list[str], answers: list | None = None) -> list[float]:
    """Milliseconds per request over one keep-alive connection (the bodies appended to
    answers when given)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    timings = []
    for path in paths:
        started = time.perf_counter()
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        timings.append((time.perf_counter() - started) * 1000)
        if response.status != 200:
            raise RuntimeError(f"{path}: {response.status} {body[:200]!r}")
        if answers is not None:
            answers.append(body)
    connection.close()
    return timings


def relaxed_flags(answers: list[bytes]) -> list[bool]:
    """Per answer: did search relax to most of the words?"""
    return [json.loads(body)["match"] == "most" for body in answers]


def relaxed_share(mixed: list[dict], relaxed: list[bool]) -> str:
    """How many of the searches with words had to relax to most of them."""
    typed = [flag for params, flag in zip(mixed, relaxed, strict=True) if params.get("q")]
    return f"{sum(typed)} of {len(typed)} ({100 * sum(typed) / max(1, len(typed)):.0f} %)"


def first_example_id() -> int:
    """The id of the oldest example (inside an app context)."""
    from kb.database import db
    from kb.models import Example
    return db.session.query(Example.id).order_by(Example.id).first()[0]


def floor_paths(app, count: int) -> list[str]:
    """The app's HTTP floor: the cheapest API answer (one example by id), as often."""
    with app.app_context():
        return [f"/api/v1/examples/{first_example_id()}"] * count


def catch_up_cost(app, port: int, rounds: int = 10) -> list[float]:
    """Extra milliseconds of the first search after a change (the index catching up)."""
    from kb.services.examples import update_example
    from kb.services.importing import export_records
    from kb.services.permissions import SYSTEM
    path = api_path({"q": "mantelzorg"})
    extra = []
    with app.app_context():
        example_id = first_example_id()
        record = next(export_records(SYSTEM))
        for number in range(rounds):
            baseline = statistics.median(time_requests(port, [path] * 3))
            update_example(SYSTEM, example_id, {**record, "title": f"{record['title']} v{number}"})
            extra.append(time_requests(port, [path])[0] - baseline)
    return extra


def build_fts(records: list[dict]) -> sqlite3.Connection:
    """The same corpus in SQLite FTS5 (unicode61, accents removed) with facet tables."""
    conn = sqlite3.connect(":memory:")
    conn.executescript("""
        CREATE VIRTUAL TABLE fts USING fts5(title, summary, body,
            tokenize='unicode61 remove_diacritics 2');
        CREATE TABLE doc(id INTEGER PRIMARY KEY, level TEXT, organisation_type TEXT);
        CREATE TABLE doc_term(id INTEGER, kind TEXT, value TEXT);
        CREATE INDEX doc_term_kv ON doc_term(kind, value);
        CREATE INDEX doc_term_id ON doc_term(id);
        CREATE TEMP TABLE matched(id INTEGER PRIMARY KEY);
    """)
    for number, record in enumerate(records, start=1):
        conn.execute("INSERT INTO fts(rowid, title, summary, body) VALUES (?, ?, ?, ?)",
                     (number, record["title"], record["summary"], record["body"]))
        conn.execute("INSERT INTO doc VALUES (?, ?, ?)",
                     (number, record["level"], record["organisation_type"]))
        for kind, values in (("theme", record["themes"]), ("dimension", record["dimensions"])):
            conn.executemany("INSERT INTO doc_term VALUES (?, ?, ?)",
                             [(number, kind, value) for value in values])
    conn.commit()
    return conn


def fts_matched(conn: sqlite3.Connection, where: list[str], args: list) -> int:
    """Fill the matched table from the conditions; returns its count."""
    conn.execute("DELETE FROM matched")
    conn.execute("INSERT INTO matched SELECT id FROM doc"
                 + (" WHERE " + " AND ".join(where) if where else ""), args)
    return conn.execute("SELECT count(*) FROM matched").fetchone()[0]


def fts_query(conn: sqlite3.Connection, params: dict, relaxed: bool = False) -> None:
    """Answer one mixed query like the API: every word required, or (where the API
    relaxed) any word, after first counting the strict matches; count, top 20 with
    snippets, four facets. The matching ids are computed once into a temporary table,
    as a careful FTS5 implementation would, and the facets are counted from it."""
    where, args = [], []
    if params.get("q"):
        where.append("id IN (SELECT rowid FROM fts WHERE fts MATCH ?)")
        args.append(" AND ".join(params["q"].split()))
    for value in params.get("theme", []):
        where.append("id IN (SELECT id FROM doc_term WHERE kind = 'theme' AND value = ?)")
        args.append(value)
    for value in params.get("level", []):
        where.append("level = ?")
        args.append(value)
    fts_matched(conn, where, args)
    if relaxed:
        args[0] = " OR ".join(params["q"].split())
        fts_matched(conn, where, args)
    if params.get("q"):  # rank first, then cut snippets for the 20 shown only
        top = [row[0] for row in conn.execute(
            "SELECT rowid FROM fts WHERE fts MATCH ? AND rowid IN (SELECT id FROM matched) "
            "ORDER BY bm25(fts, 3.0, 2.0, 1.0) LIMIT 20", [args[0]])]
        marks = ",".join("?" * len(top))
        if top:
            conn.execute("SELECT rowid, snippet(fts, 2, '<mark>', '</mark>', '…', 12) FROM fts "
                         f"WHERE fts MATCH ? AND rowid IN ({marks})", [args[0], *top]).fetchall()
    else:
        conn.execute("SELECT id FROM matched ORDER BY id DESC LIMIT 20").fetchall()
    for kind in ("theme", "dimension"):
        conn.execute("SELECT value, count(*) FROM doc_term JOIN matched USING (id) "
                     "WHERE kind = ? GROUP BY value", [kind]).fetchall()
    for column in ("level", "organisation_type"):
        conn.execute(f"SELECT {column}, count(*) FROM doc JOIN matched USING (id) "
                     f"GROUP BY {column}").fetchall()


def time_fts(conn, mixed: list[dict], relaxed: list[bool]) -> list[float]:
    """Milliseconds per FTS5 answer, in process."""
    for params, relax in zip(mixed, relaxed, strict=True):  # warm
        fts_query(conn, params, relax)
    timings = []
    for params, relax in zip(mixed, relaxed, strict=True):
        started = time.perf_counter()
        fts_query(conn, params, relax)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


INSIGHT_PATHS = ["/kaart", "/inzicht", "/kaart?organisation_type=welzijn",
                 "/inzicht?organisation_type=welzijn", "/kaart?year=2022", "/inzicht?year=2022",
                 "/inzicht.csv", "/inzicht.csv?figure=theme"]


def time_insight(port: int, rounds: int = 5) -> dict[str, list[float]]:
    """Milliseconds per request of the map and the dashboard (warm), by page."""
    time_requests(port, INSIGHT_PATHS)  # warm
    by_page: dict[str, list[float]] = {}
    for _round in range(rounds):
        for path, ms in zip(INSIGHT_PATHS, time_requests(port, INSIGHT_PATHS), strict=True):
            by_page.setdefault(path.split("?")[0], []).append(ms)
    return by_page


def moderator_dashboard_ms(app, rounds: int = 5) -> list[float]:
    """Milliseconds of the dashboard with the moderation figures, in process (the HTTP
    pages above are anonymous)."""
    from kb.services.dashboard import dashboard
    from kb.services.permissions import SYSTEM
    timings = []
    with app.test_request_context("/inzicht"):
        for _round in range(rounds + 1):
            started = time.perf_counter()
            dashboard(SYSTEM, {})
            timings.append((time.perf_counter() - started) * 1000)
    return timings[1:]


def time_export(port: int) -> str:
    """The CSV and JSON export of everything: seconds and megabytes."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    parts = []
    for fmt in ("csv", "json"):
        started = time.perf_counter()
        connection.request("GET", f"/api/v1/search?q=&format={fmt}")
        response = connection.getresponse()
        size = len(response.read())
        parts.append(f"{fmt} {time.perf_counter() - started:.1f} s, {size / 1e6:.1f} MB")
    connection.close()
    return "; ".join(parts)


def summary(timings: list[float]) -> str:
    """p50/p95/p99 in ms."""
    return (f"p50 {percentile(timings, .5):7.1f} ms   p95 {percentile(timings, .95):7.1f} ms   "
            f"p99 {percentile(timings, .99):7.1f} ms")


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reuse", metavar="INSTANCE",
                        help="an instance an earlier run loaded with the same --n and --seed")
    parser.add_argument("--no-reindex", action="store_true",
                        help="with --reuse: keep the instance's index")
    parser.add_argument("--no-fts", action="store_true",
                        help="skip the SQLite FTS5 comparison (at 100,000 it takes half an hour)")
    options = parser.parse_args()
    instance = options.reuse or tempfile.mkdtemp(prefix="kb-bench-")
    app = create_app({"INSTANCE_PATH": instance})
    assert app.test_cli_runner().invoke(args=["init"]).exit_code == 0
    records = generate(options.n, options.seed)
    print(f"corpus: {options.n} examples (seed {options.seed}), instance {instance}")
    if not options.reuse:
        loaded = load(app, records)
        print(f"load (import service): {loaded:8.1f} s  ({options.n / loaded:7.0f} examples/s)")
    rebuilt = 0.0 if options.no_reindex else reindex(app)
    if rebuilt:
        print(f"full reindex:          {rebuilt:8.1f} s  ({options.n / rebuilt:7.0f} "
              "examples/s)")
    mixed = queries(options.queries)
    paths = [api_path(params) for params in mixed]
    port = free_port()
    server = serve(instance, port)
    try:
        time_requests(port, paths)  # warm: searcher, caches
        answers: list[bytes] = []
        timings = time_requests(port, paths, answers)
        print(f"API search (HTTP, gunicorn 1 worker, {len(paths)} mixed queries):")
        print(f"  {summary(timings)}")
        relaxed = relaxed_flags(answers)
        print(f"  relaxed to most words: {relaxed_share(mixed, relaxed)} of the queries "
              "with words")
        floor = time_requests(port, floor_paths(app, len(paths)))
        print(f"HTTP floor (GET /api/v1/examples/<id>, same server):\n  {summary(floor)}")
        extra = catch_up_cost(app, port)
        print(f"catch-up after a change, extra on the next request: median "
              f"{statistics.median(extra):.1f} ms, max {max(extra):.1f} ms")
        insight = time_insight(port)
        print("map and dashboard (HTTP, warm, anonymous, with and without filters):")
        for path, page_timings in insight.items():
            print(f"  {path:14s} {summary(page_timings)}")
        print(f"  dashboard with moderation figures (in process): "
              f"{summary(moderator_dashboard_ms(app))}")
        print(f"export of every example: {time_export(port)}")
        print(f"peak memory of the serving worker: "
              f"{peak_memory_mb(worker_pid(server.pid)):.0f} MiB")
    finally:
        server.terminate()
        server.wait()
    figures = {"n": options.n, "reindex_s": round(rebuilt, 1),
               "api_p95_ms": round(percentile(timings, .95), 1),
               **{f"{path.strip('/').replace('.', '_')}_p95_ms":
                  round(percentile(page_timings, .95), 1)
                  for path, page_timings in insight.items()},
               "floor_p95_ms": round(percentile(floor, .95), 1)}
    if not options.no_fts:
        figures["fts_p95_ms"] = round(compare_fts(records, mixed, relaxed, timings, floor), 1)
    print(json.dumps(figures))


def compare_fts(records, mixed, relaxed, timings, floor) -> float:
    """Time FTS5 on the same queries and print the ratios; returns FTS5's p95."""
    fts = time_fts(build_fts(records), mixed, relaxed)
    print("SQLite FTS5, same queries in process (all words, any where the API relaxed; "
          "count, top 20 + snippets, 4 facets):")
    print(f"  {summary(fts)}")
    baseline = percentile(floor, .95) + percentile(fts, .95)
    print(f"ratio API/FTS5: p50 {percentile(timings, .5) / percentile(fts, .5):.2f}x   "
          f"p95 {percentile(timings, .95) / percentile(fts, .95):.2f}x")
    print(f"API p95 against HTTP floor p95 + FTS5 p95 ({baseline:.1f} ms): "
          f"{percentile(timings, .95) / baseline:.2f}x")
    return percentile(fts, .95)


if __name__ == "__main__":
    main()
