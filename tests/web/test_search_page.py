"""The search page around its results: bad parameters explained in the page's words with
the search box again, a page past the end, and the search boxes' length."""
import re

from kb.services.search import MAX_QUERY
from tests import factories


def get(client, url: str, status: int) -> str:
    """GET a page, check its status, return its text."""
    response = client.get(url)
    assert response.status_code == status, url
    return response.get_data(as_text=True)


def search_box(html: str) -> str:
    """The search box's input element."""
    return re.search(r'<input id="q" name="q"[^>]*>', html).group(0)


def test_a_too_long_query_is_explained_and_kept_in_the_search_box(client):
    typed = "wandelen " * 120
    html = get(client, "/zoeken?q=" + typed.replace(" ", "+"), 400)
    assert f"Zoekwoorden: hoogstens {MAX_QUERY} tekens" in html
    assert "<code>" not in html
    assert f'value="{typed}"' in search_box(html)


def test_a_bad_page_names_the_page_and_keeps_the_words_and_the_good_filters(client):
    html = get(client, "/zoeken?q=wandelen&page=0&theme=mantelzorg&sort=newest", 400)
    assert "Pagina: moet een geheel getal van 1 tot" in html and "<code>" not in html
    assert 'value="wandelen"' in search_box(html)
    assert '<input type="hidden" name="theme" value="mantelzorg">' in html
    assert '<input type="hidden" name="sort" value="newest">' in html
    assert 'name="page"' not in html


def test_bad_filters_and_sorting_are_named_as_the_page_shows_them(client):
    html = get(client, "/zoeken?theme=bestaat-niet&sort=willekeurig&year=abc", 400)
    assert "Thema: onbekende waarde &#39;bestaat-niet&#39;" in html
    assert "Jaar: onbekende waarde" in html
    assert "Sorteren op: kies uit: relevantie, nieuwste, titel" in html
    assert 'name="theme"' not in html and 'name="sort"' not in html


def test_the_api_still_names_the_parameters(client):
    answer = client.get("/api/v1/search?page=0&sort=willekeurig").get_json()
    assert set(answer["error"]["fields"]) == {"page", "sort"}
    assert answer["error"]["fields"]["sort"] == "kies uit: relevance, newest, title"


def test_every_search_box_allows_what_search_accepts(client):
    for url in ("/", "/zoeken"):
        assert f'maxlength="{MAX_QUERY}"' in search_box(get(client, url, 200))
    assert client.get("/zoeken?q=" + "a" * MAX_QUERY).status_code == 200
    assert client.get("/zoeken?q=" + "a" * (MAX_QUERY + 1)).status_code == 400


def test_a_page_past_the_end_says_so_and_links_to_the_last_page(client):
    for number in range(3):
        factories.example(title=f"Voorbeeld {number} over bewegen")
    html = get(client, "/zoeken?q=bewegen&per_page=2&page=99", 404)
    assert "Pagina 99 bestaat niet: deze zoekopdracht heeft 2 pagina's." in html
    assert 'href="/zoeken?q=bewegen&amp;per_page=2&amp;page=2">Naar de laatste pagina' in html
    assert "Geen voorbeelden gevonden" not in html and "3 voorbeelden" in html
    one_page = get(client, "/zoeken?q=bewegen&page=5", 404)
    assert "heeft 1 pagina." in one_page and 'href="/zoeken?q=bewegen">' in one_page
    nothing = get(client, "/zoeken?q=zwemmen&page=5", 200)  # no results at all: says that
    assert "Geen voorbeelden gevonden" in nothing and "bestaat niet" not in nothing
    answer = client.get("/api/v1/search?q=bewegen&per_page=2&page=99")  # as the contract says
    assert answer.status_code == 200
    assert answer.get_json()["results"] == [] and answer.get_json()["total"] == 3
