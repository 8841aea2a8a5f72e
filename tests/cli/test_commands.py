"""The `kb` command line: init, demo, users, import and export."""
import json
import os
import subprocess
import sys
from collections import Counter

import pytest
from sqlalchemy import delete, func, select

from kb.database import db
from kb.models import Decision, Example, IndexEvent, Revision, User, example_term
from kb.seed_data import TAXONOMY
from kb.services.accounts import find_user
from tests.factories import record


def count_examples() -> int:
    """How many examples are stored."""
    return db.session.scalar(select(func.count(Example.id)))


def write(tmp_path, name: str, content) -> str:
    """Write a file for the CLI to read; JSON-encodes anything but str."""
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content),
                    encoding="utf-8")
    return str(path)


def test_init_is_idempotent(runner):
    result = runner.invoke(args=["init"])
    assert result.exit_code == 0, result.output
    assert "0 terms and 0 organisations added" in result.output


def test_users_create_with_generated_password(runner):
    result = runner.invoke(args=["users", "create", "Mod@Praktijkbank.example", "--name",
                                 "Mo Derator", "--role", "moderator"])
    assert result.exit_code == 0, result.output
    password = result.output.split("Password: ")[1].strip()
    user = find_user("mod@praktijkbank.example")
    assert user.role == "moderator" and user.check_password(password)


def test_users_create_reads_password_from_stdin(runner):
    result = runner.invoke(args=["users", "create", "a@praktijkbank.example", "--name", "Anna",
                                 "--role", "admin", "--password-stdin"],
                           input="een-heel-geheim-wachtwoord\n")
    assert result.exit_code == 0 and "Password" not in result.output
    assert find_user("a@praktijkbank.example").check_password("een-heel-geheim-wachtwoord")


@pytest.mark.parametrize("args", [
    ["users", "create", "a@praktijkbank.example", "--name", "Anna", "--role", "koning"],
    ["users", "create", "a@praktijkbank.example", "--role", "admin"],
    ["import"],
    ["import", "x.json", "--status", "archived"],
    ["export", "--status", "weg"],
])
def test_malformed_arguments_give_usage_and_status_2(runner, args):
    result = runner.invoke(args=args)
    assert result.exit_code == 2
    assert "Usage:" in result.output


def test_users_create_refuses_bad_input_clearly(runner):
    result = runner.invoke(args=["users", "create", "geen-adres", "--name", "Anna", "--role",
                                 "participant"])
    assert result.exit_code == 1 and "email: geen geldig e-mailadres" in result.output
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_import_refusal_names_record_and_field_and_imports_nothing(runner, tmp_path):
    path = write(tmp_path, "bad.json", [record(), record(ref="derde-fout", level="giga")])
    result = runner.invoke(args=["import", path])
    assert result.exit_code == 1
    assert "record 2 (ref 'derde-fout'): level: onbekende waarde 'giga'" in result.output
    assert count_examples() == 0


@pytest.mark.parametrize("content, fragment", [
    ("[{", "geen geldige JSON"),
    ("", "geen records"),
])
def test_import_refuses_unreadable_files(runner, tmp_path, content, fragment):
    result = runner.invoke(args=["import", write(tmp_path, "f.json", content)])
    assert result.exit_code == 1 and fragment in result.output


def test_the_commands_speak_the_configured_language(app, runner, tmp_path):
    app.config["CLI_LANGUAGE"] = "en"
    result = runner.invoke(args=["import", write(tmp_path, "f.json", "[{")])
    assert result.exit_code == 1 and "not valid JSON: line 1" in result.output
    latin = tmp_path / "latin1.json"
    latin.write_bytes('[{"title": "caf\xe9"}]'.encode("latin-1"))
    assert "not UTF-8" in runner.invoke(args=["import", str(latin)]).output


def test_import_refuses_missing_and_non_utf8_files(runner, tmp_path):
    result = runner.invoke(args=["import", str(tmp_path / "nergens.json")])
    assert result.exit_code == 1 and "No such file" in result.output
    path = tmp_path / "latin1.json"
    path.write_bytes('[{"title": "caf\xe9"}]'.encode("latin-1"))
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 1 and "geen UTF-8" in result.output


def test_import_upserts_by_ref(runner, tmp_path):
    first = write(tmp_path, "a.jsonl", json.dumps(record(ref="r1")) + "\n")
    assert runner.invoke(args=["import", first]).exit_code == 0
    second = write(tmp_path, "b.json", [record(ref="r1", title="Bijgewerkte titel hier"),
                                        record(ref="r2")])
    result = runner.invoke(args=["import", second, "--status", "submitted"])
    assert "1 created, 1 updated" in result.output
    assert count_examples() == 2
    assert db.session.scalar(select(Example.title).where(Example.ref == "r1")) \
        == "Bijgewerkte titel hier"


def _wipe_examples() -> None:
    """Remove every example, as in an empty instance."""
    for table in (example_term, Revision.__table__, Decision.__table__, IndexEvent.__table__,
                  Example.__table__):
        db.session.execute(delete(table))
    db.session.commit()


@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
def test_export_import_export_round_trip(runner, tmp_path, suffix):
    assert runner.invoke(args=["demo"]).exit_code == 0
    first, second = tmp_path / f"one{suffix}", tmp_path / f"two{suffix}"
    assert runner.invoke(args=["export", str(first)]).exit_code == 0
    _wipe_examples()
    result = runner.invoke(args=["import", str(first)])
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["export", str(second)]).exit_code == 0
    assert first.read_text(encoding="utf-8") == second.read_text(encoding="utf-8")
    assert len(first.read_text(encoding="utf-8").strip()) > 1000


def test_demo_loads_a_realistic_knowledge_base(runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    published = db.session.scalars(select(Example).where(Example.status == "published")).all()
    assert len(published) >= 60
    usage = Counter()
    for example in published:
        for term in [*example.terms, example.level, example.setting, example.organisation_type]:
            usage[(term.kind, term.slug)] += 1
    for kind, values in TAXONOMY.items():
        for slug, _, _ in values:
            assert usage[(kind, slug)] >= 3, (kind, slug)
    assert {e.status for e in db.session.scalars(select(Example))} >= {
        "published", "draft", "submitted", "changes_requested"}
    fourth = [e for e in published if e.leeratelier and e.leeratelier.name.startswith("Vierde")]
    assert fourth and fourth[0].leeratelier.participants == 91
    assert fourth[0].leeratelier.online and str(fourth[0].leeratelier.date) == "2022-03-22"


def test_demo_prints_working_passwords_and_does_not_duplicate(runner):
    runner.invoke(args=["demo"])
    before = count_examples()
    result = runner.invoke(args=["demo"])
    assert count_examples() == before
    for line in result.output.splitlines():
        parts = line.split()
        if len(parts) == 3 and "@" in parts[1]:
            role, email, password = parts
            user = find_user(email)
            assert user.role == role and user.check_password(password)
    assert result.output.count("@praktijkbank.example") == 3


def printed_accounts(output: str) -> dict[str, tuple[str, str]]:
    """email: (role, password) of each demo account line a command printed."""
    found = {}
    for line in output.splitlines():
        parts = line.split()
        if len(parts) == 3 and "@" in parts[1]:
            found[parts[1]] = (parts[0], parts[2])
    return found


def test_demo_passwords_renews_only_the_passwords(runner):
    result = runner.invoke(args=["demo", "--passwords"])
    assert result.exit_code == 1 and "run `kb demo`" in result.output
    first = printed_accounts(runner.invoke(args=["demo"]).output)
    example = db.session.scalar(select(Example).where(Example.status == "published"))
    example.title = "Een titel die een moderator gaf"
    db.session.commit()
    tables = {model: db.session.scalar(select(func.count()).select_from(model))
              for model in (Example, Revision, Decision, IndexEvent, User)}
    result = runner.invoke(args=["demo", "--passwords"])
    assert result.exit_code == 0, result.output
    renewed = printed_accounts(result.output)
    assert renewed.keys() == first.keys() and len(renewed) == 3
    db.session.expire_all()
    for email, (role, password) in renewed.items():
        user = find_user(email)
        assert user.role == role and user.check_password(password)
        assert not user.check_password(first[email][1])
    assert db.session.get(Example, example.id).title == "Een titel die een moderator gaf"
    assert {model: db.session.scalar(select(func.count()).select_from(model))
            for model in tables} == tables


def test_init_on_a_fresh_instance_warns_of_nothing(tmp_path):
    """Only a command that needs the schema is told to run `kb init`; `kb init` is not."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("KB_")}
    env["KB_INSTANCE_PATH"] = str(tmp_path / "fresh")
    kb = os.path.join(os.path.dirname(sys.executable), "kb")
    for args in (["synonyms", "list"], ["export", str(tmp_path / "out.json")]):
        done = subprocess.run([kb, *args], env=env, capture_output=True, text=True)
        assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
        assert "no tables yet: run `kb init` first" in done.stderr  # where it helps
    assert not (tmp_path / "out.json").exists()
    (tmp_path / "fresh" / "praktijkbank.sqlite").unlink()
    printed = []
    for args in (["--help"], ["init"], ["init"], ["synonyms", "list"]):
        done = subprocess.run([kb, *args], env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert "WARNING" not in done.stdout + done.stderr, (args, done.stderr)
        printed.append(done.stdout)
    assert "Database ready" in printed[1] and "Database ready: 0 terms" in printed[2]


def test_console_script_runs_against_the_instance(app, tmp_path):
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("the console-script check runs once, on the SQLite instance")
    env = {**os.environ, "KB_INSTANCE_PATH": app.instance_path}
    kb = os.path.join(os.path.dirname(sys.executable), "kb")
    bad = write(tmp_path, "bad.json", [record(year="vorig jaar")])
    done = subprocess.run([kb, "import", bad], env=env, capture_output=True, text=True)
    assert done.returncode == 1 and "record 1 (ref 'test-" in done.stderr
    assert "year: moet een geheel getal zijn" in done.stderr
    assert "Traceback" not in done.stderr
    done = subprocess.run([kb, "import"], env=env, capture_output=True, text=True)
    assert done.returncode == 2 and "Usage: kb import" in done.stderr
