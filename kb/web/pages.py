"""The pages a public body needs: privacy and accessibility statements, contact and colophon
(texts an installation can replace), and what search engines, browsers and link previews
ask for: sitemap.xml, robots.txt, the favicon and an example's structured data."""
import io
import math
from functools import cache
from xml.sax.saxutils import escape

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from flask_babel import get_locale
from PIL import Image, ImageDraw

from kb.services import listings, site_pages
from kb.util import slugify

bp = Blueprint("pages", __name__)

# Pages every visitor may read, in the order the sitemap lists them.
PUBLIC_PAGES = ("public.home", "search.search", "public.organisations", "public.leerateliers",
                "insight.dashboard", "insight.level_map", "public.about",
                *(f"pages.{name}" for name in site_pages.NAMES))
# Not for search engines: personal and moderation pages, forms, the language switch, the
# API and feeds (for programs), and searches with parameters (endless combinations, each
# a search; every example is in the sitemap).
ROBOTS_DISALLOW = ("/account", "/inloggen", "/uitloggen", "/registreren", "/wachtwoord-",
                   "/mijn-voorbeelden", "/bewaard", "/zoekopdrachten", "/meldingen/",
                   "/voorbeelden/nieuw", "/voorbeelden/*/bewerken", "/voorbeelden/*/melden",
                   "/moderatie", "/beheer", "/leerateliers/nieuw", "/leerateliers/*/bewerken",
                   "/taal/", "/api/", "/feeds/", "/zoeken?", "/kaart?")
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
# The brand mark (◎), as in kb/static/favicon.svg: a dark green disc, a light ring, a dot.
ICON_DARK, ICON_LIGHT = "#08513a", "#9fe0c4"


def _show(name: str):
    """One of the site's pages, in the visitor's language when there is a text for it."""
    locale = get_locale()
    page = site_pages.site_page(name, locale.language if locale else "nl",
                                url_for("public.home", _external=True))
    response = current_app.make_response(render_template("pages/page.html", page=page))
    response.headers["Content-Language"] = page.language
    return response


for _name in site_pages.NAMES:
    bp.add_url_rule(f"/{_name}", _name, _show, defaults={"name": _name}, methods=["GET"])


@bp.app_context_processor
def _site_contact() -> dict:
    """Who runs the site and how to reach them, for the footer and notices."""
    return {"contact_email": current_app.config["CONTACT_EMAIL"],
            "owner_name": current_app.config["OWNER_NAME"]}


def _lastmod(*moments) -> str | None:
    """The latest of these moments in the sitemap's (W3C) format."""
    known = [moment for moment in moments if moment is not None]
    return max(known).isoformat(timespec="seconds") if known else None


def _fixed_entries() -> list[tuple[str, str | None]]:
    """The sitemap's URLs other than the examples: the public pages, every public
    organisation and leeratelier."""
    urls = [url_for(endpoint, _external=True) for endpoint in PUBLIC_PAGES]
    urls += [url_for("public.organisation", slug=slug, _external=True)
             for slug in listings.public_slugs("organisation")]
    urls += [url_for("public.leeratelier", slug=slug, _external=True)
             for slug in listings.public_slugs("leeratelier")]
    return [(url, None) for url in urls]


def _entries(start: int, stop: int) -> list[tuple[str, str | None]]:
    """The sitemap's URLs from start to stop: the fixed ones, then every published
    example (in id order) with when it last changed."""
    fixed = _fixed_entries()
    entries = fixed[start:stop]
    if stop > len(fixed):
        first = max(start, len(fixed))
        rows = listings.published_pages(first - len(fixed), stop - first)
        entries += [(url_for("public.example", example_id=example_id, slug=slugify(title),
                             _external=True), _lastmod(published_at, updated_at))
                    for example_id, title, published_at, updated_at in rows]
    return entries


def _xml(lines) -> Response:
    """An XML answer that search engines may keep for an hour."""
    response = Response('<?xml version="1.0" encoding="UTF-8"?>\n' + "".join(lines),
                        mimetype="application/xml")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


def _urlset(entries) -> Response:
    """A sitemap of these (url, lastmod) entries."""
    lines = [f'<urlset xmlns="{SITEMAP_NS}">\n']
    for url, lastmod in entries:
        modified = f"<lastmod>{lastmod}</lastmod>" if lastmod else ""
        lines.append(f"<url><loc>{escape(url)}</loc>{modified}</url>\n")
    lines.append("</urlset>\n")
    return _xml(lines)


def _parts() -> tuple[int, int]:
    """How many URLs the sitemap has, and how many fit in one file."""
    total = len(_fixed_entries()) + listings.published_total()
    return total, current_app.config["SITEMAP_URLS"]


@bp.get("/sitemap.xml")
def sitemap():
    """Every public page and published example; beyond one file's room, an index of
    numbered parts."""
    total, per_file = _parts()
    if total <= per_file:
        return _urlset(_entries(0, total))
    lines = [f'<sitemapindex xmlns="{SITEMAP_NS}">\n']
    for number in range(1, math.ceil(total / per_file) + 1):
        url = escape(url_for(".sitemap_part", number=number, _external=True))
        lines.append(f"<sitemap><loc>{url}</loc></sitemap>\n")
    lines.append("</sitemapindex>\n")
    return _xml(lines)


@bp.get("/sitemap-<int:number>.xml")
def sitemap_part(number: int):
    """One numbered part of a sitemap too large for one file."""
    total, per_file = _parts()
    if total <= per_file or not 1 <= number <= math.ceil(total / per_file):
        abort(404)
    return _urlset(_entries((number - 1) * per_file, number * per_file))


@bp.get("/robots.txt")
def robots():
    """What crawlers may visit: everything public; not the personal, moderation and
    administration pages, the forms, the API or searches with parameters."""
    root = request.script_root
    lines = ["# Praktijkbank: praktijkvoorbeelden voor iedereen, persoonlijke en",
             "# beheerpagina's niet.", "User-agent: *", f"Allow: {root}/"]
    lines += [f"Disallow: {root}{path}" for path in ROBOTS_DISALLOW]
    lines += ["", f"Sitemap: {url_for('.sitemap', _external=True)}", ""]
    response = Response("\n".join(lines), mimetype="text/plain")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@cache
def favicon_bytes() -> bytes:
    """The brand mark as an ICO file (16, 32 and 48 pixels), drawn once per process."""
    side = 192  # drawn large and scaled down, for smooth edges
    image = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((2, 2, side - 3, side - 3), fill=ICON_DARK)
    ring = side * 19 // 64
    width = side * 6 // 64
    centre = side // 2
    draw.ellipse((centre - ring - width // 2, centre - ring - width // 2,
                  centre + ring + width // 2, centre + ring + width // 2), fill=ICON_LIGHT)
    inner = ring - width // 2
    draw.ellipse((centre - inner, centre - inner, centre + inner, centre + inner),
                 fill=ICON_DARK)
    dot = side * 7 // 64
    draw.ellipse((centre - dot, centre - dot, centre + dot, centre + dot), fill=ICON_LIGHT)
    buffer = io.BytesIO()
    image.save(buffer, format="ICO", sizes=[(16, 16), (32, 32), (48, 48)])
    return buffer.getvalue()


@bp.get("/favicon.ico")
def favicon():
    """The site's icon for browsers that ask for /favicon.ico."""
    response = Response(favicon_bytes(), mimetype="image/vnd.microsoft.icon")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


def example_structured_data(example, image=None) -> dict:
    """schema.org data of a published example (JSON-LD): what it is, by which
    organisation, when, about what and where. The author's own name stays out."""
    url = url_for("public.example", example_id=example.id, slug=example.slug, _external=True)
    home = url_for("public.home", _external=True)
    data = {
        "@context": "https://schema.org", "@type": "Article", "@id": url, "url": url,
        "mainEntityOfPage": url, "headline": example.title, "name": example.title,
        "description": example.summary, "inLanguage": "nl",
        "datePublished": _lastmod(example.published_at),
        "dateModified": _lastmod(example.published_at, example.updated_at),
        "author": {"@type": "Organization", "name": example.organisation.name,
                   "url": url_for("public.organisation", slug=example.organisation.slug,
                                  _external=True)},
        "publisher": {"@type": "Organization", "name": current_app.config["OWNER_NAME"],
                      "url": home},
        "isPartOf": {"@type": "WebSite", "name": "Praktijkbank", "url": home},
        "keywords": [term.label_nl for term in example.terms
                     if term.kind in ("dimension", "theme", "target_group")],
        "spatialCoverage": {"@type": "Place", "name": example.municipality},
        "temporalCoverage": str(example.year),
    }
    if image is not None:
        data["image"] = url_for("attachments.download", attachment_id=image.id,
                                _external=True)
    return data
