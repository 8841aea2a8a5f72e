"""Odd and hostile input at the edge: a clear 400 or 404 naming the problem, never a 500.

Runs on SQLite and PostgreSQL (PostgreSQL refuses NUL in text and integers beyond 2**31).
"""
import pytest
from sqlalchemy import func, select

from kb.extensions import db
from kb.models import Example, User
from kb.services.taxonomy import get_term
from tests import factories
from tests.webtools import csrf_token, logged_in, post_form

NUL = "a\x00b"
HUGE_IDS = [2**31, 2**31 + 5, 2**63, 2**64 + 1, 10**30]


def _counts() -> tuple[int, int]:
    """How many examples and accounts exist."""
    return (db.session.scalar(select(func.count(Example.id))),
            db.session.scalar(select(func.count(User.id))))


@pytest.mark.parametrize("url", [
    "/zoeken?q=" + NUL, "/zoeken?municipality=" + NUL, "/zoeken?theme=" + NUL,
    "/api/v1/search?q=" + NUL, "/api/v1/search?organisation=" + NUL,
    "/feeds/zoeken.atom?q=" + NUL, "/voorbeelden?q=" + NUL, "/voorbeelden?theme=" + NUL,
    "/zoeken?page=1" + "\x00", "/inloggen?next=/" + NUL,
])
def test_nul_in_query_parameters_is_a_400_naming_the_parameter(client, url):
    factories.example()
    response = client.get(url)
    assert response.status_code == 400
    name = url.split("?")[1].split("=")[0]
    assert name in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/organisaties/a%00b", "/leerateliers/a%00b",
                                  "/voorbeelden/1/a%00b", "/wachtwoord-herstellen/a%00b",
                                  "/taal/n%00l"])
def test_nul_in_path_parts_is_a_400(client, path):
    assert client.get(path).status_code == 400


def test_api_names_the_field_in_json(client):
    response = client.get("/api/v1/search?municipality=" + NUL)
    assert response.status_code == 400
    assert "municipality" in response.get_json()["error"]["fields"]


@pytest.mark.parametrize("url, fields", [
    ("/inloggen", {"email": "x\x00@example.org", "password": "wachtwoord12"}),
    ("/inloggen", {"email": "deelnemer@example.org", "password": "pw\x00pw-geheim"}),
    ("/registreren", {"name": "Nu\x00l", "email": "nul@example.org",
                      "password": "lang-genoeg-wachtwoord", "organisation": "Participe"}),
    ("/registreren", {"name": "Nul", "email": "nul@example.org",
                      "password": "lang-genoeg-wachtwoord", "organisation": "Part\x00icipe"}),
    ("/wachtwoord-vergeten", {"email": "nul\x00@example.org"}),
])
def test_nul_in_account_forms_is_a_400_and_changes_nothing(client, url, fields):
    before = _counts()
    response = post_form(client, url, fields, page=url)
    assert response.status_code == 400
    assert _counts() == before


@pytest.mark.parametrize("field", ["title", "summary", "body", "organisation", "municipality",
                                   "impact", "evidence", "links"])
def test_nul_in_example_fields_is_a_400_naming_the_field(client, field):
    logged_in(client)
    data = factories.record()
    data.pop("ref")
    data.update({field: "tekst met een \x00 erin, lang genoeg", "action": "save"})
    before = _counts()
    response = post_form(client, "/voorbeelden/nieuw", data, page="/voorbeelden/nieuw")
    assert response.status_code == 400
    assert field in response.get_data(as_text=True)
    assert _counts() == before


def test_tabs_and_newlines_in_text_fields_are_ordinary_text(client):
    logged_in(client)
    data = factories.record(body="Eerste regel\r\n\tmet een tab\nen een tweede regel.",
                            action="save")
    data.pop("ref")
    response = post_form(client, "/voorbeelden/nieuw", data, page="/voorbeelden/nieuw")
    assert response.status_code == 302


@pytest.mark.parametrize("huge", HUGE_IDS)
@pytest.mark.parametrize("template", ["/api/v1/examples/{}", "/voorbeelden/{}",
                                      "/voorbeelden/{}/slug", "/voorbeelden/{}/bewerken"])
def test_ids_beyond_the_database_range_are_404(client, template, huge):
    factories.example()
    logged_in(client, "moderator")
    assert client.get(template.format(huge)).status_code == 404


@pytest.mark.parametrize("huge", HUGE_IDS)
def test_moderation_posts_with_huge_ids_are_404(client, huge):
    logged_in(client, "moderator")
    token = csrf_token(client, "/moderatie")
    for url in (f"/moderatie/{huge}", f"/moderatie/voorbeelden/{huge}",
                f"/moderatie/{huge}/archiveren", f"/beheer/taxonomie/{huge}"):
        response = client.post(url, data={"csrf_token": token, "decision": "publish"})
        assert response.status_code in (404, 405), url
        assert client.get(url).status_code in (404, 405), url


@pytest.mark.parametrize("value", ["²", "٣", "1²", "+1", "-1", " 1 2", "1e3", "0x10"])
def test_unicode_and_odd_digits_in_page_are_a_400(client, value):
    factories.example()
    assert client.get("/voorbeelden", query_string={"page": value}).status_code == 400
    assert client.get("/zoeken", query_string={"page": value}).status_code == 400
    api = client.get("/api/v1/search", query_string={"per_page": value})
    assert api.status_code == 400 and "per_page" in api.get_json()["error"]["fields"]


@pytest.mark.parametrize("value", ["²⁰²³", "٢٠٢٣", "2023²"])
def test_unicode_digits_in_year_are_a_field_error(client, value):
    logged_in(client)
    data = factories.record(year=value, action="save")
    data.pop("ref")
    before = _counts()
    response = post_form(client, "/voorbeelden/nieuw", data, page="/voorbeelden/nieuw")
    assert response.status_code == 400
    assert "geheel getal" in response.get_data(as_text=True)
    assert _counts() == before
    assert client.get("/zoeken", query_string={"year": value}).status_code == 400


@pytest.mark.parametrize("value", ["²", "٣", str(2**64)])
def test_unicode_digits_in_a_taxonomy_position_are_a_field_error(client, value):
    logged_in(client, "moderator")
    term = get_term("theme", "mantelzorg")
    before = term.position
    response = post_form(client, f"/beheer/taxonomie/{term.id}/plaats", {"position": value},
                         page=f"/beheer/taxonomie/{term.id}")
    assert response.status_code == 422
    assert "kies een plaats" in response.get_data(as_text=True)
    db.session.expire_all()
    assert get_term("theme", "mantelzorg").position == before


@pytest.mark.parametrize("value", ["²", str(2**63), "abc", ""])
def test_odd_merge_targets_are_a_field_error(client, value):
    logged_in(client, "moderator")
    term = get_term("theme", "mantelzorg")
    response = post_form(client, f"/beheer/taxonomie/{term.id}/samenvoegen", {"target": value},
                         page=f"/beheer/taxonomie/{term.id}")
    assert response.status_code in (400, 422)


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
