"""What the index stores of an example: searchable text, facet values, sort keys."""
import re

from kb import taxonomy
from kb.models import Example
from kb.search.analysis import WORD
from kb.util import slugify

MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
MD_HEADING = re.compile(r"(?m)^[ \t]{0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
HEADING_END = ".!?:;…"
MD_LINE_MARKS = re.compile(r"(?m)^[ \t]{0,3}(?:#{1,6}[ \t]+|>[ \t]?|[-*+][ \t]+|\d{1,3}[.)][ \t]+)")
MD_INLINE_MARKS = re.compile(r"(?<!\w)[*_`~]+|[*_`~]+(?!\w)")


def _heading(match: re.Match) -> str:
    """A heading as a sentence of its own: it ends with a full stop unless it already ends
    with a mark, so that a snippet does not run it into the next sentence ("Wat we zagen
    In een flat …")."""
    heading = match.group(1)
    return heading if not heading or heading[-1] in HEADING_END else heading + "."


def plain_text(markdown: str) -> str:
    """Markdown as plain text, for snippets and spelling. Regular expressions, not a
    full render: on a reindex this ran in the process that feeds the analysers, and
    rendering took a fifth of the time."""
    text = MD_LINK.sub(r"\1", markdown or "")
    text = MD_HEADING.sub(_heading, text)
    text = MD_LINE_MARKS.sub("", text)
    return MD_INLINE_MARKS.sub("", text).strip()


def distinct_words(*texts: str) -> str:
    """Each word once: the spelling dictionary needs the words, not their counts."""
    return " ".join(dict.fromkeys(WORD.findall(" ".join(texts).lower())))


def _milliseconds(moment) -> int:
    """A sort key for the publication moment (0 when unknown)."""
    return int(moment.timestamp() * 1000) if moment else 0


def _labels(example: Example) -> str:
    """Every taxonomy label of the example in both languages, for free-text matching."""
    terms = [term for kind in taxonomy.KINDS_TABLE for term in example.values_of(kind)]
    return " ".join(f"{term.label_nl} {term.label_en}" for term in terms)


def _practical(example: Example) -> list[str]:
    """The practical fields' text (what it takes, costs, time, what worked, pitfalls)."""
    return [getattr(example, name) or "" for name in
            ("needs", "costs", "duration", "success_factors", "pitfalls")]


def document_for(example: Example) -> dict:
    """The index document of a published example."""
    body = plain_text(example.body)
    extra = " ".join(filter(None, [
        example.organisation.name, example.municipality,
        example.leeratelier.name if example.leeratelier else "", _labels(example)]))
    return {
        "id": str(example.id),
        "kind": "example",
        "title": example.title,
        "summary": example.summary,
        "body": "\n\n".join(filter(None, [body, example.impact, example.evidence,
                                           *_practical(example)])),
        "extra": extra,
        "spell": distinct_words(example.title, example.summary, body, example.impact or "",
                                example.evidence or "", *_practical(example)),
        "published": _milliseconds(example.published_at),
        "title_sort": slugify(example.title, 200),
        **{kind.name: ",".join(term.slug for term in example.values_of(kind))
           for kind in taxonomy.KINDS_TABLE},
        "organisation": example.organisation.slug,
        "municipality": example.municipality,
        "year": str(example.year),
    }
