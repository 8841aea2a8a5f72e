"""Contacting an author without showing their address: a logged-in reader writes through
a form, the message is mailed to the author with the reader's address as reply-to, and
only the fact that a message was sent is logged (never its text)."""
import logging

from flask import url_for
from flask_babel import gettext as _

from kb.services import mailer, notifications, throttle
from kb.services import permissions as perm
from kb.services.errors import Invalid
from kb.services.examples import get_example
from kb.services.transactions import unit_of_work

log = logging.getLogger(__name__)
MIN_MESSAGE, MAX_MESSAGE = 20, 2000


def _clean(message) -> str:
    """The message, stripped and within its bounds; Invalid names `message`."""
    text = str(message or "").replace("\r\n", "\n").strip()
    if not MIN_MESSAGE <= len(text) <= MAX_MESSAGE:
        raise Invalid({"message": _("%(min)d tot %(max)d tekens (nu %(n)d)", min=MIN_MESSAGE,
                                    max=MAX_MESSAGE, n=len(text))})
    return text


def _body(actor, example, text: str) -> str:
    """The mail to the author: who writes, about what, the message, how to answer."""
    who = actor.name + (f" ({actor.organisation_label})" if actor.organisation_label else "")
    link = url_for("public.example", example_id=example.id, slug=example.slug, _external=True)
    return "\n".join([
        _("%(who)s schreef je via Praktijkbank over je voorbeeld “%(title)s”:", who=who,
          title=example.title), link, "", text, "",
        _("Antwoord je op deze mail, dan gaat je antwoord naar %(who)s. Je eigen adres ziet "
          "die pas als je antwoordt.", who=actor.name),
        notifications.footer_for(example.author, "messages")])


@unit_of_work
def contact_author(actor, example_id: int, message) -> None:
    """Mail the author of a published example whose author opted in (limited per account)."""
    example = get_example(actor, example_id)
    perm.require(perm.can_contact_author(actor, example))
    text = _clean(message)
    throttle.check("contact", str(actor.id),
                   _("Je hebt de laatste tijd veel berichten gestuurd; probeer het later."))
    throttle.count("contact", str(actor.id))
    mailer.send_later(example.author.email,
                      _("Vraag over je praktijkvoorbeeld: %(title)s", title=example.title[:80]),
                      _body(actor, example, text), "a message to an author",
                      reply_to=actor.email)
    log.info("contact message sent about example %s from account %s to its author",
             example.id, actor.id)
