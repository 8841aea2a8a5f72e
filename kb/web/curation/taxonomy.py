"""Curation of the taxonomy: values added, renamed, placed, (de)activated and merged."""
from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectField, StringField

from kb.services import curation
from kb.services.taxonomy import terms_of_kind
from kb.taxonomy import KINDS, kind_titles
from kb.web.curation import (
    MergeForm,
    bp,
    confirm_page,
    examples_moved,
    merge_in_two_steps,
    term_choices,
)
from kb.web.forms import Form, button, done, submitted


class TermAddForm(Form):
    """A new taxonomy value."""

    kind = SelectField(_l("Soort"), validate_choice=False)
    label_nl = StringField(_l("Label in het Nederlands"))
    label_en = StringField(_l("Label in het Engels"))
    slug = StringField(_l("Slug"), description=_l(
        "Optioneel. Leeg: gemaakt van het Nederlandse label. Later niet meer te wijzigen."))


class TermRenameForm(Form):
    """New labels of a value."""

    label_nl = StringField(_l("Label in het Nederlands"))
    label_en = StringField(_l("Label in het Engels"))


class PositionForm(Form):
    """A value's place within its kind."""

    position = StringField(_l("Plaats"), description=_l("1 is bovenaan."))




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
    if submitted(form, lambda: curation.add_term(current_user, form.kind.data,
                                                  form.label_nl.data, form.label_en.data,
                                                  form.slug.data)):
        return done(_("Waarde toegevoegd."), ".taxonomy")
    return _taxonomy_page(form, 400)


def _term_page(term, rename=None, position=None, merge=None, status: int = 200):
    """One value: its labels, place and merge forms."""
    rename = rename or TermRenameForm(data={"label_nl": term.label_nl,
                                            "label_en": term.label_en})
    position = position or PositionForm(data={"position": _place(term)})
    merge = merge or MergeForm()
    others = [t for t in curation.taxonomy_overview()[term.kind] if t[0].id != term.id]
    merge.target.choices = term_choices(t for t, _n in others if t.active)
    return render_template("curation/term.html", term=term, kind_title=kind_titles()[term.kind],
                           count=len(curation.example_ids_with_term(term)),
                           rename=rename, position=position, merge=merge), status


def _place(term) -> str:
    """A term's place within its kind, counted from 1."""
    return str([t.id for t in terms_of_kind(term.kind, active_only=False)].index(term.id) + 1)


@bp.get("/taxonomie/<int:term_id>")
def term(term_id: int):
    """One value with its forms."""
    return _term_page(curation.term_by_id(term_id))


@bp.post("/taxonomie/<int:term_id>")
def rename_term(term_id: int):
    """New labels for a value; its slug stays."""
    item, form = curation.term_by_id(term_id), TermRenameForm()
    if submitted(form, lambda: curation.rename_term(current_user, term_id, form.label_nl.data,
                                                     form.label_en.data)):
        return done(_("Labels opgeslagen."), ".term", term_id=term_id)
    return _term_page(item, rename=form, status=400)


@bp.post("/taxonomie/<int:term_id>/plaats")
def place_term(term_id: int):
    """Put a value at a place within its kind."""
    item, form = curation.term_by_id(term_id), PositionForm()
    if submitted(form, lambda: curation.set_term_position(current_user, term_id,
                                                           form.position.data)):
        return done(_("Volgorde opgeslagen."), ".term", term_id=term_id)
    return _term_page(item, position=form, status=400)


@bp.post("/taxonomie/<int:term_id>/verplaatsen")
def move_term(term_id: int):
    """One place up or down (the buttons on the overview)."""
    direction = request.form.get("direction", "")
    return button(lambda: curation.move_term(current_user, term_id, direction),
                   _("Volgorde opgeslagen."), ".taxonomy", _anchor=f"term-{term_id}")


@bp.post("/taxonomie/<int:term_id>/deactiveren")
def deactivate_term(term_id: int):
    """Stop offering a value; examples keep it."""
    return button(lambda: curation.deactivate_term(current_user, term_id),
                   _("Waarde gedeactiveerd."), ".term", term_id=term_id)


@bp.post("/taxonomie/<int:term_id>/activeren")
def activate_term(term_id: int):
    """Offer a value again."""
    return button(lambda: curation.activate_term(current_user, term_id),
                   _("Waarde geactiveerd."), ".term", term_id=term_id)


def _confirm_merge(plan):
    """What merging moves, to confirm."""
    source, target, count = plan
    return confirm_page(
        _("„%(source)s” samenvoegen met „%(target)s”?", source=source.label_nl,
          target=target.label_nl),
        [_("„%(target)s” komt in plaats van „%(source)s” bij %(examples)s; dit kan niet "
           "ongedaan worden.", examples=examples_moved(count), target=target.label_nl,
           source=source.label_nl),
         _("„%(source)s” blijft bewaard maar wordt gedeactiveerd; oude links met "
           "„%(slug)s” vinden voortaan de voorbeelden met „%(target)s”.",
           source=source.label_nl, slug=source.slug, target=target.label_nl)],
        url_for(".merge_term", term_id=source.id), _("Ja, samenvoegen"),
        url_for(".term", term_id=source.id), target=target.id)


@bp.post("/taxonomie/<int:term_id>/samenvoegen")
def merge_term(term_id: int):
    """Merge a value into another of its kind, once confirmed."""
    item, form = curation.term_by_id(term_id), MergeForm()
    return merge_in_two_steps(
        form, lambda target: curation.term_merge(term_id, target),
        lambda target: curation.merge_term(current_user, term_id, target), _confirm_merge,
        lambda: done(_("Waarden samengevoegd."), ".term", term_id=int(form.target.data)),
        lambda: _term_page(item, merge=form, status=400))
