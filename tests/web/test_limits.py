"""Abuse limits: per client address (Flask-Limiter) and per account (counted in the database)."""
import pytest
from sqlalchemy import func, select

from kb.database import db
from kb.models import Example, User
from tests import factories
from tests.conftest import make_app
from tests.webtools import login, post_form


@pytest.fixture
def strict_app(app):
    """The test app with small limits, so a test can reach them."""
    app.config.update(ACCOUNT_LIMITS={"login": (3, 900), "login-device": (3, 900),
                                      "login-address": (6, 900), "reset": (2, 3600),
                                      "submit": (2, 3600)})
    return app


def _from(app, address: str):
    """A test client whose requests come from a given client address."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_a_guesser_closes_the_account_to_new_browsers_not_to_its_owner(strict_app):
    account = factories.user()
    owner = _from(strict_app, "10.0.0.1")
    assert login(owner, account.email).status_code == 302  # the owner's browser, known now
    post_form(owner, "/uitloggen", page="/")
    guesser = _from(strict_app, "10.0.0.2")
    for _ in range(3):
        assert login(guesser, account.email, "fout-wachtwoord").status_code == 400
    response = login(guesser, account.email)  # even the right password, from a new browser
    text = response.get_data(as_text=True)
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 60
    assert "te vaak een verkeerd wachtwoord" in text and "minuten" in text
    assert "/wachtwoord-vergeten" in text  # the way out for an owner on a new device
    assert login(owner, account.email).status_code == 302  # the owner logs in all the same
    other = factories.user()
    assert login(guesser, other.email).status_code == 302  # other accounts are not affected


def test_a_trusted_browser_is_throttled_too(strict_app):
    account = factories.user()
    browser = _from(strict_app, "10.0.0.3")
    login(browser, account.email)
    post_form(browser, "/uitloggen", page="/")
    for _ in range(3):
        assert login(browser, account.email, "fout-wachtwoord").status_code == 400
    assert login(browser, account.email).status_code == 429


def test_failed_logins_are_counted_per_client_address(strict_app):
    guesser, neighbour = _from(strict_app, "10.0.0.4"), _from(strict_app, "10.0.0.5")
    statuses = [login(guesser, f"iemand{n}@voorbeeld.nl", "fout-wachtwoord").status_code
                for n in range(7)]
    assert statuses == [400] * 6 + [429]
    assert login(neighbour, "iemand@voorbeeld.nl", "fout-wachtwoord").status_code == 400


def test_a_workshop_on_one_wifi_is_not_locked_out(app):
    """Successful logins do not count: 90 participants behind one address."""
    app.config["LOGIN_LIMIT"] = "5 per 15 minutes"
    people = [factories.user() for _ in range(8)]
    statuses = [login(_from(app, "192.0.2.10"), person.email).status_code for person in people]
    assert statuses == [302] * 8  # more than the limit, all let in


def test_account_limit_is_shared_by_every_app_instance(strict_app, client, tmp_path):
    """Two processes (here: two apps) on one database count the same attempts."""
    account = factories.user()
    for _ in range(3):
        login(client, account.email, "fout-wachtwoord")
    second = make_app(tmp_path / "second", strict_app.config["SQLALCHEMY_DATABASE_URI"],
                      ACCOUNT_LIMITS=strict_app.config["ACCOUNT_LIMITS"])
    try:
        assert login(second.test_client(), account.email).status_code == 429
    finally:
        with second.app_context():
            db.engine.dispose()


def test_reset_requests_are_limited_per_account(strict_app, client, inbox):
    account = factories.user()
    for _ in range(2):
        post_form(client, "/wachtwoord-vergeten", {"email": account.email},
                  page="/wachtwoord-vergeten")
    response = post_form(client, "/wachtwoord-vergeten", {"email": account.email},
                         page="/wachtwoord-vergeten")
    assert response.status_code == 429 and response.headers["Retry-After"]
    assert len(inbox.received()) == 2


def test_submissions_are_limited_per_account(strict_app, client):
    from tests.webtools import form_data
    account = factories.user()
    login(client, account.email)
    for n in range(2):
        response = post_form(client, "/voorbeelden/nieuw",
                             form_data(action="submit", title=f"Voorbeeld nummer {n}"),
                             page="/voorbeelden/nieuw")
        assert response.status_code == 302
    response = post_form(client, "/voorbeelden/nieuw", form_data(action="submit"),
                         page="/voorbeelden/nieuw")
    assert response.status_code == 429
    assert db.session.scalar(select(func.count(Example.id))) == 2
    # A draft is not a submission: saving still works.
    response = post_form(client, "/voorbeelden/nieuw", form_data(action="save"),
                         page="/voorbeelden/nieuw")
    assert response.status_code == 302


def test_a_workshop_behind_one_address_writes_together(app):
    """The form's posts are counted per account: the third account behind the same Wi-Fi
    previews as freely as the first, and only an account's own flood is refused."""
    from tests.webtools import form_data
    app.config["SUBMIT_LIMIT"] = "2 per hour"
    statuses = []
    for _account in range(3):
        client = _from(app, "10.0.0.9")
        login(client, factories.user().email)
        statuses.append([post_form(client, "/voorbeelden/nieuw", form_data(action="preview"),
                                   page="/voorbeelden/nieuw").status_code for _ in range(2)])
    assert statuses == [[200, 200]] * 3
    response = post_form(client, "/voorbeelden/nieuw", form_data(action="preview"),
                         page="/voorbeelden/nieuw")
    assert response.status_code == 429


def test_registrations_are_limited_per_client_address(app, client):
    app.config["REGISTER_LIMIT"] = "2 per hour"
    statuses = []
    for n in range(3):
        response = post_form(client, "/registreren", {
            "name": "Iemand", "email": f"iemand{n}@voorbeeld.nl",
            "password": "een-lang-wachtwoord", "organisation": "Hecht", "consent": "y"},
            page="/registreren")
        statuses.append(response.status_code)
        client.post("/uitloggen")  # (without a token this is refused; the session stays)
        client.delete_cookie("session")
    assert statuses == [200, 200, 429]
    assert db.session.scalar(select(func.count(User.id))) == 2
    text = response.get_data(as_text=True)
    assert "Even geduld" in text and "minuten opnieuw" in text


def test_login_attempts_are_limited_per_client_address(app, client):
    app.config["LOGIN_LIMIT"] = "3 per minute"
    statuses = [login(client, f"iemand{n}@voorbeeld.nl", "wat-dan-ook").status_code
                for n in range(4)]
    assert statuses == [400, 400, 400, 429]


def test_counted_addresses_are_kept_no_longer_than_their_window(strict_app):
    import datetime as dt

    from kb.models import ThrottleEvent
    from kb.services import throttle
    old = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1)
    db.session.add(ThrottleEvent(kind="login-address", key="192.0.2.99", created_at=old))
    db.session.commit()
    throttle.count("login-address", "192.0.2.1")
    db.session.commit()
    keys = set(db.session.scalars(select(ThrottleEvent.key).where(
        ThrottleEvent.kind == "login-address")))
    assert keys == {"192.0.2.1"}
