"""Password-reset mail through a real SMTP server (aiosmtpd on a free local port)."""
import re
import socket

import pytest
from aiosmtpd.controller import Controller

from tests import factories
from tests.webtools import post_form


class Inbox:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        """Store the message and accept it."""
        self.messages.append((envelope.rcpt_tos, envelope.content.decode("utf-8")))
        return "250 OK"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def inbox(app):
    """A running SMTP server the app is configured to send through."""
    handler = Inbox()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    app.extensions["mailman"].server = "127.0.0.1"
    app.extensions["mailman"].port = port
    yield handler
    controller.stop()


def test_reset_link_is_mailed_and_works(client, inbox):
    account = factories.user()
    post_form(client, "/wachtwoord-vergeten", {"email": account.email},
              page="/wachtwoord-vergeten")
    assert len(inbox.messages) == 1
    recipients, content = inbox.messages[0]
    assert recipients == [account.email]
    assert "Nieuw wachtwoord voor Praktijkbank" in content
    link = re.search(r"http://localhost(/wachtwoord-herstellen/\S+)", content)[1]
    response = post_form(client, link, {"password": "via-de-mail-hersteld"}, page=link)
    assert response.status_code == 302
    assert client.get("/account").status_code == 200


def test_no_mail_for_unknown_address(client, inbox):
    post_form(client, "/wachtwoord-vergeten", {"email": "niemand@voorbeeld.nl"},
              page="/wachtwoord-vergeten")
    assert inbox.messages == []
