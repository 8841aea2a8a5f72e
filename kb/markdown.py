"""Markdown for examples: rendered without raw HTML, then sanitised."""
import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_md.enable(["table", "strikethrough"])

ALLOWED_TAGS = {"p", "br", "strong", "em", "del", "a", "ul", "ol", "li", "blockquote", "code",
                "pre", "h2", "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr",
                "th", "td"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}


def _demote_headings(html: str) -> str:
    """Shift h1 to h2: the page title is the only h1."""
    return html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")


def render_markdown(text: str) -> Markup:
    """Markdown to safe HTML: no raw HTML, no scripts, links nofollow noopener."""
    html = _demote_headings(_md.render(text or ""))
    clean = nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                      url_schemes={"http", "https", "mailto"},
                      link_rel="nofollow noopener")
    return Markup(clean)
