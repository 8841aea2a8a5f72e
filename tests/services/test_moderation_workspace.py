"""A moderator's workspace: what changed since changes were asked, archiving unfeatures,
the list of published and archived examples, the author's reason shown once."""
import datetime as dt

import pytest
from werkzeug.datastructures import MultiDict

from kb.database import db
from kb.models import Example, Revision
from kb.services import moderation
from kb.services.errors import Forbidden, Invalid
from kb.services.examples import update_example
from kb.services.importing import import_records
from kb.services.moderation.diff import word_diff
from kb.services.permissions import SYSTEM
from tests import factories
from tests.factories import record


@pytest.fixture
def moderator(app):
    """A moderator account."""
    return factories.user("moderator")


def fresh(example_id: int) -> Example:
    """The example as stored now."""
    db.session.expire_all()
    return db.session.get(Example, example_id)


def sent_back_and_resubmitted(moderator, **changes):
    """A participant's submission sent back with 'changes', edited and submitted again."""
    author = factories.user()
    example = factories.example("submitted", author=author, title="Buurtlunch voor ouderen",
                                body="Elke dinsdag eten we samen in het buurthuis.")
    moderation.decide(moderator, example.id, "changes", "Hoe weten jullie dat het werkt?")
    data = record(**{"ref": example.ref, "title": "Buurtlunch voor ouderen",
                     "body": "Elke dinsdag eten we samen in het buurthuis.", **changes})
    update_example(author, example.id, data, submit=True)
    return fresh(example.id), author


# -- what changed since the request ---------------------------------------------------------------

def test_resubmission_shows_each_changed_field_since_the_request(moderator):
    example, _author = sent_back_and_resubmitted(
        moderator, body="Elke dinsdag en donderdag eten we samen in het buurthuis.",
        evidence="We tellen wie er komt en vragen na drie maanden hoe het gaat.",
        themes=["eenzaamheid", "mantelzorg"])
    since = moderation.changes_since_asked(moderator, example)
    assert since.request.reason == "Hoe weten jullie dat het werkt?"
    changed = {change.name: change.lines for change in since.diff}
    assert set(changed) == {"body", "evidence", "themes"}
    kind, pieces = changed["body"][0]
    assert kind == "changed"  # one paragraph, its words marked
    assert pieces == [("same", "Elke dinsdag"), ("added", " en donderdag"),
                      ("same", " eten we samen in het buurthuis.")]
    assert ("added", "Mantelzorg") in changed["themes"]  # labels, not slugs


def test_resubmission_without_changes_says_nothing_changed(moderator):
    example, _author = sent_back_and_resubmitted(moderator)
    since = moderation.changes_since_asked(moderator, example)
    assert since is not None and since.diff == []


def test_an_edit_sent_back_shows_what_changed_since_that_edit(moderator):
    author = factories.user()
    example = factories.example("published", author=author, title="Samen fietsen in Oegstgeest")
    update_example(author, example.id, record(ref=example.ref, title="Samen fietsen en wandelen"))
    moderation.decide(moderator, example.id, "changes", "Noem ook de vrijwilligers.")
    assert moderation.changes_since_asked(moderator, fresh(example.id)) is None  # not offered
    update_example(author, example.id, record(ref=example.ref, title="Samen fietsen en wandelen",
                                              impact="Vrijwilligers fietsen met ouderen mee."))
    since = moderation.changes_since_asked(moderator, fresh(example.id))
    assert since.request.on_edit and [c.name for c in since.diff] == ["impact"]
    assert moderation.pending_diff(fresh(example.id))  # and still the edit against the text


def test_no_resubmission_diff_for_a_first_submission_or_after_publishing(moderator):
    first = factories.example("submitted")
    assert moderation.changes_since_asked(moderator, first) is None
    example, _author = sent_back_and_resubmitted(moderator)
    moderation.decide(moderator, example.id, "publish")
    assert moderation.changes_since_asked(moderator, fresh(example.id)) is None


def test_a_request_from_before_the_snapshots_uses_the_text_written_before_it(moderator):
    example, _author = sent_back_and_resubmitted(moderator, summary="Een nieuwe samenvatting "
                                                 "van de buurtlunch op dinsdag.")
    for revision in example.revisions:  # as stored before requests kept the text
        if revision.state == "asked":
            db.session.delete(revision)
    request = next(d for d in example.decisions if d.action == "changes")
    applied = [r for r in example.revisions if r.state == "applied"]
    for offset, revision in enumerate(applied):  # created, then the edit after the request
        revision.created_at = request.created_at + dt.timedelta(minutes=-5 if offset == 0 else 5)
    db.session.commit()
    since = moderation.changes_since_asked(moderator, fresh(example.id))
    assert [c.name for c in since.diff] == ["summary"]


def test_only_moderators_see_what_changed(app):
    example = factories.example("submitted", author=factories.user())
    with pytest.raises(Forbidden):
        moderation.changes_since_asked(factories.user(), example)


def test_word_diff_marks_words_and_keeps_the_rest():
    pieces = word_diff("Wij <b>wandelen</b> op dinsdag.", "Wij fietsen op dinsdag!")
    assert "".join(text for kind, text in pieces if kind != "added") == \
        "Wij <b>wandelen</b> op dinsdag."
    assert "".join(text for kind, text in pieces if kind != "removed") == \
        "Wij fietsen op dinsdag!"
    assert ("added", "fietsen") in pieces and ("removed", ".") in pieces


# -- archiving and featuring ----------------------------------------------------------------------

def test_archiving_a_featured_example_unfeatures_it_and_restoring_does_not_feature(moderator):
    example = factories.example("published")
    moderation.feature(moderator, example.id)
    moderation.archive(moderator, example.id, "Project is gestopt")
    archived = fresh(example.id)
    assert archived.status == "archived" and not archived.featured
    assert [d.action for d in archived.decisions][-2:] == ["archive", "unfeature"]
    moderation.restore(moderator, example.id)
    restored = fresh(example.id)
    assert restored.status == "published" and not restored.featured


def test_restoring_an_example_archived_while_featured_leaves_it_unfeatured(moderator):
    example = factories.example("archived")
    example.featured = True  # archived before archiving unfeatured
    db.session.commit()
    moderation.restore(moderator, example.id)
    assert not fresh(example.id).featured


# -- the list of published and archived examples -------------------------------------------------

def listed(moderator, **args) -> list[str]:
    """Titles on the list's page for these query parameters."""
    filters = moderation.parse_filters(MultiDict(args))
    return [e.title for e in moderation.examples_to_manage(moderator, filters).items]


def test_list_holds_published_and_archived_only_filtered_by_status(moderator):
    factories.example("published", title="Gepubliceerd: de theetuin")
    factories.example("archived", title="Gearchiveerd: de oude moestuin")
    for status in ("draft", "submitted", "changes_requested", "rejected"):
        factories.example(status, title=f"Niet op de lijst: {status}")
    assert sorted(listed(moderator)) == ["Gearchiveerd: de oude moestuin",
                                         "Gepubliceerd: de theetuin"]
    assert listed(moderator, status="archived") == ["Gearchiveerd: de oude moestuin"]
    assert listed(moderator, status="published") == ["Gepubliceerd: de theetuin"]


def test_list_finds_words_in_title_or_organisation_and_filters_by_theme(moderator):
    factories.example(title="Moestuin bij de school", organisation="Kwadraad",
                      themes=["leefstijl"])
    factories.example(title="Koken met buren", organisation="Participe", themes=["eenzaamheid"])
    assert listed(moderator, q="MOESTUIN") == ["Moestuin bij de school"]
    assert listed(moderator, q="kwadraad") == ["Moestuin bij de school"]
    assert listed(moderator, q="koken participe") == ["Koken met buren"]
    assert listed(moderator, q="100%") == []  # a wildcard is a character here
    assert listed(moderator, theme="eenzaamheid") == ["Koken met buren"]


def test_list_pages(moderator):
    for number in range(moderation.listing.PER_PAGE + 2):
        factories.example(title=f"Voorbeeld nummer {number:02d} in de lijst")
    filters = moderation.parse_filters(MultiDict({"page": "2"}))
    page = moderation.examples_to_manage(moderator, filters)
    assert page.total == moderation.listing.PER_PAGE + 2 and page.pages == 2
    assert len(page.items) == 2


@pytest.mark.parametrize("args, name", [({"status": "draft"}, "status"),
                                        ({"status": "<script>"}, "status"),
                                        ({"theme": "bestaat-niet"}, "theme"),
                                        ({"page": "0"}, "page"), ({"page": "twee"}, "page"),
                                        ({"page": "99999999999999999999"}, "page"),
                                        ({"q": "x" * 201}, "q")])
def test_bad_filters_are_named(app, args, name):
    with pytest.raises(Invalid) as info:
        moderation.parse_filters(MultiDict(args))
    assert set(info.value.errors) == {name}


def test_only_moderators_get_the_list(app):
    with pytest.raises(Forbidden):
        moderation.examples_to_manage(factories.user(), moderation.ListFilters())


# -- the author reads the moderator's reason once -------------------------------------------------

def test_reaction_is_the_moderators_answer_while_it_is_the_latest_word(moderator):
    author = factories.user()
    example = factories.example("submitted", author=author)

    def reaction():
        answer = moderation.moderator_reaction(moderation.history(author, example.id))
        return answer.reason if answer else None
    moderation.decide(moderator, example.id, "changes", "Voeg een bron toe.")
    assert reaction() == "Voeg een bron toe."
    update_example(author, example.id, record(ref=example.ref), submit=True)
    assert reaction() is None  # offered again: the request is old news
    moderation.decide(moderator, example.id, "publish")
    assert reaction() is None  # published without a reason
    moderation.archive(moderator, example.id, "Het project is afgerond.")
    assert reaction() == "Het project is afgerond."
    import_records(SYSTEM, [record(ref=example.ref)])
    assert reaction() is None  # an import replaced the text


def test_asked_text_is_kept_as_a_revision_of_its_own(moderator):
    example = factories.example("submitted")
    moderation.decide(moderator, example.id, "changes", "Graag korter.")
    kept = [r for r in fresh(example.id).revisions if r.state == "asked"]
    assert len(kept) == 1 and isinstance(kept[0], Revision)
    assert kept[0].note == "submission" and kept[0].data["title"] == example.title
