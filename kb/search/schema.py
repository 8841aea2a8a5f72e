"""The index schema: weighted Dutch text fields, facet fields, sort keys and the sync marker."""
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from kb import taxonomy
from kb.search.analysis import dutch_analyzer, spelling_analyzer

OTHER_FACETS = ("organisation", "municipality", "year")  # one value each, not taxonomy
MULTI_FACETS = tuple(kind.name for kind in taxonomy.MULTI)
SINGLE_FACETS = (*(kind.name for kind in taxonomy.SINGLE), *OTHER_FACETS)
FACETS = (*taxonomy.KINDS, *OTHER_FACETS)
TEXT_FIELDS = ("title", "summary", "body", "extra")
META_ID = "__meta__"
# Raise when the schema or the analysis changes: an index of another version is rebuilt.
SCHEMA_VERSION = 6  # 6: a heading in the body text ends with a full stop


def build_schema() -> Schema:
    """A new Schema instance (Whoosh schemas are mutable, so never share one)."""
    text = dutch_analyzer()
    fields = {
        "id": ID(stored=True, unique=True),
        "kind": ID(stored=True),  # "example", or "meta" for the sync marker
        "title": TEXT(analyzer=text, stored=True, field_boost=3.0),
        # Character offsets let snippets be cut without analysing the text again.
        "summary": TEXT(analyzer=text, stored=True, field_boost=2.0, chars=True),
        # Body, intended impact and how it was made visible: the example's prose, one field
        # (each field multiplies the matchers a query needs).
        "body": TEXT(analyzer=text, stored=True, chars=True),
        "extra": TEXT(analyzer=text),  # organisation, place, workshop, taxonomy labels
        # Only the words matter for suggestions: no positions (a third of all postings).
        "spell": TEXT(analyzer=spelling_analyzer(), spelling=True, phrase=False),
        "published": NUMERIC(sortable=True, stored=True, bits=64),
        "title_sort": ID(sortable=True),
        "state": STORED,  # on the meta document: last applied event and open gaps
    }
    for name in MULTI_FACETS:
        fields[name] = KEYWORD(commas=True, stored=True)
    for name in SINGLE_FACETS:
        fields[name] = ID(stored=True)
    return Schema(**fields)
