"""Downloading one's data: GET /account/gegevens for the member, the admin's copy on
/beheer/gebruikers/<id>/gegevens; nobody else's, never cached."""
from tests import factories
from tests.factories import PASSWORD
from tests.webtools import logged_in, login, post_form


def test_a_member_downloads_their_own_data_as_a_json_file(client):
    member = logged_in(client)
    factories.example(author=member, title="Samen koken in de buurtkamer")
    response = client.get("/account/gegevens")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="praktijkbank-gegevens-')
    assert response.headers["Cache-Control"] == "no-store"
    data = response.get_json()
    assert data["account"]["email"] == member.email
    assert data["examples"][0]["record"]["title"] == "Samen koken in de buurtkamer"
    assert 'href="/account/gegevens"' in client.get("/account").get_data(as_text=True)


def test_a_visitor_is_sent_to_log_in(client):
    response = client.get("/account/gegevens")
    assert response.status_code == 302 and "/inloggen" in response.headers["Location"]


def test_an_admin_downloads_an_account_on_request_and_a_moderator_cannot(client):
    member = factories.user()
    moderator = factories.user("moderator")
    login(client, moderator.email)
    assert client.get(f"/beheer/gebruikers/{member.id}/gegevens").status_code == 403
    logged_in(client, "admin")
    response = client.get(f"/beheer/gebruikers/{member.id}/gegevens")
    assert response.status_code == 200 and response.get_json()["account"]["email"] == member.email
    assert client.get("/beheer/gebruikers/99999/gegevens").status_code == 404


def test_a_member_deletes_their_account_with_their_password(client):
    member = logged_in(client)
    refused = post_form(client, "/account/verwijderen", {"password": "fout-wachtwoord"},
                        page="/account")
    assert refused.status_code == 400
    assert "Dit wachtwoord klopt niet" in refused.get_data(as_text=True)
    assert client.get("/account").status_code == 200  # still logged in, nothing changed
    done = post_form(client, "/account/verwijderen", {"password": PASSWORD}, page="/account")
    assert done.status_code == 302
    assert client.get("/account").status_code == 302  # logged out
    assert login(client, member.email).status_code != 302  # and cannot log in again


def test_an_admin_deletes_on_request_only_when_it_is_ticked(client):
    member = factories.user()
    logged_in(client, "admin")
    page = f"/beheer/gebruikers/{member.id}"
    post_form(client, f"{page}/verwijderen", {}, page=page)
    assert client.get(page).status_code == 200
    listed = f'href="{page}"'
    assert listed in client.get("/beheer/gebruikers").get_data(as_text=True)
    post_form(client, f"{page}/verwijderen", {"confirm": "1"}, page=page)
    assert listed not in client.get("/beheer/gebruikers").get_data(as_text=True)
