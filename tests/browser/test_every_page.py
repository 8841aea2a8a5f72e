"""Every page, for a visitor and for each role: valid HTML by the Nu Html Checker, one h1, no
serious axe violation at desk and phone width, a header of one row, and nothing wider than a
phone's screen."""
import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.browser.conftest import KB
from tests.browser.tools import follow, second_step, serious_violations, snapshot

PASSWORD = "Fietsbel-check-2026"
VNU_JAR = Path(os.environ.get("KB_VNU_JAR", Path(__file__).parents[2] / "build" / "vnu.jar"))
WIDTHS = (1280, 390)
HEADER_HEIGHT = 90

# A page is a path, or a path and the first link on it to follow (ids differ per demo run).
PAGES = {
    "visitor": ["/", "/zoeken?q=eenzaamheid+ouderen", "/zoeken?q=qwxzv",
                "/zoeken?q=mantelzorg&theme=eenzaamheid", "/voorbeelden",
                ("/voorbeelden", "main a[href^='/voorbeelden/']"), "/organisaties",
                ("/organisaties", "main a[href^='/organisaties/']"), "/leerateliers",
                ("/leerateliers", "main a[href^='/leerateliers/']"), "/over", "/kaart",
                "/inzicht", "/inloggen", "/registreren", "/wachtwoord-vergeten",
                "/bestaat-niet", "/privacy", "/toegankelijkheid", "/contact", "/colofon"],
    "participant": ["/account", "/account/tweestaps", "/mijn-voorbeelden",
                    "/voorbeelden/nieuw", "/bewaard", "/zoekopdrachten"],
    "moderator": ["/moderatie", ("/moderatie", "main a[href^='/moderatie/voorbeelden/']"),
                  "/moderatie/hercontrole", "/moderatie/voorbeelden",
                  ("/moderatie/voorbeelden", "main a[href*='/archiveren']"),
                  "/leerateliers/nieuw", "/beheer/",
                  "/beheer/taxonomie", ("/beheer/taxonomie", "main a[href^='/beheer/taxonomie/']"),
                  "/beheer/organisaties",
                  ("/beheer/organisaties", "main a[href^='/beheer/organisaties/']"),
                  "/beheer/synoniemen"],
    "admin": ["/account/tweestaps", "/beheer/gebruikers", "/beheer/gebruikers/uitnodigen",
              ("/beheer/gebruikers", "main td a[href^='/beheer/gebruikers/']"),
              "/beheer/audit", "/beheer/audit?kind=nope&start=2026-13-01"],
}


def create_account(env: dict, role: str) -> str:
    """An account of the role on the live server's instance; returns its address."""
    email = f"pagina-{role}@praktijkbank.example"
    subprocess.run([KB, "users", "create", email, "--name", f"Pagina {role}", "--role", role,
                    "--organisation", "Libertas Leiden", "--password-stdin"],
                   input=PASSWORD, env=env, check=True, capture_output=True, text=True)
    return email


def log_in(page, base: str, email: str) -> None:
    """Through the login form."""
    page.goto(base + "/inloggen")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    follow(page.get_by_role("button", name="Inloggen"))
    second_step(page, email)


def open_page(page, base: str, entry) -> str:
    """Go to a page of the list; returns its path."""
    path, link = (entry, None) if isinstance(entry, str) else entry
    page.goto(base + path)
    if link:
        href = page.locator(link).first.get_attribute("href")
        assert href, f"no link {link} on {path}"
        page.goto(base + href)
    return page.url.removeprefix(base)


def html_errors(files: dict[str, Path]) -> list[str]:
    """The checker's errors per page, as 'path: line: message'."""
    done = subprocess.run(["java", "-jar", str(VNU_JAR), "--format", "json", "--errors-only",
                           *map(str, files.values())], capture_output=True, text=True)
    paths = {f"file:{file}": path for path, file in files.items()}
    return [f"{paths.get(message.get('url'), message.get('url'))}: {message.get('lastLine')}: "
            f"{message['message']}" for message in json.loads(done.stderr)["messages"]]


@pytest.mark.parametrize("role", list(PAGES))
def test_every_page_is_valid_accessible_and_fits_a_phone(live_server, live_env, page, role,
                                                         tmp_path):
    if not VNU_JAR.exists():
        pytest.skip(f"{VNU_JAR} is missing: `make test` fetches the HTML checker")
    if role != "visitor":
        log_in(page, live_server, create_account(live_env, role))
    problems, files = [], {}
    for number, entry in enumerate(PAGES[role]):
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        path = open_page(page, live_server, entry)
        if page.locator("h1").count() != 1:
            problems.append(f"{path}: {page.locator('h1').count()} h1 headings")
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            problems += [f"{path} at {width} px: {v}" for v in serious_violations(page)]
            header = page.locator(".site-header").bounding_box()["height"]
            if header > HEADER_HEIGHT:  # one row at a desk; the name and Menu on a phone
                problems.append(f"{path} at {width} px: the header is {header:.0f} px high")
            snapshot(page, f"{role}-{number}-{width}")
        if (wide := page.evaluate("document.documentElement.scrollWidth")) > WIDTHS[-1]:
            problems.append(f"{path}: {wide} px wide on a {WIDTHS[-1]} px screen")
        source = page.context.request.get(live_server + path)  # as served, with the cookies
        files[path] = tmp_path / f"page-{number}.html"
        files[path].write_bytes(source.body())
    problems += html_errors(files)
    assert not problems, "\n".join(problems)
