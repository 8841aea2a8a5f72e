"""Mail through a real SMTP server: reset links, registration links, nothing for strangers."""
from tests import factories
from tests.webtools import post_form


def test_reset_link_is_mailed_and_works(client, inbox):
    account = factories.user()
    post_form(client, "/wachtwoord-vergeten", {"email": account.email},
              page="/wachtwoord-vergeten")
    messages = inbox.received()
    assert len(messages) == 1
    recipients, content = messages[0]
    assert recipients == [account.email]
    assert "Nieuw wachtwoord voor Praktijkbank" in content
    link = inbox.link(account.email, "/wachtwoord-herstellen/")
    response = post_form(client, link, {"password": "via-de-mail-hersteld"}, page=link)
    assert response.status_code == 302
    assert client.get("/account").status_code == 200


def test_no_mail_for_unknown_address(client, inbox):
    post_form(client, "/wachtwoord-vergeten", {"email": "niemand@voorbeeld.nl"},
              page="/wachtwoord-vergeten")
    assert inbox.received() == []


def test_without_a_mail_server_links_are_not_logged_unless_asked(client, app, caplog):
    account = factories.user()
    post_form(client, "/wachtwoord-vergeten", {"email": account.email},
              page="/wachtwoord-vergeten")
    from kb.services import mailer
    mailer.drain()
    assert "/wachtwoord-herstellen/" not in caplog.text
    assert "was not sent" in caplog.text and account.email not in caplog.text
    app.config["MAIL_LOG_LINKS"] = True
    caplog.clear()
    post_form(client, "/wachtwoord-vergeten", {"email": account.email},
              page="/wachtwoord-vergeten")
    mailer.drain()
    assert "/wachtwoord-herstellen/" in caplog.text
