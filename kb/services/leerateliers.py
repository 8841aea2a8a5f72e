"""Leerateliers run in the app: moderators announce and edit them, open them for
contributions, and each one's page gathers its harvest (its learning questions with the
examples that answer them, and the organisations that took part)."""
import datetime as dt
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from kb.database import db
from kb.models import Example, LearningQuestion, Leeratelier, Organisation, Term
from kb.services import permissions as perm
from kb.services.errors import Invalid, NotFound
from kb.services.taxonomy import find_leeratelier, unique_slug
from kb.services.transactions import record_index_event, unit_of_work
from kb.util import parse_int

MAX_NAME, MAX_PLACE, MAX_DESCRIPTION = 200, 200, 5000
MAX_QUESTIONS, MAX_QUESTION = 12, 300
MAX_PARTICIPANTS = 10_000
FIELDS = ("name", "date", "place", "online", "theme", "description", "questions",
          "participants", "open_for_contributions")


def _text(raw: dict, name: str, longest: int, errors: dict, shortest: int = 0) -> str:
    """A stripped text field within its bounds."""
    value = str(raw.get(name) or "").strip()
    if len(value) > longest:
        errors[name] = _("hoogstens %(max)d tekens", max=longest)
    elif len(value) < shortest:
        errors[name] = _("minstens %(min)d tekens", min=shortest)
    return value


def _date(raw: dict, errors: dict) -> dt.date | None:
    """An ISO date (jjjj-mm-dd) from 2000 to 2100, or none."""
    value = str(raw.get("date") or "").strip()
    if not value:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        day = None
    if day is None or not 2000 <= day.year <= 2100:
        errors["date"] = _("een datum als 2024-05-23, van 2000 tot 2100")
    return day


def _questions(raw: dict, errors: dict) -> list[str]:
    """The learning questions: one per line, blank lines left out, each only once."""
    value = raw.get("questions") or []
    lines = value.splitlines() if isinstance(value, str) else [str(v) for v in value]
    questions = list(dict.fromkeys(line.strip() for line in lines if line.strip()))
    if len(questions) > MAX_QUESTIONS:
        errors["questions"] = _("hoogstens %(max)d leervragen", max=MAX_QUESTIONS)
    elif any(len(q) > MAX_QUESTION for q in questions):
        errors["questions"] = _("elke leervraag hoogstens %(max)d tekens", max=MAX_QUESTION)
    return questions


def _theme(raw: dict, errors: dict) -> Term | None:
    """An active theme by slug, or none."""
    slug = str(raw.get("theme") or "").strip()
    if not slug:
        return None
    term = db.session.scalar(select(Term).where(Term.kind == "theme", Term.slug == slug,
                                                Term.active.is_(True)))
    if term is None:
        errors["theme"] = _("kies een thema uit de lijst")
    return term


def clean_leeratelier(raw: dict, current: Leeratelier | None = None) -> dict:
    """The validated values of a leeratelier form; Invalid names each bad field."""
    errors: dict[str, str] = {}
    values = {"name": _text(raw, "name", MAX_NAME, errors, shortest=3),
              "date": _date(raw, errors),
              "place": _text(raw, "place", MAX_PLACE, errors),
              "online": bool(raw.get("online")),
              "theme": _theme(raw, errors),
              "description": _text(raw, "description", MAX_DESCRIPTION, errors),
              "questions": _questions(raw, errors),
              "open_for_contributions": bool(raw.get("open_for_contributions"))}
    participants = str(raw.get("participants") or "").strip()
    values["participants"] = parse_int(participants, 0, MAX_PARTICIPANTS) if participants \
        else None
    if participants and values["participants"] is None:
        errors["participants"] = _("een geheel getal van %(min)d tot %(max)d", min=0,
                                   max=MAX_PARTICIPANTS)
    same = find_leeratelier(values["name"]) if "name" not in errors else None
    if same is not None and same is not current:
        errors["name"] = _("er is al een leeratelier met deze naam")
    if errors:
        raise Invalid(errors)
    return values


def _set_questions(workshop: Leeratelier, texts: list[str]) -> None:
    """The questions in this order; a question kept (same words, any case) keeps the
    examples that answer it, a question removed lets them go."""
    existing = {question.text.lower(): question for question in workshop.questions}
    kept = []
    for position, text in enumerate(texts):
        question = existing.pop(text.lower(), None) or LearningQuestion(text=text)
        question.text, question.position = text, position
        kept.append(question)
    for question in existing.values():  # the examples answering it keep the leeratelier
        db.session.execute(update(Example).where(Example.learning_question_id == question.id)
                           .values(learning_question_id=None))
    workshop.questions = kept


def apply_leeratelier(workshop: Leeratelier, values: dict) -> None:
    """Copy the clean values onto the leeratelier, announced."""
    renamed = workshop.name != values["name"]
    for name in ("name", "date", "place", "online", "theme", "description", "participants",
                 "open_for_contributions"):
        setattr(workshop, name, values[name])
    workshop.listed = True
    _set_questions(workshop, values["questions"])
    if renamed and workshop.id is not None:  # its examples are found by its name too
        for example_id in db.session.scalars(select(Example.id).where(
                Example.leeratelier_id == workshop.id, Example.status == "published")):
            record_index_event(example_id)


@unit_of_work
def create_leeratelier(actor, raw: dict) -> Leeratelier:
    """Announce a new leeratelier (moderators)."""
    perm.require(perm.can_create_leeratelier(actor))
    values = clean_leeratelier(raw)
    workshop = Leeratelier(slug=unique_slug(Leeratelier, values["name"]), name="")
    apply_leeratelier(workshop, values)
    db.session.add(workshop)
    db.session.flush()
    return workshop


@unit_of_work
def update_leeratelier(actor, slug: str, raw: dict) -> Leeratelier:
    """Change a leeratelier's details, questions and openness (moderators); its address
    stays."""
    perm.require(perm.can_update_leeratelier(actor))
    workshop = by_slug(slug)
    apply_leeratelier(workshop, clean_leeratelier(raw, workshop))
    return workshop


def by_slug(slug: str) -> Leeratelier:
    """Any leeratelier by its slug (NotFound); callers check who may see it."""
    workshop = db.session.scalar(select(Leeratelier).where(Leeratelier.slug == slug))
    if workshop is None:
        raise NotFound()
    return workshop


def form_values(workshop: Leeratelier) -> dict:
    """A leeratelier as its edit form shows it."""
    return {"name": workshop.name, "date": workshop.date.isoformat() if workshop.date else "",
            "place": workshop.place, "online": workshop.online,
            "theme": workshop.theme.slug if workshop.theme else "",
            "description": workshop.description,
            "questions": "\n".join(q.text for q in workshop.questions),
            "participants": "" if workshop.participants is None else str(workshop.participants),
            "open_for_contributions": workshop.open_for_contributions}


def open_for_contributions() -> list[Leeratelier]:
    """The leerateliers that invite examples now, newest first."""
    return list(db.session.scalars(select(Leeratelier).where(
        Leeratelier.open_for_contributions.is_(True)).order_by(
        Leeratelier.date.desc().nulls_last(), Leeratelier.name)))


@dataclass
class Harvest:
    """What a leeratelier yielded: the examples per learning question, the others, and
    the organisations that shared them (published examples only)."""

    answers: list[tuple[LearningQuestion, list[Example]]] = field(default_factory=list)
    others: list[Example] = field(default_factory=list)
    organisations: list[tuple[Organisation, int]] = field(default_factory=list)

    @property
    def total(self) -> int:
        """The published examples shared there."""
        return sum(len(found) for _question, found in self.answers) + len(self.others)


def harvest(workshop: Leeratelier) -> Harvest:
    """The leeratelier's harvest, in three queries."""
    examples = list(db.session.scalars(
        select(Example).where(Example.leeratelier_id == workshop.id,
                              Example.status == "published")
        .order_by(Example.published_at.desc(), Example.id.desc())))
    by_question: dict[int | None, list[Example]] = {}
    for example in examples:
        by_question.setdefault(example.learning_question_id, []).append(example)
    counted = db.session.execute(
        select(Organisation, func.count(Example.id)).join(Example.organisation)
        .where(Example.leeratelier_id == workshop.id, Example.status == "published")
        .group_by(Organisation.id).order_by(func.count(Example.id).desc(), Organisation.name))
    return Harvest(answers=[(q, by_question.pop(q.id, [])) for q in workshop.questions],
                   others=[e for found in by_question.values() for e in found],
                   organisations=[tuple(row) for row in counted])
