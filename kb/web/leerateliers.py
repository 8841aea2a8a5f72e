"""Leerateliers run in the app: moderators announce and edit them and open them for
contributions; an open one's page invites participants, with a QR code to print."""
import segno
from flask import Blueprint, Response, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import BooleanField, SelectField, StringField, TextAreaField

from kb.markdown import render_markdown
from kb.services import leerateliers as service
from kb.services import listings
from kb.services import permissions as perm
from kb.services.errors import NotFound
from kb.services.taxonomy import terms_of_kind
from kb.web.forms import Form, done, submitted

bp = Blueprint("leerateliers", __name__)


class LeerateliersForm(Form):
    """A leeratelier's details; the service validates, the form carries."""

    name = StringField(_l("Naam"), description=_l("Bijvoorbeeld: Achtste leeratelier: "
                                                  "samen aan de slag in de wijk"))
    date = StringField(_l("Datum"), render_kw={"type": "date"})
    online = BooleanField(_l("Online"))
    place = StringField(_l("Plaats"), description=_l("Waar het leeratelier is (leeg als "
                                                     "het online is)"))
    theme = SelectField(_l("Thema"), validate_choice=False)
    description = TextAreaField(_l("Beschrijving"),
                                description=_l("Wat er gebeurt en voor wie. Markdown kan."))
    questions = TextAreaField(_l("Leervragen"),
                              description=_l("Eén per regel. De oogst van het leeratelier "
                                             "verzamelt per leervraag de voorbeelden."))
    participants = StringField(_l("Aantal deelnemers"), render_kw={"inputmode": "numeric"})
    open_for_contributions = BooleanField(_l("Open voor bijdragen: deelnemers kunnen hun "
                                             "voorbeeld aan dit leeratelier koppelen"))


def _form(values: dict | None = None) -> LeerateliersForm:
    """The form with the active themes to choose from."""
    form = LeerateliersForm(data=values)
    form.theme.choices = [("", _("— geen —"))] + [(t.slug, t.label)
                                                  for t in terms_of_kind("theme")]
    return form


def _values(form: LeerateliersForm) -> dict:
    """The posted values, as the service takes them."""
    return {name: getattr(form, name).data for name in service.FIELDS}


@bp.route("/leerateliers/nieuw", methods=["GET", "POST"])
@login_required
def new():
    """Announce a leeratelier (moderators)."""
    perm.require(perm.can_create_leeratelier(current_user))
    form = _form()
    created = {}
    if form.validate_on_submit() and submitted(form, lambda: created.update(
            workshop=service.create_leeratelier(current_user, _values(form)))):
        return done(_("Het leeratelier is aangemaakt."), "public.leeratelier",
                    slug=created["workshop"].slug)
    return render_template("leerateliers/form.html", form=form, workshop=None), \
        400 if form.errors else 200


@bp.route("/leerateliers/<slug>/bewerken", methods=["GET", "POST"])
@login_required
def edit(slug: str):
    """Change a leeratelier (moderators)."""
    perm.require(perm.can_update_leeratelier(current_user))
    workshop = service.by_slug(slug)
    form = _form(service.form_values(workshop) if request.method == "GET" else None)
    if form.validate_on_submit() and submitted(
            form, lambda: service.update_leeratelier(current_user, slug, _values(form))):
        return done(_("Het leeratelier is bijgewerkt."), "public.leeratelier", slug=slug)
    return render_template("leerateliers/form.html", form=form, workshop=workshop), \
        400 if form.errors else 200


def _share_url(workshop) -> str:
    """The address participants open to share an example of this leeratelier."""
    return url_for("contribute.new", leeratelier=workshop.slug, _external=True)


def _open_workshop(slug: str):
    """A public leeratelier that is open for contributions (404 otherwise)."""
    workshop = listings.get_public_leeratelier(slug)
    if not workshop.open_for_contributions:
        raise NotFound()
    return workshop


def qr_svg(workshop, scale: int = 5) -> str:
    """The QR code of the sharing address as inline SVG, titled for screen readers."""
    return segno.make(_share_url(workshop), error="m").svg_inline(
        scale=scale, title=_("QR-code naar het formulier om je voorbeeld te delen"),
        svgclass="qr-code")


@bp.get("/leerateliers/<slug>/qr.svg")
def qr_code(slug: str):
    """The QR code alone, as an image file (for a slide or a handout)."""
    svg = qr_svg(_open_workshop(slug), scale=10)
    return Response(svg, mimetype="image/svg+xml",
                    headers={"Content-Disposition": f'inline; filename="{slug}-qr.svg"'})


@bp.get("/leerateliers/<slug>/poster")
def poster(slug: str):
    """A page to print: the leeratelier's name, the invitation and the QR code."""
    workshop = _open_workshop(slug)
    return render_template("leerateliers/poster.html", workshop=workshop,
                           qr=qr_svg(workshop, scale=9), share_url=_share_url(workshop),
                           description=render_markdown(workshop.description))
