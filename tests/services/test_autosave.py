"""The example form saved as one types (kb.services.autosave): one text per person and
form, the latest; only the form's fields, each within a length; only in a form the person
may use; gone once the form is saved or the text thrown away."""
import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from kb.database import db
from kb.models import Autosave
from kb.services import autosave, examples
from kb.services.errors import Forbidden, Invalid, NotFound
from tests import factories


def typed(**fields) -> MultiDict:
    """The form as a browser posts it (lists for repeated fields)."""
    return MultiDict([(name, value) for name, values in fields.items()
                      for value in (values if isinstance(values, list) else [values])])


def count() -> int:
    """Saved texts in the database."""
    return db.session.scalar(select(func.count()).select_from(Autosave))


def test_the_latest_text_is_kept_once_per_form(app):
    writer = factories.user()
    autosave.autosave(writer, None, typed(title="Eerste", csrf_token="x", action="save"))
    autosave.autosave(writer, None, typed(title="Tweede versie", themes=["mantelzorg",
                                                                        "dementie"]))
    saved = autosave.autosaved(writer, None)
    assert saved.fields == {"title": ["Tweede versie"], "themes": ["mantelzorg", "dementie"]}
    assert count() == 1
    own = factories.example("draft", author=writer)
    autosave.autosave(writer, own.id, typed(title="Een bewerking"))
    assert autosave.autosaved(writer, own.id).fields == {"title": ["Een bewerking"]}
    assert autosave.autosaved(writer, None).fields["title"] == ["Tweede versie"]
    assert autosave.autosaved(factories.user(), None) is None


def test_a_field_too_long_is_named_and_nothing_is_stored(app):
    writer = factories.user()
    with pytest.raises(Invalid) as refused:
        autosave.autosave(writer, None, typed(title="x" * 1001, summary="goed"))
    assert set(refused.value.errors) == {"title"}
    with pytest.raises(Invalid) as refused:
        autosave.autosave(writer, None, typed(themes=["t"] * 51))
    assert set(refused.value.errors) == {"themes"}
    assert count() == 0
    # A text longer than a record allows is still kept: the form says so when saved.
    autosave.autosave(writer, None, typed(title="y" * 250))
    assert autosave.autosaved(writer, None).fields["title"] == ["y" * 250]


def test_only_in_a_form_the_person_may_use(app):
    author, other = factories.user(), factories.user()
    draft = factories.example("draft", author=author)
    published = factories.example("published", author=author)
    with pytest.raises(NotFound):  # another's draft is not even there
        autosave.autosave(other, draft.id, typed(title="Van mij"))
    with pytest.raises(Forbidden):  # visible, but not theirs to edit
        autosave.autosave(other, published.id, typed(title="Van mij"))
    blocked = factories.user()
    blocked.active = False
    db.session.commit()
    with pytest.raises(Forbidden):
        autosave.autosave(blocked, None, typed(title="Geblokkeerd"))
    assert count() == 0
    autosave.autosave(factories.user("moderator"), draft.id, typed(title="Moderator"))
    assert count() == 1


def test_saving_the_form_or_throwing_away_ends_the_unsaved_text(app):
    writer = factories.user()
    autosave.autosave(writer, None, typed(title="Half af"))
    created = examples.create_example(writer, factories.record(ref=None))
    assert autosave.autosaved(writer, None) is None
    autosave.autosave(writer, created.id, typed(title="Bewerking half af"))
    examples.update_example(writer, created.id, {**factories.record(), "ref": created.ref})
    assert autosave.autosaved(writer, created.id) is None
    autosave.autosave(writer, created.id, typed(title="Nog een keer"))
    autosave.discard_autosave(writer, created.id)
    assert count() == 0


def test_last_saved_is_the_latest_of_the_example_and_its_text(app):
    writer = factories.user()
    assert autosave.last_saved(writer, None) is None
    own = factories.example("draft", author=writer)
    assert autosave.last_saved(writer, None) == own.created_at
    saved = autosave.autosave(writer, own.id, typed(title="Later"))
    assert autosave.last_saved(writer, own) == saved.saved_at >= own.updated_at
