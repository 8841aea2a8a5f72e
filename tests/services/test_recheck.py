"""'Laatst gecontroleerd' (kb.services.recheck): a published example not checked for the
configured time is on the moderators' list, oldest first; its author is asked once per
period by mail; a moderator's check or a published edit takes it off the list."""
import datetime as dt

import pytest

from kb.database import db
from kb.services import moderation, recheck
from kb.services.errors import Forbidden
from kb.services.examples import update_example
from kb.util import utcnow
from tests import factories
from tests.services.test_notifications import to

YEAR = dt.timedelta(days=365)


def published_ago(days: int, **fields):
    """A published example whose publication lies `days` back."""
    example = factories.example(**fields)
    example.published_at = utcnow() - dt.timedelta(days=days)
    db.session.commit()
    return example


def test_the_list_holds_what_was_not_checked_for_a_year(app):
    moderator = factories.user("moderator")
    old, older, fresh = published_ago(400), published_ago(800), published_ago(30)
    factories.example("draft")
    assert recheck.due_for_recheck(moderator) == [older, old]
    assert recheck.count_due() == 2
    recheck.mark_checked(moderator, old.id)
    assert recheck.due_for_recheck(moderator) == [older]
    assert recheck.last_checked(old) == old.checked_at and fresh not in recheck.due_for_recheck(
        moderator)
    app.config["RECHECK_AFTER_DAYS"] = 10
    assert fresh in recheck.due_for_recheck(moderator)
    with pytest.raises(Forbidden):
        recheck.due_for_recheck(factories.user())
    with pytest.raises(Forbidden):
        recheck.mark_checked(factories.user(), older.id)


def test_a_published_edit_counts_as_a_check(app):
    author = factories.user()
    example = published_ago(500, author=author)
    update_example(author, example.id, {**factories.record(title="Bijgewerkt"),
                                        "ref": example.ref})
    moderation.decide(factories.user("moderator"), example.id, "publish")
    assert example.checked_at is not None and recheck.count_due() == 0


def test_authors_are_asked_once_per_period(app, inbox):
    author = factories.user()
    example = published_ago(400, author=author, title="Oud maar goed")
    assert recheck.ask_authors() == 1
    [(subject, text)] = to(inbox, author.email)
    assert subject == "Klopt het nog? Oud maar goed"
    assert f"/voorbeelden/{example.id}/bewerken" in text and "/meldingen/uit/" in text
    assert recheck.ask_authors() == 0  # not again this period
    assert recheck.ask_authors(utcnow() + YEAR + dt.timedelta(days=1)) == 1
    blocked = factories.user()
    published_ago(400, author=blocked)
    blocked.active = False
    db.session.commit()
    recheck.ask_authors(utcnow() + 3 * YEAR)
    assert to(inbox, blocked.email) == []
