"""Deleting an account (kb.services.deletion): the person is gone from pages, the API,
search, exports and histories ("verwijderd account"); published examples stay without
them; drafts, pending edits and what they followed go; a wrong password changes nothing."""
import json

import pytest
from sqlalchemy import func, select

from kb.database import db
from kb.models import Bookmark, Example, LoginSession, Revision, SavedSearch, User
from kb.services import following
from kb.services.deletion import DELETED_NAME, delete_account
from kb.services.errors import Forbidden, Invalid
from kb.services.examples import create_example, update_example
from kb.services.moderation import decide
from kb.services.permissions import SYSTEM
from kb.services.records import to_record
from tests import factories
from tests.factories import PASSWORD
from tests.webtools import login

NAME, EMAIL = "Ilse Isendoorn", "ilse.isendoorn@praktijkbank.example"


def _member_with_everything():
    """A member with a published example (open to contact, with a pending edit), a draft,
    a bookmark and a followed search."""
    member = factories.user(email=EMAIL)
    member.name = NAME
    published = factories.example(author=member, title="Wandelclub voor mantelzorgers",
                                  contact_role="buurtsportcoach")
    published.contact_opt_in = True
    decide(SYSTEM, factories.example(status="submitted", author=member).id, "publish", "")
    update_example(member, published.id, {**to_record(published), "summary":
                   "Een nieuwe samenvatting die nog beoordeeld moet worden."}, submit=True)
    draft = factories.example(status="draft", author=member, title="Mijn concept")
    following.save_example(member, published.id)
    following.save_search(member, "q=mantelzorg", "daily")
    db.session.commit()
    return member, published, draft


def _count(model, *where) -> int:
    """Rows of a model that match."""
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_the_person_goes_and_their_published_examples_stay_without_them(app, client):
    member, published, draft = _member_with_everything()
    delete_account(member, member.id, PASSWORD)
    db.session.expire_all()
    account = db.session.get(User, member.id)
    assert (account.name, account.active) == (DELETED_NAME, False)
    assert EMAIL not in account.email and account.deleted_at is not None
    kept = db.session.get(Example, published.id)
    assert kept.status == "published" and kept.author_id is None
    assert (kept.contact_opt_in, kept.contact_role) == (False, "")
    assert db.session.get(Example, draft.id) is None
    assert _count(Revision, Revision.author_id == member.id, Revision.state == "pending") == 0
    for model in (Bookmark, SavedSearch, LoginSession):
        assert _count(model, model.user_id == member.id) == 0
    page = client.get(f"/voorbeelden/{published.id}", follow_redirects=True)
    api = client.get(f"/api/v1/examples/{published.id}").get_data(as_text=True)
    found = client.get("/api/v1/search?q=wandelclub").get_data(as_text=True)
    export = client.get("/api/v1/search?q=wandelclub&format=json").get_data(as_text=True)
    for text in (page.get_data(as_text=True), api, found, export):
        assert NAME not in text and EMAIL not in text
    assert "Wandelclub voor mantelzorgers" in found


def test_histories_say_deleted_account(app, client):
    member = factories.user(email=EMAIL)
    example = create_example(member, factories.record(), submit=True)
    decide(SYSTEM, example.id, "publish", "")
    delete_account(member, member.id, PASSWORD)
    login(client, factories.user("moderator").email)
    html = client.get(f"/moderatie/voorbeelden/{example.id}").get_data(as_text=True)
    assert DELETED_NAME in html and EMAIL not in html and "Test participant" not in html
    client.get("/taal/en")  # the reader's language, not the stored words
    html = client.get(f"/moderatie/voorbeelden/{example.id}").get_data(as_text=True)
    assert "deleted account" in html and DELETED_NAME not in html


def test_a_wrong_password_deletes_nothing(app):
    member, published, draft = _member_with_everything()
    with pytest.raises(Invalid) as refused:
        delete_account(member, member.id, "niet-mijn-wachtwoord")
    assert "password" in refused.value.errors
    db.session.expire_all()
    assert db.session.get(User, member.id).email == EMAIL
    assert db.session.get(Example, draft.id) is not None
    assert db.session.get(Example, published.id).author_id == member.id


def test_only_the_member_or_an_admin_deletes_and_the_last_admin_stays(app):
    member = factories.user()
    with pytest.raises(Forbidden):
        delete_account(factories.user("moderator"), member.id)
    admin = factories.user("admin")
    delete_account(admin, member.id)  # on request: no password
    with pytest.raises(Invalid):
        delete_account(admin, member.id)  # already deleted
    others = select(User).where(User.role == "admin", User.id != admin.id)
    for other in db.session.scalars(others):
        other.active = False
    db.session.commit()
    with pytest.raises(Invalid) as refused:
        delete_account(admin, admin.id, PASSWORD)
    assert "laatste" in json.dumps(refused.value.errors, ensure_ascii=False)


def test_the_address_can_register_again(app):
    member = factories.user(email=EMAIL)
    delete_account(member, member.id, PASSWORD)
    assert factories.user(email=EMAIL).email == EMAIL
