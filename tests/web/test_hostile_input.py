"""Odd and hostile input at the edge: a clear 400 or 404 naming the problem, never a 500.

Runs on SQLite and PostgreSQL (PostgreSQL refuses NUL in text and integers beyond 2**31).
Each test walks its whole list and reports every input that got another answer.
"""
from sqlalchemy import func, select

from kb.database import db
from kb.models import Example, User
from kb.services.taxonomy import term_by_slug
from tests import factories
from tests.webtools import csrf_token, logged_in, post_form

NUL = "a\x00b"
HUGE_IDS = [2**31, 2**31 + 5, 2**63, 2**64 + 1, 10**30]


def _counts() -> tuple[int, int]:
    """How many examples and accounts exist."""
    return (db.session.scalar(select(func.count(Example.id))),
            db.session.scalar(select(func.count(User.id))))


def test_nul_in_query_parameters_is_a_400_naming_the_parameter(client):
    factories.example()
    wrong = []
    for url in ("/zoeken?q=" + NUL, "/zoeken?municipality=" + NUL, "/zoeken?theme=" + NUL,
                "/api/v1/search?q=" + NUL, "/api/v1/search?organisation=" + NUL,
                "/feeds/zoeken.atom?q=" + NUL, "/voorbeelden?q=" + NUL,
                "/voorbeelden?theme=" + NUL, "/zoeken?page=1\x00", "/inloggen?next=/" + NUL):
        response = client.get(url)
        name = url.split("?")[1].split("=")[0]
        if response.status_code != 400 or name not in response.get_data(as_text=True):
            wrong.append((url, response.status_code))
    assert wrong == []


def test_nul_in_path_parts_is_a_400(client):
    paths = ["/organisaties/a%00b", "/leerateliers/a%00b", "/voorbeelden/1/a%00b",
             "/wachtwoord-herstellen/a%00b", "/taal/n%00l"]
    assert [(p, client.get(p).status_code) for p in paths] == [(p, 400) for p in paths]


def test_the_api_names_the_field_in_json(client):
    response = client.get("/api/v1/search?municipality=" + NUL)
    assert response.status_code == 400
    assert "municipality" in response.get_json()["error"]["fields"]


def test_nul_in_account_forms_is_a_400_and_changes_nothing(client):
    before, wrong = _counts(), []
    for url, fields in [
            ("/inloggen", {"email": "x\x00@example.org", "password": "wachtwoord12"}),
            ("/inloggen", {"email": "deelnemer@example.org", "password": "pw\x00pw-geheim"}),
            ("/registreren", {"name": "Nu\x00l", "email": "nul@example.org",
                              "password": "lang-genoeg-wachtwoord", "organisation": "Hecht",
                              "consent": "y"}),
            ("/registreren", {"name": "Nul", "email": "nul@example.org",
                              "password": "lang-genoeg-wachtwoord", "organisation": "He\x00",
                              "consent": "y"}),
            ("/wachtwoord-vergeten", {"email": "nul\x00@example.org"})]:
        status = post_form(client, url, fields, page=url).status_code
        if status != 400:
            wrong.append((url, fields, status))
    assert wrong == []
    assert _counts() == before


def test_nul_in_example_fields_is_a_400_naming_the_field(client):
    logged_in(client)
    before, wrong = _counts(), []
    for field in ("title", "summary", "body", "organisation", "municipality", "impact",
                  "evidence", "links"):
        data = factories.record()
        data.pop("ref")
        data.update({field: "tekst met een \x00 erin, lang genoeg", "action": "save"})
        response = post_form(client, "/voorbeelden/nieuw", data, page="/voorbeelden/nieuw")
        if response.status_code != 400 or field not in response.get_data(as_text=True):
            wrong.append((field, response.status_code))
    assert wrong == []
    assert _counts() == before


def test_tabs_and_newlines_in_text_fields_are_ordinary_text(client):
    logged_in(client)
    data = factories.record(body="Eerste regel\r\n\tmet een tab\nen een tweede regel.",
                            action="save")
    data.pop("ref")
    response = post_form(client, "/voorbeelden/nieuw", data, page="/voorbeelden/nieuw")
    assert response.status_code == 302


def test_ids_beyond_the_database_range_are_404(client):
    factories.example()
    logged_in(client, "moderator")
    urls = [template.format(huge) for huge in HUGE_IDS
            for template in ("/api/v1/examples/{}", "/voorbeelden/{}", "/voorbeelden/{}/slug",
                             "/voorbeelden/{}/bewerken")]
    assert [(url, client.get(url).status_code) for url in urls] == [(url, 404) for url in urls]


def test_moderation_posts_with_huge_ids_are_404(client):
    logged_in(client, "moderator")
    token = csrf_token(client, "/moderatie")
    wrong = []
    for huge in HUGE_IDS:
        for url in (f"/moderatie/{huge}", f"/moderatie/voorbeelden/{huge}",
                    f"/moderatie/{huge}/archiveren", f"/beheer/taxonomie/{huge}"):
            answers = (client.post(url, data={"csrf_token": token, "decision": "publish"}),
                       client.get(url))
            wrong += [(url, a.status_code) for a in answers if a.status_code not in (404, 405)]
    assert wrong == []


def test_unicode_and_odd_digits_in_page_are_a_400(client):
    factories.example()
    wrong = []
    for value in ["²", "٣", "1²", "+1", "-1", " 1 2", "1e3", "0x10"]:
        statuses = (client.get("/voorbeelden", query_string={"page": value},
                               follow_redirects=True).status_code,
                    client.get("/zoeken", query_string={"page": value}).status_code)
        api = client.get("/api/v1/search", query_string={"per_page": value})
        if statuses != (400, 400) or api.status_code != 400 \
                or "per_page" not in api.get_json()["error"]["fields"]:
            wrong.append((value, statuses, api.status_code))
    assert wrong == []


def test_unicode_digits_in_year_are_a_field_error(client):
    logged_in(client)
    before, wrong = _counts(), []
    for value in ["²⁰²³", "٢٠٢٣", "2023²"]:
        data = factories.record(year=value, action="save")
        data.pop("ref")
        response = post_form(client, "/voorbeelden/nieuw", data, page="/voorbeelden/nieuw")
        search = client.get("/zoeken", query_string={"year": value}).status_code
        if response.status_code != 400 or "geheel getal" not in response.get_data(
                as_text=True) or search != 400:
            wrong.append((value, response.status_code, search))
    assert wrong == []
    assert _counts() == before


def test_unicode_digits_in_a_taxonomy_position_are_a_field_error(client):
    logged_in(client, "moderator")
    term = term_by_slug("theme", "mantelzorg")
    before, wrong = term.position, []
    for value in ["²", "٣", str(2**64)]:
        response = post_form(client, f"/beheer/taxonomie/{term.id}/plaats", {"position": value},
                             page=f"/beheer/taxonomie/{term.id}")
        if response.status_code != 400 or "kies een plaats" not in response.get_data(
                as_text=True):
            wrong.append((value, response.status_code))
    assert wrong == []
    assert term_by_slug("theme", "mantelzorg").position == before


def test_odd_merge_targets_are_a_field_error(client):
    logged_in(client, "moderator")
    term = term_by_slug("theme", "mantelzorg")
    statuses = [post_form(client, f"/beheer/taxonomie/{term.id}/samenvoegen", {"target": value},
                          page=f"/beheer/taxonomie/{term.id}").status_code
                for value in ["²", str(2**63), "abc", ""]]
    assert all(status == 400 for status in statuses), statuses


def test_trace_is_405_with_an_allow_header(client):
    for url in ("/", "/zoeken", "/api/v1/search", "/api/v1/examples/1"):
        response = client.open(url, method="TRACE")
        assert response.status_code == 405
        allowed = {m.strip() for m in response.headers["Allow"].split(",")}
        assert "GET" in allowed and "TRACE" not in allowed


def test_published_at_carries_a_time_zone(client):
    example = factories.example()
    published_at = client.get(f"/api/v1/examples/{example.id}").get_json()["published_at"]
    assert published_at.endswith("+00:00"), published_at


def test_a_refused_parameter_is_named_with_its_reason(client):
    """The feed and the paged lists say which parameter was wrong and why, in Dutch, not
    only that something was (and an empty page is the first)."""
    factories.example(organisation="Hecht")
    feed = client.get("/feeds/zoeken.atom?theme=bestaat-niet")
    assert feed.status_code == 400
    assert "theme: onbekende waarde" in feed.get_data(as_text=True)
    paged = client.get("/organisaties/hecht?page=abc")
    assert paged.status_code == 400
    assert "Pagina: moet een geheel getal van 1 tot" in paged.get_data(as_text=True)
    assert "browser (or proxy)" not in paged.get_data(as_text=True)
    assert client.get("/organisaties/hecht?page=").status_code == 200


def test_curation_and_moderation_posts_without_their_fields_are_not_a_500(app, client):
    example = factories.example("submitted")
    logged_in(client, "admin")
    token, wrong = csrf_token(client, "/moderatie"), []
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.endpoint.split(".")[0] not in (
                "curation", "moderation"):
            continue
        url = rule.build({name: example.id for name in rule.arguments})[1]
        status = client.post(url, data={"csrf_token": token}).status_code
        if status >= 500:
            wrong.append((url, status))
    assert wrong == []
