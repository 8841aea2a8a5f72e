"""A leeratelier run in the app, in a real browser: the open leeratelier's invitation and
poster are accessible at phone and desk width, and a participant shares an example from
it into its harvest."""
import re
import subprocess

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import KB
from tests.browser.tools import follow, serious_violations, snapshot

pytestmark = pytest.mark.browser
OPEN = "/leerateliers/achtste-leeratelier-zichtbaar-maken-in-de-wijk"  # open in the demo
PARTICIPANT = ("deelnemer-browser@praktijkbank.example", "buurtkamer-leiden-7")


@pytest.mark.parametrize("width", [390, 1280])
def test_the_open_leeratelier_and_its_poster_are_accessible(live_server, page, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server + OPEN)
    heading = page.get_by_role("heading", name="Deel je voorbeeld van dit leeratelier")
    expect(heading).to_be_visible()
    assert page.get_by_role("img", name="QR-code naar het formulier").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert serious_violations(page) == []
    snapshot(page, f"leeratelier-open-{width}")
    page.get_by_role("link", name="QR-code om te printen of te tonen").click()
    assert page.locator(".poster-url").inner_text().endswith(
        "/voorbeelden/nieuw?leeratelier=achtste-leeratelier-zichtbaar-maken-in-de-wijk")
    assert serious_violations(page) == []
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    snapshot(page, f"leeratelier-poster-{width}")


def test_a_participant_shares_an_example_from_the_leeratelier(live_server, live_env, page):
    subprocess.run([KB, "users", "create", PARTICIPANT[0], "--name", "Noor Visser",
                    "--role", "participant", "--password-stdin"], input=PARTICIPANT[1],
                   env=live_env, check=True, capture_output=True, text=True)
    page.goto(live_server + "/inloggen")
    page.get_by_label("E-mailadres").fill(PARTICIPANT[0])
    page.get_by_label("Wachtwoord").fill(PARTICIPANT[1])
    follow(page.get_by_role("button", name="Inloggen"))
    page.goto(live_server + OPEN)
    page.get_by_role("link", name="Deel je voorbeeld", exact=True).click()
    assert page.get_by_label("Gedeeld in leeratelier").input_value() == \
        "Achtste leeratelier: zichtbaar maken in de wijk"
    expect(page.get_by_label("Samenwerking in de wijk")).to_be_checked()  # its theme
    page.get_by_label("Titel").fill("Bewoners vertellen in de buurtkamer")
    page.get_by_label("Samenvatting").fill("Een avond waarop bewoners zelf vertelden wat de "
                                           "buurtkamer hun bracht.")
    page.get_by_label("Beschrijving").fill("We vroegen bewoners om één verhaal.")
    page.get_by_label("Meedoen").check()
    page.get_by_label("Niveau").select_option("meso")
    page.get_by_label("Setting").select_option("wijk")
    page.get_by_label("Organisatie", exact=True).fill("Libertas Leiden")
    page.get_by_label("Soort organisatie").select_option("welzijn")
    page.get_by_label("Gemeente").fill("Leiden")
    page.get_by_label("Welke leervraag").select_option(
        "Wat vertelden inwoners zelf over wat het hen bracht?")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Indienen voor publicatie").click()
    page.wait_for_url(re.compile("/mijn-voorbeelden"))
    assert page.locator(".my-example", has_text="Bewoners vertellen in de buurtkamer") \
        .locator(".status").first.inner_text() == "ingediend"


@pytest.mark.parametrize("width", [390, 1280])
def test_an_example_page_with_its_forms_for_readers_is_accessible(live_server, live_env, page,
                                                                  width):
    email = f"lezer-{width}@praktijkbank.example"
    subprocess.run([KB, "users", "create", email, "--name", "Lies de Lezer", "--role",
                    "participant", "--organisation", "Reos", "--password-stdin"],
                   input="boekenkast-vol-9", env=live_env, check=True, capture_output=True,
                   text=True)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server + "/inloggen")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill("boekenkast-vol-9")
    follow(page.get_by_role("button", name="Inloggen"))
    page.goto(live_server + "/zoeken?q=weduwnaar")  # a demo example whose author opted in
    page.get_by_role("link", name=re.compile("^Huisbezoek bij een weduwnaar")).click()
    expect(page.get_by_label("Je bericht aan Sanne de Vries")).to_be_visible()
    assert "deelnemer@praktijkbank.example" not in page.content()
    expect(page.get_by_role("button", name="Wij pasten dit ook toe")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert serious_violations(page) == []
