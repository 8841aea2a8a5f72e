"""The audit log page for admins: what it shows, who may open it, and bad filters."""
import re

import pytest
from sqlalchemy import func, select

from kb.database import db
from kb.models import AuditEvent
from kb.services import moderation, users
from kb.services.deletion import delete_account
from tests import factories
from tests.webtools import logged_in, login, post_form

LOG = "/beheer/audit"


def text(response) -> str:
    """The response body as text."""
    return response.get_data(as_text=True)


def test_an_admin_sees_logins_and_failed_logins_with_address_and_ip(app, client):
    guest = app.test_client()
    assert login(guest, "Inbreker@Elders.example", "raden-maar-1").status_code == 400
    admin = logged_in(client, "admin")
    assert f'href="{LOG}"' in text(client.get("/beheer/gebruikers"))  # in the navigation
    assert f'href="{LOG}"' in text(client.get("/beheer/"))
    page = text(client.get(LOG))
    assert "inloggen mislukt" in page and "inbreker@<wbr>elders<wbr>.example" in page
    assert "verkeerd wachtwoord of onbekend adres" in page and "127.0.0.1" in page
    assert "ingelogd" in page and f'href="/beheer/gebruikers/{admin.id}"' in page
    account_page = text(client.get(f"/beheer/gebruikers/{admin.id}"))
    assert f'href="{LOG}?person={admin.email.split("@")[0]}' in account_page
    assert page.index("ingelogd") < page.index("inloggen mislukt")  # newest first
    assert "raden-maar" not in page


def test_filters_and_paging(app, client):
    admin = logged_in(client, "admin")
    for number in range(3):
        factories.user(email=f"lid{number}@zorg.example")
    response = client.get(f"{LOG}?kind=account_created&person=zorg.example")
    assert response.status_code == 200 and "3 gebeurtenissen" in text(response)
    assert "ingelogd</td>" not in text(response)
    response = client.get(f"{LOG}?kind=login&person={admin.email}&ip=127.&start=2026-01-01")
    assert "1 gebeurtenis<" in text(response)
    db.session.add_all(AuditEvent(kind="logout") for _ in range(50))
    db.session.commit()
    first = text(client.get(LOG))
    assert 'rel="next"' in first and "pagina 1 van 2" in first
    second = text(client.get(f"{LOG}?page=2"))
    # The header row and the oldest six (the admin's account, second factor, login ...).
    assert second.count("<tr>") == 1 + 6
    response = client.get(f"{LOG}?page=9")
    assert response.status_code == 200 and "Naar de eerste pagina" in text(response)


@pytest.mark.parametrize("query, message", [
    ("kind=inbraak", "onbekende soort gebeurtenis"),
    ("start=4-12-2026", "„4-12-2026” is geen geldige datum"),
    ("end=2026-02-30", "geen geldige datum"),
    ("start=1900-01-01", "kies een datum tussen 2000 en 2999"),
    ("start=2026-12-04&end=2026-12-01", "ligt voor de begindatum"),
    ("ip=%3Cscript%3E", "alleen cijfers, punten"),
    ("person=" + "a" * 300, "hoogstens 254 tekens"),
])
def test_bad_filters_say_why_and_never_fail(client, query, message):
    logged_in(client, "admin")
    response = client.get(f"{LOG}?{query}")
    assert response.status_code == 400 and message in text(response)
    assert "<script>" not in text(response)


@pytest.mark.parametrize("query", ["page=abc", "page=0", "kind=%00", "start=%F0%9F%98%80",
                                   "person=%25%25", "kind=login&kind=logout"])
def test_odd_parameters_are_no_server_error(client, query):
    logged_in(client, "admin")
    assert client.get(f"{LOG}?{query}").status_code in (200, 400)


@pytest.mark.parametrize("role", ["participant", "moderator"])
def test_others_are_refused(client, role):
    logged_in(client, role)
    assert client.get(LOG).status_code == 403
    assert f'href="{LOG}"' not in text(client.get("/beheer/" if role == "moderator" else "/"))


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(LOG)
    assert response.status_code == 302 and "/inloggen" in response.headers["Location"]


def test_details_read_as_words(client):
    admin = logged_in(client, "admin")
    member = factories.user()
    users.change_role(admin, member.id, "moderator")
    example = factories.example("submitted", author=member)
    moderation.decide(admin, example.id, "changes", "Graag een bron.")
    page = text(client.get(LOG))
    assert "deelnemer → moderator" in page and "rol: deelnemer" in page
    assert f"aanpassingen gevraagd; voorbeeld {example.id}" in page
    assert "door het systeem (opdrachtregel)" in page  # the factory's accounts
    db.session.add(AuditEvent(kind="second_factor_failed", subject_id=member.id,
                              detail={"reason": "replayed", "factor": "totp"}))
    db.session.commit()
    page = text(client.get(f"{LOG}?kind=second_factor_failed"))
    assert "verkeerde code (tweede factor)" in page
    assert "code al eens gebruikt; code uit de app" in page


def test_a_logout_and_a_search_export_are_in_the_log(app, client):
    member = logged_in(client)
    assert post_form(client, "/uitloggen", {}).status_code == 302
    factories.example("published")
    assert client.get("/api/v1/search?q=&format=csv").status_code == 200
    kinds = db.session.execute(select(AuditEvent.kind, AuditEvent.actor_id, AuditEvent.ip,
                                      AuditEvent.detail).order_by(AuditEvent.id)).all()
    assert ("logout", member.id, "127.0.0.1", {}) in kinds
    assert kinds[-1] == ("export", None, "127.0.0.1",
                         {"what": "search", "format": "csv", "query": ""})
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == len(kinds)


def test_a_deleted_account_shows_as_such_not_as_its_placeholder_address(client):
    member = factories.user(email="weg@zorg.example")
    delete_account(member, member.id, factories.PASSWORD)
    logged_in(client, "admin")
    page = text(client.get(f"{LOG}?kind=account_deleted"))
    assert "verwijderd account" in page and "praktijkbank.invalid" not in page
    assert "weg@zorg.example" not in page


def _hides_a_cell_of(selector: str, classes: set[str]) -> bool:
    """Whether a CSS selector such as `.listing:not(.x) td:nth-child(3)` picks cells of a
    table with these classes (its first part is the table's, its last the cell's)."""
    parts = selector.split()
    if len(parts) < 2 or not parts[0].startswith(".") or parts[-1][:2] not in ("td", "th"):
        return False
    excluded = set(re.findall(r":not\(\.([\w-]+)\)", parts[0]))
    required = set(re.findall(r"\.([\w-]+)", re.sub(r":not\([^)]*\)", "", parts[0])))
    return required <= classes and not excluded & classes


def test_the_phone_layout_keeps_every_column_of_the_log(client):
    logged_in(client, "admin")
    classes = set(re.search(r'<table class="([^"]*audit-listing[^"]*)"', text(client.get(LOG)))
                  .group(1).split())
    css = re.sub(r"/\*.*?\*/", "", text(client.get("/static/style.css")), flags=re.S)
    hiding = [selector.strip() for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css)
              if re.search(r"display:\s*none", body) for selector in selectors.split(",")
              if _hides_a_cell_of(selector.strip(), classes)]
    assert hiding == []
