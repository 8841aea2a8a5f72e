"""Accounts: registering, logging in, passwords and reset links."""
import secrets

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash

from kb.database import db
from kb.models import ROLES, LoginSession, User
from kb.models.session import key_digest
from kb.services import audit, passwords, throttle
from kb.services import permissions as perm
from kb.services.errors import Invalid
from kb.services.mailer import send_later
from kb.services.taxonomy import find_organisation
from kb.services.transactions import unit_of_work
from kb.util import duration, parse_id, utcnow

MIN_PASSWORD = 10
MAX_PASSWORD = 200


def generate_password(email: str = "", name: str = "") -> str:
    """A random password of 16 URL-safe characters that the password policy accepts (for
    the account of this address and name)."""
    while True:
        password = secrets.token_urlsafe(12)
        if passwords.refusal(password, email, name) is None:
            return password


# email-validator explains a refusal in English; these say it in the reader's language,
# chosen by a phrase of its message (the first that matches).
EMAIL_REASONS = (
    ("must have an @-sign", _l("er staat geen @ in")),
    ("something before the @-sign", _l("er staat niets voor de @")),
    ("something after the @-sign", _l("er staat niets na de @")),
    ("invalid characters", _l("er staat een teken in dat niet in een adres mag, zoals een "
                              "spatie of een tweede @")),
    ("should have a period", _l("na de @ hoort een domein met een punt, zoals "
                                "organisatie.nl")),
    ("too long", _l("het adres is te lang")),
    ("period", _l("een punt mag niet aan het begin of eind staan, en niet twee achter "
                  "elkaar")),
    ("hyphen", _l("een streepje mag niet direct na de @ of aan het eind staan")),
    ("special-use or reserved", _l("het domein na de @ is gereserveerd en ontvangt geen "
                                   "mail")),
)


def normalise_email(email: str) -> str:
    """Validate an address (syntax only, no DNS) and return it lowercased."""
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        reason = next((str(text) for phrase, text in EMAIL_REASONS if phrase in str(exc)),
                      _("schrijf het als naam@organisatie.nl"))
        raise Invalid({"email": _("geen geldig e-mailadres: %(reason)s",
                                  reason=reason)}) from None


def find_user(email: str) -> User | None:
    """The account with this address, ignoring case."""
    return db.session.scalar(select(User).where(func.lower(User.email) == email.lower()))


def check_password_rules(password: str, email: str = "", name: str = "") -> None:
    """Refuse passwords that are too short or too long, that are among the commonest
    passwords, or that contain the site's name or the person's name or address."""
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise Invalid({"password": _("moet %(min)d tot %(max)d tekens lang zijn",
                                     min=MIN_PASSWORD, max=MAX_PASSWORD)})
    refusal = passwords.refusal(password, email, name)
    if refusal == "common":
        raise Invalid({"password": _("dit wachtwoord hoort bij de meest gebruikte "
                                     "wachtwoorden en wordt als eerste geraden: kies er een "
                                     "dat niemand anders bedenkt")})
    if refusal == "site":
        raise Invalid({"password": _("mag de naam van de site (Praktijkbank) niet bevatten: "
                                     "die proberen raders als eerste")})
    if refusal == "person":
        raise Invalid({"password": _("mag je naam of je e-mailadres (of een deel ervan) niet "
                                     "bevatten: die zijn voor anderen makkelijk te raden")})


def _clean_name(name: str | None) -> str:
    """A person's name: 2 to 120 characters."""
    name = (name or "").strip()
    if not 2 <= len(name) <= 120:
        raise Invalid({"name": _("moet 2 tot 120 tekens lang zijn")})
    return name


def validated_account(email: str, name: str, role: str,
                      organisation: str = "") -> tuple[str, str]:
    """Check the fields of an account an admin creates or invites, all at once (the
    organisation only when given); return the normalised email and name (an admin may hear
    that the address is taken; a registering stranger may not)."""
    errors, clean = {}, {}
    fields = [("email", normalise_email, email), ("name", _clean_name, name)]
    if (organisation or "").strip():
        fields.append(("organisation", _clean_organisation, organisation))
    for field, cleaner, value in fields:
        try:
            clean[field] = cleaner(value or "")
        except Invalid as exc:
            errors.update(exc.errors)
    if role not in ROLES:
        errors["role"] = _("kies uit: %(roles)s", roles=", ".join(ROLES))
    if "email" in clean and find_user(clean["email"]) is not None:
        errors["email"] = _("er bestaat al een account met dit e-mailadres")
    if errors:
        raise Invalid(errors)
    return clean["email"], clean["name"]


@unit_of_work
def create_user(actor, email: str, name: str, role: str, password: str,
                organisation: str | None = None) -> User:
    """Create an account with any role (an admin's operation)."""
    perm.require(perm.can_create_user(actor))
    email, name = validated_account(email, name, role)
    check_password_rules(password, email, name)
    user = User(email=email, name=name, role=role, email_confirmed_at=utcnow())
    if organisation:
        user.organisation = find_organisation(organisation)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record("account_created", actor, user, role=role)
    return user


# Checked against when the address is unknown, so both answers take as long.
_DUMMY_HASH = "scrypt:32768:8:1$dummysaltdummys$" + "0" * 128
RESET_SALT = "praktijkbank-password-reset"
INVITE_SALT = "praktijkbank-invitation"
CONFIRM_SALT = "praktijkbank-confirm-address"
DEVICE_SALT = "praktijkbank-trusted-device"
CONFIRM_MAX_AGE = 3 * 24 * 3600


def _clean_organisation(organisation: str | None) -> str:
    """An organisation's name: 2 to 200 characters."""
    organisation = (organisation or "").strip()
    if not 2 <= len(organisation) <= 200:
        raise Invalid({"organisation": _("moet 2 tot 200 tekens lang zijn")})
    return organisation


def set_organisation(user: User, organisation: str) -> None:
    """Link a known organisation by name, or keep the name as typed."""
    organisation = _clean_organisation(organisation)
    known = find_organisation(organisation)
    user.organisation = known
    user.organisation_name = "" if known else organisation


@unit_of_work
def register(email: str, name: str, password: str, organisation: str, link_for) -> None:
    """Open a participant account, to be confirmed through a link mailed to the address.

    Whether the address already has an account shows neither in the answer nor in its
    duration: both take one password hash and hand one mail to the background sender (to
    an existing account: a notice with a reset link). A concurrent registration of the
    same address ends the same way. `link_for(endpoint, token)` makes the mailed links.
    """
    user = User(email=normalise_email(email), name=_clean_name(name), role="participant")
    check_password_rules(password, user.email, user.name)
    set_organisation(user, organisation)
    user.set_password(password)
    existing = find_user(user.email)
    if existing is None:
        try:
            with db.session.begin_nested():  # a savepoint: a concurrent twin loses only this
                db.session.add(user)
        except IntegrityError:
            existing = find_user(user.email)
    # Recorded either way (the same work, so the duration tells nothing either).
    audit.record("registered", subject=existing or user, already=existing is not None)
    if existing is None:
        mail_link(user, "confirmation", link_for("accounts.confirm", _confirm_token(user)))
    elif existing.is_active and existing.email_confirmed_at is None:
        # Not confirmed yet: the link again (the first registration's details stay, so
        # that nobody else's second registration of the address can take the account).
        mail_link(existing, "confirmation-again",
                  link_for("accounts.confirm", _confirm_token(existing)))
    elif existing.is_active:
        mail_link(existing, "already-registered",
                  link_for("accounts.reset_password", password_token(existing)))


def _confirm_token(user: User) -> str:
    """The token of the link that confirms the account's address."""
    return _serializer(CONFIRM_SALT).dumps({"id": user.id, "e": user.email})


@unit_of_work
def confirm_address(token: str) -> User:
    """Confirm an account's address through its mailed link (it may then log in)."""
    try:
        data = _serializer(CONFIRM_SALT).loads(token, max_age=CONFIRM_MAX_AGE)
    except BadData:
        raise Invalid({"token": _("Deze link is verlopen of ongeldig. Registreer opnieuw.")}) \
            from None
    user = db.session.get(User, data.get("id")) if isinstance(data, dict) else None
    if user is None or not user.is_active or user.email != data.get("e"):
        raise Invalid({"token": _("Deze link is verlopen of ongeldig. Registreer opnieuw.")})
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
    return user


def device_token(user: User) -> str:
    """A signed mark for a browser where this account logged in: there, its owner may go
    on logging in while strangers' wrong guesses keep the account closed to others."""
    return _serializer(DEVICE_SALT).dumps({"u": user.id, "n": secrets.token_hex(8)})


def read_device(token: str | None) -> dict | None:
    """The trusted-device mark from a cookie, if it is genuine (a year at most)."""
    if not token:
        return None
    try:
        data = _serializer(DEVICE_SALT).loads(token, max_age=365 * 24 * 3600)
    except BadData:
        return None
    return data if isinstance(data, dict) and "u" in data and "n" in data else None


def _locked_out_message(wait: int) -> str:
    """What someone hears whose account is closed to new browsers for a while."""
    return _("Er is te vaak een verkeerd wachtwoord ingevuld voor dit e-mailadres. Log in "
             "op een apparaat waarop je eerder inlogde, vraag een nieuw wachtwoord aan, of "
             "probeer het over %(wait)s opnieuw.", wait=throttle.wait_text(wait))


@unit_of_work
def _attempt_login(key: str, password: str, address: str, device: dict | None) -> User | None:
    """The account if the password matches. Failures are counted (and committed) for the
    address typed, the client address and a trusted browser; too many from one address
    refuse that address; too many for one account refuse browsers it never used."""
    throttle.check("login-address", address)
    user = find_user(key) if key else None
    if user is not None and user.deleted_at is not None:
        user = None  # a deleted account is nobody's: its login fails as an unknown one's
    trusted = device is not None and user is not None and device["u"] == user.id
    if trusted:
        throttle.check("login-device", device["n"])
    elif throttle.is_limited("login", key):
        wait = throttle.retry_after("login", key)
        raise throttle.TooMany(wait, _locked_out_message(wait))
    if user is None:
        check_password_hash(_DUMMY_HASH, password)  # the same time as a real check
    elif user.check_password(password):
        if user.is_active and user.email_confirmed_at is not None:
            user.last_login_at = utcnow()
        return user
    throttle.count("login", key)
    throttle.count("login-address", address)
    if trusted:
        throttle.count("login-device", device["n"])
    audit.record("login_failed", subject=user, email=key, reason="password")
    return None


class Blocked(Invalid):
    """The password was right, but an administrator blocked the account."""


def authenticate(email: str, password: str, address: str = "",
                 device: dict | None = None) -> User:
    """The account for these credentials; one answer for every kind of failure. TooMany
    when this client or (on an unknown browser) this account tried too often."""
    key = (email or "").strip().lower()[:254]
    try:
        user = _attempt_login(key, password or "", address or "unknown", device)
    except throttle.TooMany:
        audit.record("login_failed", email=key, reason="throttled")
        raise
    if user is None:
        raise Invalid({"password": _("Dit e-mailadres en wachtwoord horen niet bij elkaar.")})
    if not user.is_active or user.email_confirmed_at is None:
        audit.record("login_failed", subject=user, email=key,
                     reason="blocked" if not user.is_active else "unconfirmed")
    if not user.is_active:  # the right password proves who asks, so saying why is safe
        raise Blocked({"email": _("Dit account is geblokkeerd. Neem contact op met de "
                                  "beheerders: %(email)s.",
                                  email=current_app.config["CONTACT_EMAIL"])})
    if user.email_confirmed_at is None:
        raise Invalid({"email": _("Bevestig eerst je e-mailadres met de link die we je "
                                  "mailden. Geen mail gekregen? Vraag via 'Wachtwoord "
                                  "vergeten' een nieuwe link aan.")})
    return user


@unit_of_work
def start_session(user: User, remember: bool = False, renewed: bool = False) -> User:
    """Begin a server-side session for a signed-in account (sets user.login_key); a
    login in the audit log, unless it renews the session of one who is logged in already
    (after a password change)."""
    config = current_app.config
    lifetime = config["REMEMBER_COOKIE_DURATION"] if remember \
        else config["PERMANENT_SESSION_LIFETIME"]
    now, key = utcnow(), secrets.token_urlsafe(32)
    db.session.execute(delete(LoginSession).where(
        LoginSession.user_id == user.id,
        or_(LoginSession.expires_at < now, LoginSession.token != user.session_token)))
    db.session.add(LoginSession(digest=key_digest(key), user_id=user.id,
                                token=user.session_token, expires_at=now + lifetime))
    user.login_key = key
    if not renewed:
        audit.record("login", user, user, remember=bool(remember))
    return user


@unit_of_work
def end_session(user: User) -> None:
    """End this browser's session on the server: a copied cookie no longer works."""
    if user.login_key:
        db.session.execute(delete(LoginSession).where(
            LoginSession.digest == key_digest(user.login_key)))
    audit.record("logout", user, user)


def user_for_session(identity: str) -> User | None:
    """The active account whose unexpired, unrevoked session the cookie names."""
    ident, _sep, key = (identity or "").partition(":")
    number = parse_id(ident)
    if number is None or not key:
        return None
    row = db.session.scalar(select(LoginSession).where(LoginSession.digest == key_digest(key)))
    if row is None or row.user_id != number or row.expires_at <= utcnow():
        return None
    user = db.session.get(User, number)
    if user is None or not user.is_active or not secrets.compare_digest(row.token,
                                                                     user.session_token):
        return None
    user.login_key = key
    return user


@unit_of_work
def update_profile(actor: User, name: str, organisation: str) -> User:
    """Change one's own name and organisation."""
    perm.require(perm.can_update_profile(actor))
    actor.name = _clean_name(name)
    set_organisation(actor, organisation)
    return actor


@unit_of_work
def change_password(actor: User, current: str, new: str) -> User:
    """Set a new password after checking the current one; every session ends (the view
    starts a new one for this browser)."""
    perm.require(perm.can_change_password(actor))
    if not actor.check_password(current or ""):
        raise Invalid({"current_password": _("is niet je huidige wachtwoord")})
    check_password_rules(new or "", actor.email, actor.name)
    actor.set_password(new)
    audit.record("password_changed", actor, actor)
    return actor


@unit_of_work
def log_out_everywhere(actor: User) -> User:
    """End every session of the account, on every device."""
    perm.require(perm.can_log_out_everywhere(actor))
    actor.end_sessions()
    audit.record("logout", actor, actor, everywhere=True)
    return actor


def _serializer(salt: str = RESET_SALT) -> URLSafeTimedSerializer:
    """Signs tokens with the app's secret key, one salt per purpose."""
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _hash_fingerprint(user: User) -> str:
    """Part of the password hash: a token stops working once the password changed."""
    return user.password_hash[-16:]


# What a mailed link to choose a password is for: its salt and the setting of its lifetime.
PASSWORD_LINKS = {"reset": (RESET_SALT, "RESET_TOKEN_MAX_AGE"),
                  "invite": (INVITE_SALT, "INVITE_TOKEN_MAX_AGE")}


def password_token(user: User, kind: str = "reset") -> str:
    """A token for a link to choose a password (a reset, or an admin's invitation): it
    expires with its kind's lifetime and works once (it names the current password)."""
    return _serializer(PASSWORD_LINKS[kind][0]).dumps(
        {"id": user.id, "h": _hash_fingerprint(user)})


@unit_of_work
def request_password_reset(email: str, link_for) -> None:
    """Mail a reset link to the account's address, if there is such an active account.
    The answer and its duration do not tell: the mail goes out in the background."""
    key = (email or "").strip().lower()[:254]
    throttle.check("reset", key)
    throttle.count("reset", key)
    user = find_user(key) if key else None
    audit.record("password_reset_requested", subject=user,
                 email="" if user is not None else key)
    if user is None or not user.is_active:
        return  # the same answer either way: no account enumeration
    mail_link(user, "reset", link_for(password_token(user)))


def _token_refusals(kind: str) -> dict[str, str]:
    """What a refused password link says when it expired, was used, or is not genuine. A
    reset link says one thing for all three; an invitation is told apart (its holder is
    the person it was sent to, and needs to know whom to ask)."""
    if kind == "invite":
        return {
            "expired": _("Deze uitnodiging is verlopen. Vraag de beheerder die je uitnodigde "
                         "om een nieuwe."),
            "used": _("Deze uitnodiging is al gebruikt: je hebt je wachtwoord gekozen. Log in, "
                      "of vraag via 'Wachtwoord vergeten' een nieuw wachtwoord aan."),
            "invalid": _("Deze uitnodigingslink klopt niet. Gebruik de hele link uit de mail, "
                         "of vraag de beheerder om een nieuwe uitnodiging."),
        }
    return dict.fromkeys(("expired", "used", "invalid"),
                         _("Deze link is verlopen of ongeldig. Vraag een nieuwe aan."))


def _user_for_token(token: str, kind: str = "reset") -> User:
    """The account a valid, unexpired, unused password link of the kind belongs to."""
    salt, lifetime = PASSWORD_LINKS[kind]
    refusal = _token_refusals(kind)
    try:
        data = _serializer(salt).loads(token, max_age=current_app.config[lifetime])
    except SignatureExpired:
        raise Invalid({"token": refusal["expired"]}) from None
    except BadData:
        raise Invalid({"token": refusal["invalid"]}) from None
    user = db.session.get(User, data.get("id")) if isinstance(data, dict) else None
    if user is None or not user.is_active:
        raise Invalid({"token": refusal["invalid"]})
    if data.get("h") != _hash_fingerprint(user):
        raise Invalid({"token": refusal["used"]})
    return user


def check_reset_token(token: str, kind: str = "reset") -> User:
    """The account of a password link (a reset or an invitation); Invalid unless the link
    may still be used."""
    return _user_for_token(token, kind)


@unit_of_work
def reset_password_with_token(token: str, password: str, kind: str = "reset") -> User:
    """Set a new password through a reset link or an invitation; the link then stops
    working. Following a mailed link also confirms the address."""
    user = _user_for_token(token, kind)
    check_password_rules(password or "", user.email, user.name)
    user.set_password(password)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
    audit.record("invitation_accepted" if kind == "invite" else "password_reset", user, user)
    return user


def _mails() -> dict[str, tuple[str, str]]:
    """Subject and text (with %(name)s, %(link)s and its lifetime %(valid)s) of each mail an
    account may get."""
    return {
        "reset": (_("Nieuw wachtwoord voor Praktijkbank"), _(
            "Hallo %(name)s,\n\nJe vroeg een nieuw wachtwoord aan voor Praktijkbank. "
            "Kies het via deze link (%(valid)s geldig):\n\n%(link)s\n\n"
            "Vroeg je dit niet aan? Dan kun je dit bericht negeren.")),
        "confirmation": (_("Bevestig je account bij Praktijkbank"), _(
            "Hallo %(name)s,\n\nWelkom bij Praktijkbank! Bevestig je e-mailadres via deze "
            "link (%(valid)s geldig), dan kun je inloggen:\n\n%(link)s\n\n"
            "Heb je geen account aangevraagd? Dan kun je dit bericht negeren.")),
        "confirmation-again": (_("Bevestig je account bij Praktijkbank"), _(
            "Hallo %(name)s,\n\nJe meldde je opnieuw aan bij Praktijkbank, maar je account "
            "wacht nog op bevestiging. Bevestig je e-mailadres via deze link (%(valid)s "
            "geldig):\n\n%(link)s\n\nLog daarna in met het wachtwoord dat je de eerste keer "
            "koos. Weet je dat niet meer? Kies dan via 'Wachtwoord vergeten' een nieuw.\n\n"
            "Heb je je niet aangemeld? Dan kun je dit bericht negeren.")),
        "already-registered": (_("Je hebt al een account bij Praktijkbank"), _(
            "Hallo %(name)s,\n\nIemand probeerde een account bij Praktijkbank te openen met "
            "dit e-mailadres, maar je hebt er al een. Log in met je wachtwoord, of kies een "
            "nieuw wachtwoord via deze link (%(valid)s geldig):\n\n%(link)s\n\n"
            "Was jij dit niet? Dan kun je dit bericht negeren.")),
        "invite": (_("Je bent uitgenodigd voor Praktijkbank"), _(
            "Hallo %(name)s,\n\n%(sender)s nodigt je uit voor Praktijkbank, de kennisbank met "
            "praktijkvoorbeelden van de Alliantie Positieve Gezondheid Zuid-Holland Noord. "
            "Er staat een account voor je klaar met dit e-mailadres. Kies je wachtwoord via "
            "deze link (%(valid)s geldig), dan ben je meteen ingelogd:\n\n%(link)s\n\n"
            "Verwachtte je deze uitnodiging niet? Dan kun je dit bericht negeren.")),
        "admin-reset": (_("Nieuw wachtwoord voor Praktijkbank"), _(
            "Hallo %(name)s,\n\n%(sender)s, beheerder van Praktijkbank, stuurt je een link om "
            "een nieuw wachtwoord te kiezen (%(valid)s geldig). Tot je dat doet, werkt je "
            "huidige wachtwoord gewoon:\n\n%(link)s\n\n"
            "Vroeg je hier niet om? Dan kun je dit bericht negeren.")),
    }


def link_lifetime(kind: str) -> str:
    """How long a mailed link of the kind works, in words ("1 uur", "7 dagen"), from the
    setting its check uses."""
    if kind.startswith("confirmation"):
        return duration(CONFIRM_MAX_AGE)
    setting = PASSWORD_LINKS["invite" if kind == "invite" else "reset"][1]
    return duration(current_app.config[setting])


def mail_link(user: User, kind: str, link: str, sender: str = "") -> None:
    """Mail an account one of its mails with its link (in the background); `sender` names
    the admin who sent an invitation or reset link."""
    subject, text = _mails()[kind]
    values = {"name": user.name, "link": link, "sender": sender or _("Een beheerder"),
              "valid": link_lifetime(kind)}
    send_later(user.email, subject, text % values, f"{kind} mail for account {user.id}")
