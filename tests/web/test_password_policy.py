"""The password policy as a person meets it: the form says why a password is refused."""
from kb.services import accounts
from tests import factories
from tests.webtools import logged_in, post_form


def text(response) -> str:
    """The response body as text."""
    return response.get_data(as_text=True)


def test_registration_says_why_a_password_is_refused(client):
    for password, reason in (("welkom12345", "meest gebruikte wachtwoorden"),
                             ("praktijkbank!", "naam van de site"),
                             ("sanne-de-vries", "je naam of je e-mailadres")):
        response = post_form(client, "/registreren", {
            "name": "Sanne de Vries", "email": "sanne@voorbeeld.nl", "password": password,
            "organisation": "Kwadraad", "consent": "y"}, page="/registreren")
        assert response.status_code == 400
        assert 'id="password-error"' in text(response) and reason in text(response)


def test_a_reset_says_why_a_password_is_refused(app, client):
    member = factories.user(email="joost.meijer@zorg.example")
    link = f"/wachtwoord-herstellen/{accounts.password_token(member)}"
    response = post_form(client, link, {"password": "meijer-joost"}, page=link)
    assert response.status_code == 400 and "je naam of je e-mailadres" in text(response)
    response = post_form(client, link, {"password": "een-fiets-op-het-dak"}, page=link)
    assert response.status_code == 302


def test_the_account_page_says_why_a_new_password_is_refused(client):
    logged_in(client)
    response = post_form(client, "/account/wachtwoord", {
        "current_password": factories.PASSWORD, "password": "Qwerty123456"}, page="/account")
    assert response.status_code == 400 and "meest gebruikte wachtwoorden" in text(response)
