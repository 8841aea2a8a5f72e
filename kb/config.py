"""Configuration defaults; instance/config.py and KB_* environment variables override them."""
from datetime import timedelta


class Defaults:
    """Settings every installation starts from."""

    # Filled in by create_app from the instance folder when not configured.
    SECRET_KEY = None
    DATABASE_URL = None
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SQLITE_BUSY_TIMEOUT_MS = 8000

    # Dutch first: English only when the visitor chooses it.
    BABEL_DEFAULT_LOCALE = "nl"
    BABEL_DEFAULT_TIMEZONE = "Europe/Amsterdam"
    LANGUAGES = ("nl", "en")

    # Cookies: stricter than Flask's defaults.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False  # set True behind HTTPS
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = timedelta(days=30)

    WTF_CSRF_TIME_LIMIT = 4 * 3600
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    PER_PAGE = 20

    # Abuse limits: per client address (Flask-Limiter) ...
    RATELIMIT_STORAGE_URI = "memory://"  # e.g. redis://localhost:6379 to share across hosts
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_LIMIT = "20 per 15 minutes"
    REGISTER_LIMIT = "5 per hour"
    RESET_LIMIT = "5 per hour"
    SUBMIT_LIMIT = "30 per hour"
    # ... and per account, counted in the database so every worker and host agrees.
    ACCOUNT_LIMITS = {  # kind: (attempts, window in seconds)
        "login": (8, 15 * 60),
        "reset": (3, 3600),
        "submit": (20, 3600),
    }

    # Mail for password-reset links; without MAIL_SERVER the link is written to the log.
    MAIL_SERVER = None
    MAIL_BACKEND = "smtp"  # also under TESTING, where Flask-Mailman would keep mail in memory
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_DEFAULT_SENDER = "Praktijkbank <noreply@praktijkbank.example>"
    RESET_TOKEN_MAX_AGE = 3600
