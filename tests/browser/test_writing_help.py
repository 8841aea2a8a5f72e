"""Help while writing, in a real browser: "lijkt op…" offers published examples like the
title and summary being typed; the text is saved as one types and on leaving the page; a
session that expires loses nothing: after logging in again the text is back."""
import re
import subprocess

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import KB
from tests.browser.tools import follow, serious_violations, snapshot

pytestmark = pytest.mark.browser
WRITER = ("schrijver-browser@praktijkbank.example", "wandelen-in-leiden-3")
SAVED = re.compile(r"Concept opgeslagen om \d\d:\d\d")


def create_writer(env: dict, email: str) -> None:
    """A participant on the live server's instance."""
    subprocess.run([KB, "users", "create", email, "--name", "Sam Schrijver", "--role",
                    "participant", "--organisation", "Libertas Leiden", "--password-stdin"],
                   input=WRITER[1], env=env, check=True, capture_output=True, text=True)


def log_in(page, base: str, email: str) -> None:
    """Through the login form, from wherever the page is."""
    if "/inloggen" not in page.url:
        page.goto(base + "/inloggen")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(WRITER[1])
    follow(page.get_by_role("button", name="Inloggen"))


def status(page):
    """The form's autosave status line."""
    return page.locator("#autosave-status")


def test_similar_examples_show_while_typing(live_server, live_env, page):
    email = "lijkt-op-" + WRITER[0]
    create_writer(live_env, email)
    log_in(page, live_server, email)
    page.goto(live_server + "/voorbeelden/nieuw")
    page.get_by_label("Titel").fill("Wandelgroep voor ouderen")
    page.get_by_label("Samenvatting").fill("Wekelijks wandelen met ouderen die weinig "
                                           "buitenkomen, met vrijwilligers uit de wijk.")
    similar = page.locator("#similar")
    similar.get_by_role("link").first.wait_for()
    titles = similar.get_by_role("link").all_inner_texts()
    assert 1 <= len(titles) <= 5 and any("wandel" in title.lower() for title in titles)
    assert similar.get_by_role("link").first.get_attribute("target") == "_blank"
    assert serious_violations(page) == []
    snapshot(page, "writing-similar")


def test_an_expired_session_loses_no_text(live_server, live_env, browser, page):
    create_writer(live_env, WRITER[0])
    log_in(page, live_server, WRITER[0])
    page.goto(live_server + "/voorbeelden/nieuw")
    page.get_by_label("Titel").fill("Buurtwandeling met de wijkverpleegkundige")
    page.get_by_label("Beschrijving").fill("Eerste alinea, door de server bewaard.")
    page.get_by_text(SAVED).wait_for(timeout=15_000)

    page.context.clear_cookies()  # the session has expired
    page.get_by_label("Beschrijving").press_sequentially(" Tweede alinea, na het verlopen.")
    page.get_by_text("Je bent niet meer ingelogd").wait_for(timeout=15_000)
    snapshot(page, "writing-expired")
    follow(status(page).get_by_role("link", name="Opnieuw inloggen"))
    log_in(page, live_server, WRITER[0])
    page.wait_for_url(re.compile("/voorbeelden/nieuw"))
    body = page.get_by_label("Beschrijving")
    assert body.input_value() == ("Eerste alinea, door de server bewaard. Tweede alinea, "
                                  "na het verlopen.")
    assert page.get_by_label("Titel").input_value() == \
        "Buurtwandeling met de wijkverpleegkundige"
    page.get_by_text(SAVED).wait_for(timeout=15_000)  # and the server has it now

    # Another browser (no copy kept there) opens the form with the server's text.
    other = browser.new_context(locale="nl-NL").new_page()
    log_in(other, live_server, WRITER[0])
    other.goto(live_server + "/voorbeelden/nieuw")
    assert other.get_by_label("Beschrijving").input_value().endswith("na het verlopen.")
    expect(other.get_by_text("is teruggezet: die was nog niet bewaard")).to_be_visible()
    other.context.close()


def test_leaving_the_page_saves_what_was_typed(live_server, live_env, browser, page):
    email = "weg-" + WRITER[0]
    create_writer(live_env, email)
    log_in(page, live_server, email)
    page.goto(live_server + "/voorbeelden/nieuw")
    page.get_by_label("Titel").fill("Voorleesochtend in de bibliotheek")
    page.goto(live_server + "/zoeken")  # at once: before the few seconds have passed
    other = browser.new_context(locale="nl-NL").new_page()
    log_in(other, live_server, email)
    other.goto(live_server + "/voorbeelden/nieuw")
    assert other.get_by_label("Titel").input_value() == "Voorleesochtend in de bibliotheek"
    # Thrown away while typing on: the form opens empty again.
    other.get_by_label("Samenvatting").fill("Elke zaterdag lezen vrijwilligers voor aan "
                                            "kinderen en hun ouders.")
    other.get_by_role("button", name="Niet-bewaarde tekst weggooien").click()
    assert other.get_by_label("Titel").input_value() == ""
    expect(other.get_by_text("is weggegooid")).to_be_visible()
    other.context.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_the_mail_choices_on_the_account_page(live_server, live_env, page, width):
    email = f"keuzes-{width}-" + WRITER[0]
    create_writer(live_env, email)
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, email)
    page.goto(live_server + "/account")
    choice = page.get_by_label("een andere organisatie heeft mijn voorbeeld ook toegepast")
    expect(choice).to_be_checked()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert serious_violations(page) == []
    choice.uncheck()
    page.get_by_role("button", name="Keuzes bewaren").click()
    expect(page.get_by_text("Je keuzes voor mail zijn bewaard.")).to_be_visible()
    assert not page.get_by_label("een andere organisatie heeft mijn voorbeeld ook "
                                 "toegepast").is_checked()
    snapshot(page, f"account-mail-{width}")
