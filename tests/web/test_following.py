"""Following through the pages and the command line: keeping an example, following a
search from the results, the lists, the stop link without login, `kb digest` twice."""
import re

from kb.database import db
from kb.services import following
from kb.util import utcnow
from tests import factories
from tests.services.test_following import DAY, bodies
from tests.web.test_pages import page
from tests.webtools import csrf_token, logged_in, post_form


def test_keeping_an_example_from_its_page(client):
    example = factories.example(title="Samen koken in de buurtkamer")
    url = f"/voorbeelden/{example.id}/{example.slug}"
    assert "Log in om dit voorbeeld te bewaren" in page(client, url)
    logged_in(client)
    response = post_form(client, f"/voorbeelden/{example.id}/bewaren",
                         {"bewaren": "1", "next": url}, page=url)
    assert response.status_code == 302 and response.location.endswith(url)
    assert "Niet meer bewaren" in page(client, url)
    assert "Samen koken in de buurtkamer" in page(client, "/bewaard")
    post_form(client, f"/voorbeelden/{example.id}/bewaren", {"bewaren": "0"}, page=url)
    assert "Je hebt nog niets bewaard" in page(client, "/bewaard")


def test_keeping_needs_a_login_a_token_and_a_sane_value(client):
    example = factories.example()
    assert client.post(f"/voorbeelden/{example.id}/bewaren").status_code in (302, 400)
    logged_in(client)
    assert client.post(f"/voorbeelden/{example.id}/bewaren", data={"bewaren": "1"}) \
        .status_code == 400  # no CSRF token
    token = csrf_token(client)
    assert client.post(f"/voorbeelden/{example.id}/bewaren",
                       data={"bewaren": "2", "csrf_token": token}).status_code == 400
    assert client.post("/voorbeelden/999999/bewaren",
                       data={"bewaren": "1", "csrf_token": token}).status_code == 404
    for elsewhere in ("https://elders.example/", "//elders.example/", "/\\elders.example/"):
        assert client.post(f"/voorbeelden/{example.id}/bewaren", data={
            "bewaren": "1", "next": elsewhere, "csrf_token": token}) \
            .location.startswith("/voorbeelden/"), elsewhere  # "/\\" reads as "//"


def test_following_a_search_from_the_results(client):
    factories.example(themes=["mantelzorg"])
    logged_in(client)
    html = page(client, "/zoeken?theme=mantelzorg&page=1")
    assert 'form="follow-form"' in html and 'name="query" value="theme=mantelzorg&amp;page=1"' \
        in html
    response = post_form(client, "/zoekopdrachten", {"query": "theme=mantelzorg&page=1",
                                                     "frequency": "daily"}, page="/zoeken")
    assert response.status_code == 302
    listed = page(client, "/zoekopdrachten")
    assert "alle voorbeelden · Mantelzorg" in listed and "dagelijks" in listed
    refused = post_form(client, "/zoekopdrachten", {"query": "level=mega",
                                                    "frequency": "daily"}, page="/zoeken")
    assert refused.status_code == 400 and "<code>query</code>" in refused.get_data(as_text=True)


def test_the_stop_link_works_without_login_and_only_once(client, app, inbox):
    member = factories.user()
    saved = following.save_search(member, "q=koken", "daily")
    saved.created_at = utcnow() - 2 * DAY
    db.session.commit()
    factories.example(title="Samen koken in de buurtkamer")
    with app.test_request_context(base_url="http://localhost"):
        following.send_digests()
    link = re.search(r"http://localhost(/zoekopdrachten/stoppen/\S+)", bodies(inbox)[0])[1]
    assert "Stop deze mail" in page(client, link)
    response = post_form(client, link, {}, page=link)
    assert "geen mail meer" in response.get_data(as_text=True)
    assert following.searches_of(member) == []
    assert client.get(link).status_code == 404
    assert client.get("/zoekopdrachten/stoppen/niet-getekend").status_code == 404


def test_kb_digest_twice_sends_nothing_twice(app, inbox):
    member = factories.user()
    saved = following.save_search(member, "q=koken", "daily")
    saved.created_at = utcnow() - 2 * DAY
    db.session.commit()
    factories.example(title="Samen koken in de buurtkamer")
    runner = app.test_cli_runner()
    first = runner.invoke(args=["digest"])
    assert first.exit_code == 0 and "1 mailed, 1 examples" in first.output
    second = runner.invoke(args=["digest"])
    assert second.exit_code == 0 and "0 due, 0 mailed" in second.output
    assert len(inbox.received()) == 1
