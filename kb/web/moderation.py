"""Moderation: the queue, decisions, featuring, archiving, history and reports."""
from types import SimpleNamespace

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required
from wtforms import HiddenField, StringField, TextAreaField

from kb import taxonomy
from kb.services import moderation, recheck
from kb.services import permissions as perm
from kb.services.attachments import attachments_of
from kb.services.errors import Invalid
from kb.services.examples import get_example
from kb.services.records import PRACTICAL
from kb.services.taxonomy import terms_of_kind
from kb.web.forms import ActionForm, Form, attempt, show_errors
from kb.web.helpers import safe_next

bp = Blueprint("moderation", __name__)

RECORD_FIELD_LABELS = {  # record field -> its label in a diff
    "ref": _l("Kenmerk"),
    "title": _l("Titel"),
    "summary": _l("Samenvatting"),
    "body": _l("Beschrijving"),
    "impact": _l("Beoogde impact"),
    "evidence": _l("Zo maakten we het zichtbaar"),
    "needs": _l("Wat heb je nodig?"),
    "costs": _l("Wat kost het?"),
    "duration": _l("Hoeveel tijd kost het?"),
    "success_factors": _l("Wat maakte het tot een succes?"),
    "pitfalls": _l("Valkuilen"),
    "contact_role": _l("Rol van de contactpersoon"),
    "organisation": _l("Organisatie"),
    **{kind.field: kind.plural for kind in taxonomy.KINDS_TABLE},
    "municipality": _l("Gemeente"),
    "year": _l("Jaar"),
    "leeratelier": _l("Leeratelier"),
    "learning_question": _l("Leervraag"),
    "links": _l("Links"),
}
# The review page's "Zelf aan de slag"; the contact person's role is shown with the contact.
PRACTICAL_FIELDS = tuple(name for name in PRACTICAL if name != "contact_role")

# Routes on this blueprint that any logged-in member may use (the service checks the rest).
MEMBER_ENDPOINTS = {"moderation.report"}


ROWS = {"rows": 3}
# The decision's radio buttons; drawn by hand since WTForms is changing how choices are given.
DECISION_CHOICES = [("publish", _l("Publiceren")), ("changes", _l("Aanpassingen vragen")),
                    ("reject", _l("Afwijzen"))]


class DecisionForm(Form):
    """Publish, ask for changes or reject, with a reason for the author."""

    decision = StringField(_l("Besluit"))  # radio buttons, drawn from DECISION_CHOICES
    reason = TextAreaField(_l("Reden voor de auteur"), id="decision-reason", render_kw=ROWS,
                           description=_l("Verplicht bij aanpassingen vragen en afwijzen. "
                                          "De auteur ziet deze reden."))


class ArchiveForm(Form):
    """Archive (confirmed) or restore, with an optional note for the history and the
    author (moderation.moderator_reaction shows it under "Mijn voorbeelden")."""

    reason = TextAreaField(_l("Toelichting (optioneel)"), id="archive-reason", render_kw=ROWS,
                           description=_l("De auteur ziet deze toelichting bij Mijn "
                                          "voorbeelden."))
    confirm = HiddenField()  # "1" from the confirmation page: archiving was confirmed


class FeatureForm(Form):
    """Feature ("1") or stop featuring ("0")."""

    featured = HiddenField()


class ReportForm(Form):
    """A member's flag on an example."""

    reason = TextAreaField(_l("Wat klopt er niet aan dit voorbeeld?"), id="report-reason",
                           render_kw=ROWS,
                           description=_l("Minstens 3 tekens. Alleen moderatoren lezen dit."))


class HandleReportForm(Form):
    """Resolve or dismiss a report; `action` comes from the button pressed."""

    action = StringField()
    note = TextAreaField(_l("Notitie (optioneel)"))


@bp.before_request
@login_required
def _guard():
    """Every page here is for moderators, except reporting, which any member may do."""
    if request.endpoint in MEMBER_ENDPOINTS:
        return
    perm.require(perm.can_moderate_example(current_user))


@bp.app_template_global()
def moderation_forms() -> SimpleNamespace:
    """Empty forms for the moderation controls (never filled from another form's POST)."""
    return SimpleNamespace(report=ReportForm(formdata=None), archive=ArchiveForm(formdata=None))


@bp.app_template_global()
def edit_example_url(example) -> str:
    """Where the edit form of an example lives (built by the contribute blueprint)."""
    return url_for("contribute.edit", example_id=example.id)


bp.add_app_template_global(moderation.edit_to_decide, "edit_to_decide")
bp.add_app_template_global(moderation.moderator_reaction, "moderator_reaction")
bp.add_app_template_global(RECORD_FIELD_LABELS, "record_field_labels")


@bp.app_template_global()
def history_of(example) -> list:
    """The example's moderation history, newest first, as the visitor may see it."""
    return moderation.history(current_user, example.id)


def _back(default: str) -> str:
    """The local page the form came from (its `next` field or parameter), else the
    default."""
    return safe_next(request.values.get("next"), default)


def _item_url(example_id: int) -> str:
    """The moderation page of one example."""
    return url_for(".item", example_id=example_id)


def _queue_page(bulk: SimpleNamespace | None = None, status: int = 200):
    """The queue; a refused bulk form comes back as it was sent (`bulk`), with why."""
    bulk = bulk or SimpleNamespace(target="", chosen=set(), decision="", reason="", errors={})
    return render_template("moderation/queue.html", queue=moderation.queue(current_user),
                           recheck_due=recheck.count_due(), bulk=bulk), status


@bp.get("/moderatie")
def queue():
    """The moderation queue: new submissions, pending edits and open reports."""
    return _queue_page()


def _render_item(example_id: int, form: DecisionForm, status: int = 200):
    """One example with every field, what changed since changes were asked, its pending
    edit, open reports, the decision form and its history."""
    example = get_example(current_user, example_id)
    diff = moderation.pending_diff(example)
    return render_template(
        "moderation/item.html", example=example, diff=diff, form=form,
        since_asked=moderation.changes_since_asked(current_user, example),
        attachments=attachments_of(example), practical_fields=PRACTICAL_FIELDS,
        decision_choices=DECISION_CHOICES,
        decidable=example.status == "submitted" or diff is not None,
        reports=moderation.open_reports(current_user, example)), status


@bp.get("/moderatie/voorbeelden")
def examples():
    """Published and archived examples, filtered and paged, to archive or restore."""
    try:
        filters = moderation.parse_filters(request.args)
    except Invalid as exc:
        return render_template("moderation/examples.html", errors=exc.errors, page=None,
                               filters=moderation.ListFilters(), themes=terms_of_kind("theme"),
                               statuses=moderation.LIST_STATUSES), 400
    return render_template("moderation/examples.html", errors={}, filters=filters,
                           page=moderation.examples_to_manage(current_user, filters),
                           themes=terms_of_kind("theme"), statuses=moderation.LIST_STATUSES)


@bp.get("/moderatie/hercontrole")
def recheck_list():
    """Published examples nobody checked for a long time, the longest ago first."""
    return render_template("moderation/recheck.html",
                           examples=recheck.due_for_recheck(current_user),
                           last_checked=recheck.last_checked)


@bp.post("/moderatie/<int:example_id>/gecontroleerd")
def mark_checked(example_id: int):
    """A moderator looked at the example and it is still right."""
    if not ActionForm().validate_on_submit():
        abort(400)
    attempt(lambda: recheck.mark_checked(current_user, example_id),
            _("Gecontroleerd: het voorbeeld staat niet meer op de lijst."))
    return redirect(_back(url_for(".recheck_list")))


@bp.get("/moderatie/voorbeelden/<int:example_id>")
def item(example_id: int):
    """One example to moderate."""
    return _render_item(example_id, DecisionForm())


DECIDED = {  # decision -> flash message
    "publish": _l("Gepubliceerd."),
    "changes": _l("Aanpassingen gevraagd; de auteur ziet je reden."),
    "reject": _l("Afgewezen; de auteur ziet je reden."),
}


@bp.post("/moderatie/<int:example_id>")
def decide(example_id: int):
    """Decide on a submission or a pending edit; the form comes back with errors if refused."""
    form = DecisionForm()
    try:
        moderation.decide(current_user, example_id, form.decision.data, form.reason.data)
    except Invalid as exc:
        show_errors(form, exc)
        return _render_item(example_id, form, 400)
    flash(str(DECIDED[form.decision.data]), "success")
    return redirect(_back(url_for(".queue")))


def _bulk_done(decision: str, count: int) -> str:
    """What a bulk action did, in words: decisions on examples, or reports handled."""
    if decision == "resolve":
        return ngettext("%(num)d melding afgehandeld.", "%(num)d meldingen afgehandeld.", count)
    if decision == "dismiss":
        return ngettext("%(num)d melding terzijde gelegd.", "%(num)d meldingen terzijde gelegd.",
                        count)
    return ngettext("%(num)d besluit genomen.", "%(num)d besluiten genomen.", count)


@bp.post("/moderatie/bulk")
def bulk():
    """One decision for the chosen submissions or reports; says which could not be done."""
    ids, decision = request.form.getlist("ids"), request.form.get("decision", "")
    reason = request.form.get("reason", "")
    try:
        outcome = moderation.decide_many(current_user, ids, decision, reason)
    except Invalid as exc:  # nothing was done: the form again, with what was chosen and typed
        target = "reports" if decision in moderation.REPORT_ACTIONS else "examples"
        return _queue_page(SimpleNamespace(target=target, chosen=set(ids), decision=decision,
                                           reason=reason, errors=exc.errors), 400)
    if outcome.done:
        flash(_bulk_done(decision, len(outcome.done)), "success")
    for what, why in outcome.failed.values():
        flash(_("Niet gelukt voor %(what)s: %(why)s", what=what, why=why), "error")
    return redirect(url_for(".queue"))


@bp.post("/moderatie/<int:example_id>/uitlichten")
def feature(example_id: int):
    """Feature an example on the home page, or stop featuring it."""
    featured = FeatureForm().featured.data == "1"
    attempt(lambda: moderation.set_featured(current_user, example_id, featured),
            _("Uitgelicht op de startpagina.") if featured else _("Niet meer uitgelicht."))
    return redirect(_back(_item_url(example_id)))


def _confirm_archive(example_id: int, form: ArchiveForm, status: int = 200):
    """The page that asks a moderator to confirm archiving, with the optional note."""
    example = get_example(current_user, example_id)
    if example.status != "published":
        flash(_("Alleen gepubliceerde voorbeelden kun je archiveren."), "error")
        return redirect(_item_url(example_id))
    return render_template("moderation/archive.html", example=example, form=form,
                           back=_back(_item_url(example_id))), status


@bp.get("/moderatie/<int:example_id>/archiveren")
def confirm_archive(example_id: int):
    """Ask before archiving: what it does, and a note for the history."""
    return _confirm_archive(example_id, ArchiveForm(formdata=None))


@bp.post("/moderatie/<int:example_id>/archiveren")
def archive(example_id: int):
    """Archive a published example once confirmed: out of sight and no longer featured,
    kept with who and when."""
    form = ArchiveForm()
    if form.confirm.data != "1":  # not from the confirmation page: ask first
        return _confirm_archive(example_id, form)
    attempt(lambda: moderation.archive(current_user, example_id, form.reason.data),
            _("Gearchiveerd; het voorbeeld is niet meer te zien of te vinden."))
    return redirect(_back(_item_url(example_id)))


@bp.post("/moderatie/<int:example_id>/herstellen")
def restore(example_id: int):
    """Publish an archived example again."""
    reason = ArchiveForm().reason.data
    attempt(lambda: moderation.restore(current_user, example_id, reason),
            _("Hersteld; het voorbeeld is weer gepubliceerd."))
    return redirect(_back(_item_url(example_id)))


@bp.post("/moderatie/meldingen/<int:report_id>")
def handle_report(report_id: int):
    """Resolve or dismiss a report, with an optional note."""
    form = HandleReportForm()
    actions = {"resolve": (moderation.resolve_report, _("Melding afgehandeld.")),
               "dismiss": (moderation.dismiss_report, _("Melding terzijde gelegd."))}
    if form.action.data not in actions:
        flash(_("Kies afhandelen of terzijde leggen."), "error")
    else:
        service, message = actions[form.action.data]
        attempt(lambda: service(current_user, report_id, form.note.data), message)
    return redirect(_back(url_for(".queue")))


@bp.route("/voorbeelden/<int:example_id>/melden", methods=["GET", "POST"])
def report(example_id: int):
    """Any member flags an example for the moderators."""
    example = get_example(current_user, example_id)
    perm.require(perm.can_report_example(current_user, example))
    form = ReportForm()
    if request.method == "POST":
        try:
            moderation.report_example(current_user, example_id, form.reason.data)
        except Invalid as exc:
            show_errors(form, exc)
            return render_template("moderation/report.html", example=example, form=form), 400
        flash(_("Bedankt voor je melding. Een moderator kijkt ernaar."), "success")
        return redirect(url_for("public.example", example_id=example.id, slug=example.slug))
    return render_template("moderation/report.html", example=example, form=form)
