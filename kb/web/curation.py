"""Curation: taxonomy terms, organisations, synonyms (moderators) and users (admins)."""
import functools

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField

from kb.models import KINDS, ROLES
from kb.services import curation, synonyms, users
from kb.services import permissions as perm
from kb.services.errors import Invalid
from kb.taxonomy import KINDS_TABLE
from kb.web.helpers import ActionForm, page_arg, show_errors

bp = Blueprint("curation", __name__, url_prefix="/beheer")


@bp.before_request
@login_required
def _guard():
    """Every page here is for moderators; user management checks admin on top."""
    perm.require(perm.can_curate_taxonomy(current_user))


def admin_only(view):
    """User management is for admins: moderators get a 403."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        perm.require(perm.can_manage_users(current_user))
        return view(*args, **kwargs)

    return wrapper


def kind_titles() -> dict[str, str]:
    """The taxonomy kinds in the visitor's language (the search page's words)."""
    return {kind.name: str(kind.label) for kind in KINDS_TABLE}


def role_titles() -> dict[str, str]:
    """The roles in the visitor's language."""
    return {"participant": _("deelnemer"), "moderator": _("moderator"),
            "admin": _("beheerder")}


# --- forms: they carry what was typed; the services validate it ------------------------

class TermAddForm(FlaskForm):
    """A new taxonomy value."""

    kind = SelectField(_l("Soort"), validate_choice=False)
    label_nl = StringField(_l("Label in het Nederlands"))
    label_en = StringField(_l("Label in het Engels"))
    slug = StringField(_l("Slug"), description=_l(
        "Optioneel. Leeg: gemaakt van het Nederlandse label. Later niet meer te wijzigen."))


class TermRenameForm(FlaskForm):
    """New labels of a value."""

    label_nl = StringField(_l("Label in het Nederlands"))
    label_en = StringField(_l("Label in het Engels"))


class PositionForm(FlaskForm):
    """A value's place within its kind."""

    position = StringField(_l("Plaats"), description=_l("1 is bovenaan."))


class MergeForm(FlaskForm):
    """Merge into another value or organisation."""

    target = SelectField(_l("Samenvoegen met"), validate_choice=False)


class OrganisationForm(FlaskForm):
    """An organisation's fields."""

    name = StringField(_l("Naam"))
    slug = StringField(_l("Slug"), description=_l(
        "Het laatste deel van het adres van de organisatiepagina. Leeg: gemaakt van de naam."))
    type = SelectField(_l("Soort organisatie"), validate_choice=False)
    partner = BooleanField(_l("Partner van de alliantie"))
    description = TextAreaField(_l("Beschrijving"), description=_l("Markdown is toegestaan."))


class SynonymForm(FlaskForm):
    """A new synonym group."""

    terms = StringField(_l("Termen"), description=_l(
        "Twee of meer woorden die hetzelfde betekenen, gescheiden door komma's."))


class RoleForm(FlaskForm):
    """An account's role."""

    role = SelectField(_l("Rol"), validate_choice=False)


class UserFilterForm(FlaskForm):
    """Searching the accounts (a GET form: nothing changes, so no CSRF token)."""

    class Meta:
        csrf = False

    q = StringField(_l("Naam of e-mailadres"))
    role = SelectField(_l("Rol"), validate_choice=False)
    state = SelectField(_l("Status"), validate_choice=False)


# --- helpers ----------------------------------------------------------------------------

def _submitted(form, action) -> bool:
    """Validate the form and run the service; True when it succeeded."""
    if not form.validate_on_submit():
        return False
    try:
        action()
    except Invalid as exc:
        show_errors(form, exc)
        return False
    return True


def _done(message: str, endpoint: str, **values):
    """Post/redirect/get after a success, with a short flash."""
    flash(message, "success")
    return redirect(url_for(endpoint, **values))


def _button(action, message: str, endpoint: str, **values):
    """A one-click action: PRG with a flash; a refusal is flashed as an error."""
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        action()
    except Invalid as exc:
        flash(" ".join(exc.errors.values()), "error")
        return redirect(url_for(endpoint, **values))
    return _done(message, endpoint, **values)


def _term_label(term) -> str:
    """A term's Dutch label, marked when it is no longer in use."""
    return term.label_nl if term.active else _("%(label)s (niet actief)", label=term.label_nl)


def _term_choices(terms) -> list[tuple[str, str]]:
    """Select options for terms, after a "choose" placeholder."""
    return [("", _("— kies —"))] + [(str(t.id), _term_label(t)) for t in terms]


# --- overview ---------------------------------------------------------------------------

@bp.get("/")
def index():
    """The curation overview: what can be looked after here."""
    return render_template("curation/index.html")


# --- taxonomy ---------------------------------------------------------------------------

def _term_add_form() -> TermAddForm:
    """The add form with the kinds to choose from."""
    form = TermAddForm()
    form.kind.choices = list(kind_titles().items())
    return form


def _taxonomy_page(form: TermAddForm, status: int = 200):
    """Every kind with its values and counts, and the add form."""
    return render_template("curation/taxonomy.html", overview=curation.taxonomy_overview(),
                           kinds=KINDS, kind_titles=kind_titles(), form=form), status


@bp.get("/taxonomie")
def taxonomy():
    """The taxonomy: all kinds and values."""
    return _taxonomy_page(_term_add_form())


@bp.post("/taxonomie/nieuw")
def add_term():
    """Add a value to a kind."""
    form = _term_add_form()
    if _submitted(form, lambda: curation.add_term(current_user, form.kind.data,
                                                  form.label_nl.data, form.label_en.data,
                                                  form.slug.data)):
        return _done(_("Waarde toegevoegd."), ".taxonomy")
    return _taxonomy_page(form, 400)


def _term_page(term, rename=None, position=None, merge=None, status: int = 200):
    """One value: its labels, place and merge forms."""
    rename = rename or TermRenameForm(data={"label_nl": term.label_nl,
                                            "label_en": term.label_en})
    position = position or PositionForm(data={"position": _place(term)})
    merge = merge or MergeForm()
    others = [t for t in curation.taxonomy_overview()[term.kind] if t[0].id != term.id]
    merge.target.choices = _term_choices(t for t, _n in others if t.active)
    return render_template("curation/term.html", term=term, kind_title=kind_titles()[term.kind],
                           count=len(curation.example_ids_with_term(term)),
                           rename=rename, position=position, merge=merge), status


def _place(term) -> str:
    """A term's place within its kind, counted from 1."""
    return str([t.id for t in curation.ordered_terms(term.kind)].index(term.id) + 1)


@bp.get("/taxonomie/<int:term_id>")
def term(term_id: int):
    """One value with its forms."""
    return _term_page(curation.get_term(term_id))


@bp.post("/taxonomie/<int:term_id>")
def rename_term(term_id: int):
    """New labels for a value; its slug stays."""
    item, form = curation.get_term(term_id), TermRenameForm()
    if _submitted(form, lambda: curation.rename_term(current_user, term_id, form.label_nl.data,
                                                     form.label_en.data)):
        return _done(_("Labels opgeslagen."), ".term", term_id=term_id)
    return _term_page(item, rename=form, status=400)


@bp.post("/taxonomie/<int:term_id>/plaats")
def place_term(term_id: int):
    """Put a value at a place within its kind."""
    item, form = curation.get_term(term_id), PositionForm()
    if _submitted(form, lambda: curation.set_term_position(current_user, term_id,
                                                           form.position.data)):
        return _done(_("Volgorde opgeslagen."), ".term", term_id=term_id)
    return _term_page(item, position=form, status=400)


@bp.post("/taxonomie/<int:term_id>/verplaatsen")
def move_term(term_id: int):
    """One place up or down (the buttons on the overview)."""
    direction = request.form.get("direction", "")
    return _button(lambda: curation.move_term(current_user, term_id, direction),
                   _("Volgorde opgeslagen."), ".taxonomy", _anchor=f"term-{term_id}")


@bp.post("/taxonomie/<int:term_id>/deactiveren")
def deactivate_term(term_id: int):
    """Stop offering a value; examples keep it."""
    return _button(lambda: curation.deactivate_term(current_user, term_id),
                   _("Waarde gedeactiveerd."), ".term", term_id=term_id)


@bp.post("/taxonomie/<int:term_id>/activeren")
def activate_term(term_id: int):
    """Offer a value again."""
    return _button(lambda: curation.activate_term(current_user, term_id),
                   _("Waarde geactiveerd."), ".term", term_id=term_id)


@bp.post("/taxonomie/<int:term_id>/samenvoegen")
def merge_term(term_id: int):
    """Merge a value into another of its kind."""
    item, form = curation.get_term(term_id), MergeForm()
    if _submitted(form, lambda: curation.merge_term(current_user, term_id, form.target.data)):
        return _done(_("Waarden samengevoegd."), ".term", term_id=int(form.target.data))
    return _term_page(item, merge=form, status=400)


# --- organisations ----------------------------------------------------------------------

def _organisation_form(organisation=None) -> OrganisationForm:
    """The organisation form, filled from the organisation on a GET."""
    data = None
    if organisation is not None:
        data = {"name": organisation.name, "slug": organisation.slug,
                "type": str(organisation.type_id), "partner": organisation.partner,
                "description": organisation.description}
    form = OrganisationForm(data=data)
    form.type.choices = _term_choices(curation.organisation_types())
    return form


def _form_values(form: OrganisationForm) -> dict:
    """What the service needs from the organisation form."""
    fields = ("name", "slug", "type", "partner", "description")
    return {name: form[name].data for name in fields}


def _organisations_page(form: OrganisationForm, status: int = 200):
    """Every organisation with counts, and the add form."""
    return render_template("curation/organisations.html",
                           rows=curation.organisations_overview(), form=form), status


@bp.get("/organisaties")
def organisations():
    """The organisations."""
    return _organisations_page(_organisation_form())


@bp.post("/organisaties/nieuw")
def add_organisation():
    """Add an organisation."""
    form = _organisation_form()
    if _submitted(form, lambda: curation.add_organisation(current_user, _form_values(form))):
        return _done(_("Organisatie toegevoegd."), ".organisations")
    return _organisations_page(form, 400)


def _organisation_page(organisation, form=None, merge=None, status: int = 200):
    """One organisation: its edit and merge forms."""
    form = form or _organisation_form(organisation)
    merge = merge or MergeForm()
    rows = curation.organisations_overview()
    merge.target.choices = [("", _("— kies —"))] + [
        (str(o.id), o.name) for o, _n, _u in rows if o.id != organisation.id]
    counts = next((n, u) for o, n, u in rows if o.id == organisation.id)
    return render_template("curation/organisation.html", organisation=organisation,
                           examples=counts[0], accounts=counts[1], form=form,
                           merge=merge), status


@bp.get("/organisaties/<int:organisation_id>")
def organisation(organisation_id: int):
    """One organisation with its forms."""
    return _organisation_page(curation.get_organisation(organisation_id))


@bp.post("/organisaties/<int:organisation_id>")
def edit_organisation(organisation_id: int):
    """Rename or edit an organisation."""
    item, form = curation.get_organisation(organisation_id), _organisation_form()
    if _submitted(form, lambda: curation.edit_organisation(current_user, organisation_id,
                                                           _form_values(form))):
        return _done(_("Organisatie opgeslagen."), ".organisation",
                     organisation_id=organisation_id)
    return _organisation_page(item, form=form, status=400)


@bp.post("/organisaties/<int:organisation_id>/samenvoegen")
def merge_organisation(organisation_id: int):
    """Merge an organisation into another; the source is removed."""
    item, form = curation.get_organisation(organisation_id), MergeForm()
    if _submitted(form, lambda: curation.merge_organisation(current_user, organisation_id,
                                                            form.target.data)):
        return _done(_("Organisaties samengevoegd."), ".organisation",
                     organisation_id=int(form.target.data))
    return _organisation_page(item, merge=form, status=400)


# --- synonyms ---------------------------------------------------------------------------

def _synonyms_page(form: SynonymForm, status: int = 200):
    """The shipped count, the moderators' groups and the add form."""
    return render_template("curation/synonyms.html", form=form,
                           shipped=curation.shipped_synonym_count(),
                           groups=synonyms.synonym_groups()), status


@bp.get("/synoniemen")
def synonym_groups():
    """The search synonyms."""
    return _synonyms_page(SynonymForm())


@bp.post("/synoniemen")
def add_synonym_group():
    """Add a synonym group."""
    form = SynonymForm()
    if _submitted(form, lambda: synonyms.add_synonym_group(current_user, form.terms.data)):
        return _done(_("Synoniemen toegevoegd."), ".synonym_groups")
    return _synonyms_page(form, 400)


@bp.post("/synoniemen/<int:group_id>/verwijderen")
def remove_synonym_group(group_id: int):
    """Switch a synonym group off."""
    return _button(lambda: synonyms.remove_synonym_group(current_user, group_id),
                   _("Synoniemen verwijderd."), ".synonym_groups")


# --- users (admins) ---------------------------------------------------------------------

def _filter_form() -> UserFilterForm:
    """The user search form, read from the query string."""
    form = UserFilterForm(formdata=request.args)
    form.role.choices = [("", _("alle rollen"))] + list(role_titles().items())
    form.state.choices = [("", _("alle")), ("active", _("actief")),
                          ("blocked", _("geblokkeerd"))]
    return form


@bp.get("/gebruikers")
@admin_only
def users_list():
    """Accounts: search, filter, page."""
    form, pagination, status = _filter_form(), None, 200
    try:
        pagination = users.list_users(current_user, form.q.data or "", form.role.data or "",
                                      form.state.data or "", page_arg())
    except Invalid as exc:
        show_errors(form, exc)
        status = 400
    return render_template("curation/users.html", form=form, pagination=pagination,
                           role_titles=role_titles()), status


def _user_page(account, form=None, status: int = 200):
    """One account with its role form and block button."""
    form = form or RoleForm(data={"role": account.role})
    form.role.choices = [(role, role_titles()[role]) for role in ROLES]
    return render_template("curation/user.html", account=account, form=form,
                           role_titles=role_titles()), status


@bp.get("/gebruikers/<int:user_id>")
@admin_only
def user(user_id: int):
    """One account."""
    return _user_page(users.get_user(user_id))


@bp.post("/gebruikers/<int:user_id>")
@admin_only
def change_role(user_id: int):
    """Give an account another role."""
    account, form = users.get_user(user_id), RoleForm()
    if _submitted(form, lambda: users.change_role(current_user, user_id, form.role.data)):
        return _done(_("Rol gewijzigd."), ".user", user_id=user_id)
    return _user_page(account, form, 400)


@bp.post("/gebruikers/<int:user_id>/blokkeren")
@admin_only
def block_user(user_id: int):
    """Block an account; its sessions end at once."""
    return _button(lambda: users.block_user(current_user, user_id),
                   _("Account geblokkeerd; open sessies zijn beëindigd."), ".user",
                   user_id=user_id)


@bp.post("/gebruikers/<int:user_id>/deblokkeren")
@admin_only
def unblock_user(user_id: int):
    """Let a blocked account in again."""
    return _button(lambda: users.unblock_user(current_user, user_id),
                   _("Account gedeblokkeerd."), ".user", user_id=user_id)
