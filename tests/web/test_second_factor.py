"""Two-factor authentication through the pages: the code after the password, enrolment,
the pages closed to moderators until they enrolled, throttling, and an admin's reset."""
import re
from urllib.parse import parse_qs, urlsplit

import pyotp
import pytest

from kb.database import db
from kb.services import accounts, second_factor
from kb.services.accounts import find_user
from tests import factories
from tests.webtools import login, next_code, post_form

TOTP = pyotp.TOTP(factories.TOTP_SECRET)


def text(response) -> str:
    """The response body as text."""
    return response.get_data(as_text=True)


def password_step(client, email: str, next_page: str = ""):
    """Only the first step: the login form with the right password."""
    url = "/inloggen" + (f"?next={next_page}" if next_page else "")
    return post_form(client, url, {"email": email, "password": factories.PASSWORD},
                     page="/inloggen")


def code_step(client, code: str, remember: bool = False, url: str = "/inloggen/code"):
    """The second step: a code on the code form."""
    data = {"code": code, **({"remember_device": "y"} if remember else {})}
    return post_form(client, url, data, page=url)


def shown_secret(page: str) -> str:
    """The key to type into an authenticator app, as the enrolment page shows it."""
    return "".join(re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', page)[1].split())


def logged_in_as(client) -> bool:
    """True when the client may open its own account page."""
    return client.get("/account").status_code == 200


def test_a_moderator_without_second_factor_enrols_before_moderating(app, client):
    moderator = factories.user("moderator", two_factor=False)
    response = password_step(client, moderator.email, "/moderatie")
    assert response.status_code == 302
    assert response.location.startswith("/account/tweestaps?next=/moderatie")
    assert client.get("/moderatie").location == "/account/tweestaps?next=/moderatie"
    response = client.get("/moderatie/voorbeelden?pagina=2")
    assert parse_qs(urlsplit(response.location).query)["next"] == \
        ["/moderatie/voorbeelden?pagina=2"]
    for path in ("/moderatie", "/moderatie/voorbeelden", "/beheer/", "/beheer/taxonomie"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.location.startswith("/account/tweestaps"), path
    # A form posted to a moderation address is sent to enrol too, and nothing is decided.
    example = factories.example("submitted")
    response = post_form(client, f"/moderatie/{example.id}", {"decision": "publish"})
    assert response.status_code == 302 and example.status == "submitted"

    page = text(client.get("/account/tweestaps?next=/moderatie"))
    assert "<svg" in page and "QR-code" in page and "verplicht" in page
    secret = shown_secret(page)
    response = post_form(client, "/account/tweestaps?next=/moderatie",
                         {"code": pyotp.TOTP(secret).at(0)}, page="/account/tweestaps")
    assert response.status_code == 400 and 'id="code-error"' in text(response)
    assert not find_user(moderator.email).has_second_factor
    assert secret in "".join(text(response).split())  # the same secret, still to confirm

    response = post_form(client, "/account/tweestaps?next=/moderatie",
                         {"code": pyotp.TOTP(secret).now()}, page="/account/tweestaps")
    page = text(response)
    assert response.status_code == 200 and "maar één keer" in page
    assert len(re.findall(r"<li><code>[a-z2-9]{5}-[a-z2-9]{5}</code></li>", page)) == 10
    assert 'href="/moderatie"' in page
    assert client.get("/moderatie").status_code == 200
    assert client.get("/beheer/").status_code == 200


def test_an_admin_without_second_factor_cannot_open_the_user_pages(app, client):
    admin = factories.user("admin", two_factor=False)
    password_step(client, admin.email)
    response = client.get("/beheer/gebruikers")
    assert response.status_code == 302 and response.location.startswith("/account/tweestaps")


def test_with_a_second_factor_login_asks_the_code(app, client):
    moderator = factories.user("moderator")
    response = password_step(client, moderator.email, "/moderatie")
    assert response.status_code == 302
    assert response.location == "/inloggen/code?next=/moderatie"
    assert not logged_in_as(client)  # the password alone does not sign in
    assert client.get("/moderatie").status_code == 302
    answer = client.get(response.location)
    page = text(answer)
    assert answer.headers["Cache-Control"] == "no-store"
    assert "Code invullen" in page and 'autocomplete="one-time-code"' in page
    assert 'name="remember_device"' in page and "checked" not in page

    response = code_step(client, "000000", url="/inloggen/code?next=/moderatie")
    assert response.status_code == 400 and "klopt niet" in text(response)
    assert not logged_in_as(client)

    code = next_code(moderator.email)
    response = code_step(client, code, url="/inloggen/code?next=/moderatie")
    assert response.status_code == 302 and response.location == "/moderatie"
    assert client.get("/moderatie").status_code == 200
    assert "kb_second_factor" not in str(response.headers.getlist("Set-Cookie"))

    # The same code in another browser, with the right password: refused as used.
    other = app.test_client()
    password_step(other, moderator.email)
    response = code_step(other, code)
    assert response.status_code == 400 and "al gebruikt" in text(response)
    assert not logged_in_as(other)


def test_a_recovery_code_logs_in_once(app, client):
    account = factories.user()
    codes = factories.enrol_second_factor(account)
    password_step(client, account.email)
    response = code_step(client, codes[0])
    assert response.status_code == 302
    assert "nog 9 herstelcodes" in text(client.get(response.location))
    assert logged_in_as(client)
    other = app.test_client()
    password_step(other, account.email)
    response = code_step(other, codes[0])
    assert response.status_code == 400 and "al gebruikt" in text(response)


def test_wrong_codes_are_throttled(app, client):
    account = factories.user("moderator")
    attempts, _window = app.config["ACCOUNT_LIMITS"]["second-factor"]
    password_step(client, account.email)
    for _attempt in range(attempts):
        assert code_step(client, "123456").status_code == 400
    response = code_step(client, next_code(account.email))
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0
    assert "te vaak" in text(response) and not logged_in_as(client)


def test_the_code_waits_only_so_long_after_the_password(app, client):
    account = factories.user("moderator")
    password_step(client, account.email)
    app.config["SECOND_FACTOR_PENDING_SECONDS"] = -1
    response = code_step(client, next_code(account.email))
    assert response.status_code == 302 and response.location.startswith("/inloggen")
    assert not logged_in_as(client)
    assert client.get("/inloggen/code").location.startswith("/inloggen")


def test_participants_log_in_with_their_password_alone(app, client):
    account = factories.user()
    response = password_step(client, account.email, "/bewaard")
    assert response.status_code == 302 and response.location == "/bewaard"
    assert logged_in_as(client)
    assert "Tweestapsverificatie instellen" in text(client.get("/account"))
    assert "Voor deelnemers is het een keuze" in text(client.get("/account/tweestaps"))
    assert client.get("/inloggen/code").status_code == 302  # nothing waits for a code


def test_a_remembered_device_skips_the_code(app, client):
    account = factories.user("moderator")
    password_step(client, account.email)
    response = code_step(client, next_code(account.email), remember=True)
    cookie, = (c for c in response.headers.getlist("Set-Cookie") if "kb_second_factor" in c)
    assert "kb_second_factor=" in cookie and "HttpOnly" in cookie and "Max-Age=2592000" in cookie
    post_form(client, "/uitloggen")
    assert not logged_in_as(client)
    response = password_step(client, account.email, "/moderatie")
    assert response.status_code == 302 and response.location == "/moderatie"
    assert logged_in_as(client)
    other = app.test_client()  # another browser still gives the code
    assert password_step(other, account.email).location.startswith("/inloggen/code")


def test_a_participant_turns_it_off_with_password_and_code(app, client):
    account = factories.user(two_factor=True)
    login(client, account.email)
    page = text(client.get("/account/tweestaps"))
    assert "nog 10 ongebruikt" in page and "uitzetten" in page
    response = post_form(client, "/account/tweestaps/uitzetten",
                         {"password": "verkeerd-wachtwoord", "code": next_code(account.email)},
                         page="/account/tweestaps")
    assert response.status_code == 400 and find_user(account.email).has_second_factor
    response = post_form(client, "/account/tweestaps/uitzetten",
                         {"password": factories.PASSWORD, "code": next_code(account.email)},
                         page="/account/tweestaps")
    assert response.status_code == 302 and not find_user(account.email).has_second_factor


def test_new_recovery_codes_are_shown_once(app, client):
    account = factories.user("moderator")
    login(client, account.email)
    response = post_form(client, "/account/tweestaps/herstelcodes", {"code": "12"},
                         page="/account/tweestaps")
    assert response.status_code == 400 and "klopt niet" in text(response)
    response = post_form(client, "/account/tweestaps/herstelcodes",
                         {"code": next_code(account.email)}, page="/account/tweestaps")
    assert response.status_code == 200 and text(response).count("<li><code>") == 10


@pytest.mark.parametrize("role", ["moderator", "participant"])
def test_an_admin_resets_a_second_factor_from_the_user_page(app, client, role):
    admin = factories.user("admin")
    account = factories.user(role, two_factor=True)
    login(client, admin.email)
    page = text(client.get(f"/beheer/gebruikers/{account.id}"))
    assert "Tweestapsverificatie resetten" in page and "aan sinds" in page
    assert "Tweestapsverificatie resetten" not in text(client.get(f"/beheer/gebruikers/{admin.id}"))
    response = post_form(client, f"/beheer/gebruikers/{account.id}/tweestaps-resetten",
                         page=f"/beheer/gebruikers/{account.id}")
    assert response.status_code == 302
    assert "Tweestapsverificatie gereset" in text(client.get(response.location))
    assert not find_user(account.email).has_second_factor
    response = password_step(app.test_client(), account.email)
    expected = "/account/tweestaps" if role == "moderator" else "/"
    assert response.location.startswith(expected)
    # One's own second factor is never reset here.
    response = post_form(client, f"/beheer/gebruikers/{admin.id}/tweestaps-resetten",
                         page=f"/beheer/gebruikers/{admin.id}")
    assert response.status_code == 403 and second_factor.recovery_codes_left(admin) == 10


def test_a_mailed_password_link_does_not_skip_the_code(app, client):
    account = factories.user("moderator")
    link = f"/wachtwoord-herstellen/{accounts.password_token(account)}"
    response = post_form(client, link, {"password": "een-nieuw-wachtwoord"}, page=link)
    assert response.status_code == 302 and response.location.startswith("/inloggen/code")
    assert not logged_in_as(client)
    assert code_step(client, next_code(account.email)).status_code == 302
    assert logged_in_as(client)


def test_the_command_line_resets_a_second_factor(app, runner):
    admin = factories.user("admin")
    result = runner.invoke(args=["users", "reset-second-factor", admin.email])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert find_user(admin.email).needs_second_factor
    result = runner.invoke(args=["users", "reset-second-factor", admin.email])
    assert result.exit_code == 1 and "geen tweestapsverificatie" in result.output
    result = runner.invoke(args=["users", "reset-second-factor", "niemand@example.org"])
    assert result.exit_code == 1 and "niemand@example.org" in result.output


def test_enrolling_ends_the_sessions_begun_with_the_password_alone(app, client):
    moderator = factories.user("moderator", two_factor=False)
    other = app.test_client()
    password_step(client, moderator.email)
    password_step(other, moderator.email)
    secret = shown_secret(text(client.get("/account/tweestaps")))
    post_form(client, "/account/tweestaps", {"code": pyotp.TOTP(secret).now()},
              page="/account/tweestaps")
    assert client.get("/moderatie").status_code == 200
    assert not logged_in_as(other)  # it would otherwise have a moderator's rights now


def test_the_remember_box_and_the_privacy_statement_give_the_installations_days(app, client):
    app.config["SECOND_FACTOR_REMEMBER_DAYS"] = 14
    account = factories.user("moderator")
    step = post_form(client, "/inloggen", {"email": account.email,
                                           "password": factories.PASSWORD}, page="/inloggen")
    assert step.location.startswith("/inloggen/code")  # the password alone: the code next
    assert "Dit apparaat 14 dagen onthouden" in client.get(step.location).get_data(
        as_text=True)
    assert "die stap 14 dagen overslaat" in client.get("/privacy").get_data(as_text=True)
