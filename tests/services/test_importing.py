"""Import: every refusal leaves nothing behind; upsert by ref; export round trip."""
import datetime as dt
import json

import pytest
from sqlalchemy import func, select

from kb.database import db
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
    ("evidence_types", ["meetlat"], "onbekende waarde 'meetlat'"),
    ("evidence_types", "cijfers", "lijst"),
    ("evidence_types", ["nog-niet", "cijfers"], "gaat niet samen"),
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
    assert error.problems[0][:3:2] == (1, "colour")
    assert error.problems[1][0] == 2 and "JSON-object" in error.problems[1][3]


def test_duplicate_ref_within_one_file_is_refused(app):
    error = refused([record(ref="twice"), record(ref="twice")])
    assert error.problems == [(2, "twice", "ref", "komt ook voor in record 1")]


def test_error_message_names_position_and_ref(app):
    error = refused([record(ref="abc-1", level="hoog")])
    assert str(error).startswith("record 1 (ref 'abc-1'): level: onbekende waarde 'hoog'")


def test_optional_fields_may_be_absent(app):
    raw = record()
    for name in ("ref", "impact", "evidence", "leeratelier", "target_groups", "links",
                 "evidence_types"):
        del raw[name]
    result = import_records(SYSTEM, [raw])
    assert result.created == 1
    example = db.session.scalar(select(Example))
    assert example.ref.startswith("pb-") and example.target_groups == []
    assert example.evidence_types == []


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
            record(target_groups=[], evidence_types=["nog-niet"]), record(evidence_types=[])]
    import_records(SYSTEM, raws)
    exported = list(export_records(SYSTEM))
    assert [{k: v for k, v in r.items() if k != "published_at"} for r in exported] == raws
    assert all(r["published_at"] for r in exported)  # export adds when it was published


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


# --- staged in batches, visible all at once ------------------------------------------------

def _visible() -> dict:
    """What readers and moderators can see of the examples: rows not staged, by ref."""
    db.session.expire_all()
    rows = db.session.execute(select(Example.ref, Example.status, Example.title).where(
        Example.status != "staged")).all()
    return {ref: (status, title) for ref, status, title in rows}


def _staged() -> int:
    """Rows an import staged and has not made visible."""
    return db.session.scalar(select(func.count(Example.id)).where(Example.status == "staged"))


def test_a_large_import_writes_in_batches_and_shows_nothing_until_done(app, monkeypatch):
    from kb.services import importing
    monkeypatch.setattr(importing, "IMPORT_BATCH", 2)
    import_records(SYSTEM, [record(ref="keep", title="Bestaand voorbeeld voor de upsert")])
    before = _visible()
    seen = []
    original = importing._stage

    def watching(run_id, batch):
        created_updated = original(run_id, batch)
        seen.append((_visible() == before, _staged()))  # after each committed batch
        return created_updated
    monkeypatch.setattr(importing, "_stage", watching)
    raws = [record(ref=f"b{n}") for n in range(5)] + [
        record(ref="keep", title="Bijgewerkt door de grote import")]
    result = import_records(SYSTEM, raws)
    assert (result.created, result.updated) == (5, 1)
    assert seen == [(True, 2), (True, 4), (True, 6)]  # three batches, nothing visible
    after = _visible()
    assert after["keep"] == ("published", "Bijgewerkt door de grote import")
    assert all(after[f"b{n}"][0] == "published" for n in range(5))
    assert _staged() == 0


def test_an_update_keeps_the_example_and_its_history(app):
    import_records(SYSTEM, [record(ref="u", themes=["mantelzorg"], title="Versie een van dit")])
    first = db.session.scalar(select(Example).where(Example.ref == "u"))
    example_id = first.id
    import_records(SYSTEM, [record(ref="u", themes=["dementie", "leefstijl"],
                                   title="Versie twee van dit")])
    db.session.expire_all()
    example = db.session.get(Example, example_id)
    assert example.title == "Versie twee van dit" and example.ref == "u"
    assert [t.slug for t in example.themes] == ["leefstijl", "dementie"] or \
        sorted(t.slug for t in example.themes) == ["dementie", "leefstijl"]
    assert [r.data["title"] for r in example.revisions] == ["Versie een van dit",
                                                            "Versie twee van dit"]
    assert [d.action for d in example.decisions] == ["import", "import"]  # no moderator's
    assert db.session.scalar(select(func.count(Example.id))) == 1


def test_a_failure_in_a_later_batch_leaves_the_database_as_it_was(app, monkeypatch):
    from kb.services import importing
    from tests.dbtools import snapshot
    monkeypatch.setattr(importing, "IMPORT_BATCH", 2)
    import_records(SYSTEM, [record(ref="keep")])
    before = snapshot(), counts()
    calls = []
    original = importing._stage

    def failing(run_id, batch):
        calls.append(run_id)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return original(run_id, batch)
    monkeypatch.setattr(importing, "_stage", failing)
    with pytest.raises(RuntimeError):
        import_records(SYSTEM, [record(ref=f"f{n}") for n in range(6)] + [record(ref="keep")])
    assert (snapshot(), counts()) == before
    from kb.models import ImportRun
    assert db.session.scalar(select(ImportRun.status).order_by(ImportRun.id.desc())) == "failed"


def test_what_a_killed_import_staged_is_cleared_by_the_next(app, monkeypatch):
    from kb.models import ImportRun
    from kb.services import importing
    run_id = importing._start_run(SYSTEM, "published", 2)
    importing._stage(run_id, importing.validate_records([record(ref="k1"), record(ref="k2")]))
    db.session.execute(ImportRun.__table__.update().values(pid=2**22 + 12345))  # not running
    db.session.commit()
    assert _staged() == 2 and "k1" not in _visible()
    import_records(SYSTEM, [record(ref="k1")])
    assert _staged() == 0
    assert set(_visible()) == {"k1"}
    assert db.session.get(ImportRun, run_id).status == "abandoned"


def test_a_running_import_is_not_cleared(app):
    from kb.services import importing
    run_id = importing._start_run(SYSTEM, "published", 1)  # this process: alive
    importing._stage(run_id, importing.validate_records([record(ref="r1")]))
    import_records(SYSTEM, [record(ref="r2")])
    assert _staged() == 1
    importing._discard_run(run_id, "failed")
    assert _staged() == 0


def test_staged_examples_are_nowhere_to_be_seen(app, client):
    from kb.services import importing
    run_id = importing._start_run(SYSTEM, "published", 1)
    importing._stage(run_id, importing.validate_records([record(
        ref="hidden", title="Verborgen gefaseerde import", organisation="Geheime Importstichting",
        municipality="Importdorp")]))
    staged_id = db.session.scalar(select(Example.id).where(Example.ref == "hidden"))
    assert client.get(f"/voorbeelden/{staged_id}").status_code == 404
    assert client.get(f"/api/v1/examples/{staged_id}").status_code == 404
    for url in ("/api/v1/search?q=verborgen", "/voorbeelden", "/organisaties", "/"):
        text = client.get(url).get_data(as_text=True)
        assert "Verborgen gefaseerde import" not in text and "Geheime Importstichting" not in text
    assert [r["ref"] for r in export_records(SYSTEM, ("draft", "submitted", "published",
                                                      "changes_requested", "rejected",
                                                      "archived"))] == []


# -- an import's own history and publication date ------------------------------------------------

def _imported(ref: str) -> Example:
    """The example of a ref, read afresh."""
    db.session.expire_all()
    return db.session.scalar(select(Example).where(Example.ref == ref))


def test_an_import_is_a_history_event_of_its_own_not_a_moderators_decision(app):
    import_records(SYSTEM, [record(ref="pub")], status="published")
    import_records(SYSTEM, [record(ref="sub")], status="submitted")
    published, submitted = _imported("pub"), _imported("sub")
    assert [(d.action, d.reason) for d in published.decisions] == [("import", "")]
    assert [(d.action, d.reason) for d in submitted.decisions] == [("import", ""), ("submit", "")]
    assert submitted.status == "submitted" and submitted.published_at is None


def test_a_waiting_submission_imported_as_published_leaves_the_queue_without_a_reason(app):
    import_records(SYSTEM, [record(ref="w")], status="submitted")
    import_records(SYSTEM, [record(ref="w")], status="published")
    example = _imported("w")
    assert example.status == "published"
    assert [(d.action, d.reason) for d in example.decisions] == [
        ("import", ""), ("submit", ""), ("import", ""), ("publish", "")]


def test_published_at_of_the_record_is_the_publication_date(app):
    import_records(SYSTEM, [record(ref="d", published_at="2021-03-04"),
                            record(ref="t", published_at="2022-06-01T09:15:00+02:00"),
                            record(ref="n", published_at="2020-02-02T10:00:00")])
    utc = dt.timezone.utc
    assert _imported("d").published_at == dt.datetime(2021, 3, 4, 12, tzinfo=utc)  # noon
    assert _imported("t").published_at == dt.datetime(2022, 6, 1, 7, 15, tzinfo=utc)
    assert _imported("n").published_at == dt.datetime(2020, 2, 2, 10, tzinfo=utc)  # as UTC
    assert _imported("d").checked_at is not None  # not due for a recheck at once


def test_without_a_date_an_earlier_year_is_the_publication_year_not_the_import_day(app):
    this_year = dt.date.today().year
    import_records(SYSTEM, [record(ref="old", year=2019), record(ref="now", year=this_year)])
    assert _imported("old").published_at == dt.datetime(2019, 1, 1, 12, tzinfo=dt.timezone.utc)
    assert _imported("now").published_at.date() == dt.datetime.now(dt.timezone.utc).date()


def test_a_reimport_replaces_the_date_only_when_it_gives_one(app):
    import_records(SYSTEM, [record(ref="u", published_at="2021-05-05")])
    import_records(SYSTEM, [record(ref="u", title="Een nieuwe titel voor dit voorbeeld")])
    assert _imported("u").published_at.date() == dt.date(2021, 5, 5)
    import_records(SYSTEM, [record(ref="u", published_at="2020-01-31")])
    assert _imported("u").published_at.date() == dt.date(2020, 1, 31)


def test_export_and_import_elsewhere_keep_the_publication_date(app):
    import_records(SYSTEM, [record(ref="a", published_at="2021-03-04"),
                            record(ref="b", year=2018)])
    exported = list(export_records(SYSTEM))
    assert [r["published_at"] for r in exported] == ["2021-03-04T12:00:00+00:00",
                                                    "2018-01-01T12:00:00+00:00"]
    for example in db.session.scalars(select(Example)).all():  # an empty knowledge base
        db.session.delete(example)
    db.session.commit()
    import_records(SYSTEM, json.loads(json.dumps(exported)))
    assert list(export_records(SYSTEM)) == exported


@pytest.mark.parametrize("value, fragment", [
    ("2023-13-01", "geen geldige datum '2023-13-01'"),
    ("gisteren", "geen geldige datum"),
    (20230101, "als tekst"),
    ("1985-06-01", "ligt voor 1990"),
    ("2999-01-01", "toekomst"),
])
def test_a_bad_published_at_is_refused_naming_record_and_field(app, value, fragment):
    error = refused([record(ref="goed"), record(ref="fout", published_at=value)])
    assert error.problems[0][:3] == (2, "fout", "published_at")
    assert fragment in error.problems[0][3]
    assert "record 2 (ref 'fout'): published_at:" in str(error)


def test_a_bad_date_and_a_bad_field_are_both_named(app):
    error = refused([record(level="hoog", published_at="nooit")])
    assert {problem[2] for problem in error.problems} == {"level", "published_at"}


def test_a_reimport_updates_the_practical_fields_too(app):
    import_records(SYSTEM, [record(ref="p", needs="Een ruimte")])
    import_records(SYSTEM, [record(ref="p", needs="Een ruimte en koffie",
                                   contact_role="buurtsportcoach")])
    example = _imported("p")
    assert (example.needs, example.contact_role) == ("Een ruimte en koffie", "buurtsportcoach")
