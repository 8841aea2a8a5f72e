"""The pages a public body needs: privacy and accessibility statements, contact and
colophon (replaceable per installation), the footer, sitemap.xml, robots.txt, the favicon,
meta descriptions, Open Graph tags and an example's structured data; consent at
registration and what a blocked account is told."""
import io
import json
import os
import re
import xml.etree.ElementTree as ET

import pytest
from PIL import Image
from sqlalchemy import func, select

from kb.database import db
from kb.models import User
from kb.services import attachments
from kb.services.examples import update_example
from kb.services.taxonomy import get_or_create_leeratelier
from tests import factories
from tests.services.test_attachments import jpeg
from tests.web.test_pages import UNPUBLISHED, page
from tests.webtools import logged_in, login, post_form

SITE_PAGES = {"/privacy": "Privacyverklaring", "/toegankelijkheid": "Toegankelijkheids",
              "/contact": "Contact", "/colofon": "Colofon"}
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
NS = {"s": SITEMAP}


def meta(html: str, key: str) -> str | None:
    """The content of a <meta name=...> or <meta property=...> tag."""
    found = re.search(rf'<meta (?:name|property)="{re.escape(key)}" content="([^"]*)">', html)
    return found.group(1) if found else None


def json_ld(html: str) -> dict | None:
    """The page's schema.org data, parsed."""
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(found.group(1)) if found else None


@pytest.mark.parametrize("path", SITE_PAGES)
def test_each_site_page_shows_its_text_with_the_contact_address(app, client, path):
    app.config.update(CONTACT_EMAIL="praktijkbank@gemeente.example",
                      OWNER_NAME="Gemeente Voorbeeldstad")
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    heading = re.search(r"<h1>([^<]+)</h1>", html).group(1).replace("\u00ad", "")
    assert heading.startswith(SITE_PAGES[path])
    assert f"<title>{heading} · Praktijkbank</title>" in html
    assert 'href="mailto:praktijkbank@gemeente.example"' in html
    assert "{{" not in html and "Gemeente Voorbeeldstad" in html
    assert meta(html, "description") and meta(html, "og:title") == heading
    # Every page's footer links them all.
    for other in SITE_PAGES:
        assert f'href="{other}"' in html


def test_the_privacy_statement_covers_data_purposes_retention_and_rights(client):
    html = page(client, "/privacy")
    for text in ("e-mailadres", "organisatie", "IP-adres", "logboek", "Meldingen",
                 "Berichten", "Hoe lang we je gegevens bewaren", "Inzage", "Correctie",
                 "Verwijdering", "bezwaar", "Autoriteit Persoonsgegevens"):
        assert text in html, text


def test_the_accessibility_statement_follows_the_dutch_model(client):
    html = page(client, "/toegankelijkheid")
    for text in ("EN 301 549", "WCAG", "2.1", "Nalevingsstatus", "Hoe we dit hebben onderzocht",
                 "Wat we nog niet goed doen", "Nationale ombudsman",
                 "Deze verklaring is opgesteld op"):
        assert text in html, text


def test_an_installation_replaces_a_text_in_its_instance_folder(app, client):
    pages = app.instance_path + "/pages"
    os.makedirs(pages)
    with open(pages + "/privacy.md", "w", encoding="utf-8") as handle:
        handle.write("# Onze privacyregels\n\nWij bewaren niets langer dan nodig. Mail "
                     "{{ contact_email }}.\n\n<script>alert(1)</script>\n")
    html = page(client, "/privacy")
    assert "<h1>Onze privacyregels</h1>" in html and "Privacyverklaring</h1>" not in html
    assert "Wij bewaren niets langer dan nodig. Mail contact@praktijkbank.example." in html
    assert "<script>alert" not in html  # the project's sanitising Markdown
    assert meta(html, "description").startswith("Wij bewaren niets langer dan nodig.")
    # An English visitor gets the installation's own (Dutch) text, not the shipped English.
    client.set_cookie("lang", "en")
    english = page(client, "/privacy")
    assert "Onze privacyregels" in english and 'lang="nl"' in english
    assert "Accessibility statement" in page(client, "/toegankelijkheid")  # shipped English


def test_an_unreadable_replacement_falls_back_to_the_shipped_text(app, client):
    os.makedirs(app.instance_path + "/pages")
    with open(app.instance_path + "/pages/contact.md", "wb") as handle:
        handle.write(b"# Kapot \xff\xfe\n")
    assert "<h1>Contact</h1>" in page(client, "/contact")


def _sitemap(client, path="/sitemap.xml") -> ET.Element:
    """The parsed sitemap (it must be well-formed XML)."""
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "application/xml"
    return ET.fromstring(response.data)


def test_the_sitemap_lists_public_pages_and_only_published_examples(client):
    published = factories.example(title="Gepubliceerd voorbeeld voor de sitemap")
    hidden = [factories.example(status, organisation="Stichting Alleen Concept",
                                title=f"Niet openbaar {status}") for status in UNPUBLISHED]
    get_or_create_leeratelier("Leeratelier zonder voorbeelden")
    db.session.commit()
    root = _sitemap(client)
    assert root.tag == f"{{{SITEMAP}}}urlset"
    urls = [loc.text for loc in root.findall("s:url/s:loc", NS)]
    assert all(url.startswith("http://localhost/") for url in urls)
    for path in ("/", "/zoeken", "/organisaties", "/leerateliers", "/over", *SITE_PAGES):
        assert "http://localhost" + path in urls, path
    example_url = (f"http://localhost/voorbeelden/{published.id}/"
                   "gepubliceerd-voorbeeld-voor-de-sitemap")
    assert example_url in urls
    assert "http://localhost/organisaties/participe" in urls
    assert not any("stichting-alleen-concept" in url or "leeratelier-zonder" in url
                   for url in urls)
    for item in hidden:
        assert not any(f"/voorbeelden/{item.id}/" in url for url in urls)
    entry = next(node for node in root.findall("s:url", NS)
                 if node.find("s:loc", NS).text == example_url)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00",
                        entry.find("s:lastmod", NS).text)


def test_a_large_sitemap_becomes_an_index_of_parts(app, client):
    examples = [factories.example() for _ in range(3)]
    app.config["SITEMAP_URLS"] = 5
    index = _sitemap(client)
    assert index.tag == f"{{{SITEMAP}}}sitemapindex"
    parts = [loc.text for loc in index.findall("s:sitemap/s:loc", NS)]
    assert parts[0] == "http://localhost/sitemap-1.xml"
    urls = []
    for part in parts:
        found = [loc.text for loc in _sitemap(client, part[len("http://localhost"):])
                 .findall("s:url/s:loc", NS)]
        assert 0 < len(found) <= 5
        urls += found
    assert len(urls) == len(set(urls))
    assert all(any(f"/voorbeelden/{item.id}/" in url for url in urls) for item in examples)
    assert client.get(f"/sitemap-{len(parts) + 1}.xml").status_code == 404
    app.config["SITEMAP_URLS"] = 50_000
    assert client.get("/sitemap-1.xml").status_code == 404  # one file is enough again


def test_robots_keep_crawlers_out_of_personal_and_moderation_pages(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    lines = response.get_data(as_text=True).splitlines()
    assert "User-agent: *" in lines and "Allow: /" in lines
    for path in ("/account", "/moderatie", "/beheer", "/mijn-voorbeelden", "/inloggen",
                 "/voorbeelden/nieuw", "/api/"):
        assert f"Disallow: {path}" in lines, path
    assert "Disallow: /voorbeelden/" not in lines and "Disallow: /organisaties" not in lines
    assert "Sitemap: http://localhost/sitemap.xml" in lines


def test_the_favicon_is_a_real_icon_and_every_page_links_it(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response.mimetype == "image/vnd.microsoft.icon"
    icon = Image.open(io.BytesIO(response.data))
    assert icon.format == "ICO" and (32, 32) in icon.info["sizes"]
    html = page(client, "/")
    assert '<link rel="icon" href="/favicon.ico"' in html
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
    assert client.get("/static/favicon.svg").status_code == 200


def test_an_example_page_describes_itself_for_search_engines_and_shared_links(client):
    moderator = factories.user("moderator")
    example = factories.example(
        title="Koken </script><script>alert(1)</script> in de buurt",
        summary="Buurtbewoners koken \"samen\" & eten samen.", themes=["mantelzorg"],
        municipality="Katwijk", organisation="Kwadraad")
    photo = attachments.add_attachment(moderator, example.id, "tafel.jpg", jpeg(),
                                       alt="Bewoners aan tafel")
    html = page(client, f"/voorbeelden/{example.id}")
    assert meta(html, "description") == "Buurtbewoners koken &#34;samen&#34; &amp; eten samen."
    assert meta(html, "og:type") == "article"
    assert meta(html, "og:url").startswith(f"http://localhost/voorbeelden/{example.id}/")
    assert meta(html, "og:image") == f"http://localhost/bijlagen/{photo.id}"
    assert meta(html, "og:image:alt") == "Bewoners aan tafel"
    assert html.count("</script>") == html.count("<script")  # no tag closed by the title
    data = json_ld(html)
    assert data["@context"] == "https://schema.org" and data["@type"] == "Article"
    assert data["name"] == example.title and data["inLanguage"] == "nl"
    assert data["description"] == example.summary
    assert data["author"] == {"@type": "Organization", "name": "Kwadraad",
                              "url": "http://localhost/organisaties/kwadraad"}
    assert "Mantelzorg" in data["keywords"]
    assert data["spatialCoverage"]["name"] == "Katwijk"
    assert data["datePublished"] <= data["dateModified"]
    assert data["image"] == f"http://localhost/bijlagen/{photo.id}"


def test_unpublished_examples_give_nothing_to_crawlers(client):
    author = logged_in(client)
    draft = factories.example("draft", author=author, title="Geheim concept over koken")
    html = page(client, f"/voorbeelden/{draft.id}")  # the author may look at it
    assert json_ld(html) is None and meta(html, "og:image") is None
    assert meta(html, "robots") == "noindex"
    # A published example's pending edit stays out of the data until it is approved.
    published = factories.example(author=author, title="Gepubliceerde titel")
    update_example(author, published.id, factories.record(
        title="Nog niet goedgekeurde titel", ref=published.ref))
    client.post("/uitloggen")
    client.delete_cookie("session")
    html = page(client, f"/voorbeelden/{published.id}")
    assert json_ld(html)["name"] == "Gepubliceerde titel"
    assert "Nog niet goedgekeurde titel" not in html
    assert client.get(f"/voorbeelden/{draft.id}").status_code == 404


def test_list_pages_have_descriptions_from_their_content(client):
    factories.example(themes=["mantelzorg"], organisation="Kwadraad")
    assert meta(page(client, "/zoeken?theme=mantelzorg"), "description").startswith(
        "1 praktijkvoorbeeld: Mantelzorg.")
    assert meta(page(client, "/zoeken?q=wandelgroep"), "description").startswith(
        "1 praktijkvoorbeeld voor “wandelgroep”.")
    assert meta(page(client, "/organisaties/kwadraad"), "description").startswith(
        "Kwadraad (Welzijnsorganisatie): 1 praktijkvoorbeeld")
    assert meta(page(client, "/"), "description").startswith("Praktijkbank verzamelt")
    assert meta(page(client, "/"), "og:url") == "http://localhost/"


def test_registration_asks_consent_and_links_the_privacy_statement(client):
    form = page(client, "/registreren")
    assert 'href="/privacy"' in form and 'name="consent"' in form
    response = post_form(client, "/registreren", {
        "name": "Sanne de Vries", "email": "sanne@voorbeeld.nl",
        "password": "een-lang-wachtwoord", "organisation": "Kwadraad"}, page="/registreren")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert re.search(r'<p class="error" id="consent-error">Vink dit aan om een account te '
                     r"maken", html)
    assert 'aria-invalid="true"' in html
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_a_blocked_account_is_told_whom_to_contact(app, client):
    app.config["CONTACT_EMAIL"] = "beheer@gemeente.example"
    account = factories.user()
    account.active = False
    db.session.commit()
    response = login(client, account.email)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Dit account is geblokkeerd." in html
    assert 'href="mailto:beheer@gemeente.example"' in html and 'href="/contact"' in html
    assert client.get("/account").status_code == 302
    # A wrong password still says nothing about the account.
    wrong = login(client, account.email, "niet-het-wachtwoord").get_data(as_text=True)
    assert "geblokkeerd" not in wrong
