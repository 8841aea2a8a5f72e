"""Accounts: validation and password hashing."""
import pytest

from kb.services.accounts import create_user, find_user
from kb.services.errors import Forbidden, Invalid
from kb.services.permissions import SYSTEM
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
