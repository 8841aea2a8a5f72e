"""A member's right of access: everything Praktijkbank keeps about one person, as one
JSON-able document. Other people appear in it only by their role (a moderator's name is
their data, not the member's)."""
import datetime as dt

from sqlalchemy import select

from kb.database import db
from kb.models import (
    Adoption,
    Autosave,
    Bookmark,
    Decision,
    Example,
    Report,
    Revision,
    SavedSearch,
    User,
)
from kb.models.attachment import Attachment
from kb.models.session import LoginSession
from kb.services import audit, second_factor
from kb.services import permissions as perm
from kb.services.records import to_export_record

FORMAT = "praktijkbank-persoonsgegevens/1"


def _when(moment: dt.datetime | None) -> str | None:
    """A moment as ISO 8601, or None."""
    return moment.isoformat(timespec="seconds") if moment else None


def _account(user: User) -> dict:
    """The account itself (never its password hash or session token)."""
    return {"name": user.name, "email": user.email, "organisation": user.organisation_label,
            "role": user.role, "active": user.active, "created_at": _when(user.created_at),
            "email_confirmed_at": _when(user.email_confirmed_at),
            "last_login_at": _when(user.last_login_at),
            "notifications_off": list(user.notifications_off or [])}


def _decision(decision: Decision, user: User) -> dict:
    """One step of an example's history, its actor named by role unless it is the member."""
    by = "jij" if decision.actor_id == user.id else (
        "moderator" if decision.actor_id else "systeem")
    return {"action": decision.action, "reason": decision.reason, "by": by,
            "on_edit": decision.on_edit, "at": _when(decision.created_at)}


def _example(example: Example, user: User) -> dict:
    """An example the member wrote: its record, status, history, files and own edits."""
    files = db.session.scalars(select(Attachment).where(Attachment.example_id == example.id))
    edits = db.session.scalars(select(Revision).where(
        Revision.example_id == example.id, Revision.author_id == user.id,
        Revision.state == "pending"))
    return {"id": example.id, "status": example.status, "record": to_export_record(example),
            "contact_opt_in": example.contact_opt_in,
            "created_at": _when(example.created_at),
            "decisions": [_decision(d, user) for d in sorted(example.decisions,
                                                               key=lambda d: d.created_at)],
            "attachments": [{"filename": f.filename, "size": f.size, "alt": f.alt}
                            for f in files],
            "pending_edits": [{"at": _when(r.created_at), "data": r.data} for r in edits]}


def _rows(model, column, user: User) -> list:
    """The rows of a table that belong to the member, oldest first."""
    return list(db.session.scalars(select(model).where(column == user.id)
                                   .order_by(model.created_at)))


def _event(event, user: User) -> dict:
    """One event of the audit log about the member, others named by role only."""
    by = "jij" if event.actor_id == user.id else (
        "beheerder of moderator" if event.actor_id else "systeem")
    return {"kind": event.kind, "at": _when(event.created_at), "ip": event.ip, "by": by}


def personal_data(actor, user: User) -> dict:
    """Everything kept about `user`, for the member themselves (or an admin on request);
    the download is in the audit log."""
    perm.require(perm.can_download_personal_data(actor, user))
    data = _collected(user)
    audit.record("export", actor, user, what="personal_data")
    return data


def _collected(user: User) -> dict:
    """The document of everything kept about `user`."""
    examples = db.session.scalars(select(Example).where(Example.author_id == user.id)
                                  .order_by(Example.id))
    return {
        "format": FORMAT,
        "made_at": _when(dt.datetime.now(dt.timezone.utc)),
        "account": _account(user),
        "examples": [_example(example, user) for example in examples],
        "reports": [{"example_id": r.example_id, "reason": r.reason, "status": r.status,
                     "resolution": r.resolution, "at": _when(r.created_at)}
                    for r in _rows(Report, Report.reporter_id, user)],
        "adoptions": [{"example_id": a.example_id, "organisation": a.organisation.name,
                       "note": a.note, "year": a.year, "at": _when(a.created_at)}
                      for a in _rows(Adoption, Adoption.user_id, user)],
        "bookmarks": [{"example_id": b.example_id, "at": _when(b.created_at)}
                      for b in _rows(Bookmark, Bookmark.user_id, user)],
        "saved_searches": [{"query": s.query, "frequency": s.frequency,
                            "at": _when(s.created_at), "last_sent_at": _when(s.last_sent_at)}
                           for s in _rows(SavedSearch, SavedSearch.user_id, user)],
        "unsaved_text": [{"example_id": a.example_id, "fields": a.fields,
                          "saved_at": _when(a.saved_at)}
                         for a in db.session.scalars(select(Autosave).where(
                             Autosave.user_id == user.id))],
        # Whether a second factor is on (never its secret or recovery codes).
        "second_factor": {"enrolled_at": _when(user.second_factor.enrolled_at),
                          "recovery_codes_left": second_factor.recovery_codes_left(user)}
        if user.second_factor else None,
        "sessions": [{"started_at": _when(s.created_at), "expires_at": _when(s.expires_at)}
                     for s in _rows(LoginSession, LoginSession.user_id, user)],
        "audit_log": [_event(event, user) for event in audit.events_of(user)],
        # Messages to authors are mailed, never stored: only their text in the mailbox.
        "messages": "Berichten aan auteurs worden gemaild en niet bewaard.",
    }
