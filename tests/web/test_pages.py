"""Public pages through the test client: content, visibility, errors, language, headers."""
import pytest

from kb.database import db
from kb.models import Leeratelier
from kb.services.taxonomy import get_or_create_leeratelier
from tests import factories
from tests.webtools import logged_in

UNPUBLISHED = ["draft", "submitted", "changes_requested", "rejected", "archived"]


def page(client, url, status=200) -> str:
    """GET a page, check its status, return its text."""
    response = client.get(url, follow_redirects=True)
    assert response.status_code == status, url
    return response.get_data(as_text=True)


def test_home_speaks_dutch_and_counts_by_facet(client):
    factories.example(themes=["mantelzorg"], organisation_type="welzijn")
    factories.example(themes=["mantelzorg", "dementie"])
    html = page(client, "/")
    assert '<html lang="nl">' in html
    assert "Leren van elkaars praktijk" in html
    assert "2 gepubliceerde voorbeelden" in html
    assert 'href="/zoeken?theme=mantelzorg">Mantelzorg</a> <span class="badge" ' \
           'aria-hidden="true">2</span><span class="visually-hidden">2 voorbeelden</span>' in html
    assert 'name="q"' in html


def test_home_shows_featured_and_recent(client):
    featured = factories.example(title="Een uitgelicht voorbeeld uit de wijk")
    featured.featured = True
    db.session.commit()
    factories.example(title="Het nieuwste voorbeeld van de regio")
    html = page(client, "/")
    assert html.index("Uitgelicht") < html.index("Een uitgelicht voorbeeld uit de wijk")
    assert "Het nieuwste voorbeeld van de regio" in html


def test_example_page_shows_every_field_with_sanitised_markdown(client):
    get_or_create_leeratelier("Vierde leeratelier")
    example = factories.example(
        title="Beweegmaatje voor mensen met COPD",
        body="## Wat we deden\n\n<script>alert(1)</script> [klik](javascript:alert(2)) "
             "[site](https://voorbeeld.example) **vet**",
        impact="Meer *regie* over het eigen leven.", evidence="Het spinnenweb voor en na.",
        leeratelier="Vierde leeratelier", municipality="Oegstgeest", year=2022,
        target_groups=["chronisch-zieken"], setting="huiskamer", level="nano")
    html = page(client, f"/voorbeelden/{example.id}")
    for text in ("Beweegmaatje voor mensen met COPD", "<h2>Wat we deden</h2>",
                 "<strong>vet</strong>",
                 "<em>regie</em>", "Het spinnenweb voor en na.", "Vierde leeratelier",
                 "Oegstgeest", "2022", "Mensen met een chronische aandoening",
                 "Huiskamer (thuis)", "Nano: de inwoner zelf", "Participe", "Lichaamsfuncties",
                 "Eenzaamheid en sociaal isolement", "Welzijnsorganisatie"):
        assert text in html, text
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)" in html
    assert 'href="javascript:' not in html
    assert 'href="https://voorbeeld.example" rel="nofollow noopener"' in html


def test_example_url_redirects_to_its_slug(client):
    example = factories.example(title="Samen koken in de buurt")
    response = client.get(f"/voorbeelden/{example.id}")
    assert response.status_code == 301
    assert response.headers["Location"].endswith(
        f"/voorbeelden/{example.id}/samen-koken-in-de-buurt")


def test_contact_only_when_author_allowed_it(client):
    author = factories.user(email="auteur@praktijkbank.example")
    example = factories.example(author=author)
    html = page(client, f"/voorbeelden/{example.id}")
    assert "<h2>Contact</h2>" not in html and author.name not in html  # (the footer has a
    # "Contact" link to the site's own contact page)
    example.contact_opt_in = True
    db.session.commit()
    html = page(client, f"/voorbeelden/{example.id}")
    assert "<h2>Contact</h2>" in html and author.name in html
    assert "Log in om contact op te nemen" in html
    assert "auteur@praktijkbank.example" not in html  # addresses only for members


@pytest.mark.parametrize("status", UNPUBLISHED)
def test_unpublished_examples_never_show_on_a_page(client, status):
    get_or_create_leeratelier("Zesde leeratelier")
    hidden = factories.example(status, title="Geheim concept over schulden",
                               leeratelier="Zesde leeratelier", organisation="Kwadraad")
    hidden.featured = True
    db.session.commit()
    factories.example(title="Openbaar voorbeeld over schulden", organisation="Kwadraad",
                      leeratelier="Zesde leeratelier")
    workshop = db.session.query(Leeratelier).filter_by(name="Zesde leeratelier").one()
    page(client, f"/voorbeelden/{hidden.id}", 404)
    for url in ("/", "/voorbeelden", "/voorbeelden?q=schulden", "/voorbeelden?theme=eenzaamheid",
                "/organisaties/kwadraad", f"/leerateliers/{workshop.slug}"):
        html = page(client, url)
        assert "Geheim concept" not in html, url
        assert "Openbaar voorbeeld over schulden" in html, url
    assert "1 gepubliceerd voorbeeld" in page(client, "/")


def test_browse_filters_or_within_and_across_kinds(client):
    a = factories.example(title="Voorbeeld A over mantelzorg", themes=["mantelzorg"], level="micro")
    factories.example(title="Voorbeeld B over dementie", themes=["dementie"], level="micro")
    factories.example(title="Voorbeeld C op macroniveau", themes=["mantelzorg"], level="macro")
    html = page(client, "/voorbeelden?theme=mantelzorg&theme=dementie&level=micro")
    assert "2 voorbeelden" in html
    assert "Voorbeeld A" in html and "Voorbeeld B" in html and "Voorbeeld C" not in html
    html = page(client, "/voorbeelden?theme=mantelzorg&level=micro")
    assert "1 voorbeeld" in html and a.title in html


def test_browse_is_the_search_without_words_and_paginates(client):
    for number in range(23):
        factories.example(title=f"Voorbeeld nummer {number:02d} in de reeks")
    moved = client.get("/voorbeelden?theme=eenzaamheid")
    assert moved.status_code == 301
    assert moved.headers["Location"] == "/zoeken?theme=eenzaamheid&sort=newest"
    first, second = page(client, "/voorbeelden"), page(client, "/voorbeelden?page=2")
    assert first.count('class="card-title"') == 20 and second.count('class="card-title"') == 3
    assert first.index("nummer 22") < first.index("nummer 21")  # newest first
    assert 'rel="next" href="/zoeken?sort=newest&amp;page=2"' in first


@pytest.mark.parametrize("url, status", [
    ("/voorbeelden/999999", 404), ("/voorbeelden/abc", 404), ("/organisaties/bestaat-niet", 404),
    ("/leerateliers/bestaat-niet", 404), ("/nergens", 404), ("/taal/fr", 404),
])
def test_bad_addresses_get_friendly_error_pages(client, url, status):
    html = page(client, url, status)
    assert "Naar de startpagina" in html


@pytest.mark.parametrize("query, label", [("page=0", "Pagina"), ("page=-1", "Pagina"),
                                          ("page=abc", "Pagina"), ("theme=bestaat-niet", "Thema")])
def test_bad_browse_parameters_are_explained(client, query, label):
    html = page(client, "/voorbeelden?" + query, 400)
    assert "Deze zoekopdracht kunnen we niet uitvoeren" in html
    assert f"<li>{label}: " in html and "<code>" not in html  # named as the page shows it


def test_post_to_a_page_is_405_not_500(client):
    assert client.post("/voorbeelden").status_code in (400, 405)


def test_language_switch_to_english_and_back(client):
    factories.example(themes=["mantelzorg"])
    response = client.get("/taal/en?next=/")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    html = page(client, "/")
    assert '<html lang="en">' in html and "Informal care" in html
    client.get("/taal/nl?next=https://elders.example/")
    assert '<html lang="nl">' in page(client, "/")


def test_english_pages_give_dates_and_statuses_in_british_english(client):
    example = factories.example()
    client.get("/taal/en?next=/")
    html = page(client, f"/voorbeelden/{example.id}/{example.slug}")
    published = example.published_at
    assert f"{published.day} {published:%B} {published.year}" in html  # "2 December 2026"
    author = logged_in(client)
    factories.example("draft", author=author, title="Nog niet klaar")
    mine = page(client, "/mijn-voorbeelden")
    assert '<span class="status status-draft">draft</span>' in mine


def test_language_switch_never_redirects_off_site(client):
    for target in ("https://elders.example/", "//elders.example", "/\\elders.example"):
        response = client.get(f"/taal/en?next={target}")
        assert response.headers["Location"] == "/"


def test_security_headers(client):
    headers = client.get("/").headers
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"


def test_organisation_and_leeratelier_lists(client):
    get_or_create_leeratelier("Vijfde leeratelier")
    factories.example(organisation="Hogeschool Leiden", organisation_type="onderwijs-onderzoek",
                      leeratelier="Vijfde leeratelier")
    html = page(client, "/organisaties")
    assert "Hogeschool Leiden" in html and "Zorg en Zekerheid" in html
    assert "Vijfde leeratelier" in page(client, "/leerateliers")
    assert "1 praktijkvoorbeeld" in page(client, "/organisaties/hogeschool-leiden")
