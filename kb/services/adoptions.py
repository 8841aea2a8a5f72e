""""Ook toegepast bij": a member records that their organisation applied a published
example too (a short note and the year); examples and organisation pages show it;
moderators may remove one."""
from flask_babel import gettext as _
from sqlalchemy import select

from kb.database import db
from kb.models import Adoption, Example
from kb.services import notifications
from kb.services import permissions as perm
from kb.services.errors import Invalid, NotFound
from kb.services.examples import get_example
from kb.services.transactions import unit_of_work
from kb.util import parse_int, utcnow

MIN_NOTE, MAX_NOTE = 10, 1000
FIRST_YEAR = 1990


def _clean(note, year) -> tuple[str, int]:
    """The note and year, validated; Invalid names each bad one."""
    errors = {}
    text = str(note or "").replace("\r\n", "\n").strip()
    if not MIN_NOTE <= len(text) <= MAX_NOTE:
        errors["note"] = _("%(min)d tot %(max)d tekens: wat deden jullie ermee?",
                           min=MIN_NOTE, max=MAX_NOTE)
    number = parse_int(str(year or ""), FIRST_YEAR, utcnow().year)
    if number is None:
        errors["year"] = _("een jaar van %(min)d tot %(max)d", min=FIRST_YEAR,
                           max=utcnow().year)
    if errors:
        raise Invalid(errors)
    return text, number


@unit_of_work
def record_adoption(actor, example_id: int, note, year) -> Adoption:
    """Record that the actor's organisation applied this published example too."""
    example = get_example(actor, example_id)
    perm.require(perm.can_record_adoption(actor, example))
    organisation = actor.organisation
    if organisation is None:
        raise Invalid({"organisation": _("Vul eerst bij je account in bij welke organisatie "
                                         "je werkt.")})
    if organisation.id == example.organisation_id:
        raise Invalid({"organisation": _("Dit voorbeeld komt van je eigen organisatie.")})
    text, number = _clean(note, year)
    if db.session.scalar(select(Adoption.id).where(
            Adoption.example_id == example.id,
            Adoption.organisation_id == organisation.id)) is not None:
        raise Invalid({"organisation": _("%(name)s staat hier al bij.", name=organisation.name)})
    adoption = Adoption(example=example, organisation=organisation, user_id=actor.id,
                        note=text, year=number)
    db.session.add(adoption)
    db.session.flush()
    notifications.applied(adoption)
    return adoption


@unit_of_work
def remove_adoption(actor, adoption_id: int) -> None:
    """Take an adoption away (moderators, or its own organisation's members)."""
    adoption = db.session.get(Adoption, adoption_id)
    if adoption is None:
        raise NotFound()
    perm.require(perm.can_remove_adoption(actor, adoption))
    db.session.delete(adoption)


def adoptions_of(example: Example) -> list[Adoption]:
    """Who applied this example, most recent year first."""
    return list(db.session.scalars(select(Adoption).where(Adoption.example_id == example.id)
                                   .order_by(Adoption.year.desc(), Adoption.id.desc())))


def applied_by(organisation_id: int) -> list[Adoption]:
    """What this organisation applied of others' published examples."""
    return list(db.session.scalars(
        select(Adoption).join(Adoption.example)
        .where(Adoption.organisation_id == organisation_id, Example.status == "published")
        .order_by(Adoption.year.desc(), Adoption.id.desc())))


def applied_from(organisation_id: int) -> list[Adoption]:
    """What others applied of this organisation's published examples."""
    return list(db.session.scalars(
        select(Adoption).join(Adoption.example)
        .where(Example.organisation_id == organisation_id, Example.status == "published")
        .order_by(Adoption.year.desc(), Adoption.id.desc())))
