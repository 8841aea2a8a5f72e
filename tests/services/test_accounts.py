"""Accounts: validation, password hashing, registration, logging in and password changes."""
import pytest

from kb.services import accounts
from kb.services.accounts import authenticate, change_password, create_user, find_user, register
from kb.services.errors import Forbidden, Invalid
from kb.services.permissions import SYSTEM
from kb.services.throttle import TooMany
from tests import factories


def test_password_is_stored_hashed(app):
    user = create_user(SYSTEM, "Anna@Praktijkbank.example", "Anna", "participant",
                       "lang-genoeg-wachtwoord")
    assert user.email == "anna@praktijkbank.example"
    assert "lang-genoeg" not in user.password_hash and user.password_hash.startswith("scrypt:")
    assert user.check_password("lang-genoeg-wachtwoord")
    assert not user.check_password("verkeerd-wachtwoord")


@pytest.mark.parametrize("email, name, role, password, field", [
    ("geen-adres", "Anna", "participant", "lang-genoeg-wachtwoord", "email"),
    ("a@praktijkbank.example", "A", "participant", "lang-genoeg-wachtwoord", "name"),
    ("a@praktijkbank.example", "Anna", "koning", "lang-genoeg-wachtwoord", "role"),
    ("a@praktijkbank.example", "Anna", "participant", "kort", "password"),
])
def test_bad_account_fields_are_named(app, email, name, role, password, field):
    with pytest.raises(Invalid) as info:
        create_user(SYSTEM, email, name, role, password)
    assert field in info.value.errors
    assert find_user("a@praktijkbank.example") is None


@pytest.mark.parametrize("email, reason", [
    ("geen-adres", "er staat geen @ in"),
    ("@zorg.nl", "er staat niets voor de @"),
    ("anna@", "er staat niets na de @"),
    ("anna de vries@zorg.nl", "een teken in dat niet in een adres mag"),
    ("anna@@zorg.nl", "een teken in dat niet in een adres mag"),
    ("anna@zorg", "na de @ hoort een domein met een punt"),
    ("anna@zorg..nl", "een punt mag niet"),
    ("anna@" + "z" * 300 + ".nl", "het adres is te lang"),
    ("anna@zorg.invalid", "gereserveerd"),
])
def test_a_refused_address_is_explained_in_dutch(app, email, reason):
    with app.test_request_context(), pytest.raises(Invalid) as info:
        accounts.normalise_email(email)
    message = info.value.errors["email"]
    assert message.startswith("geen geldig e-mailadres: ") and reason in message


def test_email_is_unique_ignoring_case(app):
    factories.user(email="dubbel@praktijkbank.example")
    with pytest.raises(Invalid) as info:
        factories.user(email="DUBBEL@praktijkbank.example")
    assert "email" in info.value.errors


def test_only_admins_create_accounts(app):
    participant = factories.user()
    with pytest.raises(Forbidden):
        create_user(participant, "b@praktijkbank.example", "Bert", "admin",
                    "lang-genoeg-wachtwoord")


def _registered(email: str, organisation: str):
    """Register an account (links go nowhere) and return it."""
    register(email, "Anna", "een-lang-wachtwoord", organisation, lambda endpoint, token: "")
    return find_user(email)


def test_register_links_a_known_organisation_and_keeps_another_name(app):
    known = _registered("a@voorbeeld.nl", " kwadraad ")
    other = _registered("b@voorbeeld.nl", "Buurtkerk De Ark")
    assert (known.organisation.name, known.organisation_name) == ("Kwadraad", "")
    assert (other.organisation, other.organisation_label) == (None, "Buurtkerk De Ark")
    assert known.role == other.role == "participant"


def test_authenticate_gives_one_answer_for_unknown_and_wrong(app):
    account = factories.user()
    answers = []
    for email, password in ((account.email, "verkeerd-wachtwoord"),
                            ("onbekend@voorbeeld.nl", "verkeerd-wachtwoord")):
        with pytest.raises(Invalid) as exc:
            authenticate(email, password)
        answers.append(exc.value.errors)
    assert answers[0] == answers[1]
    assert authenticate(account.email.upper(), factories.PASSWORD) == account
    assert account.last_login_at is not None


def test_failed_logins_are_counted_even_though_the_login_fails(app):
    app.config["ACCOUNT_LIMITS"] = {**app.config["ACCOUNT_LIMITS"], "login": (2, 900)}
    account = factories.user()
    for _ in range(2):
        with pytest.raises(Invalid):
            authenticate(account.email, "verkeerd-wachtwoord")
    with pytest.raises(TooMany):
        authenticate(account.email, factories.PASSWORD)


def test_change_password_rotates_the_session_token(app):
    account = factories.user()
    token = account.session_token
    with pytest.raises(Invalid) as exc:
        change_password(account, "fout", "nieuw-wachtwoord-1")
    assert "current_password" in exc.value.errors
    assert account.session_token == token
    change_password(account, factories.PASSWORD, "nieuw-wachtwoord-1")
    assert account.session_token != token
    assert account.check_password("nieuw-wachtwoord-1")
