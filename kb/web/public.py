"""Public pages: home, browse, example, organisations, leerateliers, about."""
from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from kb.markdown import render_markdown
from kb.services import adoptions, attachments, following, listings
from kb.services import leerateliers as workshops
from kb.services.errors import NotFound
from kb.services.examples import get_example
from kb.services.search import related_examples
from kb.util import utcnow
from kb.web.helpers import logo_response, page_arg, safe_next
from kb.web.leerateliers import qr_svg
from kb.web.pages import example_structured_data

bp = Blueprint("public", __name__)

HOME_FACETS = ("dimension", "theme", "organisation_type")


@bp.get("/")
def home():
    """What Praktijkbank is, a search box, browse by facet, featured and recent examples."""
    return render_template(
        "public/home.html",
        counts={kind: listings.term_counts(kind) for kind in HOME_FACETS},
        featured=listings.featured(3), recent=listings.recent(6), total=listings.published_total())


@bp.get("/voorbeelden")
def browse():
    """Browsing is searching without words: the search page, newest first unless asked
    otherwise (one search, with its ranking, filters and counts)."""
    args = request.args.to_dict(flat=False)
    args.setdefault("sort", ["newest"])
    return redirect(url_for("search.search", **args), 301)


@bp.get("/voorbeelden/<int:example_id>")
@bp.get("/voorbeelden/<int:example_id>/<slug>")
def example(example_id: int, slug: str | None = None):
    """One example; redirects to the URL with the current slug."""
    try:
        item = get_example(current_user, example_id)
    except NotFound:
        abort(404)
    if slug != item.slug:
        return redirect(url_for(".example", example_id=item.id, slug=item.slug), 301)
    return render_example(item)


def render_example(item, **extra):
    """An example's page (also re-rendered by forms on it, with their errors in extra)."""
    context = {"adoption_errors": {}, "adoption_values": {}, "now_year": utcnow().year,
               "contact_errors": {}, "contact_message": "", **extra}
    files = attachments.attachments_of(item)
    image = next((file for file in files if file.is_image), None)
    # Search engines and link previews get data about a published example only.
    structured = example_structured_data(item, image) if item.is_published else None
    return render_template("public/example.html", example=item, structured=structured,
                           related=related_examples(item) if item.is_published else [],
                           body=render_markdown(item.body),
                           impact=render_markdown(item.impact),
                           evidence=render_markdown(item.evidence),
                           saved=following.is_saved(current_user, item.id),
                           adoptions=adoptions.adoptions_of(item),
                           attachments=files, **context)


@bp.get("/organisaties")
def organisations():
    """Every organisation with its number of published examples."""
    return render_template("public/organisations.html",
                           rows=listings.organisations_with_counts())


@bp.get("/organisaties/<slug>")
def organisation(slug: str):
    """An organisation and its published examples; a slug it had before leads to it."""
    try:
        org, pagination = listings.organisation_with_examples(
            slug, page_arg(), current_app.config["PER_PAGE"])
    except NotFound:
        return redirect(url_for(".organisation", slug=_renamed(slug)), 301)
    return render_template("public/organisation.html", organisation=org,
                           pagination=pagination, applied_by=adoptions.applied_by(org.id),
                           applied_from=adoptions.applied_from(org.id))


@bp.get("/organisaties/<slug>/logo")
def organisation_logo(slug: str):
    """An organisation's logo (our own re-encoding, as PNG)."""
    try:
        logo = listings.public_logo(slug)
    except NotFound:
        abort(404)
    response = logo_response(logo)
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@bp.get("/leerateliers")
def leerateliers():
    """Every leeratelier with its number of published examples."""
    return render_template("public/leerateliers.html", rows=listings.leerateliers_with_counts())


@bp.get("/leerateliers/<slug>")
def leeratelier(slug: str):
    """A leeratelier: what it was, its harvest (the examples per learning question and
    the organisations that shared them), and, while it is open, the invitation to share."""
    try:
        workshop = listings.get_public_leeratelier(slug)
    except NotFound:
        abort(404)
    return render_template("public/leeratelier.html", leeratelier=workshop,
                           description=render_markdown(workshop.description),
                           harvest=workshops.harvest(workshop),
                           qr=qr_svg(workshop) if workshop.open_for_contributions else None)


@bp.get("/over")
def about():
    """About Praktijkbank and the alliance."""
    return render_template("public/about.html")


@bp.get("/taal/<code>")
def language(code: str):
    """Remember the chosen interface language and go back where the visitor was."""
    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    response = redirect(safe_next(request.args.get("next")))
    response.set_cookie("lang", code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True,
                        secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response


def _renamed(slug: str) -> str:
    """The current slug of an organisation that had this one (or a 404)."""
    try:
        return listings.renamed_organisation(slug)
    except NotFound:
        abort(404)


def _with_examples(find, slug: str):
    """An organisation or leeratelier by slug (or a 404) and a page of its examples."""
    try:
        return find(slug, page_arg(), current_app.config["PER_PAGE"])
    except NotFound:
        abort(404)
