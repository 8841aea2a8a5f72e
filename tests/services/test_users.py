"""User management by admins: listing, roles, blocking, and every refusal."""
import pytest

from kb.database import db
from kb.models import User
from kb.services import accounts, deletion, privacy, second_factor, users
from kb.services.errors import Forbidden, Invalid, NotFound
from kb.services.examples import create_example
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


# -- invitations and reset links -------------------------------------------------------

def link_for(kind: str, token: str) -> str:
    """The mailed link, as the web layer would make it."""
    path = "/uitnodiging/" if kind == "invite" else "/wachtwoord-herstellen/"
    return f"http://praktijkbank.test{path}{token}"


def token_in(inbox, to: str, path: str) -> str:
    """The token of the last link to path mailed to an address."""
    return inbox.link(to, path).rsplit("/", 1)[1]


def test_invite_opens_an_unconfirmed_account_and_mails_a_link_that_works_once(admin, inbox):
    invited = users.invite_user(admin, " Anna.Jansen@Zorg.example ", "Anna Jansen",
                                "moderator", "Hecht", link_for)
    assert (invited.email, invited.name, invited.role) == \
        ("anna.jansen@zorg.example", "Anna Jansen", "moderator")
    assert invited.organisation.name == "Hecht" and invited.email_confirmed_at is None
    (to, content), = inbox.received()
    assert to == ["anna.jansen@zorg.example"] and admin.name in content
    token = token_in(inbox, invited.email, "/uitnodiging/")
    assert accounts.check_reset_token(token, "invite").id == invited.id
    with pytest.raises(Invalid):
        accounts.check_reset_token(token)  # an invitation is no reset link
    accounts.reset_password_with_token(token, "mijn-eigen-wachtwoord", "invite")
    assert accounts.authenticate(invited.email, "mijn-eigen-wachtwoord").id == invited.id
    with pytest.raises(Invalid) as info:
        accounts.check_reset_token(token, "invite")
    assert "al gebruikt" in info.value.errors["token"]


def test_an_expired_or_forged_invitation_is_refused_clearly(app, admin, inbox):
    invited = users.invite_user(admin, "anna@zorg.example", "Anna Jansen", "participant", "",
                                link_for)
    assert invited.organisation is None and invited.organisation_name == ""
    token = token_in(inbox, invited.email, "/uitnodiging/")
    with pytest.raises(Invalid) as info:
        accounts.check_reset_token(token[:-2] + "xx", "invite")
    assert "klopt niet" in info.value.errors["token"]
    app.config["INVITE_TOKEN_MAX_AGE"] = -1
    refused(Invalid, accounts.reset_password_with_token, token, "mijn-eigen-wachtwoord",
            "invite", field="token")
    with pytest.raises(Invalid) as info:
        accounts.check_reset_token(token, "invite")
    assert "verlopen" in info.value.errors["token"]


def test_invite_names_every_wrong_field_and_changes_nothing(admin, inbox):
    factories.user(email="bezet@zorg.example")
    with pytest.raises(Invalid) as info:
        users.invite_user(admin, "geen-adres", "A", "koning", "x", link_for)
    assert set(info.value.errors) == {"email", "name", "role", "organisation"}
    refused(Invalid, users.invite_user, admin, "BEZET@zorg.example", "Anna Jansen",
            "participant", "", link_for, field="email")
    assert inbox.received() == []


@pytest.mark.parametrize("role", ["participant", "moderator"])
def test_only_admins_invite_and_send_links(app, role, inbox):
    actor, other = factories.user(role), factories.user()
    refused(Forbidden, users.invite_user, actor, "anna@zorg.example", "Anna Jansen",
            "admin", "", link_for)
    refused(Forbidden, users.send_password_link, actor, other.id, link_for)
    assert inbox.received() == []


def test_an_admin_sends_a_reset_link_that_sets_a_new_password(admin, inbox):
    member = factories.user()
    users.send_password_link(admin, member.id, link_for)
    token = token_in(inbox, member.email, "/wachtwoord-herstellen/")
    assert member.check_password(factories.PASSWORD)  # the old one works until then
    accounts.reset_password_with_token(token, "een-nieuw-wachtwoord")
    assert accounts.authenticate(member.email, "een-nieuw-wachtwoord").id == member.id


def test_an_unconfirmed_account_gets_its_invitation_again(admin, inbox):
    invited = users.invite_user(admin, "anna@zorg.example", "Anna Jansen", "participant", "",
                                link_for)
    first = token_in(inbox, invited.email, "/uitnodiging/")
    users.send_password_link(admin, invited.id, link_for)
    assert [to for to, _content in inbox.received()] == [[invited.email]] * 2
    again = token_in(inbox, invited.email, "/uitnodiging/")
    accounts.reset_password_with_token(again, "mijn-eigen-wachtwoord", "invite")
    with pytest.raises(Invalid):  # choosing a password ends every earlier invitation
        accounts.check_reset_token(first, "invite")


def test_a_blocked_account_gets_no_link(admin, inbox):
    member = factories.user()
    users.block_user(admin, member.id)
    refused(Invalid, users.send_password_link, admin, member.id, link_for, field="active")
    refused(NotFound, users.send_password_link, admin, 999_999, link_for)
    assert inbox.received() == []


def test_an_invited_moderator_hears_of_the_queue_once_they_accepted(admin, inbox):
    invited = users.invite_user(admin, "anna@zorg.example", "Anna Jansen", "moderator", "",
                                link_for)
    token = token_in(inbox, invited.email, "/uitnodiging/")
    create_example(factories.user(), factories.record(ref=None), submit=True)
    assert sum(to == [invited.email] for to, _content in inbox.received()) == 1  # the invite
    accounts.reset_password_with_token(token, "mijn-eigen-wachtwoord", "invite")
    create_example(factories.user(), factories.record(ref=None), submit=True)
    assert sum(to == [invited.email] for to, _content in inbox.received()) == 2


# -- a deleted account stays deleted ---------------------------------------------------------

def test_a_deleted_account_cannot_be_changed_or_brought_back(admin, inbox):
    member = factories.user("moderator")
    token = accounts.password_token(member, "invite")  # a link mailed before the deletion
    deletion.delete_account(admin, member.id)
    refused(Forbidden, users.change_role, admin, member.id, "admin")
    refused(Forbidden, users.unblock_user, admin, member.id)
    refused(Forbidden, users.block_user, admin, member.id)
    refused(Forbidden, users.send_password_link, admin, member.id, link_for)
    refused(Forbidden, second_factor.reset_second_factor, admin, member)
    refused(Forbidden, privacy.personal_data, admin, member)
    refused(Invalid, deletion.delete_account, admin, member.id, field="account")
    refused(Invalid, accounts.reset_password_with_token, token, "mijn-eigen-wachtwoord",
            "invite", field="token")
    assert inbox.received() == []


def test_an_account_revived_before_the_fix_still_cannot_log_in(admin, inbox):
    member = factories.user()
    deletion.delete_account(admin, member.id)
    gone = db.session.get(User, member.id)
    gone.active, gone.email_confirmed_at = True, gone.deleted_at  # what the bug left behind
    gone.set_password("een-gekozen-wachtwoord")
    db.session.commit()
    token = accounts.password_token(gone)
    with pytest.raises(Invalid) as info:
        accounts.authenticate(gone.email, "een-gekozen-wachtwoord")
    assert "horen niet bij elkaar" in info.value.errors["password"]
    refused(Invalid, accounts.check_reset_token, token, field="token")
    assert not gone.is_active
