"""What curating terms and organisations share: typed ids, labels and slugs checked,
examples re-indexed after a bulk change, pending edits rewritten."""
import re

from flask_babel import gettext as _
from sqlalchemy import select

from kb.database import db
from kb.models import Example, Revision
from kb.services.errors import Invalid
from kb.services.transactions import record_index_event
from kb.util import parse_id, slugify

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_LABEL = 200
MAX_SLUG = 64
MAX_DESCRIPTION = 5_000


def row_by_typed_id(model, raw_id):
    """A row by an id typed into a form (any text), or None."""
    ident = parse_id(raw_id)
    return db.session.get(model, ident) if ident is not None else None


def clean_label(field: str, value: str | None, limit: int = MAX_LABEL) -> str:
    """A label or name: spaces collapsed, 2 to limit characters."""
    cleaned = " ".join((value or "").split())
    if not 2 <= len(cleaned) <= limit:
        raise Invalid({field: _("moet 2 tot %(max)d tekens lang zijn", max=limit)})
    return cleaned


def clean_slug(value: str | None, fallback: str, limit: int = MAX_SLUG) -> str:
    """A typed slug (checked, not rewritten) or one made from the fallback text."""
    if not (value or "").strip():
        return slugify(fallback, limit)
    value = value.strip()
    if len(value) > limit or not SLUG_PATTERN.match(value):
        raise Invalid({"slug": _("alleen kleine letters, cijfers en koppeltekens, "
                                 "hoogstens %(max)d tekens", max=limit)})
    return value


def reindex_published(example_ids) -> int:
    """Index events for the published ones among these examples (only they are indexed)."""
    ids = sorted(set(example_ids))
    if not ids:
        return 0
    published = db.session.scalars(select(Example.id).where(
        Example.id.in_(ids), Example.status == "published").order_by(Example.id)).all()
    for example_id in published:
        record_index_event(example_id)
    return len(published)


def expire_examples(example_ids) -> None:
    """Forget loaded examples changed by bulk SQL, so later reads see the new values."""
    ids = set(example_ids)
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, Example) and obj.id in ids:
            db.session.expire(obj)


def pending_edits() -> list[Revision]:
    """Edits awaiting review (few at any time): they hold slugs and names as typed."""
    return list(db.session.scalars(select(Revision).where(Revision.state == "pending")))
