"""Curation of the search synonyms: the moderators' own groups."""
from flask import render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import StringField

from kb.services import synonyms
from kb.web.curation import bp, confirm_page, confirmed
from kb.web.forms import Form, button, done, submitted


class SynonymForm(Form):
    """A new synonym group."""

    terms = StringField(_l("Termen"), description=_l(
        "Twee of meer woorden die hetzelfde betekenen, gescheiden door komma's."))


def _synonyms_page(form: SynonymForm, status: int = 200):
    """The shipped count, the moderators' groups and the add form."""
    return render_template("curation/synonyms.html", form=form,
                           shipped=synonyms.shipped_synonym_count(),
                           groups=synonyms.synonym_groups()), status


@bp.get("/synoniemen")
def synonym_groups():
    """The search synonyms."""
    return _synonyms_page(SynonymForm())


@bp.post("/synoniemen")
def add_synonym_group():
    """Add a synonym group."""
    form = SynonymForm()
    if submitted(form, lambda: synonyms.add_synonym_group(current_user, form.terms.data)):
        return done(_("Synoniemen toegevoegd."), ".synonym_groups")
    return _synonyms_page(form, 400)


def _confirm_removal(group_id: int):
    """Ask before a group is removed: search stops joining its words."""
    group = synonyms.synonym_group(group_id)
    return confirm_page(
        _("Deze synoniemgroep verwijderen?"),
        [_("Zoeken op een van deze woorden vindt de andere dan niet meer: %(terms)s",
           terms=", ".join(group.term_list)),
         _("Dat geldt vanaf de volgende zoekopdracht; je kunt de groep later opnieuw "
           "toevoegen.")],
        url_for(".remove_synonym_group", group_id=group_id), _("Ja, verwijderen"),
        url_for(".synonym_groups"))


@bp.get("/synoniemen/<int:group_id>/verwijderen")
def confirm_remove_synonym_group(group_id: int):
    """Ask before a synonym group is removed."""
    return _confirm_removal(group_id)


@bp.post("/synoniemen/<int:group_id>/verwijderen")
def remove_synonym_group(group_id: int):
    """Switch a synonym group off, once confirmed."""
    if not confirmed():  # not from the confirmation page: ask first
        return _confirm_removal(group_id)
    return button(lambda: synonyms.remove_synonym_group(current_user, group_id),
                   _("Synoniemen verwijderd."), ".synonym_groups")
