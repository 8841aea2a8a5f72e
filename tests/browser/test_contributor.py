"""A participant shares an example and a moderator publishes it, in a real browser."""
import re
import subprocess

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import KB
from tests.browser.tools import account_menu, follow, second_step, serious_violations, snapshot

pytestmark = pytest.mark.browser

TITLE = "Geldcafé in de bibliotheek van Katwijk"
MODERATOR = ("moderator-browser@praktijkbank.example", "fietspad-langs-de-rijn-123")


def create_moderator(env: dict) -> None:
    """A moderator account on the live server's instance, through the CLI."""
    subprocess.run([KB, "users", "create", MODERATOR[0], "--name", "Mo de Moderator",
                    "--role", "moderator", "--password-stdin"], input=MODERATOR[1],
                   env=env, check=True, capture_output=True, text=True)


def write_example(page) -> None:
    """Fill in the new example form like a participant would, with a preview first."""
    page.get_by_role("link", name="Nieuw voorbeeld").click()
    page.get_by_label("Titel").fill(TITLE)
    page.get_by_label("Samenvatting").fill("Elke dinsdag een open inloop over geldzaken, "
                                           "samen met de schuldhulp van de gemeente.")
    page.get_by_label("Beschrijving").fill("## Aanleiding\n\nMensen met **geldzorgen** "
                                           "kwamen niet naar het loket.")
    page.get_by_label("Meedoen").check()
    page.get_by_label("Armoede en schulden").check()
    page.get_by_label("Niveau").select_option("micro")
    page.get_by_label("Setting").select_option("wijk")
    page.get_by_label("Gemeente").fill("Katwijk")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Voorbeeldweergave").click()
    preview = page.locator(".preview")
    assert preview.locator("strong").inner_text() == "geldzorgen"
    snapshot(page, "contribute-preview")
    page.get_by_role("button", name="Indienen voor publicatie").click()


def test_participant_submits_and_moderator_publishes(live_server, live_env, live_inbox, page):
    page.goto(live_server + "/registreren")
    page.get_by_label("Naam").fill("Ilse Bakker")
    page.get_by_label("Organisatie").fill("Kwadraad")
    page.get_by_label("E-mailadres").fill("ilse@voorbeeld.nl")
    page.get_by_label("Wachtwoord").fill("geldcafe-katwijk")
    page.get_by_label("Ik heb de privacyverklaring gelezen").check()
    assert serious_violations(page) == []
    page.get_by_role("button", name="Account aanmaken").click()
    expect(page.get_by_role("heading", name="Bekijk je e-mail")).to_be_visible()
    page.goto(live_server + live_inbox.link("ilse@voorbeeld.nl", "/registreren/bevestigen/"))
    expect(page.locator("body")).to_contain_text("Je e-mailadres is bevestigd")
    write_example(page)
    page.wait_for_url(re.compile("/mijn-voorbeelden"))
    assert page.locator(".my-example", has_text=TITLE).locator(".status").first.inner_text() \
        == "ingediend"
    assert serious_violations(page) == []
    snapshot(page, "contribute-mine")
    account_menu(page).get_by_role("button", name="Uitloggen").click()

    create_moderator(live_env)
    page.goto(live_server + "/inloggen")
    page.get_by_label("E-mailadres").fill(MODERATOR[0])
    page.get_by_label("Wachtwoord").fill(MODERATOR[1])
    follow(page.get_by_role("button", name="Inloggen"))
    second_step(page, MODERATOR[0])  # a new moderator enrols a second factor first
    follow(account_menu(page).get_by_role("link", name="Moderatie"))
    assert serious_violations(page) == []
    snapshot(page, "moderation-queue")
    page.get_by_role("link", name=TITLE).click()
    page.get_by_label("Publiceren").check()
    assert serious_violations(page) == []
    follow(page.get_by_role("button", name="Besluit vastleggen"))

    page.goto(live_server + "/zoeken?q=geldcafe")
    expect(page.locator(".results").get_by_role("link", name=TITLE)).to_be_visible()


ADMIN = ("admin-browser@praktijkbank.example", "zeilboot-op-het-meer-1234")


def log_in_as_admin(page, live_server: str, env: dict) -> None:
    """An admin account on the live instance (made once), logged in on the page."""
    subprocess.run([KB, "users", "create", ADMIN[0], "--name", "Ada Beheer", "--role", "admin",
                    "--password-stdin"], input=ADMIN[1], env=env, check=False,
                   capture_output=True, text=True)  # exits 1 when it already exists
    page.goto(live_server + "/inloggen")
    page.get_by_label("E-mailadres").fill(ADMIN[0])
    page.get_by_label("Wachtwoord").fill(ADMIN[1])
    follow(page.get_by_role("button", name="Inloggen"))
    second_step(page, ADMIN[0])
    page.wait_for_url(live_server + "/")
