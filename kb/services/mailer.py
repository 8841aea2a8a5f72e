"""Mail sent after the response, from a background thread.

A visitor's answer then takes as long whether or not a mail goes out (no account
enumeration by timing), and a slow SMTP server never holds up a page. Without a
MAIL_SERVER, mail is not sent; with MAIL_LOG_LINKS set (a setup without mail, turned on
explicitly), its text is written to the log so an admin can pass a link on.
"""
import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor

from flask import current_app
from flask_mailman import EmailMessage

log = logging.getLogger(__name__)
_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="kb-mail")
_pending: set[Future] = set()
_pending_lock = threading.Lock()


def send_later(to: str, subject: str, body: str, about: str,
               reply_to: str | None = None) -> None:
    """Send a mail in the background; `about` names it in the log, without the address."""
    app = current_app._get_current_object()
    future = _pool.submit(_send, app, to, subject, body, about, reply_to)
    with _pending_lock:
        _pending.add(future)
    future.add_done_callback(_forget)


def _forget(future: Future) -> None:
    """Drop a finished mail from the pending set."""
    with _pending_lock:
        _pending.discard(future)


def _send(app, to: str, subject: str, body: str, about: str,
          reply_to: str | None = None) -> None:
    """Deliver one mail through the configured SMTP server (or log why not)."""
    with app.app_context():
        if not app.config.get("MAIL_SERVER"):
            if app.config.get("MAIL_LOG_LINKS"):
                log.warning("No MAIL_SERVER configured; %s:\n%s", about, body)
            else:
                log.warning("No MAIL_SERVER configured; %s was not sent "
                            "(set MAIL_LOG_LINKS to write such mail to the log)", about)
            return
        try:
            EmailMessage(subject, body, to=[to],
                         reply_to=[reply_to] if reply_to else None).send()
        except Exception:  # noqa: BLE001 - a thread has nobody to raise to
            log.exception("sending %s failed", about)


def drain(timeout: float = 30) -> None:
    """Wait until every mail handed over so far has been sent (tests, shutdown)."""
    with _pending_lock:
        pending = list(_pending)
    for future in pending:
        future.result(timeout)
