"""Driving the HTML forms through the test client, CSRF token included."""
import re

from werkzeug.test import EnvironBuilder

from tests import factories
from tests.factories import PASSWORD

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|'
                   r'type="hidden" name="csrf_token" value="([^"]+)"|'
                   r'name="csrf_token" value="([^"]+)"')


def csrf_token(client, page: str | None = None) -> str:
    """A valid CSRF token of the client's session, read from a page's form."""
    for path in filter(None, (page, "/", "/inloggen")):
        response = client.get(path)
        match = TOKEN.search(response.get_data(as_text=True))
        if match:
            return next(group for group in match.groups() if group)
    raise AssertionError("no page showed a CSRF token")


def post_form(client, url: str, data: dict | None = None, page: str | None = None,
              **kwargs):
    """POST a form like a browser would: with the token from the page that shows it."""
    fields = dict(data or {})
    fields["csrf_token"] = csrf_token(client, page)
    return client.post(url, data=fields, **kwargs)


def post_multipart(client, path: str, data: dict):
    """POST a form with a file as a browser does (the token is in `data`)."""
    builder = EnvironBuilder(path=path, method="POST", data=data)
    environ = builder.get_environ()
    try:
        return client.open(environ)
    finally:  # a large body was spooled to a temporary file: close it now, not at exit
        environ["wsgi.input"].close()
        builder.close()


def login(client, email: str, password: str = PASSWORD):
    """Log the client in through the login form, and through the code form after it when
    the account has a second factor; returns the last response."""
    response = post_form(client, "/inloggen", {"email": email, "password": password},
                         page="/inloggen")
    if response.status_code == 302 and response.location.startswith("/inloggen/code"):
        response = post_form(client, response.location, {"code": next_code(email)},
                             page=response.location)
    return response


def next_code(email: str) -> str:
    """A code from the account's authenticator app (pyotp) that it has not used yet: this
    time-step's, or the next one's when this one was used (the drift the service allows)."""
    import time

    import pyotp

    from kb.services.accounts import find_user
    from kb.services.second_factor import STEP, unseal
    factor = find_user(email).second_factor
    step = max(int(time.time() // STEP), factor.last_step + 1)
    assert step <= int(time.time() // STEP) + 1, "a code of every step was used already"
    return pyotp.TOTP(unseal(factor.secret)).generate_otp(step)


def logged_in(client, role: str = "participant"):
    """A new account of the role, logged in on the client; returns the user."""
    from tests import factories
    account = factories.user(role)
    response = login(client, account.email)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return account


def form_data(**overrides) -> dict:
    """The example form as a browser sends it (multi-valued fields as lists)."""
    data = factories.record(title="Buurtkamer met spreekuur van de wijkverpleging",
                            themes=["mantelzorg"], links=None, ref=None)
    data.pop("ref")
    data.update({"links": "https://praktijkbank.example/buurtkamer", "year": "2024",
                 "leeratelier": "", "action": "save", **overrides})
    return {k: v for k, v in data.items() if v is not None}
