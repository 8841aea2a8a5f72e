"""`kb prune` (kb.services.retention): audit events, attempts, expired sessions and index
events past their time go; what is still within it stays; an index that missed pruned
events is rebuilt, never left behind."""
import datetime as dt

from sqlalchemy import func, select

from kb.database import db
from kb.models import IndexEvent, LoginSession, ThrottleEvent
from kb.models.audit import AuditEvent
from kb.search.indexer import SyncState, matches_database
from kb.services import audit
from kb.services.retention import prune
from kb.services.transactions import record_index_event
from kb.util import utcnow
from tests import factories

DAY = dt.timedelta(days=1)


def _count(model) -> int:
    """Rows in a table."""
    return db.session.scalar(select(func.count()).select_from(model))


def _age(model, column, days: float) -> None:
    """Make every row of a table `days` old."""
    db.session.execute(model.__table__.update().values({column: utcnow() - days * DAY}))
    db.session.commit()


def test_what_outlived_its_time_goes_and_the_rest_stays(app):
    user = factories.user()
    audit.record("login", user)
    db.session.add(ThrottleEvent(kind="login", key="198.51.100.7"))
    db.session.add(LoginSession(digest="a" * 64, user_id=user.id, token=user.session_token,
                                expires_at=utcnow() - DAY))
    db.session.add(LoginSession(digest="b" * 64, user_id=user.id, token=user.session_token,
                                expires_at=utcnow() + DAY))
    for example_id in (1, 2, 3):
        record_index_event(example_id)
    db.session.commit()
    _age(AuditEvent, "created_at", 400)
    old_events = _count(AuditEvent)  # the account's creation and its login
    _age(ThrottleEvent, "created_at", 2)
    _age(IndexEvent, "created_at", 40)
    audit.record("logout", user)  # recent: stays
    pruned = prune()
    assert old_events >= 2
    assert pruned == {"audit events": old_events, "attempts": 1, "expired sessions": 1,
                      "index events": 2}
    assert _count(AuditEvent) == 1 and _count(ThrottleEvent) == 0
    assert _count(LoginSession) == 1
    assert _count(IndexEvent) == 1  # the newest stays, however old
    assert prune() == {"audit events": 0, "attempts": 0, "expired sessions": 0,
                       "index events": 0}


def test_an_index_that_missed_pruned_events_is_not_trusted(app):
    for example_id in range(1, 6):
        record_index_event(example_id)
    db.session.commit()
    ids = sorted(db.session.scalars(select(IndexEvent.id)))
    behind, current = SyncState(last=ids[1]), SyncState(last=ids[-1])
    assert matches_database(behind) and matches_database(current)
    _age(IndexEvent, "created_at", 40)
    prune()
    assert not matches_database(behind)  # events after its position are gone: rebuild
    assert matches_database(current)


def test_kb_prune_says_what_it_removed(app, runner):
    result = runner.invoke(args=["prune"])
    assert result.exit_code == 0, result.output
    assert "Removed: 0 audit events, 0 attempts, 0 expired sessions, 0 index events." in \
        result.output
