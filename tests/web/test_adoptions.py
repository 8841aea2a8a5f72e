""""Ook toegepast bij" on the pages: the form on an example, its errors with the typed
note kept, the list on the example and on both organisations' pages, removal."""
from kb.database import db
from kb.services.taxonomy import find_organisation
from tests import factories
from tests.services.test_adoptions import NOTE
from tests.web.test_pages import page
from tests.webtools import logged_in, post_form


def at(client, name: str, role: str = "participant"):
    """Log in an account of the named organisation."""
    account = logged_in(client, role)
    account.organisation = find_organisation(name)
    db.session.commit()
    return account


def test_recording_an_adoption_from_the_example_page(client):
    example = factories.example(organisation="Participe", title="Beweegmaatjes")
    url = f"/voorbeelden/{example.id}/{example.slug}"
    assert "Log in om te laten weten" in page(client, url)
    at(client, "Reos")
    assert "Paste Reos dit ook toe?" in page(client, url)
    response = post_form(client, f"/voorbeelden/{example.id}/toegepast",
                         {"note": NOTE, "year": "2024"}, page=url)
    assert response.status_code == 302 and response.location.endswith("#toegepast")
    html = page(client, url)
    assert NOTE in html and ">Reos</a> · 2024" in html
    # Listed now: no form to say it again, but its own members may take it back.
    assert "Paste Reos dit ook toe?" not in html and "Reos staat hier al bij." in html
    assert "Verwijderen<span" in html
    reos = page(client, "/organisaties/reos")
    assert "Toegepast van anderen" in reos and "Beweegmaatjes" in reos
    assert "Door anderen toegepast" in page(client, "/organisaties/participe")


def test_a_refused_adoption_keeps_the_note_and_names_the_field(client):
    example = factories.example(organisation="Participe")
    url = f"/voorbeelden/{example.id}/{example.slug}"
    at(client, "Reos")
    response = post_form(client, f"/voorbeelden/{example.id}/toegepast",
                         {"note": "Ook bij ons, in Leiden.", "year": "1850"}, page=url)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and 'id="adoption-year-error"' in html
    assert "Ook bij ons, in Leiden." in html


def test_its_own_organisation_gets_no_form(client):
    example = factories.example(organisation="Participe")
    at(client, "Participe")
    assert "Wij pasten dit ook toe" not in page(client, f"/voorbeelden/{example.id}/"
                                                        f"{example.slug}")


def test_a_moderator_removes_an_adoption(client):
    example = factories.example(organisation="Participe")
    url = f"/voorbeelden/{example.id}/{example.slug}"
    at(client, "Reos")
    post_form(client, f"/voorbeelden/{example.id}/toegepast", {"note": NOTE, "year": "2024"},
              page=url)
    client.post("/uitloggen", data={})
    moderator_client = client.application.test_client()
    at(moderator_client, "Hecht", "moderator")
    html = page(moderator_client, url)
    assert "Verwijderen" in html
    adoption_id = db.session.execute(db.text("SELECT id FROM adoption")).scalar()
    response = post_form(moderator_client, f"/toepassingen/{adoption_id}/verwijderen",
                         {"next": "/\\elders.example/"}, page=url)  # browsers read "//"
    assert response.status_code == 302 and response.location == "/"
    assert NOTE not in page(moderator_client, url)


def test_a_member_takes_back_their_organisations_word_but_not_anothers(client, app):
    example = factories.example(organisation="Participe")
    url = f"/voorbeelden/{example.id}/{example.slug}"
    reos = app.test_client()
    at(reos, "Reos")
    post_form(reos, f"/voorbeelden/{example.id}/toegepast", {"note": NOTE, "year": "2024"},
              page=url)
    adoption_id = db.session.execute(db.text("SELECT id FROM adoption")).scalar()
    at(client, "Kwadraad")
    assert "Verwijderen<span" not in page(client, url)
    refused = post_form(client, f"/toepassingen/{adoption_id}/verwijderen", {"next": url},
                        page=url)
    assert refused.status_code == 403 and NOTE in page(client, url)
    unknown = post_form(client, "/toepassingen/999999/verwijderen", {"next": url}, page=url)
    assert unknown.status_code == 404
    taken_back = post_form(reos, f"/toepassingen/{adoption_id}/verwijderen", {"next": url},
                           page=url)
    assert taken_back.status_code == 302 and NOTE not in page(reos, url)
    assert "Paste Reos dit ook toe?" in page(reos, url)  # the form is back
