"""The admins' user pages: inviting people, sending reset links, and what is not offered."""
import re

import pytest
from sqlalchemy import select

from kb.database import db
from kb.models import User
from kb.services import deletion, users
from tests import factories
from tests.dbtools import snapshot
from tests.webtools import logged_in, login, post_form

INVITE = "/beheer/gebruikers/uitnodigen"


def text(response) -> str:
    """The response body as text."""
    return response.get_data(as_text=True)


def invite(client, **fields):
    """POST the invitation form with valid defaults."""
    data = {"name": "Anna Jansen", "email": "anna@zorg.example", "role": "moderator",
            "organisation": "Hecht", **fields}
    return post_form(client, INVITE, data, page=INVITE)


def test_an_invited_person_chooses_a_password_and_can_log_in(app, client, inbox):
    app.config["INVITE_TOKEN_MAX_AGE"] = 3 * 24 * 3600  # an installation's own lifetime
    admin = logged_in(client, "admin")
    assert 'href="/beheer/gebruikers/uitnodigen"' in text(client.get("/beheer/gebruikers"))
    assert "De link is 3 dagen geldig" in text(client.get(INVITE))
    response = invite(client)
    assert response.status_code == 302
    page = text(client.get(response.headers["Location"]))
    assert "Uitnodiging gestuurd naar anna@zorg.example; de link is 3 dagen geldig" in page
    assert "nog niet bevestigd" in page
    link = inbox.link("anna@zorg.example", "/uitnodiging/")
    (_to, mail), = inbox.received()
    assert admin.name in mail and "(3 dagen geldig)" in mail
    guest = app.test_client()
    page = text(guest.get(link))
    assert "Anna Jansen" in page and "anna@zorg.example" in page
    response = post_form(guest, link, {"password": "kort"}, page=link)
    assert response.status_code == 400 and 'id="password-error"' in text(response)
    response = post_form(guest, link, {"password": "mijn-eigen-wachtwoord"}, page=link)
    # Logged in, with the role given: a moderator enrols a second factor first.
    assert response.status_code == 302 and response.location.startswith("/account/tweestaps")
    response = guest.get("/moderatie")
    assert response.status_code == 302 and response.location.startswith("/account/tweestaps")
    fresh = app.test_client()
    assert login(fresh, "anna@zorg.example", "mijn-eigen-wachtwoord").status_code == 302
    response = fresh.get(link)
    assert response.status_code == 400 and "al gebruikt" in text(response)


def test_an_expired_or_forged_invitation_says_so(app, client, inbox):
    logged_in(client, "admin")
    invite(client)
    link = inbox.link("anna@zorg.example", "/uitnodiging/")
    guest = app.test_client()
    response = guest.get(link[:-3] + "abc")
    assert response.status_code == 400 and "klopt niet" in text(response)
    app.config["INVITE_TOKEN_MAX_AGE"] = -1
    before = snapshot()
    response = post_form(guest, link, {"password": "mijn-eigen-wachtwoord"}, page="/inloggen")
    assert response.status_code == 400 and "verlopen" in text(response)
    assert snapshot() == before


@pytest.mark.parametrize("fields, field", [
    ({"email": "anna-at-zorg"}, "email"),
    ({"email": "BEZET@zorg.example"}, "email"),
    ({"role": "koning"}, "role"),
    ({"name": ""}, "name"),
    ({"organisation": "x"}, "organisation")])
def test_the_invitation_form_names_the_wrong_field(client, inbox, fields, field):
    logged_in(client, "admin")
    factories.user(email="bezet@zorg.example")
    before = snapshot()
    response = invite(client, **fields)
    assert response.status_code == 400 and f'id="{field}-error"' in text(response)
    assert 'value="Anna Jansen"' in text(response) or field == "name"  # kept as typed
    assert snapshot() == before and inbox.received() == []


def test_an_admin_sends_a_reset_link_that_works(app, client, inbox):
    logged_in(client, "admin")
    member = factories.user()
    url = f"/beheer/gebruikers/{member.id}"
    assert "Link voor nieuw wachtwoord sturen" in text(client.get(url))
    response = post_form(client, f"{url}/wachtwoordlink", {}, page=url)
    flash = text(client.get(response.headers["Location"]))
    assert "Link voor een nieuw wachtwoord gestuurd" in flash
    link = inbox.link(member.email, "/wachtwoord-herstellen/")
    guest = app.test_client()
    response = post_form(guest, link, {"password": "een-nieuw-wachtwoord"}, page=link)
    assert response.status_code == 302
    assert login(app.test_client(), member.email, "een-nieuw-wachtwoord").status_code == 302


def test_an_unconfirmed_account_is_offered_its_invitation_again(client, inbox):
    logged_in(client, "admin")
    invite(client)
    invited = db.session.scalar(select(User).where(User.email == "anna@zorg.example"))
    url = f"/beheer/gebruikers/{invited.id}"
    assert "Uitnodiging opnieuw sturen" in text(client.get(url))
    post_form(client, f"{url}/wachtwoordlink", {}, page=url)
    assert [to for to, _content in inbox.received()] == [["anna@zorg.example"]] * 2
    assert "/uitnodiging/" in inbox.received()[1][1]


def test_a_blocked_account_is_offered_no_link(client, inbox):
    admin = logged_in(client, "admin")
    member = factories.user()
    users.block_user(admin, member.id)
    url = f"/beheer/gebruikers/{member.id}"
    assert "/wachtwoordlink" not in text(client.get(url))
    response = post_form(client, f"{url}/wachtwoordlink", {}, page=url)
    assert "deblokkeer het eerst" in text(client.get(response.headers["Location"]))
    assert inbox.received() == []


def test_without_a_mail_server_the_admin_hears_so(client):
    logged_in(client, "admin")
    response = invite(client)
    assert "geen mailserver" in text(client.get(response.headers["Location"]))


@pytest.mark.parametrize("role", ["participant", "moderator"])
def test_non_admins_get_403_and_nothing_changes(client, inbox, role):
    logged_in(client, role)
    member = factories.user()
    assert client.get(INVITE).status_code == 403
    before = snapshot()
    assert invite(client).status_code == 403
    response = post_form(client, f"/beheer/gebruikers/{member.id}/wachtwoordlink", {})
    assert response.status_code == 403
    assert snapshot() == before and inbox.received() == []


def marked_tabs(page: str) -> list[tuple[str, str]]:
    """(aria-current, label) of the marked links in the page's administration tabs."""
    tabs = re.search(r'<nav class="curation-nav".*?</nav>', page, re.S).group(0)
    return re.findall(r'<a href="[^"]+" aria-current="(\w+)">([^<]+)</a>', tabs)


def test_the_users_tab_stays_marked_on_the_pages_within_it(client):
    logged_in(client, "admin")
    account = factories.user()
    assert marked_tabs(text(client.get("/beheer/gebruikers"))) == [("page", "Gebruikers")]
    for url in (INVITE, f"/beheer/gebruikers/{account.id}"):
        assert marked_tabs(text(client.get(url))) == [("true", "Gebruikers")], url
    assert marked_tabs(text(client.get("/beheer/"))) == [("page", "Overzicht")]
    assert marked_tabs(text(client.get("/beheer/taxonomie"))) == [("page", "Taxonomie")]


def test_a_deleted_accounts_page_offers_nothing_that_would_bring_it_back(client, inbox):
    admin = logged_in(client, "admin")
    member = factories.user()
    deletion.delete_account(admin, member.id)
    url = f"/beheer/gebruikers/{member.id}"
    page = text(client.get(url))
    assert "Dit account is verwijderd op" in page and "auditlog" in page
    assert "<form" not in page.split("<main", 1)[1].split("</main>", 1)[0]
    for label in ("Rol opslaan", "Deblokkeren", "Gegevens downloaden", "Account verwijderen",
                  "Uitnodiging opnieuw sturen", "Link voor nieuw wachtwoord sturen"):
        assert label not in page, label
    before = snapshot()
    for action, data in (("", {"role": "admin"}), ("/deblokkeren", {}),
                         ("/blokkeren", {}), ("/wachtwoordlink", {}),
                         ("/tweestaps-resetten", {})):
        assert post_form(client, url + action, data, page=url).status_code == 403, action
    assert client.get(f"{url}/gegevens").status_code == 403
    response = post_form(client, f"{url}/verwijderen", {"confirm": "1"}, page=url)
    assert "al verwijderd" in text(client.get(response.headers["Location"]))
    assert snapshot() == before and inbox.received() == []
