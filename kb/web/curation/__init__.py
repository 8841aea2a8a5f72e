"""Curation by moderators: the taxonomy, organisations and synonyms, one module each
(user administration is the users blueprint's)."""
from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required
from wtforms import SelectField

from kb.services import permissions as perm
from kb.services.errors import Invalid
from kb.web.forms import Form, show_errors

bp = Blueprint("curation", __name__, url_prefix="/beheer")


@bp.before_request
@login_required
def _guard():
    """Every page here is for moderators."""
    perm.require(perm.can_curate_taxonomy(current_user))


class MergeForm(Form):
    """Merge into another value or organisation."""

    target = SelectField(_l("Samenvoegen met"), validate_choice=False)


def term_label(term) -> str:
    """A term's Dutch label, marked when it is no longer in use."""
    return term.label_nl if term.active else _("%(label)s (niet actief)", label=term.label_nl)


def term_choices(terms) -> list[tuple[str, str]]:
    """Select options for terms, after a "choose" placeholder."""
    return [("", _("— kies —"))] + [(str(t.id), term_label(t)) for t in terms]


def examples_moved(count: int) -> str:
    """How many examples a merge moves, in words."""
    return ngettext("%(num)d voorbeeld", "%(num)d voorbeelden", count)


def accounts_moved(count: int) -> str:
    """How many accounts a merge moves, in words."""
    return ngettext("%(num)d account", "%(num)d accounts", count)


def confirmed() -> bool:
    """Whether a post comes from a confirmation page (its yes button)."""
    return request.form.get("confirm") == "1"


def confirm_page(title: str, consequences: list[str], action: str, yes: str, back: str,
                 **fields):
    """Ask before a change that cannot be undone: what it does, then yes (posting `fields`
    again, confirmed) or back."""
    return render_template("curation/confirm.html", title=title, consequences=consequences,
                           action=action, yes=yes, back=back, fields=fields)


def merge_in_two_steps(form: MergeForm, plan, merge, ask, finish, refused):
    """A merge cannot be undone: the first post shows what it moves (`ask(plan(target))`),
    the confirmed one merges and `finish()`es; `refused()` shows the form with the reason."""
    try:
        if not confirmed():
            return ask(plan(form.target.data))
        merge(form.target.data)
    except Invalid as exc:
        show_errors(form, exc)
        return refused()
    return finish()


@bp.get("/")
def index():
    """The curation overview: what can be looked after here."""
    return render_template("curation/index.html")


from kb.web.curation import organisations, synonyms, taxonomy  # noqa: E402,F401 (routes)
