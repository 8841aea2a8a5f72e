"""Curation reaches search through the outbox: the real index, asked through the API."""
import pytest
from sqlalchemy import select

from kb.database import db
from kb.models import Organisation
from kb.services import curation
from kb.services.taxonomy import term_by_slug
from tests import factories

NEUTRAL = {"summary": "Een voorbeeld uit de praktijk van de regio.", "impact": "",
           "evidence": "", "body": "Een korte beschrijving.", "themes": ["leefstijl"],
           "target_groups": ["inwoners"]}


@pytest.fixture
def moderator(app):
    """A moderator account."""
    return factories.user("moderator")


def api(client, query: str) -> dict:
    """The search API's answer."""
    response = client.get(f"/api/v1/search?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def ids(answer: dict) -> set[int]:
    """The example ids in an answer."""
    return {result["id"] for result in answer["results"]}


def facet(answer: dict, name: str) -> dict[str, tuple[str, int]]:
    """A facet as {value: (label, count)}."""
    return {row["value"]: (row["label"], row["count"]) for row in answer["facets"][name]}


def example(title: str, **overrides):
    """A published example with neutral text."""
    return factories.example(title=title, **{**NEUTRAL, **overrides})


def test_renamed_label_is_found_and_shown_in_the_facet(client, moderator):
    first = example("Wandelen in het park", themes=["dementie"])
    second = example("Koken met buren", setting="huiskamer")
    example("Fietsen door de polder")
    assert ids(api(client, "q=geheugenwerk")) == set()
    curation.rename_term(moderator, term_by_slug("theme", "dementie").id,
                         "Geheugenwerk en dementie", "Memory work and dementia")
    curation.rename_term(moderator, term_by_slug("setting", "huiskamer").id,
                         "Keukentafel", "Kitchen table")
    assert ids(api(client, "q=geheugenwerk")) == {first.id}
    assert ids(api(client, "q=keukentafel")) == {second.id}
    answer = api(client, "")
    assert facet(answer, "theme")["dementie"] == ("Geheugenwerk en dementie", 1)
    assert facet(answer, "setting")["huiskamer"][0] == "Keukentafel"


def test_merged_term_moves_its_examples_in_the_facets(client, moderator):
    moved = example("Samen eten", themes=["dementie"], level="meso")
    both = example("Samen zingen", themes=["dementie", "mantelzorg"], level="macro")
    example("Samen sporten", themes=["mantelzorg"], level="meso")
    api(client, "")  # the index has the examples before the merge
    curation.merge_term(moderator, term_by_slug("theme", "dementie").id,
                        term_by_slug("theme", "mantelzorg").id)
    curation.merge_term(moderator, term_by_slug("level", "macro").id,
                        term_by_slug("level", "meso").id)
    answer = api(client, "")
    themes, levels = facet(answer, "theme"), facet(answer, "level")
    assert themes["mantelzorg"][1] == 3 and "dementie" not in themes
    assert levels["meso"][1] == 3 and "macro" not in levels
    assert ids(api(client, "theme=mantelzorg")) >= {moved.id, both.id}
    # An old link with the merged value's slug finds what the value it went into finds.
    assert ids(api(client, "theme=dementie")) == ids(api(client, "theme=mantelzorg"))


def test_evidence_types_renamed_and_merged_reach_search(client, moderator):
    told = example("Verhalen uit de buurtkamer", evidence_types=["verhalen"])
    asked = example("Gesprekken met mantelzorgers", evidence_types=["interviews"])
    example("Zonder meting", evidence_types=["nog-niet"])
    assert facet(api(client, ""), "evidence_type")["verhalen"] == ("Verhalen en citaten", 1)
    curation.rename_term(moderator, term_by_slug("evidence_type", "verhalen").id,
                         "Ervaringsverhalen", "Lived experience stories")
    assert ids(api(client, "q=ervaringsverhalen")) == {told.id}
    curation.merge_term(moderator, term_by_slug("evidence_type", "interviews").id,
                        term_by_slug("evidence_type", "verhalen").id)
    answer = api(client, "evidence_type=verhalen")
    assert ids(answer) == {told.id, asked.id}
    assert facet(answer, "evidence_type")["verhalen"] == ("Ervaringsverhalen", 2)
    assert "interviews" not in facet(api(client, ""), "evidence_type")


def test_deactivated_term_keeps_its_examples_findable(client, moderator):
    kept = example("Buurtkamer open", themes=["dementie"])
    curation.deactivate_term(moderator, term_by_slug("theme", "dementie").id)
    assert ids(api(client, "theme=dementie")) == {kept.id}
    assert ids(api(client, "q=dementie")) == {kept.id}


def _organisation_id(name: str) -> int:
    """The id of an organisation by name."""
    return db.session.scalar(select(Organisation.id).where(Organisation.name == name))


def test_organisation_merge_moves_the_facet_and_rename_is_searchable(client, moderator):
    source = example("Ontmoeten in de bibliotheek", organisation="Buurthuis Zonnebloem")
    example("Spreekuur in de wijk", organisation="Participe")
    assert facet(api(client, ""), "organisation")["buurthuis-zonnebloem"][1] == 1
    curation.merge_organisation(moderator, _organisation_id("Buurthuis Zonnebloem"),
                                _organisation_id("Participe"))
    answer = api(client, "")
    organisations = facet(answer, "organisation")
    assert organisations["participe"] == ("Participe", 2)
    assert "buurthuis-zonnebloem" not in organisations
    assert source.id in ids(api(client, "organisation=participe"))
    curation.edit_organisation(moderator, _organisation_id("Participe"), {
        "name": "Participe Leiden Noord", "slug": "", "description": "",
        "type": term_by_slug("organisation_type", "welzijn").id, "partner": True})
    assert source.id in ids(api(client, "q=noord"))
    assert facet(api(client, ""), "organisation")["participe"][0] == "Participe Leiden Noord"
