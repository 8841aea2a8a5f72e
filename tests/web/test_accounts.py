"""Accounts through the test client: register, log in and out, passwords, reset links, limits."""
import re

import pytest
from sqlalchemy import func, select

from kb.database import db
from kb.models import User
from kb.services.taxonomy import find_organisation
from tests import factories
from tests.factories import PASSWORD
from tests.webtools import csrf_token, login, post_form


def register(client, **fields):
    """POST the registration form with valid defaults."""
    data = {"name": "Sanne de Vries", "email": "sanne@voorbeeld.nl",
            "password": "een-lang-wachtwoord", "organisation": "Kwadraad", "consent": "y",
            **fields}
    return post_form(client, "/registreren", data, page="/registreren")


def account_count() -> int:
    """How many accounts exist."""
    return db.session.scalar(select(func.count(User.id)))


def test_register_opens_an_account_confirmed_through_a_mailed_link(client, inbox):
    response = register(client)
    assert response.status_code == 200
    assert "Bekijk je e-mail" in response.get_data(as_text=True)
    user = db.session.scalar(select(User).where(User.email == "sanne@voorbeeld.nl"))
    assert user.role == "participant" and user.email_confirmed_at is None
    assert user.organisation == find_organisation("Kwadraad")
    assert user.password_hash.startswith("scrypt:")
    assert client.get("/account").status_code == 302  # not logged in yet
    refused = login(client, "sanne@voorbeeld.nl", "een-lang-wachtwoord")
    assert refused.status_code == 400 and "Bevestig eerst je e-mailadres" in refused.get_data(
        as_text=True)
    link = inbox.link("sanne@voorbeeld.nl", "/registreren/bevestigen/")
    assert client.get(link).status_code == 302
    page = client.get("/account").get_data(as_text=True)
    assert "sanne@voorbeeld.nl" in page and 'value="Kwadraad"' in page
    db.session.refresh(user)
    assert user.email_confirmed_at is not None


def test_a_tampered_confirmation_link_is_refused(client, inbox):
    register(client)
    link = inbox.link("sanne@voorbeeld.nl", "/registreren/bevestigen/")
    refused = client.get(link[:-3] + "abc")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "verlopen of ongeldig" in page
    assert "E-mailadres bevestigen</h1>" in page and "wachtwoord kiezen" not in page
    assert 'href="/registreren"' in page  # registering again mails a new link
    assert client.get("/account").status_code == 302


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


def test_registering_an_address_in_use_answers_as_for_a_new_one(app, client, inbox):
    existing = factories.user(email="sanne@voorbeeld.nl")
    taken = register(client, email="Sanne@Voorbeeld.nl")
    fresh = register(app.test_client(), email="nieuw@voorbeeld.nl")
    assert taken.status_code == fresh.status_code == 200
    assert taken.get_data(as_text=True).replace("Sanne@Voorbeeld.nl", "X") == \
        fresh.get_data(as_text=True).replace("nieuw@voorbeeld.nl", "X")
    assert account_count() == 2
    db.session.refresh(existing)
    assert existing.check_password(PASSWORD)  # the existing account is untouched
    notice = [content for to, content in inbox.received() if to == ["sanne@voorbeeld.nl"]]
    assert len(notice) == 1 and "al een account" in notice[0]
    link = inbox.link("sanne@voorbeeld.nl", "/wachtwoord-herstellen/")
    assert client.get(link).status_code == 200  # the owner may choose a new password


def test_registering_again_before_confirming_sends_the_confirmation_again(app, client, inbox):
    register(client, password="lantaarn-bij-de-brug-7")
    assert inbox.link("sanne@voorbeeld.nl", "/registreren/bevestigen/")
    again = register(app.test_client(), password="kapstok-in-de-gang-3")
    assert again.status_code == 200 and account_count() == 1
    (_to, mail), = [(to, text) for to, text in inbox.received()][-1:]
    assert "wacht nog op bevestiging" in mail and "Log in met je wachtwoord" not in mail
    link = inbox.link("sanne@voorbeeld.nl", "/registreren/bevestigen/")  # (the same second:
    # the same signed token as the first)
    assert "Je e-mailadres is bevestigd" in client.get(link, follow_redirects=True) \
        .get_data(as_text=True)
    # The first registration's password counts: a second one cannot take the account.
    assert login(app.test_client(), "sanne@voorbeeld.nl",
                 "kapstok-in-de-gang-3").status_code == 400
    assert login(app.test_client(), "sanne@voorbeeld.nl",
                 "lantaarn-bij-de-brug-7").status_code == 302


def test_post_without_csrf_token_is_refused(client):
    response = client.post("/registreren", data={
        "name": "Sanne", "email": "sanne@voorbeeld.nl", "password": "een-lang-wachtwoord",
        "organisation": "Kwadraad", "consent": "y"})
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
    assert "is niet je huidige wachtwoord" in response.get_data(as_text=True)
    db.session.refresh(account)
    assert account.check_password(PASSWORD)


def test_the_forms_say_what_is_missing_in_the_words_of_the_rest(client):
    """A form's own checks speak as the services do ("is verplicht"), not in WTForms'
    words ("Dit veld is vereist.")."""
    login(client, factories.user().email)
    empty = post_form(client, "/account", {"name": "", "organisation": "Reos"},
                      page="/account").get_data(as_text=True)
    long = post_form(client, "/account", {"name": "n" * 121, "organisation": "Reos"},
                     page="/account").get_data(as_text=True)
    assert "is verplicht" in empty and "vereist" not in empty
    assert "mag hoogstens 120 tekens lang zijn" in long and "karakters" not in long


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


def test_reset_link_works_once_and_confirms_the_address(client, inbox):
    account = factories.user()
    account.email_confirmed_at = None
    db.session.commit()
    response = post_form(client, "/wachtwoord-vergeten", {"email": account.email},
                         page="/wachtwoord-vergeten")
    assert response.status_code == 302
    link = inbox.link(account.email, "/wachtwoord-herstellen/")
    assert client.get(link).status_code == 200
    response = post_form(client, link, {"password": "hersteld-wachtwoord"}, page=link)
    assert response.status_code == 302
    assert client.get("/account").status_code == 200  # logged in with the new password
    db.session.refresh(account)
    assert account.check_password("hersteld-wachtwoord")
    assert account.email_confirmed_at is not None
    assert client.get(link).status_code == 400  # used: the password changed


def test_reset_for_unknown_address_answers_the_same_and_sends_nothing(client, inbox):
    account = factories.user()
    known = post_form(client, "/wachtwoord-vergeten", {"email": account.email},
                      page="/wachtwoord-vergeten")
    unknown = post_form(client, "/wachtwoord-vergeten", {"email": "niemand@voorbeeld.nl"},
                        page="/wachtwoord-vergeten")
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"]
    assert [to for to, _content in inbox.received()] == [[account.email]]


def test_tampered_or_expired_reset_link_is_refused(app, client, inbox):
    account = factories.user()
    post_form(client, "/wachtwoord-vergeten", {"email": account.email},
              page="/wachtwoord-vergeten")
    link = inbox.link(account.email, "/wachtwoord-herstellen/")
    assert client.get(link[:-2] + "xx").status_code == 400
    app.config["RESET_TOKEN_MAX_AGE"] = -1
    response = client.get(link)
    assert response.status_code == 400
    assert "verlopen of ongeldig" in response.get_data(as_text=True)


def test_the_account_page_has_several_forms_and_no_id_twice(client):
    login(client, factories.user().email)
    html = client.get("/account").get_data(as_text=True)
    assert html.count('name="csrf_token"') >= 3
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert sorted(ids) == sorted(set(ids))
