"""The unit of work every changing service runs in: all of it commits, or none of it."""
import functools

from flask import g, has_app_context

from kb.database import db, write_intent
from kb.models import IndexEvent

AFTER_COMMIT = "kb.after_commit"  # the session's list of what to run once it committed


def unit_of_work(fn):
    """Run fn in one write transaction; commit on success, roll back on any error."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if write_intent.get():  # called from another unit: join its transaction
            return fn(*args, **kwargs)
        session = db.session()  # the request's Session behind the scoped proxy
        if session.in_transaction() and not (session.new or session.dirty or session.deleted):
            # End the read transaction the request began, so the write transaction
            # starts fresh (and, on SQLite, takes the write lock at its start).
            session.commit()
        token = write_intent.set(True)
        try:
            result = fn(*args, **kwargs)
            session.commit()
        except BaseException:
            session.info.pop(AFTER_COMMIT, None)
            session.rollback()
            raise
        finally:
            write_intent.reset(token)
        for later in session.info.pop(AFTER_COMMIT, []):
            later()
        return result

    wrapper.changes_data = True  # an operation: paired with a permission check
    return wrapper


def after_commit(fn) -> None:
    """Run fn once the current unit of work has committed, and never if it rolls back:
    mail about a change goes out only when the change is there."""
    db.session().info.setdefault(AFTER_COMMIT, []).append(fn)


def changes_data(fn):
    """Mark an operation that writes through units of its own (a batched import) as
    changing data, so that the permission pairing test holds it to its check too."""
    fn.changes_data = True
    return fn


def record_index_event(example_id: int, op: str = "upsert") -> None:
    """Tell the indexer, in the current transaction, that an example's document changed
    (and note it for this request, so that its visitor sees the change in search)."""
    db.session.add(IndexEvent(example_id=example_id, op=op))
    if has_app_context():
        g.setdefault("changed_examples", []).append(example_id)


def discard() -> None:
    """Drop whatever a failed request left unwritten in the session."""
    db.session.rollback()
