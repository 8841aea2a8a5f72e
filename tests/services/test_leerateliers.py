"""Leerateliers run in the app (kb.services.leerateliers): moderators announce and edit
them with validated details and learning questions; the harvest gathers the published
examples per question; examples name the question they answer in their record."""
import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from kb.database import db
from kb.models import Example, LearningQuestion, Leeratelier
from kb.services import leerateliers
from kb.services.errors import Forbidden, Invalid
from kb.services.examples import create_example, update_example
from kb.services.importing import export_records, import_records
from kb.services.permissions import SYSTEM
from kb.services.search import parse_request, search
from tests import factories

QUESTIONS = "Wat is de impact die je beoogt?\nHoe maak je zichtbaar wat je bereikt?"


def details(**overrides) -> dict:
    """A complete leeratelier form."""
    return {"name": "Achtste leeratelier: samen in de wijk", "date": "2027-03-11",
            "place": "Leiden", "online": False, "theme": "samenwerking-wijk",
            "description": "Over **samenwerken**.", "questions": QUESTIONS,
            "participants": "40", "open_for_contributions": True, **overrides}


def count() -> int:
    """How many leerateliers there are."""
    return db.session.scalar(select(func.count(Leeratelier.id)))


def test_a_moderator_announces_a_leeratelier_with_its_questions(app):
    workshop = leerateliers.create_leeratelier(factories.user("moderator"), details())
    assert workshop.slug == "achtste-leeratelier-samen-in-de-wijk"
    assert [q.text for q in workshop.questions] == QUESTIONS.splitlines()
    assert workshop.theme.slug == "samenwerking-wijk" and workshop.participants == 40
    assert workshop.listed and workshop.open_for_contributions
    assert workshop.date.isoformat() == "2027-03-11"


def test_participants_cannot_and_nothing_is_stored(app):
    before = count()
    with pytest.raises(Forbidden):
        leerateliers.create_leeratelier(factories.user("participant"), details())
    assert count() == before


@pytest.mark.parametrize("field, value", [
    ("name", ""), ("name", "x" * 201), ("date", "11-03-2027"), ("date", "1899-01-01"),
    ("participants", "veel"), ("participants", "-3"), ("theme", "bestaat-niet"),
    ("questions", "\n".join(f"Vraag {n}?" for n in range(13))), ("questions", "x" * 301),
    ("description", "x" * 5001)])
def test_each_bad_field_is_named_and_nothing_is_stored(app, field, value):
    before = count()
    with pytest.raises(Invalid) as refused:
        leerateliers.create_leeratelier(factories.user("moderator"), details(**{field: value}))
    assert field in refused.value.errors and count() == before


def test_a_second_leeratelier_of_the_same_name_is_refused(app):
    moderator = factories.user("moderator")
    leerateliers.create_leeratelier(moderator, details())
    with pytest.raises(Invalid) as refused:
        leerateliers.create_leeratelier(moderator, details(name="ACHTSTE leeratelier: samen "
                                                                "in de wijk"))
    assert "name" in refused.value.errors


def test_kept_questions_keep_their_examples_and_removed_ones_let_go(app):
    moderator = factories.user("moderator")
    workshop = leerateliers.create_leeratelier(moderator, details())
    first = factories.example(leeratelier=workshop.name,
                              learning_question="Wat is de impact die je beoogt?")
    second = factories.example(leeratelier=workshop.name,
                               learning_question="Hoe maak je zichtbaar wat je bereikt?")
    leerateliers.update_leeratelier(moderator, workshop.slug, details(
        questions="Nieuwe vraag?\nwat is de impact die je beoogt?"))
    db.session.expire_all()
    assert [q.text for q in workshop.questions] == ["Nieuwe vraag?",
                                                    "wat is de impact die je beoogt?"]
    assert db.session.get(Example, first.id).learning_question.text == \
        "wat is de impact die je beoogt?"
    kept = db.session.get(Example, second.id)
    assert kept.learning_question is None and kept.leeratelier_id == workshop.id


def test_a_renamed_leeratelier_is_found_by_its_new_name(app):
    moderator = factories.user("moderator")
    workshop = leerateliers.create_leeratelier(moderator, details())
    factories.example(leeratelier=workshop.name, title="Buurtkamer aan de gracht")
    leerateliers.update_leeratelier(moderator, workshop.slug,
                                    details(name="Achtste leeratelier: Zonnebloemtafels"))
    found = search(parse_request(MultiDict({"q": "zonnebloemtafels"})))
    assert [example.title for example, _hit in found.examples] == ["Buurtkamer aan de gracht"]
    assert workshop.slug == "achtste-leeratelier-samen-in-de-wijk"  # its address stays


def test_the_harvest_groups_published_examples_by_question(app):
    workshop = leerateliers.create_leeratelier(factories.user("moderator"), details())
    answer = factories.example(leeratelier=workshop.name, organisation="Reos",
                               learning_question="Hoe maak je zichtbaar wat je bereikt?")
    other = factories.example(leeratelier=workshop.name, organisation="Participe")
    factories.example("submitted", leeratelier=workshop.name,
                      learning_question="Hoe maak je zichtbaar wat je bereikt?")
    harvest = leerateliers.harvest(workshop)
    assert [(q.text, [e.id for e in found]) for q, found in harvest.answers] == [
        ("Wat is de impact die je beoogt?", []),
        ("Hoe maak je zichtbaar wat je bereikt?", [answer.id])]
    assert [e.id for e in harvest.others] == [other.id] and harvest.total == 2
    assert sorted(org.name for org, _n in harvest.organisations) == ["Participe", "Reos"]


def test_a_participant_picks_one_of_the_leerateliers_questions(app):
    workshop = leerateliers.create_leeratelier(factories.user("moderator"), details())
    author = factories.user("participant")
    example = create_example(author, factories.record(
        leeratelier=workshop.name, learning_question="hoe maak je zichtbaar wat je bereikt?"))
    assert example.learning_question.text == "Hoe maak je zichtbaar wat je bereikt?"
    before = db.session.scalar(select(func.count(LearningQuestion.id)))
    with pytest.raises(Invalid) as refused:
        update_example(author, example.id, factories.record(
            ref=example.ref, leeratelier=workshop.name, learning_question="Een eigen vraag?"))
    assert "learning_question" in refused.value.errors
    assert db.session.scalar(select(func.count(LearningQuestion.id))) == before


def test_a_question_without_a_leeratelier_is_refused(app):
    with pytest.raises(Invalid) as refused:
        create_example(SYSTEM, factories.record(learning_question="Wat is de impact?"))
    assert "learning_question" in refused.value.errors


def test_the_question_goes_through_export_and_import(app):
    workshop = leerateliers.create_leeratelier(factories.user("moderator"), details())
    factories.example(leeratelier=workshop.name,
                      learning_question="Wat is de impact die je beoogt?")
    records = list(export_records(SYSTEM))
    assert [r["learning_question"] for r in records] == ["Wat is de impact die je beoogt?"]
    new = {**records[0], "ref": "elders-1", "leeratelier": "Negende leeratelier",
           "learning_question": "Wat nemen we mee?"}
    import_records(SYSTEM, [new])
    imported = db.session.scalar(select(Example).where(Example.ref == "elders-1"))
    assert imported.learning_question.text == "Wat nemen we mee?"
    assert imported.leeratelier.questions[0].text == "Wat nemen we mee?"
