"""Notification mail: an author hears of a moderator's decision and of an organisation that
applied their example (a reader's message is itself such a mail); moderators hear what
waits in the queue, at most once an hour, batched. Every mail says how to switch it off:
a signed link that works without logging in, for its own address only; the account page
lists the choices. Blocked accounts get none. Mail is sent once its change is committed.
The mail is in Dutch: accounts have no language of their own yet."""
import datetime as dt
import hashlib
import logging
from contextlib import contextmanager
from contextvars import ContextVar

from flask import current_app, has_request_context, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import select

from kb.database import db
from kb.models import Adoption, Example, Report, Revision, User
from kb.services import mailer
from kb.services import permissions as perm
from kb.services.errors import Invalid, NotFound
from kb.services.transactions import after_commit, unit_of_work
from kb.util import utcnow

log = logging.getLogger(__name__)
KINDS = {  # kind: what the account page and the mail call it
    "decisions": _l("een moderator besluit over mijn voorbeeld (gepubliceerd, aanpassingen "
                    "gevraagd, afgewezen)"),
    "adoptions": _l("een andere organisatie heeft mijn voorbeeld ook toegepast"),
    "messages": _l("een collega schrijft me over een voorbeeld (zonder deze keuze biedt "
                   "Praktijkbank geen contactformulier bij je voorbeelden aan)"),
    "recheck": _l("een voorbeeld van mij lang niet is nagekeken (klopt het nog?)"),
    "queue": _l("er wacht iets nieuws in de moderatiewachtrij (hoogstens één mail per uur)"),
}
MODERATOR_KINDS = ("queue",)
QUEUE_INTERVAL = dt.timedelta(hours=1)
OFF_SALT = "notification-off"
MAIL_LANGUAGE = "nl"
_quiet = ContextVar("kb_notifications_quiet", default=False)


def kinds_for(user) -> list[str]:
    """The kinds of mail a person can receive (the queue only for moderators)."""
    moderator = bool(getattr(user, "is_moderator", False))
    return [kind for kind in KINDS if moderator or kind not in MODERATOR_KINDS]


def wants(user, kind: str) -> bool:
    """Whether this mail goes to the person: an active account that did not switch it
    off."""
    return (user is not None and user.active and kind in kinds_for(user)
            and kind not in (user.notifications_off or []))


@contextmanager
def quietly():
    """No notification mail for what happens inside: loading demo data is no news."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


# -- switching off ---------------------------------------------------------------------------

def _serializer() -> URLSafeSerializer:
    """Signs the links that switch a kind of mail off."""
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=OFF_SALT)


def _address_mark(email: str) -> str:
    """A short fingerprint of the address a mail went to (a link stops working for an
    account whose address changed since)."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:16]


def off_token(user: User, kind: str) -> str:
    """The signed token of a mail's switch-off link."""
    return _serializer().dumps({"u": user.id, "k": kind, "a": _address_mark(user.email)})


def token_subject(token: str) -> tuple[User, str]:
    """The account and kind a switch-off link names; NotFound for a bad or foreign link."""
    try:
        data = _serializer().loads(token)
    except BadData:
        raise NotFound() from None
    if not isinstance(data, dict) or data.get("k") not in KINDS:
        raise NotFound()
    user = db.session.get(User, data.get("u")) if isinstance(data.get("u"), int) else None
    if user is None or data.get("a") != _address_mark(user.email):
        raise NotFound()
    return user, data["k"]


@unit_of_work
def switch_off_by_token(token: str) -> tuple[User, str]:
    """Switch off the kind of mail a signed link names (no login: the link is the proof)."""
    user, kind = token_subject(token)
    if kind not in (user.notifications_off or []):
        user.notifications_off = sorted({*(user.notifications_off or []), kind})
    return user, kind


@unit_of_work
def set_notifications(actor, wanted) -> list[str]:
    """The member's choice of mail: the kinds in wanted on, the others they can get off;
    Invalid names `notifications` for an unknown kind."""
    perm.require(perm.can_set_notifications(actor))
    wanted = set(wanted)
    offered = kinds_for(actor)
    if not wanted <= set(offered):
        raise Invalid({"notifications": _("onbekende keuze")})
    kept = [kind for kind in actor.notifications_off or [] if kind not in offered]
    actor.notifications_off = sorted({*kept, *(kind for kind in offered if kind not in wanted)})
    return actor.notifications_off


# -- sending -----------------------------------------------------------------------------------

@contextmanager
def _writing():
    """Where a mail is written: in Dutch, with links to the site (from the request, or the
    public address for changes made outside one: the CLI, an import)."""
    with force_locale(MAIL_LANGUAGE):
        if has_request_context():
            yield
        else:
            with current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"]):
                yield


def _footer(user: User, kind: str) -> list[str]:
    """How the mail came and how to stop it."""
    return ["", "—", _("Je krijgt deze mail omdat je bij Praktijkbank mail aan hebt staan "
                       "voor: %(kind)s.", kind=str(KINDS[kind])),
            _("Geen mail meer hierover: %(url)s", url=url_for(
                "notifications.switch_off", token=off_token(user, kind), _external=True)),
            _("Al je keuzes: %(url)s", url=url_for("accounts.account", _external=True))]


def _mail(user: User, kind: str, subject: str, lines: list[str]) -> None:
    """Send the mail once the change is committed, with its switch-off footer."""
    if _quiet.get():
        return
    body = "\n".join([*lines, *_footer(user, kind)])
    address = user.email
    after_commit(lambda: mailer.send_later(address, subject, body, f"a {kind} notification"))


def footer_for(user: User, kind: str) -> str:
    """The switch-off footer for a mail sent elsewhere (a reader's message), in Dutch."""
    with _writing():
        return "\n".join(_footer(user, kind))


def _link(example: Example) -> str:
    """The example's public page."""
    return url_for("public.example", example_id=example.id, slug=example.slug, _external=True)


def _decision_lines(example: Example, decision: str, reason: str, on_edit: bool) -> list[str]:
    """What the author reads about a decision."""
    title = example.title
    if decision == "publish":
        lines = [_("Je wijziging van “%(title)s” is gepubliceerd.", title=title) if on_edit
                 else _("Je voorbeeld “%(title)s” is gepubliceerd.", title=title), _link(example)]
    elif decision == "changes":
        lines = [_("Een moderator vraagt je om “%(title)s” aan te passen.", title=title),
                 _("Pas het aan: %(url)s", url=url_for("contribute.edit", example_id=example.id,
                                                         _external=True))]
    else:
        lines = [_("Je wijziging van “%(title)s” is niet overgenomen.", title=title) if on_edit
                 else _("Je voorbeeld “%(title)s” is afgewezen.", title=title)]
    if reason:
        lines += ["", _("Toelichting van de moderator:"), reason]
    return lines


def decided(actor, example: Example, decision: str, reason: str, on_edit: bool) -> None:
    """Tell the author of a moderator's decision (not when they decided it themselves)."""
    author = example.author
    if not wants(author, "decisions") or author.id == getattr(actor, "id", None):
        return
    with _writing():
        subjects = {"publish": _("Gepubliceerd: %(title)s"),
                    "changes": _("Aanpassingen gevraagd: %(title)s"),
                    "reject": _("Niet gepubliceerd: %(title)s")}
        _mail(author, "decisions", subjects[decision] % {"title": example.title[:80]},
              _decision_lines(example, decision, reason, on_edit))


def applied(adoption: Adoption) -> None:
    """Tell the author that another organisation applied their example too."""
    example = adoption.example
    author = example.author
    if not wants(author, "adoptions"):
        return
    with _writing():
        lines = [_("%(organisation)s heeft je voorbeeld “%(title)s” ook toegepast (%(year)s):",
                   organisation=adoption.organisation.name, title=example.title,
                   year=adoption.year), "", adoption.note, "", _link(example)]
        _mail(author, "adoptions", _("Ook toegepast: %(title)s", title=example.title[:80]),
              lines)


def recheck_asked(example: Example) -> bool:
    """Ask the author whether a long unchecked example is still right; False when the
    author gets no such mail."""
    author = example.author
    if not wants(author, "recheck"):
        return False
    with _writing():
        lines = [_("Je voorbeeld “%(title)s” staat al lang ongewijzigd in Praktijkbank. "
                   "Klopt het nog?", title=example.title), _link(example), "",
                 _("Pas het aan als er iets veranderd is (een moderator kijkt mee): %(url)s",
                   url=url_for("contribute.edit", example_id=example.id, _external=True)),
                 _("Klopt alles nog, of loopt het niet meer? Laat het een moderator weten "
                   "via ‘Melden’ op de pagina van het voorbeeld.")]
        _mail(author, "recheck", _("Klopt het nog? %(title)s", title=example.title[:80]),
              lines)
    return True


# -- the moderators' queue ------------------------------------------------------------------

def _arrived_since(since: dt.datetime | None) -> dict[str, list[str]]:
    """Titles of what entered the queue after a moment and still waits, by kind."""
    def after(column):
        return [True] if since is None else [column > since]
    submitted = db.session.scalars(select(Example.title).where(
        Example.status == "submitted", *after(Example.submitted_at)))
    edits = db.session.scalars(select(Example.title).join(Revision.example).where(
        Revision.state == "pending", Example.status == "published",
        *after(Revision.created_at)))
    reports = db.session.scalars(select(Example.title).join(Report.example).where(
        Report.status == "open", *after(Report.created_at)))
    return {"submitted": list(submitted), "edits": list(edits), "reports": list(reports)}


def _queue_lines(news: dict[str, list[str]]) -> list[str]:
    """The batched mail's body: what is new, by kind."""
    headings = {"submitted": _("Nieuwe inzendingen:"),
                "edits": _("Bewerkingen van gepubliceerde voorbeelden:"),
                "reports": _("Meldingen over:")}
    lines = [_("Er wacht iets nieuws in de moderatiewachtrij van Praktijkbank."), ""]
    for kind, titles in news.items():
        if titles:
            lines += [headings[kind], *(f"- {title}" for title in titles[:20]), ""]
    return [*lines, _("Naar de wachtrij: %(url)s", url=url_for("moderation.queue",
                                                                _external=True))]


def _moderators() -> list[User]:
    """Active moderators and admins (an invited one once they accepted the invitation)."""
    return list(db.session.scalars(select(User).where(
        User.active.is_(True), User.role.in_(("moderator", "admin")),
        User.email_confirmed_at.is_not(None)).order_by(User.id)))


def mail_queue(now: dt.datetime | None = None) -> int:
    """Mail each moderator what entered the queue since their last queue mail, unless that
    was less than an hour ago (in the caller's transaction); the number mailed."""
    if _quiet.get():
        return 0
    now = now or utcnow()
    mailed = 0
    for moderator in _moderators():
        last = moderator.queue_mailed_at
        if not wants(moderator, "queue") or (last is not None and now - last < QUEUE_INTERVAL):
            continue
        news = _arrived_since(last)
        if any(news.values()):
            moderator.queue_mailed_at = now
            with _writing():
                _mail(moderator, "queue", _("Nieuw in de moderatiewachtrij"), _queue_lines(news))
            mailed += 1
    return mailed


@unit_of_work
def send_queue_mails(now: dt.datetime | None = None) -> int:
    """The queue mails that are due (`kb digest` runs this): what arrived while a
    moderator's hour had not passed goes out once it has."""
    return mail_queue(now)
