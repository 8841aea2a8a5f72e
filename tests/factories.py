"""Factories for test data: valid records and examples in any status."""
import itertools
import time

import pyotp

from kb.database import db
from kb.models import Example
from kb.services import second_factor
from kb.services.accounts import create_user
from kb.services.examples import create_example, set_status
from kb.services.permissions import SYSTEM

_numbers = itertools.count(1)
PASSWORD = "geheim-wachtwoord"
# The authenticator app of every test moderator and admin (and of participants enrolled).
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def record(**overrides) -> dict:
    """A complete, valid import record; overrides replace fields."""
    number = next(_numbers)
    data = {
        "ref": f"test-{number}",
        "title": f"Wandelgroep voor ouderen in de wijk {number}",
        "summary": "Samen wandelen als begin van nieuwe contacten in de buurt.",
        "body": "## Aanleiding\n\nVeel ouderen in de wijk voelden zich **eenzaam**.",
        "impact": "Minder eenzaamheid en meer bewegen.",
        "evidence": "Korte vragenlijst voor en na, en verhalen van deelnemers.",
        # The practical fields are optional: empty, as in most records.
        "needs": "", "costs": "", "duration": "", "success_factors": "", "pitfalls": "",
        "contact_role": "",
        "dimensions": ["lichaamsfuncties", "meedoen"],
        "themes": ["eenzaamheid"],
        "organisation": "Participe",
        "organisation_type": "welzijn",
        "level": "micro",
        "setting": "wijk",
        "target_groups": ["ouderen"],
        "evidence_types": ["vragenlijst", "verhalen"],
        "municipality": "Leiden",
        "year": 2023,
        "leeratelier": None,
        "learning_question": None,
        "links": [],
    }
    data.update(overrides)
    return data


def user(role: str = "participant", email: str | None = None, password: str = PASSWORD,
         two_factor: bool | None = None):
    """A stored account with the given role; moderators and admins have enrolled their
    second factor (TOTP_SECRET) unless two_factor is False, participants only when it
    is True."""
    email = email or f"{role}{next(_numbers)}@praktijkbank.example"
    account = create_user(SYSTEM, email, f"Test {role}", role, password)
    if account.is_moderator if two_factor is None else two_factor:
        enrol_second_factor(account)
    return account


def enrol_second_factor(account, secret: str = TOTP_SECRET) -> list[str]:
    """Enrol the account's authenticator app with a real code from pyotp (the previous
    time-step's, so that a code of this step still logs in); returns its recovery codes."""
    now = time.time()
    return second_factor.enrol(account, secret, pyotp.TOTP(secret).at(now - 30), at=now)


def example(status: str = "published", author=None, **overrides) -> Example:
    """A stored example brought to the given status along the real status flow."""
    # Written by the system, then given its author: factories ignore submission limits.
    item = create_example(SYSTEM, record(**overrides), submit=status != "draft")
    item.author_id = getattr(author, "id", None)
    steps = {"published": ["published"], "changes_requested": ["changes_requested"],
             "rejected": ["rejected"], "archived": ["published", "archived"]}
    for step in steps.get(status, []):
        set_status(item, step, SYSTEM, reason="test")
    db.session.commit()
    return item
