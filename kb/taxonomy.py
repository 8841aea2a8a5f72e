"""The taxonomy's kinds, declared once. The model's columns and relationships, the record
and its validation, the forms, the index fields and facets, the database filters, the
curation pages and the labels all derive from this table: a new kind is one entry here
plus a migration (a column `<name>_id` for a kind of one value per example; nothing for
a kind of several, which live in example_term)."""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Kind:
    """One taxonomy kind."""

    name: str  # Term.kind, the index field and the search filter: "dimension"
    field: str  # the record's, form's and API's field: "dimensions"
    many: bool  # several values per example (example_term), else one (a column)
    required: bool
    label: object  # one value's kind, as a facet or curation title: "Dimensie"
    plural: object  # the values of an example, as a page lists them: "Dimensies"
    question: object  # the form's label: "Dimensies van Positieve Gezondheid"
    group: str  # the form's fieldset: "indeling", "organisatie" or "impact"
    english: str  # in the API's description: "Positive Health dimension"

    @property
    def column(self) -> str:
        """The example's column holding a single-valued kind's term id."""
        return f"{self.name}_id"


KINDS_TABLE = (
    Kind("dimension", "dimensions", True, True, _l("Dimensie"), _l("Dimensies"),
         _l("Dimensies van Positieve Gezondheid"), "indeling", "Positive Health dimension"),
    Kind("theme", "themes", True, True, _l("Thema"), _l("Thema’s"), _l("Thema’s"), "indeling",
         "theme"),
    Kind("organisation_type", "organisation_type", False, True, _l("Soort organisatie"),
         _l("Soort organisatie"), _l("Soort organisatie"), "organisatie", "organisation type"),
    Kind("level", "level", False, True, _l("Niveau"), _l("Niveau"), _l("Niveau"),
         "indeling", "level (nano, micro, meso or macro)"),
    Kind("setting", "setting", False, True, _l("Setting"), _l("Setting"), _l("Setting"),
         "indeling", "setting"),
    Kind("target_group", "target_groups", True, False, _l("Doelgroep"), _l("Doelgroep"),
         _l("Doelgroepen"), "indeling", "target group"),
    Kind("evidence_type", "evidence_types", True, False, _l("Zo zichtbaar gemaakt"),
         _l("Zo zichtbaar gemaakt"), _l("Hoe maakten jullie het zichtbaar?"), "impact",
         "how the impact was made visible (evidence type)"),
)
NOT_YET_VISIBLE = "nog-niet"  # the evidence type saying the impact is not visible yet
KINDS = tuple(kind.name for kind in KINDS_TABLE)
BY_NAME = {kind.name: kind for kind in KINDS_TABLE}
EVIDENCE = BY_NAME["evidence_type"]  # the impact card and the dashboard read this kind
DIMENSION = BY_NAME["dimension"]  # the Positive Health profile draws this kind
# An example page's list of facts: the kinds that neither the profile nor the card show.
FACT_KINDS = tuple(kind for kind in KINDS_TABLE if kind not in (DIMENSION, EVIDENCE))


def kind_titles() -> dict[str, str]:
    """Each kind's name to its title in the visitor's language (facets, curation)."""
    return {kind.name: str(kind.label) for kind in KINDS_TABLE}
SINGLE = tuple(kind for kind in KINDS_TABLE if not kind.many)
MULTI = tuple(kind for kind in KINDS_TABLE if kind.many)
