"""The audit log: every kind of event recorded by the real operation, nothing recorded by
a refused one, pruning after the retention time, and the admins' filters."""
import datetime as dt

import pytest
from sqlalchemy import delete, select

from kb.database import db
from kb.models import AuditEvent, User
from kb.services import accounts, audit, backup, deletion, moderation, privacy, users
from kb.services.errors import Forbidden, Invalid
from kb.services.importing import export_records
from kb.services.permissions import SYSTEM
from kb.services.throttle import TooMany
from kb.util import utcnow
from tests import factories
from tests.dbtools import refused


def no_link(*args) -> str:
    """Mailed links go nowhere in these tests."""
    return "http://localhost/link"


def events(kind: str | None = None) -> list[AuditEvent]:
    """The events in the log, oldest first (of one kind, if given)."""
    db.session.expire_all()
    query = select(AuditEvent).order_by(AuditEvent.id)
    if kind:
        query = query.where(AuditEvent.kind == kind)
    return list(db.session.scalars(query))


def last(kind: str) -> AuditEvent:
    """The newest event of a kind."""
    found = events(kind)
    assert found, f"no {kind} event"
    return found[-1]


@pytest.fixture
def admin(app):
    """An admin account."""
    return factories.user("admin")


def test_creating_an_account_is_recorded_with_who_did_it(admin):
    member = accounts.create_user(admin, "nieuw@voorbeeld.nl", "Nieuw Lid", "moderator",
                                  "lang-genoeg-geheim")
    event = last("account_created")
    assert (event.actor_id, event.subject_id, event.detail) == \
        (admin.id, member.id, {"role": "moderator"})
    assert event.created_at <= utcnow() and event.created_at.tzinfo is not None
    by_command = factories.user()  # the factory acts as the system (the command line)
    event = last("account_created")
    assert (event.actor_id, event.subject_id, event.detail["by"]) == \
        (None, by_command.id, "system")


def test_logins_logouts_and_failed_logins_are_recorded(app):
    member = factories.user()
    accounts.start_session(accounts.authenticate(member.email, factories.PASSWORD), True)
    event = last("login")
    assert (event.actor_id, event.subject_id, event.detail) == \
        (member.id, member.id, {"remember": True})
    accounts.start_session(member, renewed=True)  # after a password change: no new login
    assert len(events("login")) == 1
    accounts.end_session(member)
    accounts.log_out_everywhere(member)
    assert [e.detail for e in events("logout")] == [{}, {"everywhere": True}]

    for email in (member.email, "Aanvaller@Voorbeeld.nl"):
        with pytest.raises(Invalid):
            accounts.authenticate(email, "verkeerd-wachtwoord")
    wrong, unknown = events("login_failed")
    assert (wrong.subject_id, wrong.email, wrong.detail) == \
        (member.id, member.email, {"reason": "password"})
    assert (unknown.subject_id, unknown.email) == (None, "aanvaller@voorbeeld.nl")
    assert "verkeerd" not in str(wrong.detail) + str(unknown.detail)


def test_a_right_password_for_a_blocked_or_unconfirmed_account_is_a_failed_login(admin):
    blocked = factories.user()
    users.block_user(admin, blocked.id)
    with pytest.raises(accounts.Blocked):
        accounts.authenticate(blocked.email, factories.PASSWORD)
    accounts.register("nog@voorbeeld.nl", "Nog Niet", "lang-genoeg-geheim", "Kwadraad", no_link)
    with pytest.raises(Invalid):
        accounts.authenticate("nog@voorbeeld.nl", "lang-genoeg-geheim")
    assert [e.detail["reason"] for e in events("login_failed")] == ["blocked", "unconfirmed"]
    assert last("registered").subject.email == "nog@voorbeeld.nl"
    accounts.register("Nog@Voorbeeld.nl", "Nog Eens", "lang-genoeg-geheim", "Kwadraad", no_link)
    first, again = events("registered")
    assert (first.detail, again.detail) == ({"already": False}, {"already": True})
    assert first.subject_id == again.subject_id and first.actor_id is None


def test_a_throttled_login_is_recorded(app):
    app.config["ACCOUNT_LIMITS"] = {**app.config["ACCOUNT_LIMITS"], "login": (1, 900)}
    member = factories.user()
    with pytest.raises(Invalid):
        accounts.authenticate(member.email, "verkeerd-wachtwoord")
    with pytest.raises(TooMany):
        accounts.authenticate(member.email, factories.PASSWORD)
    assert [e.detail["reason"] for e in events("login_failed")] == ["password", "throttled"]


def test_passwords_changed_reset_and_requested_are_recorded(app):
    member = factories.user()
    accounts.change_password(member, factories.PASSWORD, "een-ander-geheim-1")
    assert last("password_changed").actor_id == member.id
    accounts.request_password_reset(member.email, lambda token: token)
    accounts.request_password_reset("niemand@voorbeeld.nl", lambda token: token)
    known, unknown = events("password_reset_requested")
    assert (known.subject_id, known.email) == (member.id, "")
    assert (unknown.subject_id, unknown.email) == (None, "niemand@voorbeeld.nl")
    accounts.reset_password_with_token(accounts.password_token(member), "nog-een-geheim-2")
    assert last("password_reset").subject_id == member.id


def test_invitations_roles_and_blocks_are_recorded(admin):
    invited = users.invite_user(admin, "gast@voorbeeld.nl", "Gast", "participant", "", no_link)
    assert (last("invite_sent").actor_id, last("invite_sent").subject_id) == (admin.id, invited.id)
    accounts.reset_password_with_token(accounts.password_token(invited, "invite"),
                                       "zelf-gekozen-geheim", "invite")
    assert last("invitation_accepted").subject_id == invited.id
    users.send_password_link(admin, invited.id, no_link)  # confirmed now: a reset link
    assert last("password_reset_requested").actor_id == admin.id
    users.change_role(admin, invited.id, "moderator")
    users.change_role(admin, invited.id, "moderator")  # no change: nothing recorded
    assert [e.detail for e in events("role_changed")] == \
        [{"before": "participant", "after": "moderator"}]
    users.block_user(admin, invited.id)
    users.unblock_user(admin, invited.id)
    users.unblock_user(admin, invited.id)  # not blocked: nothing recorded
    assert [(e.actor_id, e.subject_id) for e in events("blocked") + events("unblocked")] == \
        [(admin.id, invited.id)] * 2


def test_moderation_decisions_are_recorded(app):
    moderator, author = factories.user("moderator"), factories.user()
    submitted = factories.example("submitted", author=author)
    moderation.decide(moderator, submitted.id, "changes", "Graag een bron erbij.")
    published = factories.example("published", author=author)
    moderation.archive(moderator, published.id)
    moderation.restore(moderator, published.id)
    report = moderation.report_example(factories.user(), published.id, "Dit klopt niet meer")
    moderation.dismiss_report(moderator, report.id, "Klopt wel")
    decided = events("moderation_decision")
    assert [e.detail["decision"] for e in decided] == ["changes", "archive", "restore",
                                                      "dismissed"]
    assert {e.actor_id for e in decided} == {moderator.id}
    assert decided[0].subject_id == author.id and decided[0].detail["example_id"] == submitted.id
    assert decided[-1].detail["report_id"] == report.id


def test_exports_are_recorded(app, tmp_path):
    factories.example("published")
    assert len(list(export_records(SYSTEM, ("published", "draft")))) == 1
    event = last("export")
    assert event.detail == {"what": "records", "statuses": ["published", "draft"],
                            "by": "system"}
    backup.backup(str(tmp_path / "kopie.sqlite"))
    assert last("export").detail == {"what": "backup", "by": "system"}


def test_a_refused_operation_leaves_no_event(admin):
    member = factories.user()
    before = len(events())
    refused(Invalid, users.change_role, admin, admin.id, "participant", field="role")
    refused(Forbidden, users.block_user, member, admin.id)
    refused(Invalid, accounts.change_password, member, "fout", "een-nieuw-geheim",
            field="current_password")
    refused(Invalid, accounts.change_password, member, factories.PASSWORD, "wachtwoord123",
            field="password")
    refused(Invalid, moderation.decide, factories.user("moderator"),
            factories.example("submitted").id, "reject", "", field="reason")
    refused(Invalid, accounts.register, "x@voorbeeld.nl", "Xander", "praktijkbank-2026",
            "Kwadraad", no_link, field="password")
    assert [e.kind for e in events()[before:]] == ["account_created",  # (the moderator's)
                                                    "second_factor_enrolled"]


def test_record_refuses_unknown_kinds_secrets_and_large_details(app):
    with pytest.raises(ValueError, match="unknown audit event kind"):
        audit.record("iets")
    with pytest.raises(ValueError, match="looks like a secret"):
        audit.record("login", password="geheim")
    with pytest.raises(ValueError, match="looks like a secret"):
        audit.record("export", reset_token="abc")
    with pytest.raises(ValueError, match="looks like a secret"):
        audit.record("recovery_code_used", code="abcd-efgh")
    with pytest.raises(ValueError, match="keep it small"):
        audit.record("export", text="x" * 2000)
    with pytest.raises(TypeError):
        audit.record("export", moment=object())
    assert events() == []


def test_a_deleted_row_keeps_its_events_without_the_link(admin):
    member = factories.user()
    users.block_user(admin, member.id)
    db.session.execute(delete(User).where(User.id == member.id))
    db.session.commit()
    event = last("blocked")
    assert (event.actor_id, event.subject_id) == (admin.id, None)


def test_deleting_an_account_is_recorded_and_forgets_the_address_typed(admin):
    member = factories.user(email="weg@voorbeeld.nl")
    with pytest.raises(Invalid):
        accounts.authenticate("WEG@voorbeeld.nl", "verkeerd-wachtwoord")
    refused(Invalid, deletion.delete_account, member, member.id, "fout-wachtwoord",
            field="password")
    assert events("account_deleted") == []
    deletion.delete_account(member, member.id, factories.PASSWORD)
    event = last("account_deleted")
    assert (event.actor_id, event.subject_id) == (member.id, member.id)
    assert last("login_failed").email == "" and last("login_failed").subject_id == member.id


def test_a_persons_data_holds_their_events_and_its_download_is_recorded(admin):
    member = factories.user()
    users.change_role(admin, member.id, "moderator")
    data = privacy.personal_data(member, member)
    assert [(e["kind"], e["by"]) for e in data["audit_log"]] == \
        [("account_created", "systeem"), ("role_changed", "beheerder of moderator")]
    assert admin.email not in str(data["audit_log"])
    event = last("export")
    assert (event.actor_id, event.subject_id, event.detail) == \
        (member.id, member.id, {"what": "personal_data"})


def test_prune_forgets_what_is_older_than_the_retention(app):
    app.config["AUDIT_RETENTION_DAYS"] = 30
    now = utcnow()
    for days in (31, 29, 0):
        db.session.add(AuditEvent(kind="login", created_at=now - dt.timedelta(days=days)))
    db.session.commit()
    assert audit.prune_audit(now) == 1
    assert [round((now - e.created_at).days) for e in events()] == [29, 0]
    assert audit.prune_audit(now + dt.timedelta(days=31)) == 2 and events() == []


def logged(admin, **args) -> list[str]:
    """The kinds of the events the filters find, newest first."""
    return [e.kind for e in audit.list_events(admin, audit.parse_filters(args)).items]


def test_filters_find_by_kind_person_ip_and_period(admin):
    member = factories.user(email="anna.jansen@zorg.example")
    with pytest.raises(Invalid):
        accounts.authenticate("indringer@elders.example", "verkeerd-wachtwoord")
    users.block_user(admin, member.id)
    old = AuditEvent(kind="logout", ip="10.1.2.3", created_at=dt.datetime(
        2026, 1, 15, 23, 30, tzinfo=dt.timezone.utc))  # 16 January in Amsterdam
    db.session.add(old)
    db.session.commit()
    assert logged(admin)[:2] == ["blocked", "login_failed"]  # newest first
    assert logged(admin, kind="blocked") == ["blocked"]
    assert logged(admin, person="JANSEN") == ["blocked", "account_created"]
    assert logged(admin, person="indringer") == ["login_failed"]
    assert logged(admin, person="100%_") == []
    assert logged(admin, ip="10.1.") == ["logout"]
    assert logged(admin, start="2026-01-16", end="2026-01-16") == ["logout"]
    assert logged(admin, end="2026-01-15") == []


@pytest.mark.parametrize("args, field", [
    ({"kind": "inbraak"}, "kind"), ({"start": "16-01-2026"}, "start"),
    ({"end": "2026-02-30"}, "end"), ({"start": "1999-12-31"}, "start"),
    ({"start": "2026-02-01", "end": "2026-01-01"}, "end"), ({"ip": "<script>"}, "ip"),
    ({"person": "a" * 255}, "person"),
])
def test_bad_filters_are_named(app, args, field):
    with pytest.raises(Invalid) as info:
        audit.parse_filters(args)
    assert list(info.value.errors) == [field]


@pytest.mark.parametrize("role", ["participant", "moderator"])
def test_only_admins_read_the_log(app, role):
    with pytest.raises(Forbidden):
        audit.list_events(factories.user(role))
