"""Curation of organisations: added, edited and merged."""
from flask import abort, current_app, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField, TextAreaField

from kb.services import curation
from kb.util import file_size
from kb.web.curation import (
    MergeForm,
    accounts_moved,
    bp,
    confirm_page,
    examples_moved,
    merge_in_two_steps,
    term_choices,
)
from kb.web.forms import Form, done, submitted
from kb.web.helpers import logo_response, read_upload, room_for_upload


class OrganisationForm(Form):
    """An organisation's fields."""

    name = StringField(_l("Naam"))
    slug = StringField(_l("Slug"), description=_l(
        "Het laatste deel van het adres van de organisatiepagina. Leeg: gemaakt van de naam. "
        "Na een wijziging leidt het oude adres naar het nieuwe."))
    type = SelectField(_l("Soort organisatie"), validate_choice=False)
    partner = BooleanField(_l("Partner van de alliantie"))
    partner_since = StringField(_l("Partner sinds (jaar)"))
    website = StringField(_l("Website"), description=_l(
        "Een adres dat begint met https:// of http://"))
    description = TextAreaField(_l("Beschrijving"), description=_l("Markdown is toegestaan."))
    logo = FileField(_l("Logo"))
    remove_logo = BooleanField(_l("Logo verwijderen"))


def field_label(name: str) -> str:
    """The label of a field of the organisation form, in words (the audit log names them)."""
    field = getattr(OrganisationForm, name, None)
    return str(field.args[0]) if field is not None else name


def _organisation_form(organisation=None) -> OrganisationForm:
    """The organisation form, filled from the organisation on a GET."""
    data = None
    if organisation is not None:
        data = {"name": organisation.name, "slug": organisation.slug,
                "type": str(organisation.type_id), "partner": organisation.partner,
                "partner_since": str(organisation.partner_since or ""),
                "website": organisation.website, "description": organisation.description}
    form = OrganisationForm(data=data)
    form.type.choices = term_choices(curation.organisation_types())
    form.logo.description = _("Een afbeelding (JPEG, PNG, GIF of WebP), hoogstens %(size)s; "
                              "wordt verkleind", size=file_size(_logo_limit()))
    return form


def _logo_limit() -> int:
    """The largest logo taken in (LOGO_MAX_BYTES)."""
    return current_app.config["LOGO_MAX_BYTES"]


@bp.url_value_preprocessor
def _room_for_logos(endpoint, _values) -> None:
    """A logo may be larger than any other request: a refused one is named beside the
    fields as typed, not on a bare 413 page (kb.web.helpers.room_for_upload)."""
    if endpoint in ("curation.add_organisation", "curation.edit_organisation"):
        room_for_upload("LOGO_MAX_BYTES")


def _form_values(form: OrganisationForm) -> dict:
    """What the service needs from the organisation form."""
    fields = ("name", "slug", "type", "partner", "partner_since", "website", "description",
              "remove_logo")
    values = {name: form[name].data for name in fields}
    values["logo"] = read_upload(form.logo.data, _logo_limit() + 1)
    return values


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
    if submitted(form, lambda: curation.add_organisation(current_user, _form_values(form))):
        return done(_("Organisatie toegevoegd."), ".organisations")
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
    if submitted(form, lambda: curation.edit_organisation(current_user, organisation_id,
                                                           _form_values(form))):
        return done(_("Organisatie opgeslagen."), ".organisation",
                     organisation_id=organisation_id)
    return _organisation_page(item, form=form, status=400)


def _confirm_merge(plan):
    """What merging moves, to confirm."""
    source, target = plan.source.name, plan.target.name
    return confirm_page(
        _("„%(source)s” samenvoegen met „%(target)s”?", source=source, target=target),
        [_("%(examples)s en %(accounts)s gaan naar „%(target)s”; dit kan niet ongedaan "
           "worden.", examples=examples_moved(plan.examples),
           accounts=accounts_moved(plan.accounts), target=target),
         _("Daarna wordt „%(source)s” verwijderd.", source=source)],
        url_for(".merge_organisation", organisation_id=plan.source.id), _("Ja, samenvoegen"),
        url_for(".organisation", organisation_id=plan.source.id), target=plan.target.id)


@bp.get("/organisaties/<int:organisation_id>/logo")
def organisation_logo(organisation_id: int):
    """An organisation's current logo, for its edit page (also before its public page
    exists)."""
    item = curation.get_organisation(organisation_id)
    if not item.has_logo or item.logo is None:
        abort(404)
    return logo_response(item.logo)


@bp.post("/organisaties/<int:organisation_id>/samenvoegen")
def merge_organisation(organisation_id: int):
    """Merge an organisation into another once confirmed; the source is removed."""
    item, form = curation.get_organisation(organisation_id), MergeForm()
    return merge_in_two_steps(
        form, lambda target: curation.organisation_merge(organisation_id, target),
        lambda target: curation.merge_organisation(current_user, organisation_id, target),
        _confirm_merge,
        lambda: done(_("Organisaties samengevoegd."), ".organisation",
                     organisation_id=int(form.target.data)),
        lambda: _organisation_page(item, merge=form, status=400))
