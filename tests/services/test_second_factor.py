"""Two-factor authentication with real codes from pyotp, time-shifted for replay and drift."""
import pyotp
import pytest
from sqlalchemy import select

from kb.database import db
from kb.models import AuditEvent, RecoveryCode, SecondFactor
from kb.services import deletion, moderation, second_factor, users
from kb.services import permissions as perm
from kb.services.errors import Forbidden, Invalid
from kb.services.throttle import TooMany
from tests import factories

SECRET = factories.TOTP_SECRET
TOTP = pyotp.TOTP(SECRET)
NOW = 1_800_000_015.0  # the middle of a 30-second step: codes at NOW ± 30 are its neighbours


def rows() -> tuple:
    """Everything stored about second factors and accounts (compared before and after a
    refusal)."""
    db.session.expire_all()
    return tuple(sorted(map(str, db.session.execute(select(table)).all()))
                 for table in (SecondFactor.__table__, RecoveryCode.__table__,
                               db.metadata.tables["user_account"]))


def enrolled(role: str = "participant"):
    """An account that enrolled TOTP_SECRET with the code of the step before NOW; returns
    the account and its recovery codes."""
    account = factories.user(role, two_factor=False)
    codes = second_factor.enrol(account, SECRET, TOTP.at(NOW - 30), at=NOW)
    return account, codes


def refused(call, *args, says: str = "", **kwargs):
    """The call is refused on the code field (saying `says`), and nothing else changes
    than the count of wrong attempts."""
    before = rows()
    with pytest.raises(Invalid) as info:
        call(*args, **kwargs)
    db.session.rollback()
    assert says in info.value.errors["code"], info.value.errors
    assert rows() == before


def test_enrolling_with_the_code_from_the_app_gives_ten_recovery_codes(app):
    account, codes = enrolled()
    assert account.has_second_factor and len(codes) == len(set(codes)) == 10
    assert second_factor.recovery_codes_left(account) == 10
    stored = db.session.get(SecondFactor, account.id).secret
    assert SECRET not in stored and second_factor.unseal(stored) == SECRET
    assert all(code not in str(rows()) for code in codes)  # only salted hashes are kept


def test_enrolling_with_a_wrong_code_stores_nothing(app):
    account = factories.user()
    for code in (TOTP.at(NOW - 90), "123", "", "abcdef", "１２３４５６"):
        refused(second_factor.enrol, account, SECRET, code, at=NOW, says="klopt niet")
    assert not account.has_second_factor


def test_a_code_is_accepted_once_and_older_codes_never(app):
    account, _codes = enrolled()
    assert second_factor.check_code(account, TOTP.at(NOW), at=NOW) == "totp"
    refused(second_factor.check_code, account, TOTP.at(NOW), at=NOW + 5, says="al gebruikt")
    # The enrolment's own code (one step earlier, still within the drift) is refused too.
    refused(second_factor.check_code, account, TOTP.at(NOW - 30), at=NOW, says="al gebruikt")
    assert second_factor.check_code(account, TOTP.at(NOW + 30), at=NOW + 30) == "totp"


def test_one_step_of_clock_drift_is_accepted_and_no_more(app):
    account, _codes = enrolled()
    later = NOW + 300
    refused(second_factor.check_code, account, TOTP.at(later - 60), at=later, says="klopt niet")
    refused(second_factor.check_code, account, TOTP.at(later + 60), at=later, says="klopt niet")
    assert second_factor.check_code(account, TOTP.at(later - 30), at=later) == "totp"
    assert second_factor.check_code(account, TOTP.at(later + 30), at=later) == "totp"


def test_a_recovery_code_works_once(app):
    account, codes = enrolled()
    assert second_factor.check_code(account, codes[3].upper().replace("-", " ")) == "recovery"
    assert second_factor.recovery_codes_left(account) == 9
    refused(second_factor.check_code, account, codes[3], says="herstelcode is al gebruikt")
    refused(second_factor.check_code, account, "abcde-fghjk", says="klopt niet")
    assert second_factor.check_code(account, codes[4]) == "recovery"


def test_wrong_codes_are_throttled_like_passwords(app):
    account, codes = enrolled()
    attempts, _window = app.config["ACCOUNT_LIMITS"]["second-factor"]
    for _attempt in range(attempts):
        with pytest.raises(Invalid):
            second_factor.check_code(account, "000000", at=NOW)
    with pytest.raises(TooMany) as info:
        second_factor.check_code(account, TOTP.at(NOW), at=NOW)
    assert info.value.retry_after > 0 and "te vaak" in str(info.value)
    with pytest.raises(TooMany):
        second_factor.check_code(account, codes[0])
    assert second_factor.recovery_codes_left(account) == 10  # nothing was used up


def test_a_secret_sealed_under_another_key_is_refused_clearly(app):
    account, codes = enrolled()
    app.config["SECRET_KEY"] = "a-new-secret-key"
    refused(second_factor.check_code, account, TOTP.at(NOW), at=NOW, says="herstelcode")
    assert second_factor.check_code(account, codes[0]) == "recovery"


def test_moderators_have_no_moderator_rights_until_they_enrolled(app):
    moderator = factories.user("moderator", two_factor=False)
    admin = factories.user("admin", two_factor=False)
    example = factories.example("submitted")
    assert moderator.needs_second_factor and not perm.can_moderate_example(moderator)
    assert perm.can_create_example(moderator)  # a participant's rights stay
    assert not perm.can_manage_users(admin) and not perm.can_curate_taxonomy(admin)
    with pytest.raises(Forbidden):
        moderation.decide(moderator, example.id, "publish")
    second_factor.enrol(moderator, SECRET, TOTP.now())
    assert perm.can_moderate_example(moderator)
    assert moderation.decide(moderator, example.id, "publish").status == "published"


def test_an_admin_resets_another_accounts_second_factor(app):
    admin = factories.user("admin")
    account, codes = enrolled("moderator")
    token = second_factor.remember_device(account)
    sessions = account.session_token
    second_factor.reset_second_factor(admin, account)
    assert not account.has_second_factor and account.needs_second_factor
    assert account.session_token != sessions  # every session ended
    assert second_factor.recovery_codes_left(account) == 0
    assert not second_factor.is_remembered(account, token)
    refused(second_factor.check_code, account, codes[0], says="geen tweestapsverificatie")
    with pytest.raises(Invalid):  # nothing left to reset
        second_factor.reset_second_factor(admin, account)


def test_only_admins_reset_and_never_their_own(app):
    admin = factories.user("admin")
    moderator, _codes = enrolled("moderator")
    participant, _codes = enrolled()
    for actor, target in ((moderator, participant), (participant, moderator),
                          (admin, admin)):
        before = rows()
        with pytest.raises(Forbidden):
            second_factor.reset_second_factor(actor, target)
        db.session.rollback()
        assert rows() == before
    # An admin who has not enrolled yet may not administer at all.
    newcomer = factories.user("admin", two_factor=False)
    with pytest.raises(Forbidden):
        second_factor.reset_second_factor(newcomer, participant)
    with pytest.raises(Forbidden):
        users.block_user(newcomer, participant.id)


def test_a_remembered_device_holds_until_the_second_factor_is_reset(app):
    admin = factories.user("admin")
    account, _codes = enrolled()
    other, _codes = enrolled()
    token = second_factor.remember_device(account)
    assert second_factor.is_remembered(account, token)
    assert not second_factor.is_remembered(other, token)
    assert not second_factor.is_remembered(account, token + "x")
    assert not second_factor.is_remembered(account, None)
    second_factor.reset_second_factor(admin, account)
    second_factor.enrol(account, SECRET, TOTP.now())
    assert not second_factor.is_remembered(account, token)  # a new device secret


def test_a_participant_turns_it_off_with_password_and_code(app):
    account, _codes = enrolled()
    before = rows()
    with pytest.raises(Invalid) as info:
        second_factor.disable(account, "verkeerd wachtwoord", TOTP.at(NOW), at=NOW)
    assert "password" in info.value.errors and rows() == before
    refused(second_factor.disable, account, factories.PASSWORD, "000000", at=NOW,
            says="klopt niet")
    second_factor.disable(account, factories.PASSWORD, TOTP.at(NOW), at=NOW)
    assert not account.has_second_factor and second_factor.recovery_codes_left(account) == 0


def test_moderators_keep_their_second_factor(app):
    moderator, _codes = enrolled("moderator")
    refused(second_factor.disable, moderator, factories.PASSWORD, TOTP.at(NOW), at=NOW,
            says="aan laten staan")
    assert moderator.has_second_factor


def test_new_recovery_codes_replace_the_old_ones(app):
    account, old = enrolled()
    new = second_factor.new_recovery_codes(account, TOTP.at(NOW), at=NOW)
    assert len(new) == 10 and not set(new) & set(old)
    refused(second_factor.check_code, account, old[0], says="klopt niet")
    assert second_factor.check_code(account, new[0]) == "recovery"


def events(kind: str) -> list[tuple]:
    """(actor id, subject id, detail) of each audit event of the kind, oldest first."""
    db.session.expire_all()
    return [(e.actor_id, e.subject_id, e.detail) for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.kind == kind).order_by(AuditEvent.id))]


def test_the_audit_log_keeps_enrolments_refusals_recovery_codes_and_resets(app):
    admin = factories.user("admin")
    account, codes = enrolled("moderator")
    assert events("second_factor_enrolled")[-1] == (account.id, account.id, {})
    with pytest.raises(Invalid):
        second_factor.check_code(account, TOTP.at(NOW - 30), at=NOW)  # the enrolment's
    with pytest.raises(Invalid):
        second_factor.check_code(account, "zzzzz-zzzzz")
    second_factor.check_code(account, codes[0])
    assert events("second_factor_failed") == [
        (None, account.id, {"reason": "replayed", "factor": "totp"}),
        (None, account.id, {"reason": "wrong", "factor": "recovery"})]
    assert events("recovery_code_used") == [(account.id, account.id, {"left": 9})]
    attempts, _window = app.config["ACCOUNT_LIMITS"]["second-factor"]
    for _attempt in range(attempts - 2):
        with pytest.raises(Invalid):
            second_factor.check_code(account, "000000", at=NOW)
    with pytest.raises(TooMany):
        second_factor.check_code(account, TOTP.at(NOW), at=NOW)
    assert events("second_factor_failed")[-1] == (None, account.id, {"reason": "throttled"})
    second_factor.reset_second_factor(admin, account)
    assert events("second_factor_reset") == [(admin.id, account.id, {})]
    assert not any(code in str(events("recovery_code_used")) for code in codes)


def test_a_deleted_account_loses_its_second_factor(app):
    account, _codes = enrolled()
    deletion.delete_account(account, account.id, factories.PASSWORD)
    db.session.expire_all()
    assert db.session.get(SecondFactor, account.id) is None
    assert second_factor.recovery_codes_left(account) == 0
