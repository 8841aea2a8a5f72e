"""Practice examples: create, edit, and move through the status flow."""
import uuid

from flask_babel import gettext as _
from sqlalchemy import select

from kb import taxonomy
from kb.database import db
from kb.models import Decision, Example, Revision
from kb.models.example import ASKED
from kb.services import notifications, throttle
from kb.services import permissions as perm
from kb.services.autosave import forget as forget_autosave
from kb.services.errors import Invalid
from kb.services.records import PRACTICAL, CleanRecord, to_record, validate_record
from kb.services.taxonomy import (
    find_leeratelier,
    find_question,
    get_or_create_leeratelier,
    get_or_create_organisation,
    get_or_create_question,
    terms_by_kind,
)
from kb.services.transactions import record_index_event, unit_of_work
from kb.util import utcnow

# status -> statuses it may move to, and the action that moves it there.
TRANSITIONS = {
    ("draft", "submitted"): "submit",
    ("changes_requested", "submitted"): "submit",
    ("rejected", "submitted"): "submit",
    ("submitted", "draft"): "withdraw",
    ("submitted", "published"): "publish",
    ("submitted", "changes_requested"): "changes",
    ("submitted", "rejected"): "reject",
    ("published", "archived"): "archive",
    ("archived", "published"): "restore",
}


def new_ref() -> str:
    """A stable external id for an example that came without one."""
    return f"pb-{uuid.uuid4().hex[:12]}"


def get_example(actor, example_id: int) -> Example:
    """The example if the actor may see it; NotFound otherwise."""
    example = db.session.get(Example, example_id)
    perm.require_visible(actor, example)
    return example


def apply_record(example: Example, clean: CleanRecord) -> None:
    """Copy a validated record onto an example (no commit)."""
    values = clean.values
    # A new example joins the session after this, so these look-ups never flush it half-done.
    example.organisation = get_or_create_organisation(values["organisation"],
                                                      clean.terms["organisation_type"])
    example.leeratelier = (get_or_create_leeratelier(values["leeratelier"])
                           if values["leeratelier"] else None)
    example.learning_question = (
        get_or_create_question(example.leeratelier, values["learning_question"])
        if example.leeratelier and values.get("learning_question") else None)
    for name in ("title", "summary", "body", "impact", "evidence", *PRACTICAL, "municipality",
                 "year", "links"):
        setattr(example, name, values[name])
    example.ref = values["ref"] or example.ref or new_ref()
    for kind in taxonomy.SINGLE:
        setattr(example, kind.name, clean.terms[kind.field])
    example.terms = [t for kind in taxonomy.MULTI for t in clean.multi[kind.field]]
    example.updated_at = utcnow()


def record_revision(example: Example, actor, note: str, state: str = "applied") -> Revision:
    """Keep a snapshot of the example's record in its history."""
    revision = Revision(example=example, author_id=getattr(actor, "id", None), note=note,
                        state=state, data=to_record(example))
    db.session.add(revision)
    return revision


def keep_asked(example: Example, data: dict, on_edit: bool) -> None:
    """Keep the text a moderator asks changes to (a submission's, or an edit's), so that
    the next version can show what changed since (no commit)."""
    db.session.add(Revision(example=example, author_id=None, state=ASKED,
                            note="edit" if on_edit else "submission", data=data))


def set_status(example: Example, status: str, actor, reason: str = "") -> None:
    """Move an example along the status flow, recording the decision (no commit)."""
    action = TRANSITIONS.get((example.status, status))
    if action is None:
        raise Invalid({"status": f"{example.status} → {status}"})
    now = utcnow()
    example.status = status
    if status == "submitted":
        example.submitted_at = now
    elif status == "published" and example.published_at is None:
        example.published_at = now
    if status == "archived":
        example.archived_at, example.archived_by_id = now, getattr(actor, "id", None)
    elif action == "restore":
        example.archived_at, example.archived_by_id = None, None
    db.session.add(Decision(example=example, actor_id=getattr(actor, "id", None),
                            action=action, reason=reason))
    if action == "changes":
        keep_asked(example, to_record(example), on_edit=False)
    if example.id is not None:  # whether search shows it may have changed
        record_index_event(example.id)


def check_ref_free(ref: str | None, example_id: int | None) -> None:
    """Refuse a ref that another example already has."""
    if ref is None:
        return
    owner = db.session.scalar(select(Example.id).where(Example.ref == ref))
    if owner is not None and owner != example_id:
        raise Invalid({"ref": "al in gebruik door een ander voorbeeld"})


def check_leeratelier(actor, clean: CleanRecord) -> None:
    """Refuse a leeratelier name, or a learning question of it, that does not exist
    unless the actor may add one (moderators and imports)."""
    if perm.can_create_leeratelier(actor):
        return
    name, question = clean.values.get("leeratelier"), clean.values.get("learning_question")
    workshop = find_leeratelier(name) if name else None
    if name and workshop is None:
        raise Invalid({"leeratelier": _("kies een leeratelier uit de lijst")})
    if question and find_question(workshop, question) is None:
        raise Invalid({"learning_question": _("kies een leervraag van dit leeratelier")})


def _count_submission(actor) -> None:
    """Refuse an account that submits too often; count this submission."""
    if getattr(actor, "id", None) is None:  # the command line and demo loader
        return
    throttle.check("submit", str(actor.id))
    throttle.count("submit", str(actor.id))


def check_record(data: dict) -> None:
    """Raise Invalid naming every field a save of this record would refuse (a preview's
    check: nothing is written)."""
    validate_record(data, terms_by_kind())


@unit_of_work
def create_example(actor, data: dict, *, submit: bool = False,
                   contact_opt_in: bool = False) -> Example:
    """Write a new example as a draft of the actor, optionally submitting it at once."""
    perm.require(perm.can_create_example(actor))
    clean = validate_record(data, terms_by_kind())
    check_ref_free(clean.ref, None)
    check_leeratelier(actor, clean)
    if submit:
        _count_submission(actor)
    example = Example(status="draft", author_id=getattr(actor, "id", None),
                      contact_opt_in=contact_opt_in)
    apply_record(example, clean)
    db.session.add(example)
    db.session.flush()
    record_revision(example, actor, "created")
    if submit:
        set_status(example, "submitted", actor)
        notifications.mail_queue()
    record_index_event(example.id)
    forget_autosave(actor, None)
    return example


def _propose_edit(example: Example, actor, clean: CleanRecord) -> Revision:
    """Keep an author's edit of a published example for review; the published text stays."""
    for revision in example.revisions:
        if revision.state == "pending":
            revision.state = "discarded"
    revision = Revision(example=example, author_id=getattr(actor, "id", None), note="edit",
                        state="pending", data=clean.as_record())
    db.session.add(revision)
    return revision


@unit_of_work
def update_example(actor, example_id: int, data: dict, *, submit: bool = False,
                   contact_opt_in: bool | None = None) -> Example:
    """Change an example's record; an author's edit of a published one awaits review."""
    example = get_example(actor, example_id)
    perm.require(perm.can_update_example(actor, example))
    clean = validate_record(data, terms_by_kind())
    check_ref_free(clean.ref, example.id)
    check_leeratelier(actor, clean)
    if contact_opt_in is not None:  # how to be reached is not content under review
        example.contact_opt_in = contact_opt_in
    forget_autosave(actor, example.id)
    if example.status == "published" and not perm.can_moderate_example(actor, example):
        _count_submission(actor)
        _propose_edit(example, actor, clean)
        notifications.mail_queue()
        return example
    apply_record(example, clean)
    record_revision(example, actor, "edited")
    if submit and example.status != "submitted":
        _count_submission(actor)
        set_status(example, "submitted", actor)
        notifications.mail_queue()
    record_index_event(example.id)
    return example


def pending_edit(example: Example) -> Revision | None:
    """The author's edit of a published example that awaits review, if any."""
    return next((r for r in reversed(example.revisions) if r.state == "pending"), None)


@unit_of_work
def withdraw_example(actor, example_id: int) -> Example:
    """Take back a submission (it becomes a draft again) or a pending edit."""
    example = get_example(actor, example_id)
    perm.require(perm.can_withdraw_example(actor, example))
    revision = pending_edit(example)
    if example.status == "submitted":
        set_status(example, "draft", actor)
    elif revision is not None:
        revision.state = "discarded"
        db.session.add(Decision(example=example, actor_id=getattr(actor, "id", None),
                                action="withdraw", reason="", on_edit=True))
    else:
        raise Invalid({"status": _("er is niets om in te trekken")})
    return example


def authored_by(actor) -> list[Example]:
    """The actor's own examples, most recently changed first."""
    return list(db.session.scalars(select(Example).where(Example.author_id == actor.id)
                                   .order_by(Example.updated_at.desc(), Example.id.desc())))
