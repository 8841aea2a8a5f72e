"""The password policy: the commonest passwords, the site's name and one's own name or
address are refused wherever a password is chosen, each with its reason."""
import pytest

from kb.services import accounts, passwords, users
from kb.services.errors import Invalid
from kb.services.permissions import SYSTEM
from tests import factories
from tests.dbtools import refused

COMMON = "dit wachtwoord hoort bij de meest gebruikte"
SITE = "mag de naam van de site (Praktijkbank) niet bevatten"
PERSON = "mag je naam of je e-mailadres (of een deel ervan) niet bevatten"


@pytest.mark.parametrize("password, reason", [
    ("1234567890", COMMON), ("Password123", COMMON), ("qwertyuiop", COMMON),
    ("wachtwoord", COMMON), ("welkom2026!!", COMMON), ("!!Sunshine99", COMMON),
    ("mijn-praktijkbank", SITE), ("PRAKTIJKBANK-2026", SITE),
    ("ik-ben-Annemarie", PERSON), ("dijkstra-4ever", PERSON), ("a.dijkstra-thuis", PERSON),
])
def test_each_refusal_says_why(app, password, reason):
    with pytest.raises(Invalid) as info:
        accounts.create_user(SYSTEM, "a.dijkstra@zorg.example", "Annemarie de Wit",
                             "participant", password)
    assert reason in info.value.errors["password"]


@pytest.mark.parametrize("password", ["geheim-wachtwoord", "fiets-langs-de-rijn",
                                      "Annie-gaat-zeilen", "zorg-en-welzijn-24"])
def test_good_passwords_pass(app, password):
    # Parts shorter than 4 characters ("de", "wit") and the address's domain may occur.
    accounts.create_user(SYSTEM, "a.dijkstra@zorg.example", "Annemarie de Wit", "participant",
                         password)


def test_personal_parts_are_the_longer_words_of_name_and_address():
    assert passwords.personal_parts("jan.de.vries77@x.nl", "Jan de Vries") == \
        {"jan.de.vries77", "vries"}
    assert passwords.personal_parts("", "") == set()


def test_the_list_is_the_long_one():
    assert len(passwords.common_passwords()) > 20_000


def test_every_way_of_choosing_a_password_applies_the_policy(app):
    member = factories.user(email="sanne.visser@zorg.example")
    refused(Invalid, accounts.register, "kees.bakker@zorg.example", "Kees Bakker",
            "bakker-de-kees", "Kwadraad", lambda *a: "", field="password")
    refused(Invalid, accounts.change_password, member, factories.PASSWORD, "visser-sanne-1",
            field="password")
    refused(Invalid, accounts.reset_password_with_token, accounts.password_token(member),
            "iloveyou123", field="password")
    invited = users.invite_user(SYSTEM, "gast@zorg.example", "Gerrit Gast", "participant", "",
                                lambda *a: "")
    refused(Invalid, accounts.reset_password_with_token,
            accounts.password_token(invited, "invite"), "gerrit-2026-x", "invite",
            field="password")
