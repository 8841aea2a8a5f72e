"""The audit log of security-relevant events: logins and failed logins, passwords, second
factors, invitations, roles and blocks, moderation decisions, exports, deleted accounts,
and the curation that cannot be undone or changes what visitors see: merged organisations
and taxonomy values, edited organisations, values (de)activated.

Other services call `record(kind, actor, subject, **detail)` where the change happens, so
that the event is written in the same transaction as the change (a failed operation leaves
no event); called outside a unit of work (a failed login, an export) it commits on its
own. Admins read the log at /beheer/audit; `prune_audit` forgets what is older than
AUDIT_RETENTION_DAYS."""
import datetime as dt
import json
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from flask import current_app, has_request_context, request
from flask_babel import gettext as _
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import aliased

from kb.database import db, write_intent
from kb.models import AuditEvent, User
from kb.services import permissions as perm
from kb.services.errors import Invalid
from kb.services.transactions import unit_of_work
from kb.util import utcnow

KINDS = (
    "login", "login_failed", "logout",
    "registered", "account_created", "invite_sent", "invitation_accepted",
    "password_changed", "password_reset_requested", "password_reset",
    "second_factor_enrolled", "second_factor_disabled", "second_factor_reset",
    "second_factor_failed", "recovery_code_used",
    "role_changed", "blocked", "unblocked",
    "moderation_decision", "export", "account_deleted",
    "organisation_edited", "organisation_merged", "term_merged", "term_deactivated",
    "term_activated",
)
MAX_DETAIL = 1000  # characters of JSON: a few small values, never a text
SECRET_WORDS = ("password", "wachtwoord", "token", "secret")  # never in a detail's name
SECRET_NAMES = ("code", "otp", "totp")  # nor these as a name ("codes_left" may be)
PER_PAGE = 50
IP_TEXT = re.compile(r"^[0-9A-Fa-f:.]{1,45}$")
DAY_TEXT = re.compile(r"^\d{4}-\d{2}-\d{2}$")
FIRST_YEAR, LAST_YEAR = 2000, 2999  # (the day after the last one must still be a date)


def _account_id(person) -> int | None:
    """The id of a stored account; None for the system, an anonymous visitor or nobody."""
    return person.id if isinstance(person, User) else None


def _checked_detail(kind: str, detail: dict) -> dict:
    """The detail as stored; a wrong kind or a detail that is secret, large or not JSON is
    a programming error, refused loudly."""
    if kind not in KINDS:
        raise ValueError(f"unknown audit event kind {kind!r}")
    for key in detail:
        if key.lower() in SECRET_NAMES or any(word in key.lower() for word in SECRET_WORDS):
            raise ValueError(f"audit detail {key!r} looks like a secret: never log it")
    text = json.dumps(detail, ensure_ascii=False)  # TypeError for what JSON cannot hold
    if len(text) > MAX_DETAIL:
        raise ValueError(f"audit detail of {len(text)} characters: keep it small")
    return detail


def _client_address() -> str:
    """The client's address (ProxyFix has corrected it when proxies are trusted)."""
    return (request.remote_addr or "")[:45] if has_request_context() else ""


def record(kind: str, actor=None, subject=None, **detail) -> None:
    """Log an event: who did it (actor), to whom (subject), from the request's address.
    `email=` keeps an address typed that belongs to no account shown (a failed login);
    the other keywords are small JSON values, never passwords or tokens."""
    email = str(detail.pop("email", "") or "")[:254]
    if actor is perm.SYSTEM:  # the command line or the demo loader: no account, but not nobody
        detail["by"] = "system"
    event = AuditEvent(kind=kind, actor_id=_account_id(actor), subject_id=_account_id(subject),
                       email=email, ip=_client_address(), detail=_checked_detail(kind, detail),
                       created_at=utcnow())
    if write_intent.get():  # part of the change being made: committed with it, or not at all
        db.session.add(event)
    else:
        _record_alone(event)


@unit_of_work
def _record_alone(event: AuditEvent) -> None:
    """Commit an event that belongs to no other change (a refused login, an export)."""
    db.session.add(event)


def forget_address(email: str) -> None:
    """Blank an address wherever the log kept it as typed (a deleted account's), in the
    current unit of work; the events stay, linked to the erased account."""
    db.session.execute(update(AuditEvent).where(func.lower(AuditEvent.email) == email.lower())
                       .values(email=""))


def events_of(user: User) -> list[AuditEvent]:
    """The events a person did or that concern them, oldest first (for their own data)."""
    return list(db.session.scalars(select(AuditEvent).where(or_(
        AuditEvent.actor_id == user.id, AuditEvent.subject_id == user.id))
        .order_by(AuditEvent.created_at, AuditEvent.id)))


@unit_of_work
def prune_audit(now: dt.datetime | None = None) -> int:
    """Delete the events older than AUDIT_RETENTION_DAYS; return how many went."""
    cutoff = (now or utcnow()) - dt.timedelta(days=current_app.config["AUDIT_RETENTION_DAYS"])
    result = db.session.execute(delete(AuditEvent).where(AuditEvent.created_at < cutoff))
    return result.rowcount or 0


@dataclass(frozen=True)
class AuditFilters:
    """What an admin looks for in the log: a kind, a person's address (part of it), a
    period of days (inclusive, in the site's time zone), a client address (its start)."""

    kind: str = ""
    person: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    ip: str = ""


def _parse_day(text: str, errors: dict, field: str) -> dt.date | None:
    """A date as YYYY-MM-DD (what a date field sends), or None; an error for anything else."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        day = dt.date.fromisoformat(text) if DAY_TEXT.match(text) else None
    except ValueError:  # (a 31st of February)
        day = None
    if day is None:
        errors[field] = _("„%(value)s” is geen geldige datum: schrijf die als jjjj-mm-dd, "
                          "bijvoorbeeld 2026-12-04", value=text[:20])
    elif not FIRST_YEAR <= day.year <= LAST_YEAR:
        errors[field] = _("kies een datum tussen %(first)d en %(last)d",
                          first=FIRST_YEAR, last=LAST_YEAR)
        day = None
    return day


def parse_filters(args) -> AuditFilters:
    """The filters from a query string; Invalid names each bad one and says why."""
    errors: dict[str, str] = {}
    kind = (args.get("kind") or "").strip()
    if kind and kind not in KINDS:
        errors["kind"] = _("onbekende soort gebeurtenis: kies er een uit de lijst")
    person = (args.get("person") or "").strip()
    if len(person) > 254:
        errors["person"] = _("hoogstens %(max)d tekens", max=254)
    ip = (args.get("ip") or "").strip()
    if ip and not IP_TEXT.match(ip):
        errors["ip"] = _("alleen cijfers, punten, dubbele punten en a tot f (een IP-adres "
                         "of het begin ervan), hoogstens 45 tekens")
    start = _parse_day(args.get("start"), errors, "start")
    end = _parse_day(args.get("end"), errors, "end")
    if start and end and start > end:
        errors["end"] = _("ligt voor de begindatum")
    if errors:
        raise Invalid(errors)
    return AuditFilters(kind, person, start, end, ip)


def _day_start(day: dt.date) -> dt.datetime:
    """Midnight at the start of a day in the site's time zone, as a moment."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return dt.datetime.combine(day, dt.time(0), zone)


def _contains(text: str) -> str:
    """A LIKE pattern for text anywhere, without the wildcards typed."""
    cleaned = text.lower().replace("\\", "").replace("%", "").replace("_", "")
    return f"%{cleaned}%"


def list_events(actor, filters: AuditFilters = AuditFilters(), page: int = 1,
                per_page: int = PER_PAGE):
    """One page of events, newest first, that match the filters (admins only)."""
    perm.require(perm.can_read_audit(actor))
    actor_account, subject_account = aliased(User), aliased(User)
    query = (select(AuditEvent)
             .outerjoin(actor_account, AuditEvent.actor_id == actor_account.id)
             .outerjoin(subject_account, AuditEvent.subject_id == subject_account.id)
             .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc()))
    if filters.kind:
        query = query.where(AuditEvent.kind == filters.kind)
    if filters.person:
        pattern = _contains(filters.person)
        query = query.where(or_(func.lower(AuditEvent.email).like(pattern),
                                func.lower(actor_account.email).like(pattern),
                                func.lower(subject_account.email).like(pattern)))
    if filters.ip:
        query = query.where(AuditEvent.ip.startswith(filters.ip, autoescape=True))
    if filters.start:
        query = query.where(AuditEvent.created_at >= _day_start(filters.start))
    if filters.end:
        query = query.where(AuditEvent.created_at
                            < _day_start(filters.end + dt.timedelta(days=1)))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)
