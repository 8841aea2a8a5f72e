"""Import: every refusal leaves nothing behind; upsert by ref; export round trip."""
import json

import pytest
from sqlalchemy import func, select

from kb.extensions import db
from kb.models import Example, IndexEvent, Organisation, Revision
from kb.services.errors import ImportInvalid, Invalid
from kb.services.importing import export_records, import_records, parse_records
from kb.services.permissions import SYSTEM
from tests.factories import record


def counts() -> tuple[int, int, int, int]:
    """Examples, index events, revisions and organisations stored."""
    return tuple(db.session.scalar(select(func.count()).select_from(model))
                 for model in (Example, IndexEvent, Revision, Organisation))


def refused(raws, **kwargs) -> ImportInvalid:
    """Import raws, expect a refusal, and check nothing was written."""
    before = counts()
    with pytest.raises(ImportInvalid) as info:
        import_records(SYSTEM, raws, **kwargs)
    assert counts() == before
    return info.value


@pytest.mark.parametrize("field, value, fragment", [
    ("themes", ["bestaat-niet"], "onbekende waarde 'bestaat-niet'"),
    ("level", "mega", "onbekende waarde 'mega'"),
    ("organisation_type", "bank", "onbekende waarde 'bank'"),
    ("title", None, "is verplicht"),
    ("summary", "", "is verplicht"),
    ("year", "2023", "geheel getal"),
    ("year", True, "geheel getal"),
    ("year", 1800, "tussen"),
    ("dimensions", "zingeving", "lijst"),
    ("dimensions", [], "minstens één"),
    ("title", "x" * 201, "hoogstens 200 tekens"),
    ("body", "y" * 50_001, "hoogstens 50000 tekens"),
    ("municipality", 12, "tekst"),
    ("ref", "met spatie", "ref"),
    ("links", ["javascript:alert(1)"], "geen geldig webadres"),
])
def test_each_bad_field_is_refused_with_its_name_and_nothing_is_imported(
        app, field, value, fragment):
    good = record()
    bad = record(**{field: value})
    error = refused([good, bad])
    position, ref, name, message = error.problems[0]
    assert (position, name) == (2, field)
    assert fragment in message or fragment == "ref"
    assert "record 2" in str(error)


def test_missing_required_field_is_named(app):
    bad = record()
    del bad["organisation"]
    error = refused([bad])
    assert error.problems[0][2] == "organisation"
    assert error.problems[0][3] == "is verplicht"


def test_unknown_field_and_non_object_are_refused(app):
    error = refused([record(colour="blue"), ["not", "an", "object"]])
    assert (1, "colour") == error.problems[0][:3:2]
    assert error.problems[1][0] == 2 and "JSON-object" in error.problems[1][3]


def test_duplicate_ref_within_one_file_is_refused(app):
    error = refused([record(ref="twice"), record(ref="twice")])
    assert error.problems == [(2, "twice", "ref", "komt ook voor in record 1")]


def test_error_message_names_position_and_ref(app):
    error = refused([record(ref="abc-1", level="hoog")])
    assert str(error).startswith("record 1 (ref 'abc-1'): level: onbekende waarde 'hoog'")


def test_optional_fields_may_be_absent(app):
    raw = record()
    for name in ("ref", "impact", "evidence", "leeratelier", "target_groups", "links"):
        del raw[name]
    result = import_records(SYSTEM, [raw])
    assert result.created == 1
    example = db.session.scalar(select(Example))
    assert example.ref.startswith("pb-") and example.target_groups == []


def test_import_publishes_and_writes_history_and_index_events(app):
    import_records(SYSTEM, [record(ref="a"), record(ref="b")], status="published")
    examples = db.session.scalars(select(Example).order_by(Example.id)).all()
    assert [e.status for e in examples] == ["published", "published"]
    assert all(e.published_at is not None for e in examples)
    events = db.session.scalars(select(IndexEvent.example_id)).all()
    assert sorted(set(events)) == [e.id for e in examples]
    assert [r.note for r in examples[0].revisions] == ["import"]


def test_import_as_submitted_waits_for_moderation(app):
    import_records(SYSTEM, [record(ref="s")], status="submitted")
    assert db.session.scalar(select(Example.status)) == "submitted"


def test_reimport_by_ref_updates_instead_of_duplicating(app):
    import_records(SYSTEM, [record(ref="same", title="Eerste titel van dit voorbeeld")])
    result = import_records(SYSTEM, [record(ref="same", title="Nieuwe titel van dit voorbeeld",
                                            themes=["mantelzorg"])])
    assert (result.created, result.updated) == (0, 1)
    examples = db.session.scalars(select(Example)).all()
    assert len(examples) == 1
    assert examples[0].title == "Nieuwe titel van dit voorbeeld"
    assert [t.slug for t in examples[0].themes] == ["mantelzorg"]
    assert len(examples[0].revisions) == 2


def test_unknown_organisation_is_created_once_and_not_as_partner(app):
    import_records(SYSTEM, [record(organisation="Buurthuis De Linde"),
                            record(organisation="buurthuis de linde ")])
    rows = db.session.scalars(select(Organisation).where(
        func.lower(Organisation.name) == "buurthuis de linde")).all()
    assert len(rows) == 1 and rows[0].partner is False
    assert rows[0].type.slug == "welzijn"


def test_export_gives_back_what_was_imported(app):
    raws = [record(leeratelier="Vijfde leeratelier", links=["https://voorbeeld.example/a"]),
            record(target_groups=[])]
    import_records(SYSTEM, raws)
    assert list(export_records(SYSTEM)) == raws


def test_export_lists_terms_in_taxonomy_order(app):
    import_records(SYSTEM, [record(dimensions=["zingeving", "lichaamsfuncties"])])
    assert next(export_records(SYSTEM))["dimensions"] == ["lichaamsfuncties", "zingeving"]


def test_export_of_unpublished_needs_a_moderator(app):
    from kb.services.errors import Forbidden

    class Anonymous:
        is_authenticated = False

    with pytest.raises(Forbidden):
        list(export_records(Anonymous(), ("draft",)))


@pytest.mark.parametrize("text, fragment", [
    ("", "geen records"),
    ("[{]", "geen geldige JSON: regel 1"),
    ('{"a": 1}\n{broken', "geen geldige JSON Lines: regel 2"),
    ('{"records": []}', "record 1: records: onbekend veld"),
    ('"just text"', "record 1: een record moet een JSON-object zijn"),
])
def test_unreadable_files_are_refused(app, text, fragment):
    with pytest.raises(Invalid) as info:
        import_records(SYSTEM, parse_records(text))
    assert fragment in str(info.value)


def test_json_lines_and_arrays_both_parse(app):
    rows = [record(), record()]
    as_lines = "\n".join(json.dumps(r) for r in rows) + "\n\n"
    assert parse_records(as_lines) == rows
    assert parse_records(json.dumps(rows)) == rows
