"""Notification mail (kb.services.notifications) through a real SMTP server: authors hear of
decisions and adoptions, moderators of the queue at most once an hour, batched; every
mail can be switched off by its signed link (its own address only) or on the account;
blocked accounts and refused changes send nothing."""
import datetime as dt
import email
import re

import pytest

from kb.database import db
from kb.services import adoptions, moderation, notifications
from kb.services import permissions as perm
from kb.services.errors import Invalid, NotFound
from kb.services.examples import create_example, update_example
from kb.util import utcnow
from tests import factories
from tests.services.test_adoptions import member_of


def mails(inbox) -> list[tuple[str, str, str]]:
    """(recipient, subject, text) of every mail received."""
    found = []
    for recipients, content in inbox.received():
        message = email.message_from_bytes(content.encode("utf-8"))
        part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
        subject = str(email.header.make_header(email.header.decode_header(message["Subject"])))
        text = part.get_payload(decode=True).decode("utf-8").replace("\r\n", "\n")
        found.append((recipients[0], subject, text))
    return found


def to(inbox, address: str) -> list[tuple[str, str]]:
    """(subject, text) of the mail one address received."""
    return [(subject, text) for recipient, subject, text in mails(inbox) if recipient == address]


def off_link(text: str) -> str:
    """The token of a mail's switch-off link."""
    return re.search(r"/meldingen/uit/(\S+)", text)[1]


@pytest.mark.parametrize("decision, subject, said", [
    ("publish", "Gepubliceerd: ", "is gepubliceerd"),
    ("changes", "Aanpassingen gevraagd: ", "vraagt je om"),
    ("reject", "Niet gepubliceerd: ", "is afgewezen"),
])
def test_the_author_hears_of_each_decision_with_its_reason(app, inbox, decision, subject, said):
    author = factories.user()
    example = factories.example("submitted", author=author, title="Koffie in de wijk")
    moderator = factories.user("moderator")
    reason = "" if decision == "publish" else "Beschrijf ook wat de bewoners zelf deden."
    moderation.decide(moderator, example.id, decision, reason)
    [(got_subject, text)] = to(inbox, author.email)
    assert got_subject == subject + "Koffie in de wijk"
    assert said in text and "Koffie in de wijk" in text
    assert (reason in text) if reason else "Toelichting" not in text
    if decision == "changes":
        assert f"/voorbeelden/{example.id}/bewerken" in text
    assert "/meldingen/uit/" in text and "/account" in text
    assert to(inbox, moderator.email) == []


def test_a_decision_on_an_edit_says_so(app, inbox):
    author = factories.user()
    example = factories.example(author=author, title="Samen eten")
    update_example(author, example.id, {**factories.record(title="Samen eten, bijgewerkt"),
                                        "ref": example.ref})
    moderation.decide(factories.user("moderator"), example.id, "reject", "Dit klopt niet.")
    [(subject, text)] = to(inbox, author.email)
    assert "Je wijziging van “Samen eten” is niet overgenomen." in text


def test_no_mail_for_refused_decisions_blocked_or_unwilling_authors(app, inbox):
    moderator = factories.user("moderator")
    author = factories.user()
    example = factories.example("submitted", author=author)
    with pytest.raises(Invalid):
        moderation.decide(moderator, example.id, "changes", "")  # a reason is required
    notifications.set_notifications(author, ["adoptions", "messages"])
    moderation.decide(moderator, example.id, "publish")
    blocked = factories.user()
    second = factories.example("submitted", author=blocked)
    blocked.active = False
    db.session.commit()
    moderation.decide(moderator, second.id, "reject", "Niet passend.")
    own = factories.example("submitted", author=moderator)
    moderation.decide(moderator, own.id, "publish")
    assert to(inbox, author.email) == [] == to(inbox, blocked.email)
    assert all(subject.startswith("Nieuw in de moderatiewachtrij")  # no decision mail
               for subject, _text in to(inbox, moderator.email))


def test_bulk_decisions_notify_as_one_by_one(app, inbox):
    authors = [factories.user() for _ in range(3)]
    examples = [factories.example("submitted", author=a) for a in authors]
    outcome = moderation.decide_many(factories.user("moderator"), [e.id for e in examples],
                                     "changes", "Voeg een resultaat toe.")
    assert not outcome.failed
    for author in authors:
        [(subject, text)] = to(inbox, author.email)
        assert subject.startswith("Aanpassingen gevraagd") and "Voeg een resultaat toe." in text


def test_the_author_hears_that_another_organisation_applied_it(app, inbox):
    author = factories.user()
    example = factories.example(author=author, organisation="Participe", title="Buurtsoep")
    reader = member_of("Kwadraad")
    adoptions.record_adoption(reader, example.id, "Wij doen het nu in Leiden-Noord.", 2025)
    [(subject, text)] = to(inbox, author.email)
    assert subject == "Ook toegepast: Buurtsoep"
    assert "Kwadraad heeft je voorbeeld “Buurtsoep” ook toegepast (2025)" in text
    assert "Wij doen het nu in Leiden-Noord." in text


def submit(author, title: str):
    """An author submits a new example, as through the form."""
    return create_example(author, factories.record(title=title, ref=None), submit=True)


def test_moderators_get_one_queue_mail_an_hour_with_what_arrived(app, inbox):
    moderator, admin = factories.user("moderator"), factories.user("admin")
    quiet, blocked = factories.user("moderator"), factories.user("moderator")
    notifications.set_notifications(quiet, ["decisions"])
    blocked.active = False
    db.session.commit()
    author = factories.user()
    submit(author, "Eerste inzending")
    for person in (moderator, admin):
        [(subject, text)] = to(inbox, person.email)
        assert subject == "Nieuw in de moderatiewachtrij"
        assert "- Eerste inzending" in text and "/moderatie" in text
    assert to(inbox, quiet.email) == [] == to(inbox, blocked.email)
    assert to(inbox, author.email) == []

    submit(author, "Tweede inzending")  # within the hour: waits for the batch
    assert len(mails(inbox)) == 2
    assert notifications.send_queue_mails(utcnow() + dt.timedelta(minutes=30)) == 0
    later = utcnow() + dt.timedelta(minutes=61)
    assert notifications.send_queue_mails(later) == 2
    [_first, (_subject, text)] = to(inbox, moderator.email)
    assert "- Tweede inzending" in text and "Eerste inzending" not in text
    assert notifications.send_queue_mails(later + dt.timedelta(hours=2)) == 0  # nothing new


def test_reports_and_edits_enter_the_queue_mail(app, inbox):
    example = factories.example(title="Gemeld voorbeeld")
    moderator = factories.user("moderator")
    reader = factories.user()
    moderation.report_example(reader, example.id, "Hier staat een telefoonnummer in.")
    [(_subject, text)] = to(inbox, moderator.email)
    assert "Meldingen over:\n- Gemeld voorbeeld" in text


def test_a_signed_link_switches_its_kind_off_for_its_own_address_only(app, inbox):
    author = factories.user()
    example = factories.example("submitted", author=author)
    moderation.decide(factories.user("moderator"), example.id, "publish")
    [(_subject, text)] = to(inbox, author.email)
    token = off_link(text)
    user, kind = notifications.token_subject(token)
    assert (user.id, kind) == (author.id, "decisions")
    notifications.switch_off_by_token(token)
    assert author.notifications_off == ["decisions"]
    assert not notifications.wants(author, "decisions") and notifications.wants(author,
                                                                                "adoptions")
    with pytest.raises(NotFound):
        notifications.token_subject(token[:-2] + "xx")
    author.email = "nieuw-adres@praktijkbank.example"
    db.session.commit()
    with pytest.raises(NotFound):  # the link was for the old address
        notifications.switch_off_by_token(token)


def test_choices_are_validated_and_the_queue_is_for_moderators(app):
    member, moderator = factories.user(), factories.user("moderator")
    assert notifications.kinds_for(member) == ["decisions", "adoptions", "messages",
                                               "recheck"]
    assert "queue" in notifications.kinds_for(moderator)
    with pytest.raises(Invalid) as refused:
        notifications.set_notifications(member, ["queue"])
    assert set(refused.value.errors) == {"notifications"}
    assert notifications.set_notifications(member, ["decisions"]) == ["adoptions", "messages",
                                                                      "recheck"]
    assert notifications.set_notifications(member, []) == ["adoptions", "decisions",
                                                           "messages", "recheck"]


def test_messages_off_takes_the_contact_form_away_and_a_message_says_how(app, inbox):
    from kb.services.contact import contact_author
    author = factories.user()
    example = factories.example(author=author)
    example.contact_opt_in = True
    db.session.commit()
    reader = factories.user()
    with app.test_request_context():
        contact_author(reader, example.id, "Mogen we jullie aanpak eens komen bekijken?")
    [(_subject, text)] = to(inbox, author.email)
    assert "/meldingen/uit/" in text
    notifications.switch_off_by_token(off_link(text))
    assert not perm.can_contact_author(reader, example)


def test_loading_demo_data_quietly_mails_nobody(app, inbox):
    moderator = factories.user("moderator")
    with notifications.quietly():
        submit(factories.user(), "Een demo-inzending")
    assert mails(inbox) == [] and moderator.queue_mailed_at is None
    submit(factories.user(), "Een echte inzending")  # afterwards mail goes out again
    [(_subject, text)] = to(inbox, moderator.email)
    assert "Een echte inzending" in text
