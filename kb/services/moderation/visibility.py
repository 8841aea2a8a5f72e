"""Featuring on the home page, archiving and restoring."""

from flask_babel import gettext as _

from kb.database import db
from kb.models import Decision, Example
from kb.services import audit
from kb.services import permissions as perm
from kb.services.errors import Invalid
from kb.services.examples import set_status
from kb.services.moderation.shared import clean_note, moderated_example
from kb.services.transactions import unit_of_work


@unit_of_work
def set_featured(actor, example_id: int, featured: bool) -> Example:
    """Feature a published example on the home page, or stop featuring it."""
    perm.require(perm.can_set_featured(actor))
    example = moderated_example(example_id)
    if example.status != "published":
        raise Invalid({"featured": _("Alleen gepubliceerde voorbeelden kun je uitlichten.")})
    if example.featured != featured:  # a repeated click changes nothing and records nothing
        example.featured = featured
        db.session.add(Decision(example=example, actor_id=actor.id,
                                action="feature" if featured else "unfeature", reason=""))
    return example


def feature(actor, example_id: int) -> Example:
    """Feature a published example on the home page."""
    return set_featured(actor, example_id, True)


def unfeature(actor, example_id: int) -> Example:
    """Stop featuring an example."""
    return set_featured(actor, example_id, False)


def _move(actor, example_id: int, reason: str | None, source: str, target: str,
          refusal: str) -> Example:
    """Archive or restore (checked by the caller): one status move, with an optional note
    for the history."""
    example = moderated_example(example_id)
    reason = clean_note(reason, "reason")
    if example.status != source:
        raise Invalid({"status": refusal})
    set_status(example, target, actor, reason)
    audit.record("moderation_decision", actor, example.author, example_id=example.id,
                 decision="archive" if target == "archived" else "restore")
    return example


@unit_of_work
def archive(actor, example_id: int, reason: str | None = "") -> Example:
    """Take a published example out of sight, keeping who archived it and when; it is no
    longer featured (restoring it does not feature it again)."""
    perm.require(perm.can_archive(actor))
    example = _move(actor, example_id, reason, "published", "archived",
                    _("Alleen gepubliceerde voorbeelden kun je archiveren."))
    if example.featured:
        example.featured = False
        db.session.add(Decision(example=example, actor_id=getattr(actor, "id", None),
                                action="unfeature", reason=""))
    return example


@unit_of_work
def restore(actor, example_id: int, reason: str | None = "") -> Example:
    """Publish an archived example again, not featured (a moderator may feature it anew)."""
    perm.require(perm.can_restore(actor))
    example = _move(actor, example_id, reason, "archived", "published",
                    _("Alleen gearchiveerde voorbeelden kun je herstellen."))
    example.featured = False  # one archived while featured, before archiving unfeatured
    return example
