"""The demo knowledge base: leerateliers, examples and accounts to try Praktijkbank with."""
import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select

from kb.database import db
from kb.models import Adoption, Decision, Example, User
from kb.services import notifications
from kb.services.accounts import generate_password
from kb.services.attachments import add_attachment, attachments_of
from kb.services.examples import create_example, set_status
from kb.services.following import save_example, save_search
from kb.services.importing import import_records
from kb.services.leerateliers import apply_leeratelier, clean_leeratelier
from kb.services.permissions import SYSTEM
from kb.services.taxonomy import find_organisation, get_or_create_leeratelier
from kb.services.transactions import record_index_event, unit_of_work
from kb.util import utcnow

DEMO_DIR = Path(__file__).resolve().parent.parent / "demo"
ACCOUNTS = [  # email, name, role, organisation
    ("deelnemer@praktijkbank.example", "Sanne de Vries", "participant", "Participe"),
    ("moderator@praktijkbank.example", "Ahmed Bakker", "moderator", "GGD Hollands Midden"),
    ("beheer@praktijkbank.example", "Joke van Leeuwen", "admin", "Reos"),
]
# Examples the demo participant is still working on, with the status they are left in.
IN_PROGRESS = {"demo-b-31": "draft", "demo-b-32": "submitted", "demo-b-33": "changes_requested"}
AUTHORED = ("demo-a-01", "demo-a-12", "demo-b-05")  # published, written by the participant
PICTURED = "demo-a-06"  # the example that gets a picture
FEATURED = ("demo-a-05", "demo-b-10", "demo-a-20", "demo-b-22")
KEPT = ("demo-a-07", "demo-b-13")  # examples the participant keeps ("bewaren")
ADOPTIONS = [  # (example ref, organisation that applied it too, year, what they did)
    ("demo-a-06", "Welzijn Teylingen", 2023, "Onze vrijwillige ouderenadviseurs nemen de "
     "gespreksplaat nu mee bij huisbezoeken in Sassenheim en Voorhout."),
    ("demo-a-06", "Marente", 2024, "Wijkverpleegkundigen vullen het spinnenweb samen met "
     "nieuwe cliënten in, in de eerste week thuis."),
    ("demo-b-15", "Participe", 2024, "Twee beweegmaatjesgroepen in Alphen, met de "
     "fysiotherapeut als vaste gast eens per maand."),
    ("demo-a-17", "Kwadraad", 2023, "Het geldgesprek begint bij ons nu ook bij de vraag hoe "
     "iemand slaapt; de schuldhulp sluit aan in het tweede gesprek."),
]


@dataclass
class DemoReport:
    """What loading the demo did."""

    created: int = 0
    updated: int = 0
    leerateliers: int = 0
    accounts: list[tuple[str, str, str]] = field(default_factory=list)


def has_examples() -> bool:
    """True when the database holds at least one example (staged imports not counted)."""
    return db.session.scalar(select(func.count(Example.id)).where(
        Example.status != "staged")) > 0


def demo_records() -> list[dict]:
    """Every demo example record, from the JSON files beside this package."""
    records: list[dict] = []
    for path in sorted(DEMO_DIR.glob("examples-*.json")):
        records += json.loads(path.read_text(encoding="utf-8"))
    return records


def _load_leerateliers() -> int:
    """Create or update the demo leerateliers with their details and learning questions
    (validated as a moderator's form is)."""
    rows = json.loads((DEMO_DIR / "leerateliers.json").read_text(encoding="utf-8"))
    for row in rows:
        workshop = get_or_create_leeratelier(row["name"])
        apply_leeratelier(workshop, clean_leeratelier(
            {**row, "participants": "" if row["participants"] is None else row["participants"]},
            workshop))
    return len(rows)


def _new_password(user: User) -> str:
    """Give an account a new generated password (its sessions end); return it."""
    password = generate_password()
    user.set_password(password)
    return password


def _demo_accounts() -> list[tuple[User, str]]:
    """Create the demo accounts, or give existing ones a new password."""
    accounts = []
    for email, name, role, organisation in ACCOUNTS:
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = User(email=email, name=name, role=role, email_confirmed_at=utcnow())
        accounts.append((user, _new_password(user)))
        user.organisation = find_organisation(organisation)
        db.session.add(user)
    db.session.flush()
    return accounts


@unit_of_work
def renew_demo_passwords() -> list[tuple[str, str, str]]:
    """Give the demo accounts that exist new passwords, touching nothing else (not the
    examples, nor a role or block an admin gave them); (email, role, password) of each."""
    users = db.session.scalars(select(User).where(
        User.email.in_([email for email, *_rest in ACCOUNTS])).order_by(User.id))
    return [(user.email, user.role, _new_password(user)) for user in users]


def _spread_dates(examples: list[Example], moderator: User) -> None:
    """Give imported examples believable publication dates within their year, and a
    moderation history before it: submitted some days earlier, published by the demo
    moderator (so that the dashboard's moderation figures have something to show)."""
    for number, example in enumerate(examples):
        day = dt.datetime(min(example.year, dt.date.today().year), 1 + (number * 5) % 12,
                          1 + (number * 7) % 28, 10, tzinfo=dt.timezone.utc)
        submitted = day - dt.timedelta(days=1 + (number * 11) % 23, hours=number % 7)
        example.created_at = example.submitted_at = submitted
        example.published_at, example.checked_at = day, None  # as if never checked since
        # The demo tells of a submission and its publication, not of the import.
        example.decisions = [Decision(action="submit", reason="", created_at=submitted),
                             Decision(action="publish", reason="", created_at=day,
                                      actor=moderator)]


def _in_progress(participant: User, records: dict[str, dict]) -> None:
    """The participant's unfinished examples, each left in its demo status."""
    for ref, status in IN_PROGRESS.items():
        if db.session.scalar(select(Example.id).where(Example.ref == ref)) is not None:
            continue
        example = create_example(participant, records[ref], submit=status != "draft")
        if status == "changes_requested":
            set_status(example, status, SYSTEM, reason=(
                "Mooi voorbeeld! Kun je bij 'zichtbaar maken' nog beschrijven wat de "
                "deelnemers zelf terugzagen in hun spinnenweb?"))


def _mark_demo_examples(participant: User) -> None:
    """Featured examples and the participant's own published ones."""
    for example in db.session.scalars(select(Example).where(
            Example.ref.in_(FEATURED + AUTHORED))):
        if example.ref in FEATURED:
            example.featured = True
        if example.ref in AUTHORED:
            example.author, example.contact_opt_in = participant, True
        record_index_event(example.id)


def _adoptions() -> None:
    """Partners that applied each other's examples (only where not recorded yet)."""
    for ref, name, year, note in ADOPTIONS:
        example = db.session.scalar(select(Example).where(Example.ref == ref))
        organisation = find_organisation(name)
        if example is None or organisation is None or db.session.scalar(
                select(Adoption.id).where(Adoption.example_id == example.id,
                                          Adoption.organisation_id == organisation.id)):
            continue
        db.session.add(Adoption(example=example, organisation=organisation, note=note,
                                year=year))


def spider_web_drawing(scores: list[float]) -> bytes:
    """A drawing of a filled-in spider web (six dimensions, scores 0 to 10), as PNG: the
    demo's picture, drawn here rather than taken from anywhere."""
    import io
    import math

    from PIL import Image, ImageDraw
    size, centre, radius = 640, 320, 250
    image = Image.new("RGB", (size, size), "white")
    draw = ImageDraw.Draw(image)

    def point(index: int, fraction: float) -> tuple[float, float]:
        angle = -math.pi / 2 + index * 2 * math.pi / len(scores)
        return (centre + fraction * radius * math.cos(angle),
                centre + fraction * radius * math.sin(angle))
    for ring in range(1, 6):
        draw.polygon([point(i, ring / 5) for i in range(len(scores))], outline="#b8c7c0")
    for index in range(len(scores)):
        draw.line([point(index, 0), point(index, 1)], fill="#b8c7c0")
    draw.polygon([point(i, score / 10) for i, score in enumerate(scores)], fill="#9fd8c0",
                 outline="#0b5d44", width=4)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _attachments(moderator: User) -> None:
    """A picture on the demo example about the spider web (once)."""
    example = db.session.scalar(select(Example).where(Example.ref == PICTURED))
    if example is None or attachments_of(example):
        return
    # Added by the system (the demo moderator has no second factor yet, so no moderator
    # rights), shown as the moderator's.
    attachment = add_attachment(SYSTEM, example.id, "spinnenweb-keukentafel.png",
                                spider_web_drawing([7, 5, 6, 8, 4, 6]),
                                alt="Tekening van een ingevuld spinnenweb met zes "
                                    "dimensies, het vlak het grootst bij mentaal welbevinden")
    attachment.uploaded_by_id = moderator.id


def _following(participant: User) -> None:
    """The participant keeps two examples and follows a search (weekly)."""
    for example_id in db.session.scalars(select(Example.id).where(Example.ref.in_(KEPT))):
        save_example(participant, example_id)
    save_search(participant, "theme=mantelzorg", "weekly")


@unit_of_work
def load_demo() -> DemoReport:
    """Load (or refresh) the demo data; returns counts and the new account passwords."""
    report = DemoReport(leerateliers=_load_leerateliers())
    accounts = _demo_accounts()
    records = {r["ref"]: r for r in demo_records()}
    published = [r for ref, r in records.items() if ref not in IN_PROGRESS]
    result = import_records(SYSTEM, published, status="published")
    report.created, report.updated = result.created, result.updated
    if result.created:
        imported = db.session.scalars(select(Example).where(
            Example.ref.in_([r["ref"] for r in published])).order_by(Example.id))
        moderator = next(user for user, _password in accounts if user.role == "moderator")
        _spread_dates(list(imported), moderator)
    participant = accounts[0][0]
    _mark_demo_examples(participant)
    with notifications.quietly():  # the demo's own submissions are no news to anyone
        _in_progress(participant, records)
    _following(participant)
    _adoptions()
    _attachments(next(user for user, _password in accounts if user.role == "moderator"))
    report.accounts = [(user.email, user.role, password) for user, password in accounts]
    return report
