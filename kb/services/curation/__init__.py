"""Curation by moderators, one module per subject: the taxonomy's values and the
organisations (the synonym groups are kb.services.synonyms). Callers use these names."""
from kb.services.curation.organisations import (
           add_organisation,
           edit_organisation,
           get_organisation,
           merge_organisation,
           organisation_merge,
           organisation_types,
           organisations_overview,
)
from kb.services.curation.terms import (
           activate_term,
           add_term,
           deactivate_term,
           example_ids_with_term,
           merge_term,
           move_term,
           rename_term,
           set_term_position,
           taxonomy_overview,
           term_by_id,
           term_merge,
           term_usage,
)

__all__ = ["activate_term", "add_organisation", "add_term", "deactivate_term",
           "edit_organisation", "example_ids_with_term", "get_organisation", "merge_organisation",
           "merge_term", "move_term", "organisation_merge", "organisation_types",
           "organisations_overview", "rename_term", "set_term_position", "taxonomy_overview",
           "term_by_id", "term_merge", "term_usage"]
