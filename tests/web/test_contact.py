"""Contacting an author without exposing the address: a form for logged-in readers where
the author opted in, the message mailed through a real SMTP server with the reader as
reply-to, the address on no page, limits per account, refusals named, nothing logged of
the text."""
import email
import logging

import pytest

from kb.database import db
from kb.services import contact
from kb.services.errors import Forbidden
from tests import factories
from tests.web.test_pages import page
from tests.webtools import logged_in, post_form

MESSAGE = "Wij willen in Katwijk ook een wandelgroep beginnen. Mogen we eens bellen?"


def opted_in_example(author=None):
    """A published example whose author may be contacted."""
    author = author or factories.user()
    example = factories.example(author=author)
    example.contact_opt_in = True
    db.session.commit()
    return example, author


def test_the_message_reaches_the_author_with_the_reader_as_reply_to(client, inbox, caplog):
    example, author = opted_in_example()
    url = f"/voorbeelden/{example.id}/{example.slug}"
    assert author.email not in page(client, url)
    reader = logged_in(client)
    html = page(client, url)
    assert author.email not in html and "Bericht versturen" in html
    with caplog.at_level(logging.INFO):
        response = post_form(client, f"/voorbeelden/{example.id}/contact",
                             {"message": MESSAGE}, page=url)
    assert response.status_code == 302
    [(recipients, content)] = inbox.received()
    message = email.message_from_bytes(content.encode("utf-8"))
    assert recipients == [author.email] and message["Reply-To"] == reader.email
    assert MESSAGE in message.get_payload(decode=True).decode("utf-8")
    assert MESSAGE not in caplog.text and "contact message sent" in caplog.text


def test_a_short_message_is_refused_and_kept(client, inbox):
    example, _author = opted_in_example()
    url = f"/voorbeelden/{example.id}/{example.slug}"
    logged_in(client)
    response = post_form(client, f"/voorbeelden/{example.id}/contact", {"message": "Hoi!"},
                         page=url)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and 'id="contact-error"' in html and "Hoi!" in html
    assert inbox.received() == []


def test_no_form_without_opt_in_nor_for_oneself_nor_to_a_blocked_author(client, app):
    example, author = opted_in_example()
    logged_in(client)
    quiet = factories.example(author=author)  # not opted in
    assert "Bericht versturen" not in page(client, f"/voorbeelden/{quiet.id}/{quiet.slug}")
    refused = post_form(client, f"/voorbeelden/{quiet.id}/contact", {"message": MESSAGE})
    assert refused.status_code == 403
    author.active = False
    db.session.commit()
    with pytest.raises(Forbidden):
        contact.contact_author(factories.user(), example.id, MESSAGE)
    author.active = True
    db.session.commit()
    with pytest.raises(Forbidden):
        contact.contact_author(author, example.id, MESSAGE)


def test_messages_are_limited_per_account(client, app, inbox):
    app.config["ACCOUNT_LIMITS"] = {**app.config["ACCOUNT_LIMITS"], "contact": (2, 3600)}
    example, _author = opted_in_example()
    url = f"/voorbeelden/{example.id}/{example.slug}"
    logged_in(client)
    statuses = [post_form(client, f"/voorbeelden/{example.id}/contact", {"message": MESSAGE},
                          page=url).status_code for _ in range(3)]
    assert statuses == [302, 302, 429]
    assert len(inbox.received()) == 2
