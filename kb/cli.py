"""The `kb` command line: the app's Flask CLI plus Praktijkbank's own commands."""
import json
import os
import sys

import click
from flask.cli import FlaskGroup, with_appcontext
from flask_babel import gettext as _

from kb.models import ROLES
from kb.services.errors import DomainError, Invalid
from kb.services.permissions import SYSTEM

# Commands that bring the schema up to date themselves (or do not read the database): a
# warning that the schema is behind, telling them to run `kb init`, would only mislead.
SCHEMA_MAKERS = {"init", "db", "restore", "routes"}
# Commands that start without the tables: the server answers 503 from /healthz until
# `kb init`, the shell is for looking around, and the limiter keeps its counters elsewhere.
SCHEMALESS = {"run", "shell", "limiter"}


def main() -> None:
    """Entry point of the `kb` console script (only `kb run` warms the search index up at
    start: the other commands do not serve searches)."""
    arguments = sys.argv[1:]
    serving = arguments[:1] == ["run"]
    check = bool(arguments) and arguments[0] not in SCHEMA_MAKERS and "--help" not in arguments
    needs_tables = check and arguments[0] not in SCHEMALESS
    FlaskGroup(create_app=lambda: _create_app(serving, check, needs_tables),
               help="Praktijkbank").main(prog_name="kb")


def _create_app(serving: bool, check: bool, needs_tables: bool):
    """The app for one command; a command that reads or writes the tables stops with a
    clear message on a database `kb init` has not made yet (instead of a traceback)."""
    from sqlalchemy.exc import SQLAlchemyError

    from kb import create_app, warn_if_schema_behind
    from kb.database import db, schema_revision
    app = create_app(warm_up=serving, check_schema=check and not needs_tables)
    if needs_tables:
        try:
            with app.app_context(), db.engine.connect() as connection:
                revision = schema_revision(connection)
        except SQLAlchemyError as exc:
            raise click.ClickException(
                f"The database does not answer ({type(exc).__name__}).") from None
        if revision is None:
            raise click.ClickException("The database has no tables yet: run `kb init` first.")
        with app.app_context():
            warn_if_schema_behind(app)
    return app


def _fail(exc: DomainError) -> None:
    """Turn a refused service call into a clear message and exit status 1."""
    if isinstance(exc, Invalid):
        raise click.ClickException("\n".join(
            f"{field}: {msg}" if field else msg for field, msg in exc.errors.items()))
    raise click.ClickException(str(exc) or type(exc).__name__)


@click.command("init")
@with_appcontext
def init_command() -> None:
    """Create or upgrade the database schema and add the taxonomy defaults (idempotent)."""
    from flask_migrate import upgrade

    from kb.services.taxonomy import ensure_defaults
    upgrade()
    added = ensure_defaults()
    click.echo(f"Database ready: {added['terms']} terms and {added['organisations']} "
               "organisations added.")


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Only when there are no examples yet.")
@click.option("--passwords", is_flag=True,
              help="Only give the demo accounts new passwords and print them; the examples "
                   "and everything else stay as they are.")
@with_appcontext
def demo_command(if_empty: bool, passwords: bool) -> None:
    """Load the demo data and print the demo accounts' new passwords."""
    from kb.services.demo import has_examples, load_demo, renew_demo_passwords
    if passwords:
        accounts = renew_demo_passwords()
        if not accounts:
            raise click.ClickException("There are no demo accounts yet: run `kb demo`.")
        _print_demo_accounts(accounts)
        return
    if if_empty and has_examples():
        click.echo(f"Examples present; demo data not loaded (`{_this_command()} demo "
                   "--passwords` gives the demo accounts new passwords).")
        return
    try:
        report = load_demo()
    except DomainError as exc:
        _fail(exc)
    click.echo(f"Demo data: {report.created} examples created, {report.updated} updated, "
               f"{report.leerateliers} leerateliers.")
    _index_what_was_written(report.created + report.updated)
    _print_demo_accounts(report.accounts)


def _this_command() -> str:
    """How to run `kb` again from here: `.venv/bin/kb` when this one lies below the working
    directory (`make run` in a checkout, where `kb` is not on the PATH), else `kb`."""
    script = os.path.abspath(sys.argv[0])
    below = os.path.relpath(script)
    return below if os.path.basename(script) == "kb" and not below.startswith("..") else "kb"


def _print_demo_accounts(accounts: list[tuple[str, str, str]]) -> None:
    """The demo accounts with their new passwords, one a line."""
    click.echo("Demo accounts (passwords are new on every run):")
    for email, role, password in accounts:
        click.echo(f"  {role:<12} {email:<32} {password}")


@click.group("users")
def users_group() -> None:
    """Manage accounts."""


@users_group.command("create")
@click.argument("email")
@click.option("--name", required=True, help="Display name.")
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--organisation", default=None, help="Organisation name (optional).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def users_create_command(email, name, role, organisation, password_stdin) -> None:
    """Create an account; without --password-stdin a password is generated and printed."""
    from kb.services.accounts import create_user, generate_password
    password = sys.stdin.readline().rstrip("\r\n") if password_stdin \
        else generate_password(email, name)
    try:
        user = create_user(SYSTEM, email, name, role, password, organisation)
    except DomainError as exc:
        _fail(exc)
    click.echo(f"Created {user.role} {user.email}.")
    if not password_stdin:
        click.echo(f"Password: {password}")


@users_group.command("reset-second-factor")
@click.argument("email")
@with_appcontext
def users_reset_second_factor_command(email) -> None:
    """Turn an account's two-factor authentication off (for an admin who lost their phone
    and recovery codes, when no other admin can reset it); its sessions end."""
    from kb.services.accounts import find_user
    from kb.services.second_factor import reset_second_factor
    user = find_user(email.strip())
    if user is None:
        raise click.ClickException(_("Geen account met het e-mailadres %(email)s.",
                                     email=email))
    try:
        reset_second_factor(SYSTEM, user)
    except DomainError as exc:
        _fail(exc)
    click.echo(_("Tweestapsverificatie van %(email)s gereset; bij de volgende keer "
                 "inloggen stelt dit account hem opnieuw in.", email=user.email))


def _read_text(path: str) -> str:
    """A file's text as UTF-8, or a clear error."""
    try:
        with open(path, "rb") as handle:
            return handle.read().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise click.ClickException(_("%(path)s: geen UTF-8 (byte %(byte)d)", path=path,
                                     byte=exc.start)) from None
    except OSError as exc:
        raise click.ClickException(f"{path}: {exc.strerror}") from None


@click.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--status", type=click.Choice(["published", "submitted"]), default="published",
              show_default=True)
@with_appcontext
def import_command(file: str, status: str) -> None:
    """Import examples from a JSON array or JSON Lines file; all or nothing.

    A record's optional `published_at` (a date or ISO 8601 time, as `kb export` writes it)
    is its publication date; without one, an earlier `year` gives 1 January of that year.
    """
    from kb.services.importing import import_records, parse_records
    try:
        result = import_records(SYSTEM, parse_records(_read_text(file)), status=status)
    except DomainError as exc:
        _fail(exc)
    click.echo(f"Imported: {result.created} created, {result.updated} updated ({status}).")
    _index_what_was_written(result.created + result.updated)


def _index_what_was_written(changed: int) -> None:
    """Bring this host's index up to date, a committed batch at a time, so that searches
    never have to catch up a large import themselves."""
    from tqdm import tqdm

    from kb.search.store import get_store
    with tqdm(total=changed, unit="events", desc="index", disable=None) as bar:
        applied = get_store().catch_up(progress=bar.update)
    click.echo(f"Search index up to date ({applied} changes applied).")


@click.command("export")
@click.argument("file", type=click.File("w", encoding="utf-8"), default="-")
@click.option("--status", "statuses", multiple=True, default=("published",),
              type=click.Choice(["draft", "submitted", "published", "changes_requested",
                                 "rejected", "archived"]),
              show_default=True, help="Repeat for several statuses.")
@click.option("--jsonl", is_flag=True, help="JSON Lines instead of a JSON array.")
@with_appcontext
def export_command(file, statuses: tuple[str, ...], jsonl: bool) -> None:
    """Export examples in the import format (a JSON array by default)."""
    from kb.services.importing import export_records
    records = export_records(SYSTEM, tuple(statuses))
    if jsonl or (getattr(file, "name", "") or "").endswith(".jsonl"):
        for record in records:
            file.write(json.dumps(record, ensure_ascii=False) + "\n")
        return
    file.write("[")
    for number, record in enumerate(records):
        file.write(",\n" if number else "\n")
        file.write(json.dumps(record, ensure_ascii=False, indent=2))
    file.write("\n]\n")


@click.command("reindex")
@with_appcontext
def reindex_command() -> None:
    """Rebuild the search index from the database (into a new folder, swapped in atomically)."""
    from tqdm import tqdm

    from kb.search import indexer
    from kb.search.store import get_store
    total = len(indexer.published_ids())
    with tqdm(total=total, unit="examples", desc="reindex", disable=None) as bar:
        count = get_store().rebuild(progress=bar.update)
    click.echo(f"Index rebuilt: {count} published examples.")


@click.command("index-check")
@with_appcontext
def index_check_command() -> None:
    """Compare the index with the database; exit 1 listing the drift."""
    from kb.search.check import index_drift
    drift = index_drift()
    for line in drift:
        click.echo(line)
    if drift:
        raise SystemExit(1)
    click.echo("Index and database agree.")


@click.group("synonyms")
def synonyms_group() -> None:
    """The moderators' synonym groups (beside kb/search/synonyms.txt)."""


@synonyms_group.command("list")
@with_appcontext
def synonyms_list_command() -> None:
    """List the added groups."""
    from kb.services.synonyms import synonym_groups
    for group in synonym_groups():
        click.echo(f"{group.id}\t{group.terms}")


@synonyms_group.command("add")
@click.argument("terms")
@with_appcontext
def synonyms_add_command(terms: str) -> None:
    """Add a group: TERMS separated by commas, e.g. "oudjes, ouderen"."""
    from kb.services.synonyms import add_synonym_group
    try:
        group = add_synonym_group(SYSTEM, terms)
    except DomainError as exc:
        _fail(exc)
    click.echo(f"Added group {group.id}: {group.terms}")


@synonyms_group.command("remove")
@click.argument("group_id", type=int)
@with_appcontext
def synonyms_remove_command(group_id: int) -> None:
    """Switch a group off."""
    from kb.services.synonyms import remove_synonym_group
    try:
        remove_synonym_group(SYSTEM, group_id)
    except DomainError as exc:
        _fail(exc)
    click.echo(f"Removed group {group_id}.")


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False))
@with_appcontext
def backup_command(file: str) -> None:
    """Write a backup of the whole database to FILE (SQLite: its backup API; PostgreSQL:
    pg_dump). The search index is rebuilt from it on restore."""
    from kb.services.backup import backup
    try:
        found = backup(file)
    except DomainError as exc:
        _fail(exc)
    click.echo(f"Backup written to {file}: {found.describe()}.")


@click.command("restore")
@click.argument("file", type=click.Path(dir_okay=False))
@with_appcontext
def restore_command(file: str) -> None:
    """Restore a backup made by `kb backup` into this empty instance, bring its schema up
    to date and rebuild the search index."""
    from flask_migrate import upgrade

    from kb.search.store import get_store
    from kb.services.backup import restore
    try:
        found = restore(file)
    except DomainError as exc:
        _fail(exc)
    upgrade()  # a backup made by an older version
    count = get_store().rebuild()
    click.echo(f"Restored from {file}: {found.describe()}. Index rebuilt: {count} published "
               "examples.")


@click.command("digest")
@with_appcontext
def digest_command() -> None:
    """Mail the saved searches' digests and the moderators' queue mails that are due (run
    it every 15 minutes from cron or a timer; a second run sends nothing twice)."""
    from flask import current_app

    from kb.services import mailer
    from kb.services.following import send_digests
    from kb.services.notifications import send_queue_mails
    from kb.services.recheck import ask_authors
    # Links in the mail point at the public address (there is no request to take it from).
    with current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"]):
        report = send_digests()
        queued = send_queue_mails()
        asked = ask_authors()
        mailer.drain()
    click.echo(f"Digests: {report.due} due, {report.mailed} mailed, {report.examples} "
               f"examples. Queue mails: {queued}. Authors asked to re-check: {asked}.")


@click.command("prune")
@with_appcontext
def prune_command() -> None:
    """Delete what the retention settings no longer allow: old audit events, attempts
    past their limit's window, expired sessions, old index events (run it daily)."""
    from kb.services.retention import prune
    pruned = prune()
    click.echo("Removed: " + ", ".join(f"{count} {what}" for what, count in pruned.items()) + ".")


def register_commands(app) -> None:
    """Attach the commands to the app's CLI."""
    for command in (init_command, demo_command, users_group, import_command, export_command,
                    reindex_command, index_check_command, synonyms_group, backup_command,
                    restore_command, digest_command, prune_command):
        app.cli.add_command(command)
