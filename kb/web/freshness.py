"""A visitor sees their own changes in search at once, even while the index catches up.

The examples a logged-in visitor's request changed are kept in their session for a while;
search brings those documents up to date first when the index is behind.
"""
import time

from flask import g, session
from flask_login import current_user

KEY = "own"
KEEP = 10  # examples remembered
SECONDS = 600  # how long after the change


def remember_changes(response):
    """After a successful request that changed examples, remember which (logged in only)."""
    changed = g.get("changed_examples")
    if changed and response.status_code < 400 and current_user.is_authenticated:
        ids = [i for i in own_examples() if i not in changed] + list(dict.fromkeys(changed))
        session[KEY] = {"ids": ids[-KEEP:], "at": time.time()}
    return response


def own_examples() -> list[int]:
    """The examples this visitor changed in the last minutes."""
    kept = session.get(KEY)
    if not isinstance(kept, dict) or time.time() - kept.get("at", 0) > SECONDS:
        return []
    return [i for i in kept.get("ids", []) if isinstance(i, int)]


def install(app) -> None:
    """Remember each request's changes."""
    app.after_request(remember_changes)
