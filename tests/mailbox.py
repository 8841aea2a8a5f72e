"""A real SMTP server (aiosmtpd on a free local port) that keeps what it receives."""
import re
import socket
import time

from aiosmtpd.controller import Controller

from kb.services import mailer


class Inbox:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self):
        self.messages: list[tuple[list[str], str]] = []

    async def handle_DATA(self, server, session, envelope):
        """Store the message and accept it."""
        self.messages.append((envelope.rcpt_tos, envelope.content.decode("utf-8")))
        return "250 OK"

    def received(self) -> list[tuple[list[str], str]]:
        """Every message so far, once the app's background sender has delivered all."""
        mailer.drain()
        return self.messages

    def link(self, to: str, path: str, wait: float = 15) -> str:
        """The local path of the last link to `path` mailed to an address (waiting a
        while for it: another process may still be sending)."""
        deadline = time.monotonic() + wait
        while True:
            for recipients, content in reversed(self.received()):
                found = re.search(r"https?://[^/\s]+(" + re.escape(path) + r"\S+)", content)
                if to in recipients and found:
                    return found[1]
            if time.monotonic() > deadline:
                raise AssertionError(f"no mail to {to} with a link to {path}")
            time.sleep(0.1)


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_smtp() -> tuple[Inbox, Controller, int]:
    """A running SMTP server on a free port: (inbox, controller, port)."""
    handler, port = Inbox(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    return handler, controller, port
