""""Ook toegepast bij" (kb.services.adoptions): a member of another organisation records
an adoption of a published example; its own organisation cannot; each organisation once;
bad notes and years are named; moderators remove; organisation pages list both ways."""
import pytest
from sqlalchemy import func, select

from kb.database import db
from kb.models import Adoption
from kb.services import adoptions
from kb.services.dashboard import dashboard
from kb.services.errors import Forbidden, Invalid, NotFound
from kb.services.taxonomy import find_organisation
from tests import factories

NOTE = "Wij begonnen een eigen wandelgroep in de wijk."


def member_of(name: str, role: str = "participant"):
    """An account working at the named organisation."""
    account = factories.user(role)
    account.organisation = find_organisation(name)
    db.session.commit()
    return account


def count() -> int:
    """How many adoptions there are."""
    return db.session.scalar(select(func.count(Adoption.id)))


def test_another_organisation_records_an_adoption(app):
    example = factories.example(organisation="Participe")
    adoption = adoptions.record_adoption(member_of("Reos"), example.id, NOTE, "2024")
    assert (adoption.organisation.name, adoption.year, adoption.note) == ("Reos", 2024, NOTE)
    assert adoptions.adoptions_of(example) == [adoption]
    reos, participe = find_organisation("Reos"), find_organisation("Participe")
    assert adoptions.applied_by(reos.id) == [adoption]
    assert adoptions.applied_from(participe.id) == [adoption]
    assert dashboard(member_of("Hecht"), {}).adoptions == 1


@pytest.mark.parametrize("note, year, field", [("kort", "2024", "note"), (NOTE, "1850", "year"),
                                               (NOTE, "volgend jaar", "year"),
                                               ("x" * 1001, "2024", "note"),
                                               (NOTE, "2999", "year")])
def test_bad_notes_and_years_are_named_and_nothing_stored(app, note, year, field):
    example = factories.example(organisation="Participe")
    with pytest.raises(Invalid) as refused:
        adoptions.record_adoption(member_of("Reos"), example.id, note, year)
    assert field in refused.value.errors and count() == 0


def test_not_by_its_own_organisation_nor_twice_nor_without_one(app):
    example = factories.example(organisation="Participe")
    for actor in (member_of("Participe"), factories.user()):
        with pytest.raises(Invalid) as refused:
            adoptions.record_adoption(actor, example.id, NOTE, "2024")
        assert "organisation" in refused.value.errors
    adoptions.record_adoption(member_of("Reos"), example.id, NOTE, "2024")
    with pytest.raises(Invalid):
        adoptions.record_adoption(member_of("Reos"), example.id, NOTE, "2023")
    assert count() == 1


def test_drafts_cannot_be_adopted(app):
    draft = factories.example("submitted", organisation="Participe")
    with pytest.raises((NotFound, Forbidden)):
        adoptions.record_adoption(member_of("Reos"), draft.id, NOTE, "2024")
    assert count() == 0


def test_moderators_remove_an_adoption_participants_cannot(app):
    example = factories.example(organisation="Participe")
    adoption = adoptions.record_adoption(member_of("Reos"), example.id, NOTE, "2024")
    with pytest.raises(Forbidden):
        adoptions.remove_adoption(member_of("Hecht"), adoption.id)
    adoptions.remove_adoption(factories.user("moderator"), adoption.id)
    assert count() == 0
