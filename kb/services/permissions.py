"""One permission predicate per service operation, named after it (as CKAN pairs each
action with its auth function): `examples.update_example` checks `can_update_example`.
Operations that share a rule share a predicate under each name. Views and templates ask
the same predicates; tests/services/test_permissions.py fails when a changing operation
has no predicate of its name, or does not check it."""
from kb.services.errors import Forbidden, NotFound


class SystemActor:
    """The command line and the demo loader: acts with an admin's rights, as nobody."""

    id = None
    role = "admin"
    is_authenticated = True
    is_active = True
    is_anonymous = False
    is_moderator = True
    is_admin = True


SYSTEM = SystemActor()


def _is_member(actor) -> bool:
    """A logged-in, not blocked account (or the system)."""
    return bool(getattr(actor, "is_authenticated", False)) and getattr(actor, "is_active", False)


def _is_moderator(actor) -> bool:
    """A logged-in moderator or admin who enrolled a second factor (until then they may
    do only what a participant may)."""
    return _is_member(actor) and getattr(actor, "is_moderator", False) \
        and not getattr(actor, "needs_second_factor", False)


def _is_author(actor, example) -> bool:
    """The actor wrote the example."""
    return _is_member(actor) and example.author_id is not None and example.author_id == actor.id


def can_view_example(actor, example) -> bool:
    """Published examples are public; others only for their author and moderators."""
    return example.status == "published" or _is_moderator(actor) or _is_author(actor, example)


def can_create_example(actor) -> bool:
    """Any active account may write examples."""
    return _is_member(actor)


def can_edit_example(actor, example) -> bool:
    """Authors edit their own (not when archived); moderators edit any."""
    if _is_moderator(actor):
        return True
    return _is_author(actor, example) and example.status != "archived"


def can_autosave(actor, example) -> bool:
    """A member keeps what they type in a form they may use: a new example, or an example
    they may edit."""
    if example is None:
        return can_create_example(actor)
    return can_edit_example(actor, example)


def can_discard_autosave(actor) -> bool:
    """A member throws away their own unsaved text."""
    return _is_member(actor)


def can_withdraw_example(actor, example) -> bool:
    """Authors (and moderators) take back a submission or an edit awaiting review."""
    if not (_is_author(actor, example) or _is_moderator(actor)):
        return False
    return example.status == "submitted" or any(r.state == "pending" for r in example.revisions)


def can_moderate_example(actor, example=None) -> bool:
    """Moderators decide on submissions, feature and archive."""
    return _is_moderator(actor)


def can_import_examples(actor) -> bool:
    """Bulk import is a moderator's tool."""
    return _is_moderator(actor)


def can_export_examples(actor) -> bool:
    """Exporting every status is a moderator's tool."""
    return _is_moderator(actor)


def can_create_leeratelier(actor) -> bool:
    """Leerateliers are organised, so moderators (and imports) add them; a participant
    picks one that exists."""
    return _is_moderator(actor)


def can_manage_users(actor) -> bool:
    """Only admins (with their second factor) create accounts for others and change
    roles."""
    return _is_moderator(actor) and getattr(actor, "is_admin", False)


def _not_deleted(user) -> bool:
    """The account was not deleted (or none is named yet): a deleted account stays as its
    deletion left it, since a new role, access or password would bring it back."""
    return user is None or user.deleted_at is None


def can_change_account(actor, user=None) -> bool:
    """Admins change another account's role, access and password links; never a deleted
    account's."""
    return can_manage_users(actor) and _not_deleted(user)


def can_reset_second_factor(actor, user=None) -> bool:
    """An admin turns off another account's second factor (never their own: that would
    open the administration to whoever has their password; never a deleted account's)."""
    return can_change_account(actor, user) and (user is None or user.id != actor.id)


def can_enrol(actor) -> bool:
    """Any active member may turn on two-factor authentication for their own account."""
    return _is_member(actor)


def can_disable(actor) -> bool:
    """A member with a second factor may turn it off or renew its recovery codes."""
    return _is_member(actor) and getattr(actor, "has_second_factor", False)


def can_read_audit(actor) -> bool:
    """The audit log (who logged in, from where, who changed roles) is for admins."""
    return can_manage_users(actor)


def can_curate_taxonomy(actor) -> bool:
    """Moderators keep the taxonomy tidy."""
    return _is_moderator(actor)


def require(allowed: bool) -> None:
    """Raise Forbidden unless allowed."""
    if not allowed:
        raise Forbidden()


def require_visible(actor, example) -> None:
    """Raise NotFound for a missing example or one the actor may not see."""
    if example is None or not can_view_example(actor, example):
        raise NotFound()


def can_report_example(actor, example) -> bool:
    """Any active member may flag a published example they can see."""
    return _is_member(actor) and example.status == "published" \
        and can_view_example(actor, example)


def can_handle_reports(actor) -> bool:
    """Moderators resolve or dismiss flags."""
    return _is_moderator(actor)


def can_view_history(actor, example) -> bool:
    """Moderators see every example's decisions; authors see their own."""
    return _is_moderator(actor) or _is_author(actor, example)


def can_save_example(actor, example) -> bool:
    """A member keeps any published example on their own page."""
    return _is_member(actor) and example.status == "published"


def can_record_adoption(actor, example) -> bool:
    """A member records that their organisation applied a published example too."""
    return _is_member(actor) and example.status == "published"


def can_remove_adoption(actor, adoption) -> bool:
    """A moderator, or a member of the organisation that said it applied the example (it
    takes back its own word)."""
    return _is_moderator(actor) or (
        _is_member(actor) and getattr(actor, "organisation_id", None) is not None
        and actor.organisation_id == adoption.organisation_id)


def can_contact_author(actor, example) -> bool:
    """A member writes to the author of a published example who opted in (not to oneself,
    not to a blocked account)."""
    author = example.author
    return (_is_member(actor) and example.status == "published" and example.contact_opt_in
            and author is not None and author.active and author.id != actor.id
            and "messages" not in (author.notifications_off or []))


ATTACHING = ("draft", "changes_requested", "rejected")  # statuses an author attaches files in


def can_add_attachment(actor, example) -> bool:
    """Moderators attach files to any example; an author to their own while it is not
    under review or published (what readers see changes only through a moderator)."""
    if _is_moderator(actor):
        return True
    return _is_author(actor, example) and example.status in ATTACHING


def can_remove_attachment(actor, example) -> bool:
    """Who may attach files may take them off again."""
    return can_add_attachment(actor, example)


def can_mark_checked(actor, example) -> bool:
    """Moderators say a published example was looked at and is still right."""
    return _is_moderator(actor) and example.status == "published"


def can_set_notifications(actor) -> bool:
    """An active member chooses which mail they get."""
    return _is_member(actor)


def can_manage_own_account(actor) -> bool:
    """An active member changes their own profile, password and sessions."""
    return _is_member(actor)


def can_delete_account(actor, user) -> bool:
    """A member deletes their own account; an admin another's, on their request (deleting
    one twice the service refuses with its own message)."""
    return _is_member(actor) and (getattr(actor, "id", None) == user.id
                                  or can_manage_users(actor))


def can_download_personal_data(actor, user) -> bool:
    """A member downloads their own data; an admin a member's, on their request (a deleted
    account has none left)."""
    return can_delete_account(actor, user) and _not_deleted(user)


# The operations, paired with the rule they follow.
can_update_example = can_edit_example
can_decide = can_set_featured = can_archive = can_restore = can_moderate_example
can_decide_many = can_moderate_example
can_resolve_report = can_dismiss_report = can_handle_reports
can_update_leeratelier = can_create_leeratelier
# What a member follows is their own: any active member.
can_unsave_example = can_save_search = can_delete_search = can_manage_own_account
can_add_term = can_rename_term = can_set_term_position = can_move_term = can_curate_taxonomy
can_deactivate_term = can_activate_term = can_merge_term = can_curate_taxonomy
can_add_organisation = can_edit_organisation = can_merge_organisation = can_curate_taxonomy
can_add_synonym_group = can_remove_synonym_group = can_curate_taxonomy
can_create_user = can_invite_user = can_manage_users
can_change_role = can_block_user = can_unblock_user = can_send_password_link = can_change_account
can_update_profile = can_change_password = can_log_out_everywhere = can_manage_own_account
can_import_records = can_import_examples
can_new_recovery_codes = can_disable
