"""The whole permission matrix: every role × operation × own/other's example × status.

The expected answers are written out here from the roles in DESIGN.md, independently of
kb/services/permissions.py; then the services themselves are called to prove they refuse
what the predicates refuse (and leave the data as it was).
"""
import itertools

import pytest
from flask_login import AnonymousUserMixin

from kb.database import db
from kb.models import STATUSES
from kb.services import examples, moderation
from kb.services import permissions as perm
from kb.services.errors import Forbidden, Invalid, NotFound
from tests import factories

ROLES = ("anonymous", "blocked", "participant", "moderator", "admin")
CURATORS = ("moderator", "admin")
MEMBERS = ("participant", "moderator", "admin")


def expected(operation: str, role: str, own: bool, status: str) -> bool:
    """What DESIGN.md says the role may do with an example in this status."""
    curator, member, author = role in CURATORS, role in MEMBERS, own and role in MEMBERS
    return {
        "view": status == "published" or curator or author,
        "edit": curator or (author and status != "archived"),
        "withdraw": (curator or author) and status == "submitted",
        "moderate": curator,
        "report": member and status == "published",
        "history": curator or author,
    }[operation]


EXPECTED_GENERAL = {  # operation: roles allowed, whatever the example
    "create_example": MEMBERS,
    "import_examples": CURATORS,
    "export_examples": CURATORS,
    "curate_taxonomy": CURATORS,
    "handle_reports": CURATORS,
    "manage_users": ("admin",),
}
PREDICATES = {
    "view": perm.can_view_example,
    "edit": perm.can_edit_example,
    "withdraw": perm.can_withdraw_example,
    "moderate": perm.can_moderate_example,
    "report": perm.can_report_example,
    "history": perm.can_view_history,
}


def actor_for(role: str):
    """An actor of the role: a stored account, or the anonymous visitor."""
    if role == "anonymous":
        return AnonymousUserMixin()
    account = factories.user("participant" if role == "blocked" else role)
    if role == "blocked":
        account.active = False
        db.session.commit()
    return account


def example_for(actor, own: bool, status: str, other):
    """An example in the status, written by the actor (own) or by the other account."""
    example = factories.example(status, author=other, themes=["mantelzorg"])
    if own and getattr(actor, "id", None):  # (a blocked account can no longer write)
        example.author_id = actor.id
        db.session.commit()
    return example


@pytest.mark.parametrize("role", ROLES)
def test_predicates_match_the_roles(app, role):
    actor, other = actor_for(role), factories.user()
    for own, status in itertools.product((True, False), STATUSES):
        example = example_for(actor, own, status, other)
        for operation, predicate in PREDICATES.items():
            assert predicate(actor, example) == expected(operation, role, own, status), \
                (operation, role, own, status)
    for operation, allowed in EXPECTED_GENERAL.items():
        assert getattr(perm, f"can_{operation}")(actor) == (role in allowed), (operation, role)


def snapshot(example) -> tuple:
    """What a refused operation must leave unchanged."""
    db.session.refresh(example)
    return (example.title, example.status, example.featured, len(example.revisions),
            len(example.decisions), len(example.reports))


def attempt(operation: str, actor, example):
    """Call the service behind an operation; return 'ok', 'forbidden' or 'not found'."""
    calls = {
        "view": lambda: examples.get_example(actor, example.id),
        "edit": lambda: examples.update_example(
            actor, example.id, factories.record(title="Gewijzigd door iemand",
                                                ref=example.ref)),
        "withdraw": lambda: examples.withdraw_example(actor, example.id),
        "moderate": lambda: moderation.set_featured(actor, example.id, True),
        "report": lambda: moderation.report_example(actor, example.id, "Klopt niet meer"),
        "history": lambda: moderation.history(actor, example.id),
    }
    try:
        calls[operation]()
    except NotFound:
        return "not found"
    except (Forbidden, Invalid):
        db.session.rollback()
        return "refused"
    return "ok"


@pytest.mark.parametrize("role", ROLES)
def test_services_refuse_what_the_matrix_forbids(app, role):
    actor, other = actor_for(role), factories.user()
    for own, status in itertools.product((True, False), STATUSES):
        example = None
        for operation in PREDICATES:
            # A refusal changes nothing (asserted below), so the example serves again.
            example = example or example_for(actor, own, status, other)
            before = snapshot(example)
            outcome = attempt(operation, actor, example)
            allowed = expected(operation, role, own, status)
            visible = expected("view", role, own, status)
            case = (operation, role, own, status, outcome)
            if allowed and (operation != "moderate" or status == "published"):
                assert outcome == "ok", case  # (featuring needs a published example)
                example = None
            elif not allowed:
                assert outcome in ("refused", "not found"), case
                assert snapshot(example) == before, case
                if not visible and operation != "moderate":
                    assert outcome == "not found", case  # not even its existence is told


# -- every changing operation is paired with its predicate ---------------------------------

def _changing_operations():
    """(module, name, function) of every public service operation that changes data."""
    import importlib
    import inspect
    import pkgutil

    import kb.services
    for info in pkgutil.walk_packages(kb.services.__path__, "kb.services."):
        module = importlib.import_module(info.name)
        for name, function in vars(module).items():
            if (inspect.isfunction(function) and function.__module__ == module.__name__
                    and not name.startswith("_") and getattr(function, "changes_data", False)
                    and list(inspect.signature(function).parameters)[:1] == ["actor"]):
                yield info.name.removeprefix("kb.services."), name, function


def test_every_changing_operation_checks_the_predicate_named_after_it():
    import inspect
    unpaired = []
    operations = list(_changing_operations())
    for module, name, function in operations:
        predicate = f"can_{name}"
        names = inspect.unwrap(function).__code__.co_names
        if not hasattr(perm, predicate) or predicate not in names or "require" not in names:
            unpaired.append(f"{module}.{name}")
    assert len(operations) >= 30 and unpaired == []
