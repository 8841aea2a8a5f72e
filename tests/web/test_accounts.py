"""Accounts through the test client: register, log in and out, passwords, reset links, limits."""
import re

import pytest
from sqlalchemy import func, select

from kb.extensions import db
from kb.models import User
from kb.services.taxonomy import find_organisation
from tests import factories
from tests.factories import PASSWORD
from tests.webtools import csrf_token, login, post_form


def register(client, **fields):
    """POST the registration form with valid defaults."""
    data = {"name": "Sanne de Vries", "email": "sanne@voorbeeld.nl",
            "password": "een-lang-wachtwoord", "organisation": "Kwadraad", **fields}
    return post_form(client, "/registreren", data, page="/registreren")


def account_count() -> int:
    """How many accounts exist."""
    return db.session.scalar(select(func.count(User.id)))


def test_register_opens_a_participant_account_and_logs_in(client):
    response = register(client)
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "sanne@voorbeeld.nl"))
    assert user.role == "participant"
    assert user.organisation == find_organisation("Kwadraad")
    assert user.password_hash.startswith("scrypt:")
    page = client.get("/account").get_data(as_text=True)
    assert "sanne@voorbeeld.nl" in page and 'value="Kwadraad"' in page


def test_register_with_another_named_organisation_keeps_the_name(client):
    register(client, organisation="Huisartsenpraktijk De Linde")
    user = db.session.scalar(select(User).where(User.email == "sanne@voorbeeld.nl"))
    assert user.organisation is None
    assert user.organisation_label == "Huisartsenpraktijk De Linde"


@pytest.mark.parametrize("field, value, message", [
    ("email", "geen-adres", "geen geldig e-mailadres"),
    ("password", "kort", "moet 10 tot 200 tekens lang zijn"),
    ("name", "S", "moet 2 tot 120 tekens lang zijn"),
    ("organisation", "K", "moet 2 tot 200 tekens lang zijn"),
])
def test_register_refuses_bad_fields_keeping_what_was_typed(client, field, value, message):
    response = register(client, **{field: value})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in html
    assert account_count() == 0
    if field != "password":  # passwords are never sent back
        assert f'value="{value}"' in html


def test_register_refuses_an_address_in_use(client):
    factories.user(email="sanne@voorbeeld.nl")
    response = register(client, email="Sanne@Voorbeeld.nl")
    assert response.status_code == 400
    assert "er bestaat al een account met dit e-mailadres" in response.get_data(as_text=True)
    assert account_count() == 1


def test_post_without_csrf_token_is_refused(client):
    response = client.post("/registreren", data={
        "name": "Sanne", "email": "sanne@voorbeeld.nl", "password": "een-lang-wachtwoord",
        "organisation": "Kwadraad"})
    assert response.status_code == 400
    assert account_count() == 0
    account = factories.user()
    response = client.post("/inloggen", data={"email": account.email, "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/account").status_code == 302


def test_login_redirects_to_a_local_next_only(client):
    account = factories.user()
    data = {"email": account.email, "password": PASSWORD}
    response = post_form(client, "/inloggen?next=/mijn-voorbeelden", data, page="/inloggen")
    assert response.headers["Location"] == "/mijn-voorbeelden"
    client.post("/uitloggen", data={"csrf_token": csrf_token(client)})
    for target in ("https://elders.example/", "//elders.example/x", "/\\elders.example"):
        response = post_form(client, f"/inloggen?next={target}", data, page="/inloggen")
        assert response.headers["Location"] == "/", target
        client.post("/uitloggen", data={"csrf_token": csrf_token(client)})


def test_wrong_password_and_unknown_email_get_the_same_answer(client):
    account = factories.user()
    wrong = login(client, account.email, "niet-het-wachtwoord")
    unknown = login(client, "niemand@voorbeeld.nl", "niet-het-wachtwoord")
    assert wrong.status_code == unknown.status_code == 400

    def message(response):
        return re.search(r'<p class="error"[^>]*>([^<]+)<', response.get_data(as_text=True))[1]
    assert message(wrong) == message(unknown) == \
        "Dit e-mailadres en wachtwoord horen niet bij elkaar."
    assert client.get("/account").status_code == 302


def test_blocked_account_cannot_log_in_and_loses_its_session(client):
    account = factories.user()
    assert login(client, account.email).status_code == 302
    account.active = False
    db.session.commit()
    assert client.get("/account").status_code == 302  # the session no longer counts
    response = login(client, account.email)
    assert response.status_code == 400
    assert "geblokkeerd" in response.get_data(as_text=True)


def test_logout_needs_a_post_with_token(client):
    account = factories.user()
    login(client, account.email)
    assert client.get("/uitloggen").status_code == 405
    client.post("/uitloggen")  # no token: refused, still logged in
    assert client.get("/account").status_code == 200
    client.post("/uitloggen", data={"csrf_token": csrf_token(client)})
    assert client.get("/account").status_code == 302


def test_remember_me_sets_a_lasting_cookie(client):
    account = factories.user()
    response = post_form(client, "/inloggen", {"email": account.email, "password": PASSWORD,
                                               "remember": "y"}, page="/inloggen")
    assert "remember_token=" in " ".join(response.headers.getlist("Set-Cookie"))
    factories.user(email="ander@voorbeeld.nl")
    client2 = client.application.test_client()
    response = login(client2, "ander@voorbeeld.nl")
    assert "remember_token=" not in " ".join(response.headers.getlist("Set-Cookie"))


def test_change_password_keeps_this_session_and_ends_others(app, client):
    account = factories.user()
    other_device = app.test_client()
    login(client, account.email)
    login(other_device, account.email)
    response = post_form(client, "/account/wachtwoord",
                         {"current_password": PASSWORD, "password": "nieuw-geheim-123"},
                         page="/account")
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    assert other_device.get("/account").status_code == 302
    client.post("/uitloggen", data={"csrf_token": csrf_token(client)})
    assert login(client, account.email, "nieuw-geheim-123").status_code == 302


def test_change_password_needs_the_current_one(client):
    account = factories.user()
    login(client, account.email)
    response = post_form(client, "/account/wachtwoord",
                         {"current_password": "fout-fout-fout", "password": "nieuw-geheim-123"},
                         page="/account")
    assert response.status_code == 400
    assert "klopt niet" in response.get_data(as_text=True)
    db.session.refresh(account)
    assert account.check_password(PASSWORD)


def test_log_out_everywhere_ends_every_session(app, client):
    account = factories.user()
    other_device = app.test_client()
    login(client, account.email)
    login(other_device, account.email)
    post_form(client, "/account/overal-uitloggen", page="/account")
    assert client.get("/account").status_code == 302
    assert other_device.get("/account").status_code == 302


def test_profile_change_is_saved_and_validated(client):
    account = factories.user()
    login(client, account.email)
    response = post_form(client, "/account", {"name": "Nieuwe Naam", "organisation": "Hecht"},
                         page="/account")
    assert response.status_code == 302
    db.session.refresh(account)
    assert (account.name, account.organisation.name) == ("Nieuwe Naam", "Hecht")
    response = post_form(client, "/account", {"name": "", "organisation": "Hecht"},
                         page="/account")
    assert response.status_code == 400
    db.session.refresh(account)
    assert account.name == "Nieuwe Naam"


def reset_link_from_log(caplog) -> str:
    """The reset link the app wrote to its log (no mail server configured)."""
    links = [re.search(r"http://\S+", r.getMessage())[0] for r in caplog.records
             if "password reset link" in r.getMessage()]
    assert links, "no reset link was logged"
    return links[-1]


def test_reset_link_is_logged_without_mail_server_and_works_once(client, caplog):
    account = factories.user()
    response = post_form(client, "/wachtwoord-vergeten", {"email": account.email},
                         page="/wachtwoord-vergeten")
    assert response.status_code == 302
    link = reset_link_from_log(caplog).replace("http://localhost", "")
    assert client.get(link).status_code == 200
    response = post_form(client, link, {"password": "hersteld-wachtwoord"}, page=link)
    assert response.status_code == 302
    assert client.get("/account").status_code == 200  # logged in with the new password
    db.session.refresh(account)
    assert account.check_password("hersteld-wachtwoord")
    assert client.get(link).status_code == 400  # used: the password changed


def test_reset_for_unknown_address_answers_the_same_and_sends_nothing(client, caplog):
    response = post_form(client, "/wachtwoord-vergeten", {"email": "niemand@voorbeeld.nl"},
                         page="/wachtwoord-vergeten")
    assert response.status_code == 302
    assert not [r for r in caplog.records if "password reset link" in r.getMessage()]


def test_tampered_or_expired_reset_link_is_refused(app, client, caplog):
    account = factories.user()
    post_form(client, "/wachtwoord-vergeten", {"email": account.email},
              page="/wachtwoord-vergeten")
    link = reset_link_from_log(caplog).replace("http://localhost", "")
    assert client.get(link[:-2] + "xx").status_code == 400
    app.config["RESET_TOKEN_MAX_AGE"] = -1
    response = client.get(link)
    assert response.status_code == 400
    assert "verlopen of ongeldig" in response.get_data(as_text=True)
