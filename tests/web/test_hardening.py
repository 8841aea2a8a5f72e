"""Sessions that end on the server, pages that are not cached, HTTPS behind a proxy,
and instance files readable by their owner only."""
import os
import stat

from kb.database import db
from kb.models import LoginSession
from tests import factories
from tests.factories import PASSWORD
from tests.webtools import login, post_form


def _cookie(client, name: str) -> str | None:
    """The value of one of the client's cookies."""
    cookie = client.get_cookie(name)
    return cookie.value if cookie else None


def _with_cookie(app, name: str, value: str):
    """A new client (another computer) holding a copy of a cookie."""
    thief = app.test_client()
    thief.set_cookie(name, value)
    return thief


def test_a_copied_session_cookie_stops_working_after_logout(app, client):
    account = factories.user()
    login(client, account.email)
    thief = _with_cookie(app, "session", _cookie(client, "session"))
    assert thief.get("/account").status_code == 200  # a copy works while the session lives
    post_form(client, "/uitloggen", page="/")
    assert client.get("/account").status_code == 302
    assert thief.get("/account").status_code == 302


def test_a_copied_remember_cookie_stops_working_after_logout(app, client):
    account = factories.user()
    post_form(client, "/inloggen", {"email": account.email, "password": PASSWORD,
                                    "remember": "y"}, page="/inloggen")
    thief = _with_cookie(app, "remember_token", _cookie(client, "remember_token"))
    assert thief.get("/account").status_code == 200
    post_form(client, "/uitloggen", page="/")
    assert _with_cookie(app, "remember_token",
                        thief.get_cookie("remember_token").value).get("/account").status_code \
        == 302


def test_sessions_expire_on_the_server(app, client):
    import datetime as dt
    account = factories.user()
    login(client, account.email)
    db.session.execute(LoginSession.__table__.update().values(
        expires_at=dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)))
    db.session.commit()
    assert client.get("/account").status_code == 302


def test_the_database_keeps_no_usable_session_keys(app):
    from sqlalchemy import select

    from kb.services.accounts import start_session, user_for_session
    account = factories.user()
    key = start_session(account).login_key
    row = db.session.scalar(select(LoginSession))
    assert user_for_session(f"{account.id}:{key}").id == account.id
    assert user_for_session(f"{account.id}:{row.digest}") is None  # a stolen row is no key


def test_personal_pages_are_not_cached(client):
    account = factories.user("moderator")
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
    assert client.get("/inloggen").headers["Cache-Control"] == "no-store"
    login(client, account.email)
    for url in ("/account", "/moderatie", "/mijn-voorbeelden", "/voorbeelden/nieuw", "/"):
        assert client.get(url).headers["Cache-Control"] == "no-store", url


def test_https_behind_a_trusted_proxy_gives_secure_cookies_and_hsts(app, tmp_path):
    from tests.conftest import make_app
    account = factories.user()
    proxied = make_app(tmp_path / "behind-proxy", app.config["SQLALCHEMY_DATABASE_URI"],
                       TRUSTED_PROXIES=1)
    client = proxied.test_client()
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9",
               "X-Forwarded-Host": "praktijkbank.example",
               "Referer": "https://praktijkbank.example/inloggen"}
    page = client.get("/inloggen", headers=headers)
    assert page.headers["Strict-Transport-Security"].startswith("max-age=")
    from tests.webtools import TOKEN
    token = next(g for g in TOKEN.search(page.get_data(as_text=True)).groups() if g)
    response = client.post("/inloggen", headers=headers, data={
        "email": account.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    cookies = response.headers.getlist("Set-Cookie")
    assert cookies and all("; Secure" in cookie for cookie in cookies), cookies
    plain = client.get("/")
    assert "Strict-Transport-Security" not in plain.headers
    with proxied.app_context():
        db.engine.dispose()


def test_without_a_trusted_proxy_forwarded_headers_are_ignored(app, client):
    response = client.get("/", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in response.headers


def test_the_database_and_the_secret_key_are_readable_by_the_owner_only(tmp_path):
    from tests.conftest import make_app
    instance = tmp_path / "fresh"
    make_app(instance, SECRET_KEY=None)
    for name in ("praktijkbank.sqlite", "secret_key"):
        mode = stat.S_IMODE(os.stat(instance / name).st_mode)
        assert mode == 0o600, (name, oct(mode))
