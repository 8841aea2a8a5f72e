"""Curation services: terms and organisations, each operation and each refusal."""
import pytest
from sqlalchemy import select

from kb.database import db
from kb.models import Example, IndexEvent, Organisation, Revision, Term, User, example_term
from kb.services import curation, synonyms
from kb.services.errors import Forbidden, Invalid, NotFound
from kb.services.examples import create_example, update_example
from kb.services.taxonomy import term_by_slug, terms_of_kind
from tests import factories
from tests.dbtools import refused
from tests.factories import record


def last_event() -> int:
    """The newest outbox event id (0 when none)."""
    return db.session.scalar(select(IndexEvent.id).order_by(IndexEvent.id.desc()).limit(1)) or 0


def events_since(mark: int) -> list[int]:
    """Example ids of the outbox events written after mark, sorted."""
    return sorted(db.session.scalars(select(IndexEvent.example_id).where(IndexEvent.id > mark)))


def term(kind: str, slug: str) -> Term:
    """A term that must exist."""
    found = term_by_slug(kind, slug)
    assert found is not None
    return found


@pytest.fixture
def moderator(app):
    """A moderator account."""
    return factories.user("moderator")


# --- terms -------------------------------------------------------------------------------

def test_add_term_at_the_end_with_slug_from_label(moderator):
    added = curation.add_term(moderator, "theme", "  Digitale   zorg ", "Digital care")
    assert (added.slug, added.label_nl, added.active) == ("digitale-zorg", "Digitale zorg", True)
    assert terms_of_kind("theme")[-1].id == added.id
    own = curation.add_term(moderator, "theme", "Sport", "Sports", "bewegen-sport")
    assert own.slug == "bewegen-sport" and own.position == added.position + 1


@pytest.mark.parametrize("kind, label_nl, label_en, slug, field", [
    ("kleur", "Rood", "Red", None, "kind"),
    ("theme", "X", "Something", None, "label_nl"),
    ("theme", "Iets", "", None, "label_en"),
    ("theme", "Iets nieuws", "Something new", "Met Spaties", "slug"),
    ("theme", "Iets nieuws", "Something new", "mantelzorg", "slug"),
    ("theme", "Mantelzorg", "Informal care again", "mantelzorg-2", "label_nl"),
    ("theme", "Mantelzorg", "Informal care again", None, "slug"),
])
def test_add_term_refuses_bad_input(moderator, kind, label_nl, label_en, slug, field):
    refused(Invalid, curation.add_term, moderator, kind, label_nl, label_en, slug, field=field)


def test_participants_and_anonymous_may_not_curate(app):
    participant = factories.user()
    source, target = term("theme", "dementie"), term("theme", "mantelzorg")
    for actor in (participant, None):
        refused(Forbidden, curation.add_term, actor, "theme", "Nieuw thema", "New theme")
        refused(Forbidden, curation.rename_term, actor, source.id, "Andere naam", "Other")
        refused(Forbidden, curation.move_term, actor, source.id, "up")
        refused(Forbidden, curation.set_term_position, actor, source.id, 1)
        refused(Forbidden, curation.deactivate_term, actor, source.id)
        refused(Forbidden, curation.activate_term, actor, source.id)
        refused(Forbidden, curation.merge_term, actor, source.id, target.id)


def test_rename_keeps_slug_and_reindexes_the_examples_with_the_term(moderator):
    with_term = factories.example(themes=["dementie"])
    draft = factories.example("draft", themes=["dementie"])
    factories.example(themes=["mantelzorg"])
    mark = last_event()
    renamed = curation.rename_term(moderator, term("theme", "dementie").id,
                                   "Dementie en geheugen", "Dementia and memory")
    assert (renamed.slug, renamed.label_nl, renamed.label_en) == (
        "dementie", "Dementie en geheugen", "Dementia and memory")
    # Only published examples have a document; the draft has nothing to refresh.
    assert events_since(mark) == [with_term.id]
    assert draft.id not in events_since(mark)


def test_rename_of_a_single_valued_term_reindexes_too(moderator):
    example = factories.example(level="meso")
    mark = last_event()
    curation.rename_term(moderator, term("level", "meso").id, "Meso: team en wijk", "Meso")
    assert events_since(mark) == [example.id]


def test_rename_to_the_same_labels_writes_no_event(moderator):
    factories.example(themes=["dementie"])
    dementie = term("theme", "dementie")
    mark = last_event()
    curation.rename_term(moderator, dementie.id, dementie.label_nl, dementie.label_en)
    assert events_since(mark) == []


@pytest.mark.parametrize("label_nl, label_en, field", [
    ("", "Dementia", "label_nl"), ("Dementie", "x" * 201, "label_en"),
    ("mantelzorg", "Informal care", "label_nl"),
])
def test_rename_refuses_bad_labels(moderator, label_nl, label_en, field):
    factories.example(themes=["dementie"])
    refused(Invalid, curation.rename_term, moderator, term("theme", "dementie").id,
            label_nl, label_en, field=field)


def test_unknown_term_is_not_found(moderator):
    refused(NotFound, curation.rename_term, moderator, 999_999, "Iets", "Something")


def slugs(kind: str) -> list[str]:
    """The slugs of a kind in display order (inactive too)."""
    return [t.slug for t in terms_of_kind(kind, active_only=False)]


def test_move_and_set_position_reorder_within_the_kind(moderator):
    assert slugs("level") == ["nano", "micro", "meso", "macro"]
    curation.move_term(moderator, term("level", "meso").id, "up")
    assert slugs("level") == ["nano", "meso", "micro", "macro"]
    curation.move_term(moderator, term("level", "nano").id, "down")
    assert slugs("level") == ["meso", "nano", "micro", "macro"]
    curation.move_term(moderator, term("level", "meso").id, "up")  # first stays first
    assert slugs("level") == ["meso", "nano", "micro", "macro"]
    curation.set_term_position(moderator, term("level", "macro").id, "1")
    assert slugs("level") == ["macro", "meso", "nano", "micro"]
    assert slugs("setting")[0] == "spreekkamer"  # other kinds untouched


@pytest.mark.parametrize("position", ["0", "5", "twee", "", -1])
def test_set_position_refuses_places_outside_the_kind(moderator, position):
    refused(Invalid, curation.set_term_position, moderator, term("level", "meso").id,
            position, field="position")


def test_move_refuses_unknown_direction(moderator):
    refused(Invalid, curation.move_term, moderator, term("level", "meso").id, "opzij",
            field="direction")


def test_deactivated_term_is_kept_by_examples_but_refused_for_new_records(moderator):
    existing = factories.example(themes=["dementie"])
    curation.deactivate_term(moderator, term("theme", "dementie").id)
    assert "dementie" not in [t.slug for t in terms_of_kind("theme")]
    db.session.expire_all()
    assert "dementie" in [t.slug for t in db.session.get(Example, existing.id).themes]
    with pytest.raises(Invalid) as info:
        create_example(moderator, record(themes=["dementie"]))
    assert "themes" in info.value.errors
    db.session.rollback()
    curation.activate_term(moderator, term("theme", "dementie").id)
    assert create_example(moderator, record(themes=["dementie"])).themes[0].slug == "dementie"


def test_the_last_active_value_of_a_kind_stays(moderator):
    levels = terms_of_kind("level")
    for level in levels[:-1]:
        curation.deactivate_term(moderator, level.id)
    refused(Invalid, curation.deactivate_term, moderator, levels[-1].id, field="term")


def example_terms(example_id: int) -> list[tuple[int, int]]:
    """The example_term rows of one example."""
    return sorted(tuple(row) for row in db.session.execute(
        select(example_term.c.example_id, example_term.c.term_id)
        .where(example_term.c.example_id == example_id)).all())


def test_merge_moves_examples_without_duplicates_and_keeps_the_source(moderator):
    source, target = term("theme", "dementie"), term("theme", "gezond-ouder-worden")
    both = factories.example(themes=["dementie", "gezond-ouder-worden"])
    only_source = factories.example(themes=["dementie", "mantelzorg"])
    draft = factories.example("draft", themes=["dementie"])
    untouched = factories.example(themes=["mantelzorg"])
    mark = last_event()
    merged, moved = curation.merge_term(moderator, source.id, target.id)
    assert (merged.id, moved) == (target.id, 3)
    assert example_terms(both.id) == [(both.id, t.id) for t in sorted(
        db.session.get(Example, both.id).terms, key=lambda t: t.id)]
    assert source.id not in [t for _, t in example_terms(both.id)]
    assert [t for _, t in example_terms(both.id)].count(target.id) == 1
    assert target.id in [t for _, t in example_terms(only_source.id)]
    assert target.id in [t for _, t in example_terms(draft.id)]
    assert curation.example_ids_with_term(source) == []
    kept = db.session.get(Term, source.id)
    assert kept is not None and not kept.active  # history: not deleted
    assert events_since(mark) == sorted([both.id, only_source.id])
    assert untouched.id not in events_since(mark)


def test_merge_of_a_single_valued_kind_repoints_the_column(moderator):
    example = factories.example(setting="huiskamer")
    other = factories.example(setting="wijk")
    mark = last_event()
    curation.merge_term(moderator, term("setting", "huiskamer").id, term("setting", "wijk").id)
    db.session.expire_all()
    assert db.session.get(Example, example.id).setting.slug == "wijk"
    assert events_since(mark) == [example.id]
    assert db.session.get(Example, other.id).setting.slug == "wijk"


def test_merge_of_organisation_types_moves_organisations_too(moderator):
    factories.example(organisation="Nieuwe Zorgclub", organisation_type="revalidatie")
    curation.merge_term(moderator, term("organisation_type", "revalidatie").id,
                        term("organisation_type", "zorg").id)
    organisation = db.session.scalar(select(Organisation).where(
        Organisation.name == "Nieuwe Zorgclub"))
    assert organisation.type.slug == "zorg"


def test_merge_rewrites_pending_edits_so_they_can_still_be_approved(moderator):
    author = factories.user()
    example = factories.example(author=author)
    update_example(author, example.id, record(ref=example.ref, themes=["dementie"],
                                              level="meso"))
    curation.merge_term(moderator, term("theme", "dementie").id, term("theme", "mantelzorg").id)
    pending = db.session.scalar(select(Revision).where(Revision.example_id == example.id,
                                                       Revision.state == "pending"))
    assert pending.data["themes"] == ["mantelzorg"]
    curation.merge_term(moderator, term("level", "meso").id, term("level", "micro").id)
    db.session.expire_all()
    assert db.session.get(Revision, pending.id).data["level"] == "micro"


@pytest.mark.parametrize("source, target", [
    (("theme", "dementie"), ("theme", "dementie")),
    (("theme", "dementie"), ("level", "meso")),
    (("theme", "dementie"), None),
])
def test_merge_refuses_a_target_of_another_kind_or_itself(moderator, source, target):
    factories.example(themes=["dementie"])
    target_id = term(*target).id if target else "geen"
    refused(Invalid, curation.merge_term, moderator, term(*source).id, target_id,
            field="target")


def test_merge_refuses_an_inactive_target(moderator):
    factories.example(themes=["dementie"])
    curation.deactivate_term(moderator, term("theme", "mantelzorg").id)
    refused(Invalid, curation.merge_term, moderator, term("theme", "dementie").id,
            term("theme", "mantelzorg").id, field="target")


def test_taxonomy_overview_counts_examples_of_every_status(moderator):
    factories.example(themes=["dementie"], level="meso")
    factories.example("draft", themes=["dementie"], level="meso")
    curation.deactivate_term(moderator, term("theme", "armoede-schulden").id)
    overview = curation.taxonomy_overview()
    counts = {t.slug: n for t, n in overview["theme"]}
    assert counts["dementie"] == 2 and counts["armoede-schulden"] == 0
    assert dict((t.slug, n) for t, n in overview["level"])["meso"] == 2


# --- organisations -----------------------------------------------------------------------

def organisation_values(**overrides) -> dict:
    """Valid organisation form values."""
    values = {"name": "Buurtkracht Leiden", "slug": "", "description": "Een buurtinitiatief.",
              "type": term("organisation_type", "welzijn").id, "partner": False}
    values.update(overrides)
    return values


def test_add_organisation(moderator):
    added = curation.add_organisation(moderator, organisation_values(partner=True))
    assert (added.name, added.slug, added.type.slug, added.partner) == (
        "Buurtkracht Leiden", "buurtkracht-leiden", "welzijn", True)


@pytest.mark.parametrize("overrides, field", [
    ({"name": "B"}, "name"),
    ({"name": "participe"}, "name"),
    ({"slug": "participe"}, "slug"),
    ({"slug": "Geen Slug!"}, "slug"),
    ({"type": "abc"}, "type"),
    ({"type": None}, "type"),
    ({"description": "x" * 5001}, "description"),
])
def test_add_organisation_refuses_bad_input(moderator, overrides, field):
    values = organisation_values(**overrides)
    refused(Invalid, curation.add_organisation, moderator, values, field=field)


def test_add_organisation_refuses_a_type_of_another_kind(moderator):
    values = organisation_values(type=term("level", "meso").id)
    refused(Invalid, curation.add_organisation, moderator, values, field="type")


def test_organisation_operations_need_a_moderator(app):
    participant = factories.user()
    participe = curation.get_organisation(_organisation_id("Participe"))
    refused(Forbidden, curation.add_organisation, participant, organisation_values())
    refused(Forbidden, curation.edit_organisation, participant, participe.id,
            organisation_values())
    refused(Forbidden, curation.merge_organisation, participant, participe.id,
            _organisation_id("Radius"))


def _organisation_id(name: str) -> int:
    """The id of an organisation by name."""
    return db.session.scalar(select(Organisation.id).where(Organisation.name == name))


def test_rename_organisation_keeps_its_slug_and_reindexes(moderator):
    example = factories.example(organisation="Participe")
    factories.example("draft", organisation="Participe")
    organisation_id = _organisation_id("Participe")
    mark = last_event()
    edited = curation.edit_organisation(moderator, organisation_id, organisation_values(
        name="Participe Zuid-Holland", type=term("organisation_type", "zorg").id,
        description="Nieuwe tekst.", partner=True))
    assert (edited.name, edited.slug, edited.type.slug, edited.description) == (
        "Participe Zuid-Holland", "participe", "zorg", "Nieuwe tekst.")
    assert events_since(mark) == [example.id]


def test_editing_only_the_description_writes_no_event(moderator):
    factories.example(organisation="Participe")
    participe = curation.get_organisation(_organisation_id("Participe"))
    mark = last_event()
    curation.edit_organisation(moderator, participe.id, organisation_values(
        name="Participe", type=participe.type.id, description="Anders."))
    assert events_since(mark) == []


def test_edit_organisation_refuses_a_taken_name_or_slug(moderator):
    participe = _organisation_id("Participe")
    refused(Invalid, curation.edit_organisation, moderator, participe,
            organisation_values(name="RADIUS"), field="name")
    refused(Invalid, curation.edit_organisation, moderator, participe,
            organisation_values(name="Participe", slug="radius"), field="slug")


def test_merge_organisation_moves_examples_and_accounts_and_removes_source(moderator):
    source_example = factories.example(organisation="Buurthuis De Linde")
    target_example = factories.example(organisation="Participe")
    member = factories.user()
    source_id, target_id = _organisation_id("Buurthuis De Linde"), _organisation_id("Participe")
    member.organisation_id = source_id
    db.session.commit()
    mark = last_event()
    target, moved = curation.merge_organisation(moderator, source_id, str(target_id))
    assert (target.id, moved) == (target_id, 1)
    assert db.session.get(Organisation, source_id) is None
    assert db.session.get(Example, source_example.id).organisation_id == target_id
    assert db.session.get(Example, target_example.id).organisation_id == target_id
    assert db.session.get(User, member.id).organisation_id == target_id
    assert events_since(mark) == [source_example.id]


def test_merge_organisation_rewrites_pending_edits(moderator):
    author = factories.user()
    example = factories.example(author=author, organisation="Participe")
    update_example(author, example.id, record(ref=example.ref, organisation="buurthuis x"))
    factories.example(organisation="Buurthuis X")
    curation.merge_organisation(moderator, _organisation_id("Buurthuis X"),
                                _organisation_id("Participe"))
    pending = db.session.scalar(select(Revision).where(Revision.state == "pending"))
    assert pending.data["organisation"] == "Participe"


@pytest.mark.parametrize("target", ["self", "999999", "abc"])
def test_merge_organisation_refuses_a_bad_target(moderator, target):
    source = _organisation_id("Participe")
    target_id = source if target == "self" else target
    refused(Invalid, curation.merge_organisation, moderator, source, target_id, field="target")


def test_organisations_overview_counts_examples_and_accounts(moderator):
    factories.example(organisation="Participe")
    counts = {o.name: (n, u) for o, n, u in curation.organisations_overview()}
    assert counts["Participe"] == (1, 0) and counts["Radius"] == (0, 0)


def test_shipped_synonyms_are_counted(app):
    assert synonyms.shipped_synonym_count() > 10
