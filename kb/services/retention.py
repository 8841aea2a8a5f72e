"""What the retention settings no longer allow, removed (`kb prune`, daily from cron or a
timer): audit events past AUDIT_RETENTION_DAYS, sign-in and other attempts (addresses
typed and client addresses) past the longest limit's window, expired sessions, and index
events past INDEX_EVENT_RETENTION_DAYS."""
import datetime as dt

from flask import current_app
from sqlalchemy import delete, func, select

from kb.database import db
from kb.models import IndexEvent, LoginSession, ThrottleEvent
from kb.services.audit import prune_audit
from kb.services.transactions import unit_of_work
from kb.util import utcnow


def prune(now: dt.datetime | None = None) -> dict[str, int]:
    """Delete everything kept longer than allowed; how many rows of each went."""
    now = now or utcnow()
    return {"audit events": prune_audit(now), **_prune_the_rest(now)}


@unit_of_work
def _prune_the_rest(now: dt.datetime) -> dict[str, int]:
    """Attempts, sessions and index events, in one transaction."""
    config = current_app.config
    longest = max(seconds for _attempts, seconds in config["ACCOUNT_LIMITS"].values())
    newest = db.session.scalar(select(func.max(IndexEvent.id))) or 0
    events_before = now - dt.timedelta(days=config["INDEX_EVENT_RETENTION_DAYS"])
    statements = {
        "attempts": delete(ThrottleEvent).where(
            ThrottleEvent.created_at < now - dt.timedelta(seconds=longest)),
        "expired sessions": delete(LoginSession).where(LoginSession.expires_at < now),
        # The newest stays: a host's index compares its position with it.
        "index events": delete(IndexEvent).where(IndexEvent.created_at < events_before,
                                                 IndexEvent.id < newest),
    }
    return {what: db.session.execute(statement).rowcount or 0
            for what, statement in statements.items()}
