"""Black-box probes of a served instance: hostile input, many writers at once, account
enumeration by timing, and schemathesis with many examples. Each prints its figures.

    .venv/bin/python bench/probe.py hostile [--database postgresql+psycopg://…]
    .venv/bin/python bench/probe.py writers --users 20 [--database …]
    .venv/bin/python bench/probe.py enumeration --rounds 40
    .venv/bin/python bench/probe.py fuzz --examples 1000 [--database …]

With --database, the instance uses that (empty, scratch) PostgreSQL database; it is
emptied first. The short versions run in `make test`.
"""
import argparse
import asyncio
import itertools
import re
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import Server, Visitor, create_accounts, instance_env, kb  # noqa: E402

PASSWORD = "proef-wachtwoord-123"
ROUTES_WITH_IDS = ["/voorbeelden/{}", "/voorbeelden/{}/x", "/voorbeelden/{}/bewerken",
                   "/api/v1/examples/{}", "/moderatie/voorbeelden/{}", "/beheer/taxonomie/{}",
                   "/beheer/organisaties/{}", "/beheer/gebruikers/{}"]
PAGES = ["/", "/zoeken", "/voorbeelden", "/organisaties", "/leerateliers", "/over",
         "/api/v1/search", "/feeds/zoeken.atom", "/inloggen", "/registreren",
         "/wachtwoord-vergeten", "/api/v1/taxonomy"]
PARAMETERS = ["q", "page", "per_page", "sort", "theme", "dimension", "level", "setting",
              "organisation", "municipality", "year", "target_group", "organisation_type",
              "next", "exact"]
ODD_VALUES = ["a%00b", "%00", "%01%02", "%7f", "²", "٣", "1e9", "-1", "0", "99999999999999",
              "%ff%fe", "%c0%af", "'%20OR%201=1--", "%3Cscript%3Ealert(1)%3C/script%3E",
              "..%2f..%2fetc%2fpasswd", "%22unclosed", "x" * 5000, "%20" * 300, "%E2%80%AE",
              "%F0%9F%98%80" * 50, "NaN", "true", "[]", "{}"]
FORMS = {"/inloggen": ["email", "password"], "/registreren": ["name", "email", "password",
                                                              "organisation", "consent"],
         "/wachtwoord-vergeten": ["email"]}
FORM_VALUES = ["a\x00b", "\x01", "x" * 100_000, "²", "' OR 1=1 --", "<script>x</script>",
               "\ud800".encode("utf-8", "surrogatepass").decode("latin-1"), "", " "]


def _served(database: str | None, folder: Path, workers: int = 4) -> tuple[dict, Server]:
    """An instance with the demo data, served by gunicorn; limits out of the probe's way
    (it sends everything from one address)."""
    env = instance_env(folder, database, SEARCH_LIMIT="1000000/minute",
                       LOGIN_LIMIT="1000000/minute", REGISTER_LIMIT="1000000/minute",
                       RESET_LIMIT="1000000/minute", SUBMIT_LIMIT="1000000/minute")
    if database:
        from sqlalchemy import create_engine, text
        engine = create_engine(database)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    kb(env, "init")
    kb(env, "demo")
    return env, Server(env, workers)


def _raw(base: str, method: str, path: str, body: bytes | None = None,
         headers: dict | None = None) -> int:
    """Send one request as given (no encoding by us); its status (0: no answer)."""
    # Letters outside ASCII are sent percent-encoded (UTF-8), as a browser does; what is
    # already encoded stays as it is.
    path = urllib.parse.quote(path, safe="/?=&%:@-._~!$'()*+,;")
    request = urllib.request.Request(base + path, data=body, method=method,
                                     headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except Exception:  # noqa: BLE001 - a dropped connection is a finding too
        return 0


def _hostile_requests() -> list[tuple[str, str, bytes | None, dict]]:
    """(method, path, body, headers) of the hand-made hostile requests."""
    requests = [("GET", f"{page}?{name}={value}", None, {})
                for page, name, value in itertools.product(PAGES, PARAMETERS, ODD_VALUES[:8])]
    requests += [("GET", f"/zoeken?{name}={value}", None, {})
                 for name, value in itertools.product(PARAMETERS, ODD_VALUES)]
    requests += [("GET", route.format(value), None, {})
                 for route, value in itertools.product(
                     ROUTES_WITH_IDS, ["2147483648", "9223372036854775808", "1" * 40, "²",
                                       "-1", "0", "a%00", "%2e%2e"])]
    requests += [(method, page, None, {}) for method, page in itertools.product(
        ["TRACE", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"], PAGES)]
    requests += [("GET", f"/organisaties/{value}", None, {}) for value in ODD_VALUES]
    requests += [("GET", f"/leerateliers/{value}", None, {}) for value in ODD_VALUES]
    requests += [("POST", "/api/v1/search", b"q=x", {}), ("POST", "/zoeken", b"", {}),
                 ("POST", "/inloggen", b"x" * (3 * 1024 * 1024),
                  {"Content-Type": "application/x-www-form-urlencoded"}),
                 ("POST", "/inloggen", b"{\"email\": 1}", {"Content-Type": "application/json"}),
                 ("POST", "/inloggen", b"%zz%",
                  {"Content-Type": "application/x-www-form-urlencoded"}),
                 ("GET", "/", None, {"Cookie": "session=" + "A" * 5000}),
                 ("GET", "/", None, {"Cookie": "lang=%00; remember_token=1:abc"}),
                 ("GET", "/", None, {"Host": "evil.example"}),
                 ("GET", "/taal/xx?next=//evil.example", None, {})]
    return requests


def _form_requests() -> list[tuple[str, dict]]:
    """(path, fields) of odd values in every field of the account forms, with a token."""
    posts = []
    for path, fields in FORMS.items():
        for field, value in itertools.product(fields, FORM_VALUES):
            data = {name: "geldige-waarde-123@voorbeeld.nl" if name == "email" else
                    "geldige waarde lang genoeg" for name in fields}
            data[field] = value
            posts.append((path, data))
    return posts


def hostile(args) -> None:
    """Every hostile request once; the statuses, and each 5xx or dropped answer."""
    with tempfile.TemporaryDirectory() as scratch:
        env, server = _served(args.database, Path(scratch) / "site")
        try:
            statuses, bad = {}, []
            for method, path, body, headers in _hostile_requests():
                status = _raw(server.base, method, path, body, headers)
                statuses[status] = statuses.get(status, 0) + 1
                if status >= 500 or status == 0:
                    bad.append((status, method, path[:120]))
            visitor = Visitor(server.base)
            for path, data in _form_requests():
                status = visitor.post(path, data)[0]
                statuses[status] = statuses.get(status, 0) + 1
                if status >= 500 or status == 0:
                    bad.append((status, "POST", path, {k: v[:30] for k, v in data.items()}))
            total = sum(statuses.values())
            print(f"{total} hostile requests ({args.database or 'sqlite'}): "
                  f"by status {dict(sorted(statuses.items()))}")
            print(f"5xx or no answer: {len(bad)}", bad[:20])
            print("tracebacks in the server log:", server.output().count("Traceback"))
        finally:
            server.stop()


def writers(args) -> None:
    """Many members writing and publishing at once; what was accepted, what is stored."""
    with tempfile.TemporaryDirectory() as scratch:
        env, server = _served(args.database, Path(scratch) / "site")
        try:
            create_accounts(env, [(f"w{number}@voorbeeld.nl", f"W {number}", "moderator")
                                  for number in range(args.users)], PASSWORD)
            statuses: dict[int, int] = {}
            lock = threading.Lock()
            started = time.perf_counter()

            def write(number: int) -> None:
                visitor = Visitor(server.base)
                answers = [visitor.log_in(f"w{number}@voorbeeld.nl", PASSWORD)]
                for item in range(args.each):
                    organisation = "Stichting Tegelijk" if number % 2 else f"Org {number}"
                    status, _text, location = visitor.post("/voorbeelden/nieuw", {
                        "title": f"Schrijfproef w{number}x{item}", "summary": "Een proef "
                        "met veel schrijvers tegelijk.", "body": "Tekst.",
                        "dimensions": ["meedoen"], "themes": ["samenwerking-wijk"],
                        "organisation": organisation, "organisation_type": "welzijn",
                        "level": "meso", "setting": "wijk", "municipality": "Leiden",
                        "year": "2024", "action": "submit"})
                    answers.append(status)
                    found = re.search(r"voorbeeld-(\d+)", location)
                    if found:
                        answers.append(visitor.post(f"/moderatie/{found[1]}",
                                                    {"decision": "publish"},
                                                    page="/moderatie")[0])
                with lock:
                    for status in answers:
                        statuses[status] = statuses.get(status, 0) + 1

            threads = [threading.Thread(target=write, args=(n,)) for n in range(args.users)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - started
            found = Visitor(server.base).api("/api/v1/search?q=schrijfproef&per_page=1")
            print(f"{args.users} writers × {args.each} examples ({args.database or 'sqlite'}),"
                  f" {elapsed:.1f} s: answers by status {dict(sorted(statuses.items()))}; "
                  f"found by search: {found['total']} of {args.users * args.each}")
            print("tracebacks in the server log:", server.output().count("Traceback"))
        finally:
            server.stop()


class SlowInbox:
    """An SMTP handler that takes a while per message, as a real mail server may."""

    async def handle_DATA(self, server, session, envelope):
        """Accept after a delay."""
        await asyncio.sleep(0.05)
        return "250 OK"


def enumeration(args) -> None:
    """How long registration and reset requests take for a known and an unknown address,
    with a mail server that takes 50 ms per message."""
    from aiosmtpd.controller import Controller

    from bench.harness import free_port
    port = free_port()
    controller = Controller(SlowInbox(), hostname="127.0.0.1", port=port)
    controller.start()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "site"
        env = instance_env(folder, MAIL_SERVER="127.0.0.1", MAIL_PORT=port,
                           REGISTER_LIMIT="1000000/minute", RESET_LIMIT="1000000/minute",
                           ACCOUNT_LIMITS='{"login": [8, 900], "login-device": [8, 900], '
                           '"login-address": [40, 900], "reset": [100000, 3600], '
                           '"submit": [20, 3600]}')
        kb(env, "init")
        kb(env, "users", "create", "bekend@voorbeeld.nl", "--name", "Bekend", "--role",
           "participant", "--password-stdin", stdin=PASSWORD)
        server = Server(env, 1)
        try:
            for label, path, known, unknown in (
                    ("register", "/registreren",
                     {"name": "X Y", "email": "bekend@voorbeeld.nl",
                      "password": "een-lang-wachtwoord", "organisation": "Hecht",
                      "consent": "y"},
                     {"name": "X Y", "email": "nieuw{}@voorbeeld.nl",
                      "password": "een-lang-wachtwoord", "organisation": "Hecht",
                      "consent": "y"}),
                    ("reset", "/wachtwoord-vergeten", {"email": "bekend@voorbeeld.nl"},
                     {"email": "onbekend{}@voorbeeld.nl"})):
                times = {"known": [], "unknown": []}
                for number in range(args.rounds):
                    for kind, fields in (("known", known), ("unknown", unknown)):
                        visitor = Visitor(server.base)
                        data = {k: v.format(number) for k, v in fields.items()}
                        visitor.get(path)
                        started = time.perf_counter()
                        visitor.post(path, data, page=path)
                        times[kind].append((time.perf_counter() - started) * 1000)
                medians = {kind: statistics.median(values) for kind, values in times.items()}
                print(f"{label}: median known {medians['known']:.1f} ms, unknown "
                      f"{medians['unknown']:.1f} ms, difference "
                      f"{medians['known'] - medians['unknown']:+.1f} ms over {args.rounds} "
                      "rounds (each includes fetching the form for its token)")
        finally:
            server.stop()
            controller.stop()


def fuzz(args) -> None:
    """schemathesis with every check and many examples, over HTTP against gunicorn."""
    import schemathesis
    from hypothesis import HealthCheck, given, settings
    from schemathesis.checks import CHECKS, load_all_checks
    load_all_checks()
    with tempfile.TemporaryDirectory() as scratch:
        env, server = _served(args.database, Path(scratch) / "site", workers=2)
        try:
            schema = schemathesis.openapi.from_url(server.base + "/api/v1/openapi.json")
            checks, counted = CHECKS.get_all(), {}
            for operation in (result.ok() for result in schema.get_all_operations()):
                @settings(max_examples=args.examples, deadline=None, database=None,
                          suppress_health_check=list(HealthCheck))
                @given(case=operation.as_strategy())
                def run(case):  # called at once, inside this iteration
                    label = operation.label  # noqa: B023
                    counted[label] = counted.get(label, 0) + 1
                    case.call_and_validate(checks=checks)
                try:
                    run()
                    print(f"{operation.label}: {counted.get(operation.label, 0)} cases, "
                          "every check passed")
                except Exception as failure:  # noqa: BLE001 - the finding is printed
                    print(f"{operation.label}: FAILED\n{failure}")
        finally:
            server.stop()


def main() -> None:
    """Run one probe."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    probes = parser.add_subparsers(dest="probe", required=True)
    for name in ("hostile", "writers", "fuzz"):
        probe = probes.add_parser(name)
        probe.add_argument("--database", default=None,
                           help="a scratch PostgreSQL URL (emptied first); default SQLite")
    probes.choices["writers"].add_argument("--users", type=int, default=20)
    probes.choices["writers"].add_argument("--each", type=int, default=5)
    probes.choices["fuzz"].add_argument("--examples", type=int, default=1000)
    probes.add_parser("enumeration").add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    {"hostile": hostile, "writers": writers, "enumeration": enumeration,
     "fuzz": fuzz}[args.probe](args)


if __name__ == "__main__":
    main()
