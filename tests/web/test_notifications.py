"""Notification choices over HTTP: the account page lists them and saves them; a mail's
switch-off link asks for a click (scanners follow links), works without logging in,
needs its CSRF token, and a bad link is a 404 page that says so."""
from kb.database import db
from kb.models import User
from kb.services import notifications
from tests import factories
from tests.webtools import logged_in, post_form


def test_the_account_page_lists_and_saves_the_choices(client):
    member = logged_in(client)
    html = client.get("/account").get_data(as_text=True)
    assert html.count('name="notifications"') == 4 and "moderatiewachtrij" not in html
    response = post_form(client, "/account/meldingen", {"notifications": ["adoptions"]},
                         page="/account")
    assert response.status_code == 302
    assert db.session.get(User, member.id).notifications_off == ["decisions", "messages",
                                                                 "recheck"]
    html = client.get("/account").get_data(as_text=True)
    assert 'value="adoptions" checked' in html and 'value="decisions" checked' not in html
    refused = post_form(client, "/account/meldingen", {"notifications": ["queue"]},
                        page="/account", follow_redirects=True)
    assert "onbekende keuze" in refused.get_data(as_text=True)
    assert db.session.get(User, member.id).notifications_off == ["decisions", "messages",
                                                                 "recheck"]


def test_moderators_also_choose_the_queue_mail(client):
    logged_in(client, "moderator")
    assert "moderatiewachtrij" in client.get("/account").get_data(as_text=True)


def test_a_switch_off_link_works_without_logging_in(app, client):
    member = factories.user()
    with app.test_request_context():
        token = notifications.off_token(member, "adoptions")
    page = f"/meldingen/uit/{token}"
    shown = client.get(page)
    assert shown.status_code == 200 and "Zet deze mail uit" in shown.get_data(as_text=True)
    assert db.session.get(User, member.id).notifications_off == []  # a look changes nothing
    assert client.post(page).status_code == 400  # no CSRF token
    done = post_form(client, page, page=page)
    assert done.status_code == 200 and "Klaar" in done.get_data(as_text=True)
    assert db.session.get(User, member.id).notifications_off == ["adoptions"]
    assert client.get(f"/meldingen/uit/{token}x").status_code == 404
    assert "werkt niet" in client.get("/meldingen/uit/onzin").get_data(as_text=True)
