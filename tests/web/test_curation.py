"""Curation pages through the test client: guards, forms, CSRF, PRG and blocking."""
import html

import pytest
from sqlalchemy import func, select

from kb.database import db
from kb.models import AuditEvent, Organisation, SynonymGroup, Term, User
from kb.services.taxonomy import term_by_slug
from tests import factories
from tests.dbtools import snapshot
from tests.webtools import logged_in, login, post_form

PAGES = ["/beheer/", "/beheer/taxonomie", "/beheer/organisaties", "/beheer/synoniemen"]


def text(response) -> str:
    """The response body as text."""
    return response.get_data(as_text=True)


def term_id(kind: str, slug: str) -> int:
    """The id of a term that exists."""
    return term_by_slug(kind, slug).id


def organisation_id(name: str) -> int:
    """The id of an organisation by name."""
    return db.session.scalar(select(Organisation.id).where(Organisation.name == name))


@pytest.mark.parametrize("path", PAGES + ["/beheer/gebruikers", "/beheer/taxonomie/1"])
def test_anonymous_visitors_are_sent_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/inloggen" in response.headers["Location"]


@pytest.mark.parametrize("path", PAGES + ["/beheer/gebruikers"])
def test_participants_get_403(client, path):
    logged_in(client, "participant")
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("path", PAGES)
def test_moderators_see_the_curation_pages(client, path):
    logged_in(client, "moderator")
    response = client.get(path)
    assert response.status_code == 200
    assert "Gebruikers" not in text(response)  # the users link is for admins


def test_users_pages_are_for_admins_only(client):
    moderator = logged_in(client, "moderator")
    assert client.get("/beheer/gebruikers").status_code == 403
    assert client.get(f"/beheer/gebruikers/{moderator.id}").status_code == 403
    before = snapshot()
    response = post_form(client, f"/beheer/gebruikers/{moderator.id}", {"role": "admin"},
                         page="/beheer/taxonomie")
    assert response.status_code == 403 and snapshot() == before


def test_taxonomy_page_lists_every_kind_with_counts(client):
    factories.example(themes=["dementie"])
    logged_in(client, "moderator")
    page = text(client.get("/beheer/taxonomie"))
    for title in ("Dimensie", "Thema", "Soort organisatie", "Niveau", "Setting", "Doelgroep"):
        assert title in page
    assert "Dementie" in page and 'for="label_nl"' in page


def test_add_term_redirects_with_a_flash(client):
    logged_in(client, "moderator")
    response = post_form(client, "/beheer/taxonomie/nieuw", {
        "kind": "theme", "label_nl": "Digitale zorg", "label_en": "Digital care", "slug": ""},
        page="/beheer/taxonomie")
    assert response.status_code == 302
    assert term_by_slug("theme", "digitale-zorg").label_en == "Digital care"
    assert "Waarde toegevoegd." in text(client.get(response.headers["Location"]))


def test_add_term_shows_the_error_next_to_the_field_and_keeps_the_input(client):
    logged_in(client, "moderator")
    before = snapshot()
    response = post_form(client, "/beheer/taxonomie/nieuw", {
        "kind": "theme", "label_nl": "Mantelzorg", "label_en": "Typed English", "slug": ""},
        page="/beheer/taxonomie")
    page = text(response)
    assert response.status_code == 400
    assert 'id="slug-error"' in page and 'aria-invalid="true"' in page
    assert 'value="Typed English"' in page
    assert snapshot() == before


def test_post_without_csrf_is_refused_and_changes_nothing(client):
    logged_in(client, "moderator")
    before = snapshot()
    source, target = term_id("theme", "dementie"), term_id("theme", "mantelzorg")
    new_term = {"kind": "theme", "label_nl": "Nieuw", "label_en": "New"}
    posts = [("/beheer/taxonomie/nieuw", new_term),
             (f"/beheer/taxonomie/{source}", {"label_nl": "Ander", "label_en": "Other"}),
             (f"/beheer/taxonomie/{source}/samenvoegen", {"target": str(target)}),
             (f"/beheer/taxonomie/{source}/deactiveren", {}),
             ("/beheer/synoniemen", {"terms": "oudjes, ouderen"})]
    for url, data in posts:
        assert client.post(url, data=data).status_code == 400, url
    assert snapshot() == before


def test_rename_deactivate_move_and_merge_a_term(client):
    factories.example(themes=["dementie"])
    logged_in(client, "moderator")
    dementie, mantelzorg = term_id("theme", "dementie"), term_id("theme", "mantelzorg")
    page = f"/beheer/taxonomie/{dementie}"
    assert client.get(page).status_code == 200
    response = post_form(client, page, {"label_nl": "Dementie en geheugen",
                                        "label_en": "Dementia and memory"}, page=page)
    assert response.status_code == 302 and "Labels opgeslagen." in text(client.get(page))
    post_form(client, f"{page}/plaats", {"position": "1"}, page=page)
    post_form(client, f"{page}/verplaatsen", {"direction": "down"}, page=page)
    assert [t.slug for t in db.session.scalars(select(Term).where(Term.kind == "theme")
                                               .order_by(Term.position))][:2] == [
        "eenzaamheid", "dementie"]
    post_form(client, f"{page}/deactiveren", {}, page=page)
    assert not db.session.get(Term, dementie).active
    post_form(client, f"{page}/activeren", {}, page=page)
    response = post_form(client, f"{page}/samenvoegen", {"target": str(mantelzorg),
                                                        "confirm": "1"}, page=page)
    assert response.headers["Location"].endswith(f"/beheer/taxonomie/{mantelzorg}")
    assert not db.session.get(Term, dementie).active


def test_merge_with_a_bad_target_shows_the_error(client):
    logged_in(client, "moderator")
    dementie = term_id("theme", "dementie")
    page = f"/beheer/taxonomie/{dementie}"
    response = post_form(client, f"{page}/samenvoegen", {"target": str(term_id("level", "meso"))},
                         page=page)
    assert response.status_code == 400 and 'id="target-error"' in text(response)


def test_a_refused_button_action_is_flashed(client):
    logged_in(client, "moderator")
    page = f"/beheer/taxonomie/{term_id('level', 'meso')}"
    response = post_form(client, f"{page}/verplaatsen", {"direction": "opzij"}, page=page)
    assert response.status_code == 302
    assert "omhoog of omlaag" in text(client.get(response.headers["Location"]))


def test_organisations_add_edit_and_merge(client):
    factories.example(organisation="Buurthuis De Linde")
    logged_in(client, "moderator")
    welzijn = str(term_id("organisation_type", "welzijn"))
    response = post_form(client, "/beheer/organisaties/nieuw", {
        "name": "Buurtkracht", "slug": "", "type": welzijn, "description": "Nieuw."},
        page="/beheer/organisaties")
    assert response.status_code == 302 and organisation_id("Buurtkracht")
    page = f"/beheer/organisaties/{organisation_id('Buurtkracht')}"
    response = post_form(client, page, {"name": "Buurtkracht Leiden", "slug": "", "type": welzijn,
                                        "partner": "y", "description": ""}, page=page)
    assert response.status_code == 302
    renamed = db.session.get(Organisation, organisation_id("Buurtkracht Leiden"))
    assert renamed.partner and renamed.slug == "buurtkracht"
    source = organisation_id("Buurthuis De Linde")
    response = post_form(client, f"/beheer/organisaties/{source}/samenvoegen",
                         {"target": str(renamed.id), "confirm": "1"}, page=page)
    assert response.headers["Location"].endswith(f"/beheer/organisaties/{renamed.id}")
    assert db.session.get(Organisation, source) is None
    assert "Organisaties samengevoegd." in text(client.get(response.headers["Location"]))


def _audit_kinds() -> list[str]:
    """The kinds of the audit events, oldest first."""
    return list(db.session.scalars(select(AuditEvent.kind).order_by(AuditEvent.id)))


def test_merging_organisations_asks_first_saying_what_moves_and_is_logged(client):
    factories.example(organisation="Buurthuis De Linde")
    factories.example(organisation="Buurtkracht")
    moderator = logged_in(client, "moderator")
    source, target = organisation_id("Buurthuis De Linde"), organisation_id("Buurtkracht")
    url = f"/beheer/organisaties/{source}/samenvoegen"
    asked = post_form(client, url, {"target": str(target)}, page=f"/beheer/organisaties/{source}")
    page = html.unescape(text(asked))
    assert asked.status_code == 200
    assert "„Buurthuis De Linde” samenvoegen met „Buurtkracht”?" in page
    assert "1 voorbeeld en 0 accounts gaan naar „Buurtkracht”; dit kan niet ongedaan worden." \
        in page
    assert 'name="confirm" value="1"' in page and f'name="target" value="{target}"' in page
    assert db.session.get(Organisation, source) is not None
    assert "organisation_merged" not in _audit_kinds()
    done = post_form(client, url, {"target": str(target), "confirm": "1"}, page=url)
    assert done.status_code == 302 and db.session.get(Organisation, source) is None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.kind == "organisation_merged"))
    assert event.actor_id == moderator.id
    assert event.detail == {"before": "Buurthuis De Linde", "after": "Buurtkracht",
                            "examples": 1, "accounts": 0}


def test_merging_terms_asks_first_and_is_logged_as_is_deactivating(client):
    factories.example(themes=["dementie"])
    logged_in(client, "moderator")
    dementie, mantelzorg = term_id("theme", "dementie"), term_id("theme", "mantelzorg")
    url = f"/beheer/taxonomie/{dementie}/samenvoegen"
    asked = post_form(client, url, {"target": str(mantelzorg)}, page="/beheer/taxonomie")
    page = html.unescape(text(asked))
    assert asked.status_code == 200 and "„Dementie” samenvoegen met „Mantelzorg”?" in page
    assert "„Mantelzorg” komt in plaats van „Dementie” bij 1 voorbeeld; dit kan niet ongedaan" \
        in page
    assert db.session.get(Term, dementie).active and "term_merged" not in _audit_kinds()
    post_form(client, url, {"target": str(mantelzorg), "confirm": "1"}, page=url)
    assert not db.session.get(Term, dementie).active
    post_form(client, f"/beheer/taxonomie/{mantelzorg}/deactiveren", {}, page=url)
    assert _audit_kinds()[-2:] == ["term_merged", "term_deactivated"]


def test_old_links_with_a_merged_terms_slug_find_its_examples(client):
    factories.example(themes=["dementie"], title="Geheugenkoffie in de bibliotheek")
    logged_in(client, "moderator")
    dementie, mantelzorg = term_id("theme", "dementie"), term_id("theme", "mantelzorg")
    post_form(client, f"/beheer/taxonomie/{dementie}/samenvoegen",
              {"target": str(mantelzorg), "confirm": "1"}, page="/beheer/taxonomie")
    for url in ("/zoeken?theme=dementie", "/api/v1/search?theme=dementie"):
        response = client.get(url)
        assert response.status_code == 200 and "Geheugenkoffie in de bibliotheek" in \
            html.unescape(text(response)), url
    post_form(client, f"/beheer/taxonomie/{dementie}/activeren", {}, page="/beheer/taxonomie")
    assert "Geheugenkoffie" not in text(client.get("/zoeken?theme=dementie"))  # its own again


def test_the_audit_log_names_curation_events_in_words(client):
    factories.example(organisation="Buurthuis De Linde")
    logged_in(client, "admin")
    source, target = organisation_id("Buurthuis De Linde"), organisation_id("Participe")
    post_form(client, f"/beheer/organisaties/{source}/samenvoegen",
              {"target": str(target), "confirm": "1"}, page="/beheer/organisaties")
    page = html.unescape(text(client.get("/beheer/audit?kind=organisation_merged")))
    assert "organisaties samengevoegd" in page
    assert "Buurthuis De Linde → Participe; 1 voorbeeld; 0 accounts" in page
    url = f"/beheer/organisaties/{target}"
    post_form(client, url, {"name": "Participe Leiden", "slug": "", "partner": "y",
                            "type": str(term_id("organisation_type", "welzijn"))}, page=url)
    page = html.unescape(text(client.get("/beheer/audit?kind=organisation_edited")))
    assert "organisatie gewijzigd" in page
    assert "„Participe Leiden”; gewijzigd: Naam" in page


def test_organisation_errors_keep_what_was_typed(client):
    logged_in(client, "moderator")
    before = snapshot()
    response = post_form(client, "/beheer/organisaties/nieuw", {
        "name": "PARTICIPE", "slug": "", "type": str(term_id("organisation_type", "welzijn")),
        "description": "Getypte tekst"}, page="/beheer/organisaties")
    page = text(response)
    assert response.status_code == 400 and 'id="name-error"' in page
    assert 'value="PARTICIPE"' in page and "Getypte tekst" in page
    assert snapshot() == before


def test_unknown_ids_are_404(client):
    logged_in(client, "admin")
    for path in ("/beheer/taxonomie/99999", "/beheer/organisaties/99999",
                 "/beheer/gebruikers/99999"):
        assert client.get(path).status_code == 404


def test_synonyms_page_adds_and_removes_groups(client):
    logged_in(client, "moderator")
    page = text(client.get("/beheer/synoniemen"))
    assert "vaste groepen" in page
    response = post_form(client, "/beheer/synoniemen", {"terms": "oudjes, ouderen"},
                         page="/beheer/synoniemen")
    assert response.status_code == 302
    assert "oudjes, ouderen" in text(client.get("/beheer/synoniemen"))
    group = db.session.scalar(select(SynonymGroup))
    post_form(client, f"/beheer/synoniemen/{group.id}/verwijderen", {"confirm": "1"},
              page="/beheer/synoniemen")
    assert not db.session.get(SynonymGroup, group.id).active
    response = post_form(client, "/beheer/synoniemen", {"terms": "alleen"},
                         page="/beheer/synoniemen")
    assert response.status_code == 400 and 'id="terms-error"' in text(response)


def test_a_group_with_the_terms_of_another_is_refused_naming_it(client):
    logged_in(client, "moderator")
    post_form(client, "/beheer/synoniemen", {"terms": "wandelmaatje, beweegmaatje"},
              page="/beheer/synoniemen")
    response = post_form(client, "/beheer/synoniemen", {"terms": "Beweegmaatje,  WANDELMAATJE"},
                         page="/beheer/synoniemen")
    assert response.status_code == 400
    assert "er is al een groep met deze termen: wandelmaatje, beweegmaatje" in text(response)
    assert db.session.scalar(select(func.count(SynonymGroup.id))) == 1


def test_removing_a_group_asks_first_and_works_without_javascript(client):
    logged_in(client, "moderator")
    post_form(client, "/beheer/synoniemen", {"terms": "oudjes, ouderen"},
              page="/beheer/synoniemen")
    group = db.session.scalar(select(SynonymGroup))
    url = f"/beheer/synoniemen/{group.id}/verwijderen"
    assert f'href="{url}"' in text(client.get("/beheer/synoniemen"))
    for asked in (client.get(url), post_form(client, url, {}, page="/beheer/synoniemen")):
        page = text(asked)
        assert asked.status_code == 200 and "Deze synoniemgroep verwijderen?" in page
        assert 'name="confirm" value="1"' in page and "oudjes, ouderen" in page
        assert db.session.get(SynonymGroup, group.id).active
    response = post_form(client, url, {"confirm": "1"}, page=url)
    assert response.status_code == 302 and not db.session.get(SynonymGroup, group.id).active
    assert "Synoniemen verwijderd." in text(client.get(response.headers["Location"]))


def test_a_synonym_post_without_terms_is_a_400_naming_the_field(client):
    logged_in(client, "moderator")
    response = post_form(client, "/beheer/synoniemen", {}, page="/beheer/synoniemen")
    assert response.status_code == 400 and 'id="terms-error"' in text(response)
    assert db.session.scalar(select(SynonymGroup)) is None


def test_admin_lists_filters_and_changes_roles(client):
    admin = logged_in(client, "admin")
    member = factories.user(email="anna.jansen@zorg.example")
    page = text(client.get("/beheer/gebruikers?q=jansen")).replace("<wbr>", "")
    assert "anna.jansen@zorg.example" in page and admin.email not in page
    assert client.get("/beheer/gebruikers?role=koning").status_code == 400
    url = f"/beheer/gebruikers/{member.id}"
    response = post_form(client, url, {"role": "moderator"}, page=url)
    assert response.status_code == 302 and "Rol gewijzigd." in text(client.get(url))
    assert db.session.get(User, member.id).role == "moderator"


def test_admin_cannot_demote_or_block_themselves(client):
    admin = logged_in(client, "admin")
    url = f"/beheer/gebruikers/{admin.id}"
    page = text(client.get(url))
    assert "eigen account" in page  # and no control that cannot apply:
    assert 'name="role"' not in page and "/blokkeren" not in page
    assert "/wachtwoordlink" not in page
    before = snapshot()
    response = post_form(client, url, {"role": "participant"}, page=url)  # forged anyway
    assert response.status_code == 400 and "eigen account" in text(response)
    response = post_form(client, f"{url}/blokkeren", {}, page=url)
    assert "eigen account" in text(client.get(response.headers["Location"]))
    assert snapshot() == before


def test_blocking_ends_the_blocked_users_session_at_their_next_request(app):
    admin_client, member_client = app.test_client(), app.test_client()
    logged_in(admin_client, "admin")
    member = logged_in(member_client, "moderator")
    assert member_client.get("/beheer/").status_code == 200
    url = f"/beheer/gebruikers/{member.id}"
    response = post_form(admin_client, f"{url}/blokkeren", {}, page=url)
    assert response.status_code == 302
    assert "geblokkeerd" in text(admin_client.get(url))
    response = member_client.get("/beheer/")
    assert response.status_code == 302 and "/inloggen" in response.headers["Location"]
    assert login(member_client, member.email).status_code != 302  # cannot log in again
    post_form(admin_client, f"{url}/deblokkeren", {}, page=url)
    assert login(member_client, member.email).status_code == 302
