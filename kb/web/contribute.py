"""Contributing: writing, previewing, editing, submitting and following one's own examples."""
from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf
from werkzeug.datastructures import MultiDict
from wtforms import (
    BooleanField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)

from kb import taxonomy
from kb.models import Example
from kb.services import attachments as attaching
from kb.services import autosave as typing
from kb.services import examples as service
from kb.services import listings
from kb.services import permissions as perm
from kb.services.errors import Invalid
from kb.services.records import PRACTICAL, to_record
from kb.services.taxonomy import terms_of_kind
from kb.util import parse_int, utcnow
from kb.web.forms import ActionForm, Form, show_errors
from kb.web.helpers import account_limit

bp = Blueprint("contribute", __name__)

TEXT_FIELDS = ("title", "summary", "body", "impact", "evidence", *PRACTICAL, "organisation",
               "municipality")


class CheckboxesField(SelectMultipleField):
    """Several choices as checkboxes; the service says which values are allowed."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class ExampleForm(Form):
    """Every field of the example record; the service validates, the form carries."""

    previewable = False  # set when a posted preview passed the form's own checks

    title = StringField(_l("Titel"), description=_l("Kort en herkenbaar, 3 tot 200 tekens"))
    summary = TextAreaField(_l("Samenvatting"),
                            description=_l("Eén tot drie zinnen: wat deden jullie en voor wie?"))
    body = TextAreaField(_l("Beschrijving"),
                         description=_l("Het verhaal van de praktijk. Je kunt Markdown "
                                        "gebruiken: **vet**, *schuin*, ## kopjes, - lijstjes."))
    impact = TextAreaField(_l("Beoogde impact"),
                           description=_l("Wat wilden jullie bereiken, voor wie?"))
    evidence = TextAreaField(_l("Zo maakten we het zichtbaar"),
                             description=_l("Hoe lieten jullie de impact zien: verhalen, "
                                            "cijfers, een vragenlijst, het spinnenweb?"))
    needs = TextAreaField(_l("Wat heb je nodig?"),
                          description=_l("Mensen, middelen, ruimte, partners"))
    costs = TextAreaField(_l("Wat kost het?"), description=_l("Geld en uren, ongeveer"))
    duration = StringField(_l("Hoeveel tijd kost het?"),
                           description=_l("Voorbereiding en looptijd, bijvoorbeeld ‘twee "
                                          "maanden voorbereiden, daarna elke week twee uur’"))
    success_factors = TextAreaField(_l("Wat maakte het tot een succes?"))
    pitfalls = TextAreaField(_l("Valkuilen"), description=_l("Waar moet een collega op letten?"))
    contact_role = StringField(_l("Rol van de contactpersoon"),
                               description=_l("Bijvoorbeeld ‘buurtsportcoach’ of "
                                              "‘praktijkondersteuner’"))
    organisation = StringField(_l("Organisatie"),
                               description=_l("Een partner van de alliantie of een andere "
                                              "organisatie"))
    municipality = StringField(_l("Gemeente"))
    year = StringField(_l("Jaar"), description=_l("Het jaar waarin het speelde"))
    leeratelier = SelectField(_l("Gedeeld in leeratelier"), validate_choice=False)
    learning_question = SelectField(
        _l("Welke leervraag van het leeratelier beantwoordt het?"), validate_choice=False,
        description=_l("Zo komt je voorbeeld in de oogst van het leeratelier."))
    links = TextAreaField(_l("Links"), description=_l("Webadressen met meer informatie, één "
                                                      "per regel (http of https)"))
    contact_opt_in = BooleanField(_l("Collega’s mogen contact met mij opnemen over dit "
                                     "voorbeeld (via een formulier; je e-mailadres blijft "
                                     "verborgen tot je zelf antwoordt)"))


def _add_kind_fields() -> None:
    """A field per taxonomy kind: checkboxes for several values, a choice of one."""
    for kind in taxonomy.KINDS_TABLE:
        field = CheckboxesField if kind.many else SelectField
        setattr(ExampleForm, kind.field, field(kind.question, validate_choice=False))


_add_kind_fields()


def example_form(record: dict | None = None, contact_opt_in: bool = False,
                 current_leeratelier: str | None = None, typed=None) -> ExampleForm:
    """The form with choices from the current taxonomy, filled on GET from a record, or
    from the text typed and not yet saved (an Autosave) when there is one."""
    data = None
    if record is not None:
        data = {**record, "year": str(record.get("year") or ""),
                "links": "\n".join(record.get("links") or []),
                "leeratelier": record.get("leeratelier") or "",
                "learning_question": record.get("learning_question") or "",
                "contact_opt_in": contact_opt_in}
    if typed is not None:
        form = ExampleForm(formdata=MultiDict([(name, value) for name, values
                                               in typed.fields.items() for value in values]))
    elif record is not None:  # (also on a POST of another form: the upload's refusal)
        form = ExampleForm(formdata=None, data=data)
    else:
        form = ExampleForm()
    for kind in taxonomy.KINDS_TABLE:
        choices = [(t.slug, t.label) for t in terms_of_kind(kind.name)]
        getattr(form, kind.field).choices = choices if kind.many else \
            [("", _("— kies —")), *choices]
    names = listings.leeratelier_choices(current_user)
    if current_leeratelier and current_leeratelier not in names:
        names.append(current_leeratelier)
    form.leeratelier.choices = [("", _("— geen —"))] + [(n, n) for n in names]
    questions = listings.learning_questions(names)
    form.learning_question.choices = {"": [("", _("— geen —"))], **{
        name: [(text, text) for text in texts] for name, texts in questions.items()}}
    form.has_questions = bool(questions)
    return form


def form_record(form: ExampleForm) -> dict:
    """The record the form describes, as the service takes it."""
    record = {name: getattr(form, name).data for name in TEXT_FIELDS}
    for kind in taxonomy.KINDS_TABLE:
        record[kind.field] = getattr(form, kind.field).data or ([] if kind.many else None)
    year = (form.year.data or "").strip()
    number = parse_int(year)
    record["year"] = number if number is not None else (year or None)
    record["leeratelier"] = form.leeratelier.data or None
    record["learning_question"] = (form.learning_question.data or None) \
        if record["leeratelier"] else None
    record["links"] = [line.strip() for line in (form.links.data or "").splitlines()
                       if line.strip()]
    return record


def _suggestions() -> dict:
    """Public organisations and municipalities, offered while typing (never names that
    only other people's drafts carry)."""
    return {"organisations": listings.public_organisation_names(),
            "municipalities": listings.published_municipalities()}


def _chosen_terms(form: ExampleForm) -> list[tuple[str, list[str]]]:
    """The classification picked in the form, per kind, as the example page lists it."""
    chosen = []
    for kind in taxonomy.KINDS_TABLE:
        field = form[kind.field]
        values = field.data if kind.many else [field.data]
        labels = [label for value, label in field.choices if value and value in (values or [])]
        if labels:
            chosen.append((str(kind.plural), labels))
    return chosen


def _render(form: ExampleForm, example: Example | None = None, status: int = 200,
            typed=None, upload_errors=None):
    """The example form, with a preview when asked for, the time of the unsaved text it
    was filled from, and (editing) the attachments and their upload form."""
    preview = form.previewable
    saved = typing.last_saved(current_user, example)
    return render_template("contribute/form.html", form=form, example=example,
                           preview=preview, restored=typed,
                           chosen_terms=_chosen_terms(form) if preview else [],
                           preview_record=form_record(form) if preview else {},
                           saved_ms=int(saved.timestamp() * 1000) if saved else 0,
                           attachments=attaching.attachments_of(example) if example else [],
                           can_attach=example is not None and perm.can_add_attachment(
                               current_user, example),
                           upload_errors=upload_errors or {}, **_suggestions()), status


def _saved_record(example: Example) -> dict:
    """What the edit form opens with: the pending edit, or the example as it is."""
    pending = service.pending_edit(example)
    return pending.data if pending else to_record(example)


def render_edit(example_id: int, upload_errors: dict, status: int):
    """The edit page as it opens, with an upload's refusal beside the upload form."""
    example = service.get_example(current_user, example_id)
    perm.require(perm.can_edit_example(current_user, example))
    form = example_form(_saved_record(example), example.contact_opt_in,
                        example.leeratelier.name if example.leeratelier else None)
    return _render(form, example, status=status, upload_errors=upload_errors)


def _typed(example_id: int | None):
    """The participant's unsaved text for this form, offered when the form opens."""
    return typing.autosaved(current_user, example_id) if request.method == "GET" else None




def _ready_to_save(form: ExampleForm) -> bool:
    """Whether a posted form is valid and asks to be saved. A preview is shown, with what a
    save would refuse named beside it (a bad link, a required choice still open)."""
    if not form.validate_on_submit():
        return False
    if request.form.get("action") not in ("preview", "save", "submit"):
        abort(400)  # the form's buttons send one of these; anything else is not this form
    if request.form.get("action") != "preview":
        return True
    form.previewable = True
    try:
        service.check_record(form_record(form))
    except Invalid as exc:
        show_errors(form, exc)
    return False


def _link_choices() -> list[str]:
    """The form fields the link to the form chose (a leeratelier's "deel je voorbeeld",
    a gap on the map)."""
    chosen = [kind.field for kind in taxonomy.KINDS_TABLE if request.args.get(kind.name)]
    return ["leeratelier", "themes", *chosen] if request.args.get("leeratelier") else chosen


def _take_the_links_choices(form: ExampleForm, defaults: dict) -> None:
    """Text restored from an earlier visit keeps what was typed, but the link followed now
    chooses its leeratelier and terms: single choices are replaced, lists added to."""
    for name in _link_choices():
        field, value = form[name], defaults.get(name)
        if not value:
            continue
        if isinstance(value, list):
            field.data = [*(field.data or []), *(v for v in value if v not in (field.data or []))]
        else:
            if name == "leeratelier" and field.data != value:
                form.learning_question.data = ""  # a question of the other leeratelier
            field.data = value


def _own_defaults() -> dict:
    """A new example starts with the author's organisation and this year, and with the
    taxonomy values and leeratelier the link it came from names (the map's gaps name theme
    and level); values that are not (or no longer) offered are left out."""
    known = current_user.organisation
    defaults = {"organisation": current_user.organisation_label, "year": utcnow().year,
                "organisation_type": known.type.slug if known else ""}
    workshop = listings.offered_leeratelier(current_user, request.args.get("leeratelier", ""))
    if workshop is not None:  # from a leeratelier's "deel je voorbeeld"
        defaults["leeratelier"] = workshop.name
        defaults["themes"] = [workshop.theme.slug] if workshop.theme else []
    for kind in taxonomy.KINDS_TABLE:
        offered = {term.slug for term in terms_of_kind(kind.name)}
        chosen = [value for value in request.args.getlist(kind.name) if value in offered]
        if chosen:
            defaults[kind.field] = chosen if kind.many else chosen[0]
    return defaults


@bp.route("/voorbeelden/nieuw", methods=["GET", "POST"])
@login_required
@account_limit("SUBMIT_LIMIT", methods=["POST"])
def new():
    """Write a new example: save it as a draft or submit it for review."""
    perm.require(perm.can_create_example(current_user))
    typed = _typed(None)
    defaults = _own_defaults() if request.method == "GET" else None
    form = example_form(defaults, typed=typed)
    if typed is not None and defaults is not None:
        _take_the_links_choices(form, defaults)
    if not _ready_to_save(form):
        return _render(form, status=400 if form.errors else 200, typed=typed)
    submit = request.form.get("action") == "submit"
    try:
        example = service.create_example(current_user, form_record(form), submit=submit,
                                         contact_opt_in=form.contact_opt_in.data)
    except Invalid as exc:
        show_errors(form, exc)
        return _render(form, status=400)
    flash(_("Je voorbeeld is ingediend. Een moderator bekijkt het.") if submit
          else _("Je concept is bewaard."), "success")
    return redirect(url_for(".mine", _anchor=f"voorbeeld-{example.id}"))


@bp.route("/voorbeelden/<int:example_id>/bewerken", methods=["GET", "POST"])
@login_required
@account_limit("SUBMIT_LIMIT", methods=["POST"])
def edit(example_id: int):
    """Edit an example; an author's edit of a published one waits for review."""
    example = service.get_example(current_user, example_id)
    perm.require(perm.can_edit_example(current_user, example))
    record = _saved_record(example) if request.method == "GET" else None
    typed = _typed(example.id)
    form = example_form(record, example.contact_opt_in,
                        example.leeratelier.name if example.leeratelier else None, typed)
    if not _ready_to_save(form):
        return _render(form, example, status=400 if form.errors else 200, typed=typed)
    submit = request.form.get("action") == "submit"
    try:
        # The form has no ref field: the example keeps its own.
        service.update_example(current_user, example.id,
                               {**form_record(form), "ref": example.ref}, submit=submit,
                               contact_opt_in=form.contact_opt_in.data)
    except Invalid as exc:
        show_errors(form, exc)
        return _render(form, example, status=400)
    flash(_edit_message(example, submit), "success")
    return redirect(url_for(".mine", _anchor=f"voorbeeld-{example.id}")
                    if example.author_id == current_user.id
                    else url_for("public.example", example_id=example.id))


def _edit_message(example: Example, submit: bool) -> str:
    """What happened to the edit, in the author's words."""
    if service.pending_edit(example) is not None:
        return _("Je wijziging is bewaard en wacht op een moderator. Tot dan blijft de "
                 "gepubliceerde tekst staan.")
    if submit:
        return _("Je voorbeeld is ingediend. Een moderator bekijkt het.")
    return _("Je wijzigingen zijn bewaard.")




@bp.post("/voorbeelden/nieuw/autosave", defaults={"example_id": None})
@bp.post("/voorbeelden/<int:example_id>/bewerken/autosave")
@account_limit("AUTOSAVE_LIMIT")
def autosave(example_id: int | None):
    """Keep what is being typed in the form (the form's script posts it every few seconds
    and on leaving the page); JSON with the time, and a fresh CSRF token for the form."""
    if not current_user.is_authenticated:  # the script keeps the text and says so
        return jsonify({"error": {"status": 401,
                                  "message": _("Je bent niet meer ingelogd.")}}), 401
    try:
        saved = typing.autosave(current_user, example_id, request.form)
    except Invalid as exc:
        return jsonify({"error": {"status": 400, "message": _("Ongeldige velden"),
                                  "fields": exc.errors}}), 400
    return jsonify({"saved_at": saved.saved_at.isoformat(), "csrf_token": generate_csrf()})


@bp.post("/voorbeelden/nieuw/autosave/verwerpen", defaults={"example_id": None})
@bp.post("/voorbeelden/<int:example_id>/bewerken/autosave/verwerpen")
@login_required
def discard_autosave(example_id: int | None):
    """Throw away the unsaved text and open the form as it was saved."""
    if ActionForm().validate_on_submit():
        typing.discard_autosave(current_user, example_id)
        flash(_("De niet-bewaarde tekst is weggegooid."), "success")
    return redirect(url_for(".edit", example_id=example_id) if example_id
                    else url_for(".new", **request.args.to_dict(flat=False)))  # the link's choices


@bp.post("/voorbeelden/<int:example_id>/intrekken")
@login_required
def withdraw(example_id: int):
    """Take back a submission or an edit that awaits review."""
    if ActionForm().validate_on_submit():
        try:
            service.withdraw_example(current_user, example_id)
        except Invalid as exc:
            flash(" ".join(exc.errors.values()), "error")
        else:
            flash(_("Ingetrokken. Je kunt het voorbeeld verder bewerken en opnieuw indienen."),
                  "success")
    return redirect(url_for(".mine"))


@bp.get("/mijn-voorbeelden")
@login_required
def mine():
    """The author's own examples with their status and the moderator's reason."""
    return render_template("contribute/mine.html", examples=service.authored_by(current_user),
                           action=ActionForm(), pending_edit=service.pending_edit)
