"""The site's own pages: the privacy statement, the accessibility statement, contact and
colophon. Their texts are Markdown files shipped in kb/pages; an installation replaces one
by putting a file of the same name in its instance folder (instance/pages/privacy.md, and
privacy.en.md for English visitors). The first line `# Title` is the page's title;
{{ organisatie }}, {{ contact_email }}, {{ site }}, {{ versie }}, {{ auditlog_dagen }}
(AUDIT_RETENTION_DAYS) and {{ onthoud_dagen }} (SECOND_FACTOR_REMEMBER_DAYS) are filled in."""
import logging
import re
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from flask import current_app
from markupsafe import Markup

from kb.markdown import render_markdown
from kb.util import shorten

log = logging.getLogger(__name__)

SHIPPED = Path(__file__).resolve().parent.parent / "pages"
NAMES = ("privacy", "toegankelijkheid", "contact", "colofon")
FIELD = re.compile(r"\{\{\s*(\w+)\s*\}\}")
# Characters Markdown would read as markup: a filled-in value stays literal text.
MARKUP = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")
PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.DOTALL)


@dataclass(frozen=True)
class SitePage:
    """A page's title, its text as safe HTML, a plain description and its language."""

    name: str
    heading: str  # the title as written, soft hyphens (U+00AD) and all: where a long
    # word may break on a phone ("Toegankelijkheids-verklaring")
    html: Markup
    description: str
    language: str

    @property
    def title(self) -> str:
        """The title without soft hyphens (for the window, search engines, shared links)."""
        return self.heading.replace("\u00ad", "")


def _candidates(name: str, language: str) -> list[tuple[Path, str]]:
    """Where the page's text may be, with the language of each: the installation's own
    files first (its Dutch text before the shipped English one, so that an installation's
    own statement is never contradicted by the shipped default), then the shipped ones."""
    names = [(f"{name}.{language}.md", language)] if language != "nl" else []
    names.append((f"{name}.md", "nl"))
    folders = (Path(current_app.instance_path) / "pages", SHIPPED)
    return [(folder / file, lang) for folder in folders for file, lang in names]


def _read(name: str, language: str) -> tuple[str, str]:
    """The first readable text of the page and its language."""
    for path, lang in _candidates(name, language):
        if not path.is_file():
            continue
        try:
            return path.read_text(encoding="utf-8"), lang
        except (OSError, UnicodeDecodeError) as exc:  # a broken override: the next one
            log.error("cannot read %s (%s); showing the next text", path, exc)
    raise FileNotFoundError(f"no text for the page {name!r}")


def fields(site_url: str) -> dict[str, str]:
    """The values filled into the texts."""
    config = current_app.config
    try:
        version = metadata.version("praktijkbank")
    except metadata.PackageNotFoundError:
        version = "?"
    return {"organisatie": config["OWNER_NAME"], "contact_email": config["CONTACT_EMAIL"],
            "site": site_url, "versie": version,
            "auditlog_dagen": str(config["AUDIT_RETENTION_DAYS"]),
            "onthoud_dagen": str(config["SECOND_FACTOR_REMEMBER_DAYS"])}


def _fill(text: str, values: dict[str, str]) -> str:
    """Replace the known {{ fields }}; others stay as written."""
    def value(match):
        known = values.get(match.group(1))
        return match.group(0) if known is None else MARKUP.sub(r"\\\1", known)
    return FIELD.sub(value, text)


def site_page(name: str, language: str, site_url: str) -> SitePage:
    """One of the site's pages in the visitor's language (or in Dutch), ready to show."""
    if name not in NAMES:
        raise KeyError(name)
    text, lang = _read(name, language)
    text = _fill(text.lstrip("\ufeff"), fields(site_url))
    first, _newline, rest = text.partition("\n")
    if first.startswith("# "):
        heading, text = first[2:].strip(), rest
    else:
        heading = name.capitalize()
    html = render_markdown(text)
    paragraph = PARAGRAPH.search(html)
    description = shorten(Markup(paragraph.group(1)).striptags()) if paragraph \
        else heading.replace("\u00ad", "")
    return SitePage(name, heading, html, description, lang)
