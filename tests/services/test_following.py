"""Following (kb.services.following): bookmarks, saved searches validated like search,
and digests through a real SMTP server: only new published matches, never an example
twice for one saved search, nothing for blocked accounts, a signed stop link."""
import datetime as dt
import email
import re

import pytest
from sqlalchemy import func, select

from kb.database import db
from kb.models import Bookmark, SavedSearch
from kb.services import following
from kb.services.errors import Forbidden, Invalid, NotFound
from kb.util import utcnow
from tests import factories

DAY = dt.timedelta(days=1)


def digest(app, now):
    """Run the digests at a moment, as `kb digest` does (links to the public address)."""
    with app.test_request_context(base_url="https://praktijkbank.example"):
        return following.send_digests(now)


def bodies(inbox) -> list[str]:
    """The text of every mail received."""
    texts = []
    for _recipients, content in inbox.received():
        message = email.message_from_bytes(content.encode("utf-8"))
        part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
        texts.append(part.get_payload(decode=True).decode("utf-8"))
    return texts


def test_a_member_keeps_published_examples_once(app):
    member = factories.user()
    example = factories.example()
    following.save_example(member, example.id)
    following.save_example(member, example.id)
    assert following.saved_examples(member) == [example]
    assert db.session.scalar(select(func.count()).select_from(Bookmark)) == 1
    following.unsave_example(member, example.id)
    assert following.saved_examples(member) == []


def test_drafts_of_others_cannot_be_kept(app):
    draft = factories.example("draft", author=factories.user())
    with pytest.raises(NotFound):
        following.save_example(factories.user(), draft.id)


def test_an_example_no_longer_published_leaves_the_page(app):
    member = factories.user()
    example = factories.example()
    following.save_example(member, example.id)
    moderator = factories.user("moderator")
    from kb.services.moderation import archive
    archive(moderator, example.id)
    assert following.saved_examples(member) == []


def test_a_saved_search_is_validated_and_kept_canonical(app):
    member = factories.user()
    saved = following.save_search(member, "?page=3&theme=mantelzorg&q=koken&sort=title",
                                  "weekly")
    assert saved.query == "q=koken&theme=mantelzorg"
    again = following.save_search(member, "theme=mantelzorg&q=koken", "daily")
    assert again.id == saved.id and again.frequency == "daily"
    for query, frequency, field in (("level=mega", "weekly", "query"),
                                    ("q=koken", "hourly", "frequency"),
                                    ("q=" + "x" * 2001, "weekly", "query")):
        with pytest.raises(Invalid) as refused:
            following.save_search(member, query, frequency)
        assert field in refused.value.errors
    assert len(following.searches_of(member)) == 1


def test_only_the_owner_deletes_a_saved_search(app):
    owner, other = factories.user(), factories.user()
    saved = following.save_search(owner, "q=koken", "weekly")
    with pytest.raises(NotFound):
        following.delete_search(other, saved.id)
    following.delete_search(owner, saved.id)
    assert following.searches_of(owner) == []


def test_anonymous_visitors_cannot_follow(app):
    class Anonymous:
        is_authenticated = is_active = False
        id = None
    with pytest.raises(Forbidden):
        following.save_search(Anonymous(), "q=koken", "weekly")


def test_a_digest_sends_new_matches_once_and_a_second_run_nothing(app, inbox):
    member = factories.user()
    old = factories.example(title="Koken met buren in de Merenwijk")
    old.published_at = utcnow() - 3 * DAY  # before the search was saved: not news
    saved = following.save_search(member, "q=koken", "daily")
    saved.created_at = utcnow() - 2 * DAY
    db.session.commit()
    fresh = factories.example(title="Samen koken in de buurtkamer")
    factories.example("submitted", title="Koken in concept")
    factories.example(title="Wandelen in het park")
    now = utcnow()
    report = digest(app, now)
    assert (report.due, report.mailed, report.examples) == (1, 1, 1)
    [text] = bodies(inbox)
    assert "Samen koken in de buurtkamer" in text and "Merenwijk" not in text
    assert f"https://praktijkbank.example/voorbeelden/{fresh.id}" in text
    assert digest(app, now).due == 0  # the same run again: not due
    later = digest(app, now + 2 * DAY)  # due again, but nothing new: no mail
    assert (later.due, later.mailed) == (1, 0) and len(inbox.received()) == 1


def test_the_weekly_digest_waits_a_week(app, inbox):
    member = factories.user()
    saved = following.save_search(member, "q=koken", "weekly")
    factories.example(title="Samen koken in de buurtkamer")
    assert digest(app, saved.created_at + 3 * DAY).due == 0
    assert digest(app, saved.created_at + 7 * DAY).mailed == 1


def test_a_blocked_account_gets_no_digest(app, inbox):
    member = factories.user()
    saved = following.save_search(member, "q=koken", "daily")
    factories.example(title="Samen koken in de buurtkamer")
    member.active = False
    db.session.commit()
    assert digest(app, saved.created_at + 2 * DAY).due == 0
    assert inbox.received() == []


def test_the_stop_link_ends_only_its_own_search(app, inbox):
    member = factories.user()
    saved = following.save_search(member, "q=koken", "daily")
    kept = following.save_search(member, "q=wandelen", "daily")
    factories.example(title="Samen koken in de buurtkamer")  # both searches find it
    digest(app, saved.created_at + 2 * DAY)
    about_cooking = next(text for text in bodies(inbox) if "“koken”" in text)
    token = re.search(r"/zoekopdrachten/stoppen/(\S+)", about_cooking)[1]
    assert following.search_for_token(token).id == saved.id
    following.stop_by_token(token)
    assert [s.id for s in following.searches_of(member)] == [kept.id]
    with pytest.raises(NotFound):
        following.search_for_token(token)
    with pytest.raises(NotFound):
        following.search_for_token(token[:-2] + "xx")
    assert db.session.scalar(select(func.count(SavedSearch.id))) == 1
