"""Many people writing at once, through gunicorn with 4 workers, on SQLite and on the real
PostgreSQL server: no 5xx, and everything accepted is stored and findable."""
import re
import threading

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import PG_SKIP, PG_URL, scratch_postgres
from tests.integration.serving import Server, Visitor, create_accounts, instance_env, kb

pytestmark = pytest.mark.integration

PASSWORD = "gelijktijdig-123"
WRITERS = 8
EACH = 3


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """A database of the test's own: a SQLite file in the instance, or a fresh PostgreSQL
    database beside the one the other tests use."""
    if request.param == "sqlite":
        yield "sqlite:///" + str(tmp_path / "site" / "praktijkbank.sqlite")
        return
    if not PG_URL:
        pytest.skip(PG_SKIP)
    with scratch_postgres("concurrency") as url:
        yield url


@pytest.fixture
def served(tmp_path, database_url):
    """An initialised instance with moderators, served by gunicorn with 4 workers."""
    # As behind a reverse proxy: each visitor below comes from an address of their own.
    env = instance_env(tmp_path / "site", database_url, TRUSTED_PROXIES=1)
    kb(env, "init")
    create_accounts(env, [(f"mod{number}@voorbeeld.nl", f"Moderator {number}", "moderator")
                          for number in range(WRITERS)], PASSWORD)
    server = Server(env, 4)
    server.database_url = database_url
    yield server
    server.stop()


def _accounts(database_url: str, email: str) -> int:
    """How many accounts have this address."""
    engine = create_engine(database_url)
    with engine.connect() as connection:
        found = connection.execute(text("SELECT count(*) FROM user_account WHERE email = :e"),
                                   {"e": email}).scalar()
    engine.dispose()
    return found


def _example_form(title: str, organisation: str) -> dict:
    """The new-example form, filled in and submitted."""
    return {"title": title, "summary": "Een voorbeeld dat tegelijk met andere werd gedeeld.",
            "body": "Wat we deden, tegelijk met anderen.", "dimensions": ["meedoen"],
            "themes": ["samenwerking-wijk"], "organisation": organisation,
            "organisation_type": "welzijn", "level": "meso", "setting": "wijk",
            "municipality": "Leiden", "year": "2024", "action": "submit"}


def test_concurrent_writers_lose_nothing(served):
    """Each moderator posts examples (half of them naming one new organisation at the same
    moment) and publishes them; every one is then found."""
    outcomes: list[tuple[str, int]] = []

    def write(number: int) -> None:
        visitor = Visitor(served.base, f"10.1.0.{number}")
        outcomes.append(("login", visitor.log_in(f"mod{number}@voorbeeld.nl", PASSWORD)))
        for item in range(EACH):
            organisation = "Stichting Gelijktijdig" if number % 2 else f"Organisatie {number}"
            title = f"Gelijktijdig voorbeeld w{number}x{item}"
            status, _text, location = visitor.post(
                "/voorbeelden/nieuw", _example_form(title, organisation))
            outcomes.append(("post", status))
            found = re.search(r"voorbeeld-(\d+)", location)
            if found:
                status, _text, _location = visitor.post(
                    f"/moderatie/{found[1]}", {"decision": "publish"}, page="/moderatie")
                outcomes.append(("publish", status))

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(set(outcomes)) == [("login", 302), ("post", 302), ("publish", 302)], outcomes
    assert len(outcomes) == WRITERS * (1 + 2 * EACH)
    reader = Visitor(served.base)
    answer = reader.api("/api/v1/search?q=gelijktijdig&per_page=100")
    assert answer["total"] == WRITERS * EACH
    organisations = {row["value"]: row["count"] for row in answer["facets"]["organisation"]}
    assert organisations["stichting-gelijktijdig"] == WRITERS // 2 * EACH
    assert "Traceback" not in served.output()


def test_concurrent_registrations_of_one_address(served):
    """Twenty people register the same address at once: one account, the same friendly
    answer for all."""
    answers: list[tuple[int, bool]] = []

    def register(number: int) -> None:
        visitor = Visitor(served.base, f"10.2.0.{number}")
        status, body, _location = visitor.post("/registreren", {
            "name": f"Iemand {number}", "email": "gedeeld@voorbeeld.nl",
            "password": "een-lang-wachtwoord", "organisation": "Hecht", "consent": "y"})
        answers.append((status, "Bekijk je e-mail" in body))

    threads = [threading.Thread(target=register, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [(200, True)] * 20
    assert _accounts(served.database_url, "gedeeld@voorbeeld.nl") == 1
    assert "Traceback" not in served.output()
