"""The example record (the import/export format and the form's fields): validate and convert."""
import datetime as dt
import re
from dataclasses import dataclass, field

from flask_babel import gettext as _

from kb import taxonomy
from kb.models import Example, Term
from kb.services.errors import Invalid

TEXT_LIMITS = {  # field: (required, minimum length, maximum length)
    "title": (True, 3, 200),
    "summary": (True, 10, 600),
    "body": (True, 1, 50_000),
    "impact": (False, 0, 5_000),
    "evidence": (False, 0, 5_000),
    "needs": (False, 0, 3_000),
    "costs": (False, 0, 2_000),
    "duration": (False, 0, 1_000),
    "success_factors": (False, 0, 3_000),
    "pitfalls": (False, 0, 3_000),
    "contact_role": (False, 0, 200),
    "organisation": (True, 2, 200),
    "municipality": (True, 2, 100),
    "leeratelier": (False, 0, 200),
    "learning_question": (False, 0, 300),
}
SINGLE_TERMS = {kind.field: kind.name for kind in taxonomy.SINGLE}  # record field -> kind
MULTI_TERMS = {kind.field: kind.name for kind in taxonomy.MULTI}
REQUIRED_MULTI = tuple(kind.field for kind in taxonomy.MULTI if kind.required)
MIN_YEAR = 1990
MAX_LINKS = 10
REF_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$")
URL_PATTERN = re.compile(r"^https?://[^\s<>\"]{3,}$")
PRACTICAL = ("needs", "costs", "duration", "success_factors", "pitfalls", "contact_role")
FIELDS = ("ref", "title", "summary", "body", "impact", "evidence", *PRACTICAL, "organisation",
          *(kind.field for kind in taxonomy.KINDS_TABLE),
          "municipality", "year", "leeratelier", "learning_question", "links")


@dataclass
class CleanRecord:
    """A validated record: plain values plus the resolved taxonomy terms."""

    values: dict = field(default_factory=dict)
    terms: dict[str, Term] = field(default_factory=dict)
    multi: dict[str, list[Term]] = field(default_factory=dict)

    @property
    def ref(self) -> str | None:
        """The record's external id, if it has one."""
        return self.values.get("ref")

    def as_record(self) -> dict:
        """Back to the record format (slugs for terms), for storing a pending edit."""
        record = dict(self.values)
        record.update({name: term.slug for name, term in self.terms.items()})
        record.update({name: [t.slug for t in terms] for name, terms in self.multi.items()})
        return {name: record[name] for name in FIELDS}


def _clean_text(name: str, value, errors: dict) -> str | None:
    """Validate one text field against TEXT_LIMITS."""
    required, minimum, maximum = TEXT_LIMITS[name]
    if value is None:
        if required:
            errors[name] = _("is verplicht")
        return "" if not required else None
    if not isinstance(value, str):
        errors[name] = _("moet tekst zijn")
        return None
    value = value.replace("\r\n", "\n").strip()
    if required and not value:
        errors[name] = _("is verplicht")
    elif len(value) > maximum:
        errors[name] = _("mag hoogstens %(max)d tekens lang zijn (nu %(n)d)",
                         max=maximum, n=len(value))
    elif len(value) < minimum:
        errors[name] = _("moet minstens %(min)d tekens lang zijn", min=minimum)
    return value


def _unknown_value(value, choices: dict[str, Term]) -> str:
    """The message for a slug that is not (or no longer) in the taxonomy."""
    if value in choices and not choices[value].active:
        return _("'%(value)s' is niet meer in gebruik", value=value)
    active = ", ".join(slug for slug, term in choices.items() if term.active)
    return _("onbekende waarde '%(value)s'; kies uit: %(choices)s", value=value, choices=active)


def _clean_term(name: str, value, choices: dict[str, Term], errors: dict) -> Term | None:
    """Validate a single-valued taxonomy slug."""
    if value is None or value == "":
        errors[name] = _("is verplicht")
        return None
    if not isinstance(value, str):
        errors[name] = _("moet tekst zijn (een slug)")
        return None
    term = choices.get(value)
    if term is None or not term.active:
        errors[name] = _unknown_value(value, choices)
        return None
    return term


def _clean_terms(name: str, value, choices: dict[str, Term], errors: dict) -> list[Term]:
    """Validate a list of taxonomy slugs; duplicates are dropped."""
    if value is None:
        value = []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        errors[name] = _("moet een lijst van slugs zijn")
        return []
    if not value and name in REQUIRED_MULTI:
        errors[name] = _("kies minstens één waarde")
        return []
    terms: list[Term] = []
    for slug in dict.fromkeys(value):
        term = choices.get(slug)
        if term is None or not term.active:
            errors[name] = _unknown_value(slug, choices)
            return []
        terms.append(term)
    return terms


def _clean_year(value, errors: dict) -> int | None:
    """Validate the year: a whole number from MIN_YEAR to next year."""
    latest = dt.date.today().year + 1
    if value is None:
        errors["year"] = _("is verplicht")
    elif isinstance(value, bool) or not isinstance(value, int):
        errors["year"] = _("moet een geheel getal zijn")
    elif not MIN_YEAR <= value <= latest:
        errors["year"] = _("moet tussen %(min)d en %(max)d liggen", min=MIN_YEAR, max=latest)
    else:
        return value
    return None


def _clean_ref(value, errors: dict) -> str | None:
    """Validate the optional external id."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not REF_PATTERN.match(value):
        errors["ref"] = _("moet 1 tot 100 tekens zijn: letters, cijfers, punt, dubbele punt, "
                          "liggend streepje of koppelteken")
        return None
    return value


def _clean_links(value, errors: dict) -> list[str]:
    """Validate the optional list of web links."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        errors["links"] = _("moet een lijst van webadressen zijn")
        return []
    links = [v.strip() for v in value if v.strip()]
    if len(links) > MAX_LINKS:
        errors["links"] = _("hoogstens %(max)d links", max=MAX_LINKS)
    bad = [link for link in links if len(link) > 500 or not URL_PATTERN.match(link)]
    if bad:
        errors["links"] = _("geen geldig webadres (http of https): %(link)s", link=bad[0][:80])
    return links


def _check_not_yet(clean: CleanRecord, errors: dict) -> None:
    """"Not yet made visible" cannot stand beside a way in which it was made visible."""
    field_name = taxonomy.EVIDENCE.field
    slugs = [term.slug for term in clean.multi.get(field_name, [])]
    if taxonomy.NOT_YET_VISIBLE in slugs and len(slugs) > 1:
        label = next(t.label for t in clean.multi[field_name]
                     if t.slug == taxonomy.NOT_YET_VISIBLE)
        errors[field_name] = _("'%(value)s' gaat niet samen met een manier waarop het wel "
                               "zichtbaar is gemaakt", value=label)


def validate_record(raw, taxonomy: dict[str, dict[str, Term]]) -> CleanRecord:
    """Check a raw record; return it cleaned or raise Invalid naming every bad field."""
    if not isinstance(raw, dict):
        raise Invalid(_("een record moet een JSON-object zijn"))
    errors: dict[str, str] = {}
    for name in raw:
        if name not in FIELDS:
            errors[name] = _("onbekend veld")
    clean = CleanRecord()
    clean.values["ref"] = _clean_ref(raw.get("ref"), errors)
    for name in TEXT_LIMITS:
        clean.values[name] = _clean_text(name, raw.get(name), errors)
    for name, kind in SINGLE_TERMS.items():
        clean.terms[name] = _clean_term(name, raw.get(name), taxonomy.get(kind, {}), errors)
    for name, kind in MULTI_TERMS.items():
        clean.multi[name] = _clean_terms(name, raw.get(name), taxonomy.get(kind, {}), errors)
    _check_not_yet(clean, errors)
    if clean.values.get("learning_question") and not clean.values.get("leeratelier"):
        errors["learning_question"] = _("hoort bij een leeratelier: kies er eerst een")
    clean.values["year"] = _clean_year(raw.get("year"), errors)
    clean.values["links"] = _clean_links(raw.get("links"), errors)
    if errors:
        raise Invalid(errors)
    return clean


def _moment(text: str) -> dt.datetime:
    """An ISO 8601 date (noon UTC, so that it reads as that day everywhere, or now when
    that is today and noon is still to come) or date and time (UTC if it names no zone);
    ValueError otherwise."""
    now = dt.datetime.now(dt.timezone.utc)
    if len(text) == 10:
        noon = dt.datetime.combine(dt.date.fromisoformat(text), dt.time(12), dt.timezone.utc)
        return min(noon, now) if noon.date() == now.date() else noon
    moment = dt.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(dt.timezone.utc)


def clean_published_at(value) -> dt.datetime | None:
    """An import record's optional publication moment, from MIN_YEAR up to now (see
    _moment); Invalid names the field."""
    if value is None or value == "":
        return None
    example = _("bijvoorbeeld 2023-05-01 of 2023-05-01T10:30:00+02:00")
    if not isinstance(value, str):
        raise Invalid({"published_at": _("moet een datum als tekst zijn, %(example)s",
                                         example=example)})
    try:
        moment = _moment(value.strip())
    except ValueError:
        raise Invalid({"published_at": _("geen geldige datum '%(value)s'; %(example)s",
                                         value=value[:40], example=example)}) from None
    if moment.year < MIN_YEAR:
        raise Invalid({"published_at": _("ligt voor %(min)d", min=MIN_YEAR)})
    if moment > dt.datetime.now(dt.timezone.utc):
        raise Invalid({"published_at": _("ligt in de toekomst")})
    return moment


def to_record(example: Example) -> dict:
    """The example as an import/export record (taxonomy as slugs)."""
    record = {
        "ref": example.ref,
        "title": example.title,
        "summary": example.summary,
        "body": example.body,
        "impact": example.impact,
        "evidence": example.evidence,
        **{name: getattr(example, name) or "" for name in PRACTICAL},
        "organisation": example.organisation.name,
        "municipality": example.municipality,
        "year": example.year,
        "leeratelier": example.leeratelier.name if example.leeratelier else None,
        "learning_question": (example.learning_question.text if example.learning_question
                              else None),
        "links": list(example.links or []),
    }
    for kind in taxonomy.KINDS_TABLE:
        slugs = [term.slug for term in example.values_of(kind)]
        record[kind.field] = slugs if kind.many else (slugs[0] if slugs else None)
    return {name: record[name] for name in FIELDS}


def to_export_record(example: Example) -> dict:
    """The record as exported: its fields and when it was published (`kb import` takes
    that back, so an export imported elsewhere keeps its publication dates)."""
    published = example.published_at.isoformat() if example.published_at else None
    return {**to_record(example), "published_at": published}
