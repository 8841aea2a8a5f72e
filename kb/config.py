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
    CLI_LANGUAGE = "nl"  # the language of the `kb` commands' messages (KB_CLI_LANGUAGE=en)

    # Cookies: stricter than Flask's defaults.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False  # over HTTPS every cookie is marked Secure anyway
    # Reverse proxies in front of the app whose X-Forwarded-* headers are believed (the
    # client's address for limits, HTTPS for Secure cookies and HSTS). 0: none.
    TRUSTED_PROXIES = 0
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = timedelta(days=30)

    # Logs (of the app and its services, on standard error or gunicorn's error log):
    # "json" writes one JSON object per line with the request's id, method and path.
    # Secrets in mailed links are masked (unless MAIL_LOG_LINKS asks for the links).
    LOG_FORMAT = "plain"
    LOG_LEVEL = "INFO"

    # Index work a request may do itself; more is done by a background thread meanwhile.
    INDEX_INLINE_EVENTS = 100  # outbox events applied in the request (about 10 ms each)
    INDEX_INLINE_REBUILD = 1000  # published examples: a missing index this small is
    # rebuilt in the request (about 2.5 s), a larger one in the background
    INDEX_INLINE_LOCK_SECONDS = 1.0  # waiting for another process's index writer
    INDEX_OWN_LOCK_SECONDS = 5.0  # ... when the visitor must see their own change
    INDEX_WARM_UP = True  # a serving process opens the index and runs a search at start

    WTF_CSRF_TIME_LIMIT = 4 * 3600
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    ATTACHMENT_MAX_BYTES = 10_000_000  # one uploaded file (the upload form alone takes this)
    LOGO_MAX_BYTES = 2_000_000  # one organisation's uploaded logo (kept much smaller)
    ATTACHMENTS_MAX_BYTES = 30_000_000  # all attachments of one example together
    ATTACHMENTS_PER_EXAMPLE = 12
    RECHECK_AFTER_DAYS = 365  # a published example not checked this long is due again
    PER_PAGE = 20
    # A search shows what has every concept typed; when fewer than this have them all, it
    # shows what has most of them instead, and says so.
    SEARCH_RELAX_BELOW = 5

    # Abuse limits: per client address (Flask-Limiter) ...
    RATELIMIT_STORAGE_URI = "memory://"  # e.g. redis://localhost:6379 to share across hosts
    # Our 429 pages say when to try again (Retry-After); Flask-Limiter would also put its
    # window's Retry-After on every answer of a limited page, a 503 included.
    RATELIMIT_HEADERS_ENABLED = False
    LOGIN_LIMIT = "20 per 15 minutes"
    REGISTER_LIMIT = "5 per hour"
    RESET_LIMIT = "5 per hour"
    # Per account, not per address (a leeratelier shares one Wi-Fi): posts of the example
    # form (drafts, previews, submissions, uploads), messages to authors, automatic saves.
    SUBMIT_LIMIT = "60 per hour"
    CONTACT_LIMIT = "20 per hour"
    AUTOSAVE_LIMIT = "30 per minute"
    SIMILAR_LIMIT = "60 per minute"  # "lijkt op" while writing, per client address
    SEARCH_LIMIT = "120 per minute"  # anonymous searches (page, API, feeds together)
    # ... and per account, counted in the database so every worker and host agrees.
    ACCOUNT_LIMITS = {  # kind: (attempts, window in seconds)
        # Failed logins for one address (email): after these, only a browser where the
        # account logged in before may go on trying; others are offered a reset link.
        "login": (8, 15 * 60),
        "login-device": (8, 15 * 60),  # failed logins from such a trusted browser
        # Failed logins from one client address (successes do not count: a workshop of
        # 90 people shares one Wi-Fi).
        "login-address": (40, 15 * 60),
        "reset": (3, 3600),
        # Wrong codes for one account's second factor (TOTP or recovery code).
        "second-factor": (8, 15 * 60),
        "submit": (20, 3600),
        "contact": (10, 24 * 3600),  # messages to authors, per account
    }

    # The audit log (logins, failed logins, role changes, blocks, moderation decisions,
    # exports ...) keeps its events this long; `kb prune` deletes older ones.
    AUDIT_RETENTION_DAYS = 365
    # Applied search-index events are kept this long (a host whose index is older than
    # that rebuilds it); `kb prune` deletes older ones, but never the newest.
    INDEX_EVENT_RETENTION_DAYS = 30

    # Mail for password-reset links; without MAIL_SERVER the link is written to the log.
    MAIL_SERVER = None
    MAIL_BACKEND = "smtp"  # also under TESTING, where Flask-Mailman would keep mail in memory
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_DEFAULT_SENDER = "Praktijkbank <noreply@praktijkbank.example>"
    # The site's address in mail sent outside a request (`kb digest` from cron).
    PUBLIC_URL = "http://localhost:5000"
    # Without MAIL_SERVER nothing is mailed; set this to write such mail (with its links)
    # to the log instead, for a setup without mail where an admin passes links on.
    MAIL_LOG_LINKS = False
    RESET_TOKEN_MAX_AGE = 3600
    # Two-factor authentication: how long a browser where the code was given may skip it
    # (when its owner ticked the box), and how long the code may wait after the password.
    SECOND_FACTOR_REMEMBER_DAYS = 30
    SECOND_FACTOR_PENDING_SECONDS = 10 * 60
    # An admin's invitation to choose a password (mails and pages give its lifetime in words).
    INVITE_TOKEN_MAX_AGE = 7 * 24 * 3600

    # Who runs this installation and how to reach them: filled into the privacy statement,
    # the accessibility statement, the contact page and the colophon (shipped in kb/pages;
    # a file of the same name in instance/pages replaces one), the footer, and what a
    # blocked account is told. E.g. KB_CONTACT_EMAIL=praktijkbank@gemeente.example.
    OWNER_NAME = "Alliantie Positieve Gezondheid Zuid-Holland Noord"
    CONTACT_EMAIL = "contact@praktijkbank.example"
    # URLs in one sitemap file (the protocol allows 50,000); beyond, /sitemap.xml becomes
    # an index of numbered parts.
    SITEMAP_URLS = 50_000
