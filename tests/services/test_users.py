"""User management by admins: listing, roles, blocking, and every refusal."""
import pytest

from kb.database import db
from kb.models import User
from kb.services import users
from kb.services.errors import Forbidden, Invalid, NotFound
from kb.services.permissions import SYSTEM
from tests import factories
from tests.dbtools import refused


@pytest.fixture
def admin(app):
    """An admin account."""
    return factories.user("admin")


def emails(pagination) -> list[str]:
    """The addresses on a page of the list."""
    return [user.email for user in pagination.items]


def test_list_searches_name_and_email_and_filters(admin):
    anna = factories.user(email="anna.jansen@zorg.example")
    moderator = factories.user("moderator", email="mod@welzijn.example")
    users.block_user(admin, anna.id)
    assert emails(users.list_users(admin, q="JANSEN")) == ["anna.jansen@zorg.example"]
    assert emails(users.list_users(admin, q="welzijn")) == [moderator.email]
    assert emails(users.list_users(admin, q="Test moderator")) == [moderator.email]
    assert emails(users.list_users(admin, role="moderator")) == [moderator.email]
    assert emails(users.list_users(admin, state="blocked")) == [anna.email]
    assert anna.email not in emails(users.list_users(admin, state="active"))
    assert emails(users.list_users(admin, q="100%_zeker")) == []


def test_list_is_paginated(admin):
    for _ in range(4):
        factories.user()
    page = users.list_users(admin, page=2, per_page=2)
    assert page.total == 5 and page.pages == 3 and len(page.items) == 2


@pytest.mark.parametrize("args, field", [({"role": "koning"}, "role"), ({"state": "weg"}, "state")])
def test_list_refuses_unknown_filters(admin, args, field):
    with pytest.raises(Invalid) as info:
        users.list_users(admin, **args)
    assert field in info.value.errors


@pytest.mark.parametrize("role", ["participant", "moderator"])
def test_only_admins_manage_users(app, role):
    actor, other = factories.user(role), factories.user()
    with pytest.raises(Forbidden):
        users.list_users(actor)
    refused(Forbidden, users.change_role, actor, other.id, "admin")
    refused(Forbidden, users.block_user, actor, other.id)
    refused(Forbidden, users.unblock_user, actor, other.id)


def test_change_role(admin):
    member = factories.user()
    assert users.change_role(admin, member.id, "moderator").role == "moderator"
    assert users.change_role(admin, member.id, "admin").is_admin
    assert users.change_role(admin, member.id, "participant").role == "participant"


def test_change_role_refuses_unknown_role_and_user(admin):
    member = factories.user()
    refused(Invalid, users.change_role, admin, member.id, "koning", field="role")
    refused(NotFound, users.change_role, admin, 999_999, "moderator")


def test_an_admin_cannot_demote_or_block_themselves(admin):
    factories.user("admin")  # another admin exists: the refusal is about oneself
    refused(Invalid, users.change_role, admin, admin.id, "moderator", field="role")
    refused(Invalid, users.block_user, admin, admin.id, field="active")
    assert users.change_role(admin, admin.id, "admin").role == "admin"  # no change is fine


def test_the_last_admin_stays_even_for_the_command_line(admin):
    refused(Invalid, users.change_role, SYSTEM, admin.id, "participant", field="role")
    refused(Invalid, users.block_user, SYSTEM, admin.id, field="active")


def test_blocking_rotates_the_session_token_and_unblocking_lets_in_again(admin):
    member = factories.user()
    token = member.session_token
    blocked = users.block_user(admin, member.id)
    assert not blocked.active and not blocked.is_active and blocked.session_token != token
    db.session.expire_all()
    assert db.session.get(User, member.id).active is False
    assert users.unblock_user(admin, member.id).active
    assert db.session.get(User, member.id).check_password(factories.PASSWORD)
