"""The audit log for admins (/beheer/audit): security-relevant events, newest first,
filtered by kind, person, period and client address."""
from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import SelectField, StringField

from kb.services import audit
from kb.services import permissions as perm
from kb.services.errors import Invalid
from kb.taxonomy import kind_titles
from kb.web.curation import accounts_moved, examples_moved
from kb.web.curation.organisations import field_label as organisation_field_label
from kb.web.forms import Form, show_errors
from kb.web.helpers import page_arg
from kb.web.users import role_titles

bp = Blueprint("audit", __name__, url_prefix="/beheer/audit")

KIND_LABELS = {  # translated when shown
    "login": _l("ingelogd"),
    "login_failed": _l("inloggen mislukt"),
    "logout": _l("uitgelogd"),
    "registered": _l("geregistreerd"),
    "account_created": _l("account aangemaakt"),
    "invite_sent": _l("uitnodiging gestuurd"),
    "invitation_accepted": _l("uitnodiging aangenomen"),
    "password_changed": _l("wachtwoord gewijzigd"),
    "password_reset_requested": _l("nieuw wachtwoord aangevraagd"),
    "password_reset": _l("nieuw wachtwoord ingesteld"),
    "second_factor_enrolled": _l("tweede factor ingesteld"),
    "second_factor_disabled": _l("tweede factor uitgezet"),
    "second_factor_reset": _l("tweede factor gewist"),
    "second_factor_failed": _l("verkeerde code (tweede factor)"),
    "recovery_code_used": _l("herstelcode gebruikt"),
    "role_changed": _l("rol gewijzigd"),
    "blocked": _l("geblokkeerd"),
    "unblocked": _l("gedeblokkeerd"),
    "moderation_decision": _l("moderatiebesluit"),
    "export": _l("export"),
    "account_deleted": _l("account verwijderd"),
    "organisation_edited": _l("organisatie gewijzigd"),
    "organisation_merged": _l("organisaties samengevoegd"),
    "term_merged": _l("taxonomiewaarden samengevoegd"),
    "term_deactivated": _l("taxonomiewaarde gedeactiveerd"),
    "term_activated": _l("taxonomiewaarde geactiveerd"),
}
REASONS = {"password": _l("verkeerd wachtwoord of onbekend adres"),
           "blocked": _l("account geblokkeerd"),
           "unconfirmed": _l("adres nog niet bevestigd"),
           "throttled": _l("te veel pogingen"),
           # a refused second-factor code
           "wrong": _l("verkeerde code"), "replayed": _l("code al eens gebruikt"),
           "used": _l("herstelcode al gebruikt"), "unreadable": _l("onleesbare code"),
           "none": _l("geen tweede factor ingesteld")}
FACTORS = {"totp": _l("code uit de app"), "recovery": _l("herstelcode")}
DECISIONS = {"publish": _l("gepubliceerd"), "changes": _l("aanpassingen gevraagd"),
             "reject": _l("afgewezen"), "archive": _l("gearchiveerd"),
             "restore": _l("hersteld"), "resolved": _l("melding afgehandeld"),
             "dismissed": _l("melding terzijde gelegd")}


@bp.before_request
@login_required
def _guard():
    """The log is for admins: moderators and participants get a 403."""
    perm.require(perm.can_read_audit(current_user))


class AuditFilterForm(Form):
    """Filtering the log (a GET form: nothing changes, so no CSRF token); the service
    checks every value."""

    class Meta:
        csrf = False

    kind = SelectField(_l("Gebeurtenis"), validate_choice=False)
    person = StringField(_l("Persoon (deel van het e-mailadres)"))
    start = StringField(_l("Vanaf"), render_kw={"type": "date"})
    end = StringField(_l("Tot en met"), render_kw={"type": "date"})
    ip = StringField(_l("IP-adres (of het begin ervan)"))


def _filter_form() -> AuditFilterForm:
    """The filter form, read from the query string."""
    form = AuditFilterForm(formdata=request.args)
    form.kind.choices = [("", _("alle gebeurtenissen"))] + [
        (kind, str(KIND_LABELS.get(kind, kind))) for kind in audit.KINDS]
    return form


EXPORTS = {"search": _l("zoekresultaten"), "records": _l("voorbeelden (kb export)"),
           "backup": _l("backup van de hele database"),
           "personal_data": _l("persoonsgegevens (inzageverzoek)")}
# How each detail reads: its name and a function of its value (None: leave it out).
DETAIL_TEXTS = {
    "reason": lambda value: REASONS.get(value, value),
    "decision": lambda value: DECISIONS.get(value, value),
    "example_id": lambda value: _("voorbeeld %(id)s", id=value),
    "report_id": lambda value: _("melding %(id)s", id=value),
    "what": lambda value: EXPORTS.get(value, value),
    "format": lambda value: str(value).upper(),
    "statuses": lambda value: ", ".join(map(str, value)),
    "query": lambda value: f"„{value}”" if value else None,
    "everywhere": lambda value: _("op alle apparaten") if value else None,
    "remember": lambda value: _("ingelogd blijven") if value else None,
    "already": lambda value: _("het adres had al een account") if value else None,
    "by": lambda value: _("door het systeem (opdrachtregel)") if value == "system" else value,
    "on_edit": lambda value: _("bewerking") if value else None,
    "role": lambda value: _("rol: %(role)s", role=role_titles().get(value, value)),
    "factor": lambda value: FACTORS.get(value, value),
    "left": lambda value: _("nog %(n)s herstelcodes over", n=value),
    "organisation": lambda value: f"„{value}”",
    "term": lambda value: f"„{value}”",
    "taxonomy": lambda value: kind_titles().get(value, value),
    "examples": lambda value: examples_moved(value),
    "accounts": lambda value: accounts_moved(value),
    "fields": lambda value: _("gewijzigd: %(fields)s",
                              fields=", ".join(map(organisation_field_label, value))),
}


def describe(event) -> str:
    """What an event's detail says, in words (a role change as "before → after")."""
    detail = dict(event.detail or {})
    parts = []
    if "before" in detail or "after" in detail:
        titles = role_titles()
        before, after = detail.pop("before", ""), detail.pop("after", "")
        parts.append(f"{titles.get(before, before)} → {titles.get(after, after)}")
    known = [key for key in DETAIL_TEXTS if key in detail]  # in the table's order
    for key in known + [key for key in detail if key not in DETAIL_TEXTS]:
        value = detail[key]
        text = DETAIL_TEXTS[key](value) if key in DETAIL_TEXTS else f"{key}: {value}"
        if text:
            parts.append(str(text))
    return "; ".join(parts)


@bp.get("")
def log():
    """The audit log: filter, page."""
    form, pagination, status = _filter_form(), None, 200
    try:
        pagination = audit.list_events(current_user, audit.parse_filters(request.args),
                                       page_arg())
    except Invalid as exc:
        show_errors(form, exc)
        for field in (form.start, form.end):  # a date field cannot show a wrong date
            if field.errors:
                field.data = ""
        status = 400
    return render_template("audit/log.html", form=form, pagination=pagination,
                           kind_labels=KIND_LABELS, describe=describe), status
