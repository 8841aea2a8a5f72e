"""Curating organisations: added, edited, merged."""
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import delete, func, select, update

from kb.database import db
from kb.models import Example, OldSlug, Organisation, Term, User
from kb.services import audit
from kb.services import permissions as perm
from kb.services.attachments import logo_png
from kb.services.curation.shared import (
    MAX_DESCRIPTION,
    clean_label,
    clean_slug,
    pending_edits,
    reindex_published,
    row_by_typed_id,
)
from kb.services.errors import Invalid, NotFound
from kb.services.records import MIN_YEAR, URL_PATTERN
from kb.services.taxonomy import terms_of_kind
from kb.services.transactions import unit_of_work
from kb.util import parse_int, utcnow


def get_organisation(organisation_id: int) -> Organisation:
    """An organisation by id, or NotFound."""
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound()
    return organisation


def organisations_overview() -> list[tuple[Organisation, int, int]]:
    """Every organisation by name, with its number of examples (any status) and accounts."""
    examples = dict(db.session.execute(select(Example.organisation_id, func.count())
                                       .group_by(Example.organisation_id)).all())
    users = dict(db.session.execute(select(User.organisation_id, func.count())
                                    .group_by(User.organisation_id)).all())
    rows = db.session.scalars(select(Organisation).order_by(func.lower(Organisation.name)))
    return [(o, examples.get(o.id, 0), users.get(o.id, 0)) for o in rows]


def organisation_types() -> list[Term]:
    """The organisation types in display order (inactive too: an old one may still be set)."""
    return terms_of_kind("organisation_type", active_only=False)


def _clean_type(type_id, current: Term | None) -> Term:
    """An organisation type: an active one, or the one the organisation already has."""
    term = row_by_typed_id(Term, type_id)
    if term is None or term.kind != "organisation_type":
        raise Invalid({"type": _("kies een soort organisatie")})
    if not term.active and term is not current:
        raise Invalid({"type": _("deze soort is niet meer in gebruik")})
    return term


def _organisation_slug(values: dict, name: str, organisation: Organisation | None) -> str:
    """The typed slug, else the current one (URLs stay), else one made from the name."""
    typed = (values.get("slug") or "").strip()
    if organisation is not None and not typed:
        return organisation.slug
    return clean_slug(typed, name, 200)


def _check_organisation_free(name: str, slug: str, own_id: int | None) -> None:
    """No other organisation has this name (ignoring case) or slug."""
    others = select(Organisation.id).where(Organisation.id != (own_id or -1))
    if db.session.scalar(others.where(func.lower(Organisation.name) == name.lower())):
        raise Invalid({"name": _("er is al een organisatie met deze naam")})
    if db.session.scalar(others.where(Organisation.slug == slug)):
        raise Invalid({"slug": _("er is al een organisatie met slug '%(slug)s'", slug=slug)})


def _clean_organisation(values: dict, organisation: Organisation | None) -> dict:
    """Validate name, slug, type, partner and description."""
    name = clean_label("name", values.get("name"))
    slug = _organisation_slug(values, name, organisation)
    _check_organisation_free(name, slug, organisation.id if organisation else None)
    description = (values.get("description") or "").replace("\r\n", "\n").strip()
    if len(description) > MAX_DESCRIPTION:
        raise Invalid({"description": _("mag hoogstens %(max)d tekens lang zijn",
                                        max=MAX_DESCRIPTION)})
    current_type = organisation.type if organisation else None
    partner = bool(values.get("partner"))
    clean = {"name": name, "slug": slug, "description": description,
             "type": _clean_type(values.get("type"), current_type), "partner": partner,
             "website": _clean_website(values.get("website")),
             "partner_since": _clean_since(values.get("partner_since")) if partner else None}
    if values.get("logo"):
        clean["logo"], clean["has_logo"] = logo_png(values["logo"]), True
    elif values.get("remove_logo"):
        clean["logo"], clean["has_logo"] = None, False
    return clean


def _clean_website(value) -> str:
    """The organisation's website: empty, or an http(s) address."""
    text = str(value or "").strip()
    if text and (len(text) > 300 or not URL_PATTERN.match(text)):
        raise Invalid({"website": _("geen geldig webadres (http of https)")})
    return text


def _clean_since(value) -> int | None:
    """The year the organisation became a partner: empty, or a year up to this one."""
    text = str(value or "").strip()
    if not text:
        return None
    year = parse_int(text, MIN_YEAR, utcnow().year)
    if year is None:
        raise Invalid({"partner_since": _("een jaar van %(min)d tot %(max)d", min=MIN_YEAR,
                                          max=utcnow().year)})
    return year


@unit_of_work
def add_organisation(actor, values: dict) -> Organisation:
    """Add an organisation: name, slug (from the name if absent), type, partner, description."""
    perm.require(perm.can_add_organisation(actor))
    organisation = Organisation(**_clean_organisation(values, None))
    db.session.add(organisation)
    db.session.flush()
    return organisation


@unit_of_work
def edit_organisation(actor, organisation_id: int, values: dict) -> Organisation:
    """Rename or edit an organisation; an empty slug keeps the current one."""
    perm.require(perm.can_edit_organisation(actor))
    organisation = get_organisation(organisation_id)
    clean = _clean_organisation(values, organisation)
    indexed = (clean["name"], clean["slug"]) != (organisation.name, organisation.slug)
    changed = [key for key, value in clean.items() if getattr(organisation, key) != value
               and key != "has_logo"]
    if clean["slug"] != organisation.slug:
        _keep_address(organisation.slug, organisation)
        db.session.execute(delete(OldSlug).where(OldSlug.slug == clean["slug"]))
    for key, value in clean.items():
        setattr(organisation, key, value)
    if changed:
        audit.record("organisation_edited", actor, organisation=organisation.name,
                     fields=changed)
    if indexed:  # the name is indexed as text and the slug is the facet value
        reindex_published(db.session.scalars(select(Example.id).where(
            Example.organisation_id == organisation.id)))
    return organisation


def _keep_address(slug: str, organisation: Organisation) -> None:
    """The public address of a slug given up keeps leading to the organisation (links
    to it are out there); its latest owner wins."""
    db.session.merge(OldSlug(slug=slug, organisation_id=organisation.id, replaced_at=utcnow()))


def _rewrite_pending_organisation(source: Organisation, target: Organisation) -> None:
    """Pending edits name the organisation: approving one must not bring the source back."""
    for revision in pending_edits():
        typed = str(revision.data.get("organisation") or "")
        if typed.strip().lower() == source.name.lower():
            revision.data = {**revision.data, "organisation": target.name}


@dataclass(frozen=True)
class OrganisationMerge:
    """What merging one organisation into another moves."""

    source: Organisation
    target: Organisation
    examples: int
    accounts: int


def organisation_merge(source_id: int, target_id) -> OrganisationMerge:
    """What merging source into target would move (to confirm first); Invalid as the merge."""
    source = get_organisation(source_id)
    target = row_by_typed_id(Organisation, target_id)
    if target is None or target.id == source.id:
        raise Invalid({"target": _("kies een andere organisatie")})
    examples = db.session.scalar(select(func.count(Example.id)).where(
        Example.organisation_id == source.id))
    accounts = db.session.scalar(select(func.count(User.id)).where(
        User.organisation_id == source.id))
    return OrganisationMerge(source, target, examples, accounts)


@unit_of_work
def merge_organisation(actor, source_id: int, target_id) -> tuple[Organisation, int]:
    """Move every example and account from source to target, then delete source.

    Returns the target and how many examples moved."""
    perm.require(perm.can_merge_organisation(actor))
    plan = organisation_merge(source_id, target_id)
    source, target = plan.source, plan.target
    moved = list(db.session.scalars(select(Example.id).where(
        Example.organisation_id == source.id)))
    db.session.execute(update(Example.__table__).where(Example.organisation_id == source.id)
                       .values(organisation_id=target.id))
    db.session.execute(update(User.__table__).where(User.organisation_id == source.id)
                       .values(organisation_id=target.id))
    db.session.expire_all()  # loaded examples and accounts still point at the source
    _rewrite_pending_organisation(source, target)
    reindex_published(moved)
    db.session.execute(update(OldSlug).where(OldSlug.organisation_id == source.id)
                       .values(organisation_id=target.id))
    _keep_address(source.slug, target)
    audit.record("organisation_merged", actor, before=source.name, after=target.name,
                 examples=plan.examples, accounts=plan.accounts)
    # Examples, accounts and old addresses are the only rows that reference an
    # organisation, and all were repointed above: deleting the source leaves nothing
    # dangling. (Organisation has no active flag; a kept, empty duplicate would only
    # confuse the lists.)
    db.session.delete(source)
    db.session.flush()
    return target, len(moved)
