"""Abuse limits: per client address (Flask-Limiter) and per account (counted in the database)."""
import pytest
from sqlalchemy import func, select

from kb.extensions import db
from kb.models import Example, User
from tests import factories
from tests.conftest import make_app
from tests.webtools import login, post_form


@pytest.fixture
def strict_app(app):
    """The test app with small limits, so a test can reach them."""
    app.config.update(ACCOUNT_LIMITS={"login": (3, 900), "reset": (2, 3600),
                                      "submit": (2, 3600)})
    return app


def test_failed_logins_lock_the_account_not_others(strict_app, client):
    account = factories.user()
    other = factories.user()
    for _ in range(3):
        assert login(client, account.email, "fout-wachtwoord").status_code == 400
    response = login(client, account.email)  # even the right password waits now
    assert response.status_code == 429
    assert "Dat is te vaak geprobeerd" in response.get_data(as_text=True)
    assert login(client, other.email).status_code == 302


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


def test_reset_requests_are_limited_per_account(strict_app, client, caplog):
    account = factories.user()
    for _ in range(2):
        post_form(client, "/wachtwoord-vergeten", {"email": account.email},
                  page="/wachtwoord-vergeten")
    response = post_form(client, "/wachtwoord-vergeten", {"email": account.email},
                         page="/wachtwoord-vergeten")
    assert response.status_code == 429
    assert len([r for r in caplog.records if "password reset link" in r.getMessage()]) == 2


def test_submissions_are_limited_per_account(strict_app, client):
    from tests.web.test_contribute import form_data
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


def test_registrations_are_limited_per_client_address(app, client):
    app.config["REGISTER_LIMIT"] = "2 per hour"
    statuses = []
    for n in range(3):
        response = post_form(client, "/registreren", {
            "name": "Iemand", "email": f"iemand{n}@voorbeeld.nl",
            "password": "een-lang-wachtwoord", "organisation": "Hecht"}, page="/registreren")
        statuses.append(response.status_code)
        client.post("/uitloggen")  # (without a token this is refused; the session stays)
        client.delete_cookie("session")
    assert statuses == [302, 302, 429]
    assert db.session.scalar(select(func.count(User.id))) == 2
    assert "Even geduld" in response.get_data(as_text=True)


def test_login_attempts_are_limited_per_client_address(app, client):
    app.config["LOGIN_LIMIT"] = "3 per minute"
    statuses = [login(client, f"iemand{n}@voorbeeld.nl", "wat-dan-ook").status_code
                for n in range(4)]
    assert statuses == [400, 400, 400, 429]
