"""The right of access (kb.services.privacy): a member's own data, whole, and nobody
else's; an admin may download it on the person's request, others may not."""
import json

import pytest

from kb.services import following, privacy
from kb.services.errors import Forbidden
from kb.services.moderation import decide
from kb.services.moderation.reports import report_example
from kb.services.permissions import SYSTEM
from tests import factories


def test_a_member_gets_their_account_examples_history_and_what_they_follow(app):
    member = factories.user(email="sanne@praktijkbank.example")
    mine = factories.example(status="submitted", author=member, title="Wandelen in de wijk")
    decide(SYSTEM, mine.id, "changes", "Graag de impact aanvullen.")
    other = factories.example(title="Een voorbeeld van een ander")
    report_example(member, other.id, "Hier staat een telefoonnummer van een inwoner in.")
    following.save_example(member, other.id)
    following.save_search(member, "q=eenzaamheid", "weekly")
    data = privacy.personal_data(member, member)
    assert data["account"]["email"] == "sanne@praktijkbank.example"
    assert "password_hash" not in json.dumps(data) and member.password_hash not in json.dumps(data)
    [example] = data["examples"]
    assert example["record"]["title"] == "Wandelen in de wijk"
    assert example["status"] == "changes_requested"
    asked = [d for d in example["decisions"] if d["action"] == "changes"]
    assert asked[0]["reason"] == "Graag de impact aanvullen." and asked[0]["by"] == "systeem"
    assert data["reports"][0]["reason"].startswith("Hier staat een telefoonnummer")
    assert [b["example_id"] for b in data["bookmarks"]] == [other.id]
    assert data["saved_searches"][0]["frequency"] == "weekly"
    assert "Een voorbeeld van een ander" not in json.dumps(data)  # not theirs: only its id


def test_a_moderators_name_is_not_in_the_authors_data(app):
    author = factories.user()
    moderator = factories.user("moderator", email="mo@praktijkbank.example")
    example = factories.example(status="submitted", author=author)
    decide(moderator, example.id, "reject", "Dit is geen praktijkvoorbeeld.")
    text = json.dumps(privacy.personal_data(author, author))
    assert "mo@praktijkbank.example" not in text and moderator.name not in text
    assert '"by": "moderator"' in text


def test_nobody_else_downloads_a_members_data_but_an_admin(app):
    member, stranger = factories.user(), factories.user()
    with pytest.raises(Forbidden):
        privacy.personal_data(stranger, member)
    with pytest.raises(Forbidden):
        privacy.personal_data(factories.user("moderator"), member)
    assert privacy.personal_data(factories.user("admin"), member)["account"]["email"] == \
        member.email
