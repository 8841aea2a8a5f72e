"""Praktijkbank: the knowledge base of the Positive Health alliance of Zuid-Holland Noord."""
import os
import secrets
from pathlib import Path

from flask import Flask, request

from kb.database import MIGRATIONS

PACKAGE = Path(__file__).resolve().parent
# A wheel carries the templates inside the package; a checkout keeps them at the top level.
TEMPLATES = PACKAGE / "templates" if (PACKAGE / "templates").is_dir() \
    else PACKAGE.parent / "templates"


def default_instance() -> Path:
    """The instance folder when none is configured: the checkout's `instance/` when running
    from one, else `instance/` in the working directory (an installed package)."""
    checkout = PACKAGE.parent
    if (checkout / "setup.cfg").is_file():
        return checkout / "instance"
    return Path.cwd() / "instance"


def create_app(test_config: dict | None = None, warm_up: bool | None = None,
               check_schema: bool = True) -> Flask:
    """Build the application: configuration, extensions, blueprints, errors, CLI. A serving
    process (warm_up, by default when INDEX_WARM_UP is set) opens and warms the search
    index in the background, so that the first search is fast. check_schema: warn when
    the database is behind the code (not for the commands that bring it up to date)."""
    instance_path = ((test_config or {}).get("INSTANCE_PATH")
                     or os.environ.get("KB_INSTANCE_PATH") or str(default_instance()))
    app = Flask(__name__, instance_path=os.path.abspath(instance_path),
                instance_relative_config=True, template_folder=str(TEMPLATES))
    load_config(app, test_config)
    from kb import logs
    logs.configure(app)
    app.extensions["kb.factory"] = create_app  # an index rebuild's workers make their own
    register_extensions(app, check_schema)
    register_blueprints(app)
    from kb.web import hardening
    hardening.install(app)
    from kb.cli import register_commands
    register_commands(app)
    if app.config["INDEX_WARM_UP"] if warm_up is None else warm_up:
        from kb.search.query import warm_up_in_background
        warm_up_in_background(app)
    return app


def load_config(app: Flask, test_config: dict | None) -> None:
    """Defaults, then instance/config.py, then KB_* variables, then the test's overrides."""
    from kb.config import Defaults
    app.config.from_object(Defaults)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("KB")
    if test_config:
        app.config.update(test_config)
    default_db = "sqlite:///" + os.path.join(app.instance_path, "praktijkbank.sqlite")
    app.config["SQLALCHEMY_DATABASE_URI"] = app.config.get("DATABASE_URL") or default_db
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret_key(app.instance_path)


def instance_secret_key(instance_path: str) -> str:
    """Read the instance's secret key, generating it (mode 0600) on first use."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()


def register_extensions(app: Flask, check_schema: bool = True) -> None:
    """Bind the extensions of kb.extensions to this app."""
    from kb import models  # noqa: F401  (registers the tables)
    from kb.search import check_whoosh
    check_whoosh()
    from kb.database import configure_sqlite, db, owner_only
    from kb.extensions import babel, csrf, limiter, login, mail, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    login.init_app(app)
    limiter.init_app(app)
    mail.init_app(app)
    configure_login(login)
    # The locale is chosen per request, even when requests share an app context (tests).
    app.before_request(flask_babel_refresh)
    login.user_loader(load_user)
    owner_only(app.config["SQLALCHEMY_DATABASE_URI"])
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            configure_sqlite(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])
        if check_schema:
            warn_if_schema_behind(app)


def warn_if_schema_behind(app: Flask) -> None:
    """Log loudly when the database is not at the newest migration (run `kb init`), or
    does not answer: the app starts all the same (`/healthz` says so until it answers)."""
    from sqlalchemy.exc import SQLAlchemyError

    from kb.database import db, migration_head, schema_revision
    head = migration_head()
    try:
        with db.engine.connect() as connection:
            current = schema_revision(connection)
    except SQLAlchemyError as exc:
        app.logger.error("the database does not answer (%s): starting without it",
                         type(exc).__name__)
        return
    if current != head:
        app.logger.warning("database schema is at %s, the code needs %s: run `kb init`",
                           current or "nothing", head)


def configure_login(manager) -> None:
    """Where Flask-Login sends anonymous visitors, and what it tells them."""
    from flask_babel import lazy_gettext
    manager.login_view = "accounts.login"
    manager.login_message = lazy_gettext("Log in om verder te gaan.")
    manager.login_message_category = "info"


def flask_babel_refresh() -> None:
    """Forget the locale cached by an earlier request in the same app context."""
    from flask_babel import refresh
    refresh()


# The English text is British, and so are its dates ("2 December 2026"); gettext finds
# the "en" catalogue for en_GB.
LOCALES = {"nl": "nl", "en": "en_GB"}


def select_locale() -> str:
    """Dutch unless the visitor chose another language (kept in a cookie)."""
    from flask import current_app, has_request_context
    if not has_request_context():  # the CLI, and services outside a request
        return LOCALES.get(current_app.config["CLI_LANGUAGE"], "nl")
    choice = request.cookies.get("lang")
    return LOCALES.get(choice, "nl") if choice in current_app.config["LANGUAGES"] else "nl"


def load_user(identity: str):
    """Flask-Login: the active account whose server-side session the cookie names."""
    from kb.services.accounts import user_for_session
    return user_for_session(identity)


def register_blueprints(app: Flask) -> None:
    """Register the web blueprints and the error pages."""
    from kb import api
    from kb.web import (
        accounts,
        adoptions,
        attachments,
        audit,
        contribute,
        curation,
        errors,
        feeds,
        following,
        freshness,
        guard,
        health,
        insight,
        invitations,
        leerateliers,
        moderation,
        notifications,
        pages,
        public,
        search,
        second_factor,
        users,
    )
    guard.install(app)  # before the routes: they use its bounded `int` converter
    freshness.install(app)
    app.register_blueprint(public.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(accounts.bp)
    app.register_blueprint(second_factor.bp)
    app.register_blueprint(contribute.bp)
    app.register_blueprint(moderation.bp)
    app.register_blueprint(curation.bp)
    app.register_blueprint(users.bp)
    app.register_blueprint(audit.bp)
    app.register_blueprint(invitations.bp)
    app.register_blueprint(feeds.bp)
    app.register_blueprint(adoptions.bp)
    app.register_blueprint(attachments.bp)
    app.register_blueprint(following.bp)
    app.register_blueprint(notifications.bp)
    app.register_blueprint(search.bp)
    app.register_blueprint(insight.bp)
    app.register_blueprint(leerateliers.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(health.bp)
    errors.register(app)
    from kb.web.templating import register_template_helpers
    register_template_helpers(app)
