"""The dashboard's figures (kb.services.dashboard): published examples only, the SQL rule
of "impact made visible" equal to the example's own, partners, and the moderation figures
(submissions, time to a decision, the queue over time) for moderators only."""
import datetime as dt

import pytest
from sqlalchemy import select

from kb.database import db
from kb.models import Decision, Example, Organisation
from kb.services import moderation
from kb.services.dashboard import dashboard, made_visible
from kb.services.examples import set_status
from kb.services.permissions import SYSTEM
from tests import factories

UTC = dt.timezone.utc


class Reader:
    """An anonymous visitor."""

    is_authenticated = False
    is_active = False
    id = None
    role = None


def cells(board, key: str) -> dict[str, tuple]:
    """A figure's rows as label → cells."""
    return {row.label: row.cells for row in board.figure(key).rows}


def published_on(example: Example, when: dt.datetime) -> None:
    """Move an example's publication to another moment."""
    example.published_at = when
    db.session.commit()


def test_the_sql_rule_of_made_visible_agrees_with_the_example(app):
    cases = [
        {"evidence_types": ["vragenlijst"], "evidence": ""},
        {"evidence_types": ["nog-niet"], "evidence": "We zijn er nog mee bezig."},
        {"evidence_types": [], "evidence": "Verhalen van deelnemers."},
        {"evidence_types": [], "evidence": ""},
        {"evidence_types": ["cijfers", "verhalen"], "evidence": ""},
    ]
    examples = [factories.example(**case) for case in cases]
    visible = set(db.session.scalars(select(Example.id).where(made_visible())))
    assert visible == {e.id for e in examples if e.impact_made_visible}
    assert [e.impact_made_visible for e in examples] == [True, False, True, False, True]


def test_only_published_examples_count(app):
    factories.example(themes=["mantelzorg"], level="micro", evidence_types=["cijfers"])
    factories.example(themes=["mantelzorg", "dementie"], level="meso", evidence_types=["nog-niet"],
                      evidence="")
    for status in ("draft", "submitted", "changes_requested", "rejected", "archived"):
        factories.example(status, themes=["mantelzorg"], level="macro")
    board = dashboard(Reader(), {})
    assert board.total == 2 and board.visible_share == 50
    themes = cells(board, "theme")
    assert themes["Mantelzorg"] == (2, 100) and themes["Dementie"] == (1, 50)
    levels = cells(board, "level")
    assert levels["Macro: beleid, bestuur en regio"] == (0, 0)
    assert sum(n for n, _share in levels.values()) == 2
    this_year = str(dt.datetime.now(UTC).year)
    assert cells(board, "per_year") == {this_year: (2,)}
    assert cells(board, "made_visible") == {this_year: (2, 1, 50)}
    assert cells(board, "evidence_type")["Nog niet zichtbaar gemaakt"] == (1, 50)


def test_years_and_months_of_publication_with_empty_months_in_between(app):
    first, second, third = (factories.example() for _ in range(3))
    published_on(first, dt.datetime(2023, 11, 5, tzinfo=UTC))
    published_on(second, dt.datetime(2024, 2, 1, tzinfo=UTC))
    published_on(third, dt.datetime(2024, 2, 20, tzinfo=UTC))
    board = dashboard(Reader(), {})
    assert cells(board, "per_year") == {"2023": (1,), "2024": (2,)}
    months = board.figure("per_month").rows
    assert [row.label for row in months] == ["nov 2023", "dec 2023", "jan 2024", "feb 2024"]
    assert [row.cells[0] for row in months] == [1, 0, 0, 2]
    assert [row.mark for row in months] == ["", "", "2024", ""]


def test_partners_that_contributed_out_of_all_partners(app):
    partners = db.session.scalars(select(Organisation).where(Organisation.partner.is_(True))).all()
    assert len(partners) == 24
    factories.example(organisation="Participe")
    factories.example(organisation="Participe")
    factories.example(organisation="Reos")
    factories.example("submitted", organisation="Hecht")
    factories.example(organisation="Buurtvereniging De Linde", organisation_type="inwoners")
    board = dashboard(Reader(), {})
    assert board.partners == (2, 24)
    shown = cells(board, "partners")
    assert shown["Participe"] == (2,) and shown["Reos"] == (1,) and shown["Hecht"] == (0,)
    assert "Buurtvereniging De Linde" not in shown
    assert board.figure("partners").rows[0].label == "Participe"


def test_filters_are_searchs_and_a_kind_keeps_its_other_values(app):
    factories.example(themes=["mantelzorg"], municipality="Leiden", year=2022)
    factories.example(themes=["dementie"], municipality="Katwijk", year=2022)
    board = dashboard(Reader(), {"municipality": ["Leiden"]})
    assert board.total == 1 and cells(board, "theme")["Dementie"] == (0, 0)
    chosen = dashboard(Reader(), {"theme": ["dementie"]})
    assert chosen.total == 1 and list(cells(chosen, "theme")) == ["Dementie"]
    nothing = dashboard(Reader(), {"year": ["2019"]})
    assert nothing.total == 0 and nothing.visible_share is None
    assert all(figure.empty for figure in nothing.figures)


def test_moderation_figures_are_for_moderators_only(app):
    factories.example("submitted")
    assert dashboard(Reader(), {}).moderation == []
    participant = factories.user("participant")
    assert dashboard(participant, {}).moderation == []
    board = dashboard(factories.user("moderator"), {})
    assert [figure.key for figure in board.moderation] == ["submissions", "decision_time",
                                                            "queue"]
    assert board.queue_now == 1


def _decided_after(moderator, days: float, decision: str = "publish") -> Example:
    """A submission decided on by the moderator after this many days."""
    example = factories.example("submitted")
    submitted = dt.datetime(2024, 3, 1, 9, tzinfo=UTC)
    moderation.decide(moderator, example.id, decision, "" if decision == "publish" else "Graag")
    submit, answer = db.session.scalars(select(Decision).where(
        Decision.example_id == example.id).order_by(Decision.id)).all()
    submit.created_at = submitted
    answer.created_at = submitted + dt.timedelta(days=days)
    db.session.commit()
    return example


def test_time_from_submission_to_decision_median_and_90th_percentile(app):
    moderator = factories.user("moderator")
    for days in (1, 2, 3, 4, 10):
        _decided_after(moderator, days)
    _decided_after(moderator, 6, "changes")
    factories.example()  # published by the system (an import): no moderator's decision
    board = dashboard(moderator, {})
    # 1, 2, 3, 4, 6, 10 days: the 90th percentile lies halfway from 6 to 10 (interpolated)
    assert board.decision_days == (3.5, 8.0)
    assert cells(board, "decision_time") == {"2024": (6, 3.5, 8.0)}


def test_the_queue_at_the_end_of_each_month(app):
    moderator = factories.user("moderator")
    waiting = factories.example("submitted")
    decided = _decided_after(moderator, 40)  # submitted 1 March, decided 10 April 2024
    submit = db.session.scalars(select(Decision).where(Decision.example_id == waiting.id)).one()
    submit.created_at = dt.datetime(2024, 4, 2, tzinfo=UTC)
    db.session.commit()
    board = dashboard(moderator, {})
    queue = {row.label: row.cells[0] for row in board.figure("queue").rows}
    assert queue["mrt 2024"] == 1 and queue["apr 2024"] == 1 and queue["mei 2024"] == 1
    assert board.queue_now == 1
    assert cells(board, "submissions")["mrt 2024"] == (1,)
    assert cells(board, "submissions")["apr 2024"] == (1,)
    set_status(waiting, "draft", SYSTEM)  # withdrawn: it waits no more
    db.session.commit()
    assert dashboard(moderator, {}).queue_now == 0
    assert decided.status == "published"


@pytest.mark.parametrize("filters", [{}, {"level": ["meso"]}])
def test_an_empty_database_has_empty_figures(app, filters):
    board = dashboard(factories.user("moderator"), filters)
    assert board.total == 0 and board.partners == (0, 24) and board.decision_days is None
    assert all(figure.empty for figure in board.figures + board.moderation)
