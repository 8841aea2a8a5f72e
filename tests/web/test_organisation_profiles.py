"""Organisation profiles: moderators give an organisation a website, the year it became a
partner and a logo (re-encoded); its public page shows them with its examples and its
feed; the list keeps partners and other organisations apart; bad values are named."""
import io
import re

from PIL import Image

from kb.database import db
from kb.models import Organisation
from tests import factories
from tests.services.test_attachments import png
from tests.web.test_curation import organisation_id, term_id
from tests.web.test_pages import page
from tests.webtools import csrf_token, logged_in, post_multipart


def edit(client, organisation: int, **fields):
    """POST the organisation's edit form (multipart, as it has a logo field)."""
    path = f"/beheer/organisaties/{organisation}"
    data = {"csrf_token": csrf_token(client, path), "name": fields.pop("name"), "slug": "",
            "type": str(term_id("organisation_type", "welzijn")), "description": "",
            **fields}
    return post_multipart(client, path, data)


def test_a_profile_with_website_partner_year_and_logo(client):
    factories.example(organisation="Buurtkracht")
    logged_in(client, "moderator")
    target = organisation_id("Buurtkracht")
    response = edit(client, target, name="Buurtkracht", partner="y", partner_since="2021",
                    website="https://buurtkracht.example", logo=(io.BytesIO(png((900, 300))),
                                                                  "logo.png"))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    html = page(client, "/organisaties/buurtkracht")
    assert "partner van de alliantie sinds 2021" in html
    assert 'href="https://buurtkracht.example"' in html and 'alt="Logo van Buurtkracht"' in html
    assert "/feeds/zoeken.atom?organisation=buurtkracht" in html
    logo = client.get("/organisaties/buurtkracht/logo")
    assert logo.mimetype == "image/png" and max(Image.open(io.BytesIO(logo.data)).size) <= 400
    listing = page(client, "/organisaties")
    assert "Partners van de alliantie" in listing and ">ja<" not in listing
    edit(client, target, name="Buurtkracht", partner="y", remove_logo="y")
    assert client.get("/organisaties/buurtkracht/logo").status_code == 404


def test_bad_profile_values_are_named_and_nothing_changes(client):
    factories.example(organisation="Buurtkracht")
    logged_in(client, "moderator")
    target = organisation_id("Buurtkracht")
    for fields, name in (({"website": "javascript:alert(1)"}, "website"),
                         ({"partner": "y", "partner_since": "1850"}, "partner_since"),
                         ({"logo": (io.BytesIO(b"<svg/>"), "logo.svg")}, "logo")):
        response = edit(client, target, name="Buurtkracht", **fields)
        assert response.status_code == 400, name
        assert 'aria-invalid="true"' in response.get_data(as_text=True)
    kept = db.session.get(Organisation, target)
    assert (kept.website, kept.partner_since, kept.has_logo) == ("", None, False)


def too_large_logo() -> tuple:
    """A logo above the 2 MB limit, and above the 2 MB any other request may be."""
    return io.BytesIO(png() + b"\0" * 3_000_000), "groot.png"


def test_a_too_large_logo_is_named_beside_the_fields_as_typed(client):
    factories.example(organisation="Buurtkracht")
    logged_in(client, "moderator")
    target = organisation_id("Buurtkracht")
    response = edit(client, target, name="Buurtkracht Leiden",
                    website="https://buurtkracht.example", logo=too_large_logo())
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert re.search(r'id="logo-error">[^<]*hoogstens 2 MB', html)
    assert 'value="Buurtkracht Leiden"' in html and 'value="https://buurtkracht.example"' in html
    assert db.session.get(Organisation, target).name == "Buurtkracht"
    path = "/beheer/organisaties"
    response = post_multipart(client, f"{path}/nieuw", {
        "csrf_token": csrf_token(client, path), "name": "Stichting Nieuw", "slug": "",
        "type": str(term_id("organisation_type", "welzijn")), "description": "Wij helpen.",
        "logo": too_large_logo()})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and re.search(r'id="logo-error">[^<]*hoogstens 2 MB',
                                                      html)
    assert 'value="Stichting Nieuw"' in html and "Wij helpen." in html
    assert "hoogstens 2 MB" in page(client, path)  # the help text says the same limit


def test_the_edit_page_shows_the_logo_and_offers_removing_only_one_there_is(client):
    factories.example(organisation="Buurtkracht")
    logged_in(client, "moderator")
    target = organisation_id("Buurtkracht")
    path = f"/beheer/organisaties/{target}"
    assert "Logo verwijderen" not in page(client, "/beheer/organisaties")  # the add form
    assert "Logo verwijderen" not in page(client, path) and "<img" not in page(client, path)
    edit(client, target, name="Buurtkracht", logo=(io.BytesIO(png((900, 300))), "logo.png"))
    html = page(client, path)
    assert "Logo verwijderen" in html
    assert f'<img src="{path}/logo" alt="Logo van Buurtkracht"' in html
    logo = client.get(f"{path}/logo")
    assert logo.mimetype == "image/png" and max(Image.open(io.BytesIO(logo.data)).size) <= 400
    edit(client, target, name="Buurtkracht", remove_logo="y")
    assert "Logo verwijderen" not in page(client, path)
    assert client.get(f"{path}/logo").status_code == 404


def test_the_website_help_says_what_is_accepted(client):
    factories.example(organisation="Buurtkracht")
    logged_in(client, "moderator")
    target = organisation_id("Buurtkracht")
    help_text = re.search(r'id="website-help">([^<]*)<',
                          page(client, f"/beheer/organisaties/{target}"))[1]
    assert "https://" in help_text and "http://" in help_text
    response = edit(client, target, name="Buurtkracht", website="http://buurtkracht.example")
    assert response.status_code == 302
    assert db.session.get(Organisation, target).website == "http://buurtkracht.example"


def test_an_old_slug_still_leads_to_the_organisation(app, client):
    factories.example(organisation="Buurtkracht")
    factories.example(organisation="Wijkteam Noord")
    logged_in(client, "moderator")
    target = organisation_id("Buurtkracht")
    assert edit(client, target, name="Buurtkracht", slug="buurtkracht-leiden").status_code == 302
    visitor = app.test_client()
    response = visitor.get("/organisaties/buurtkracht?pagina=2")
    assert response.status_code == 301 and response.location == "/organisaties/buurtkracht-leiden"
    assert "Buurtkracht" in page(visitor, "/organisaties/buurtkracht")
    # A merged organisation's address leads to the one it went into.
    source = organisation_id("Wijkteam Noord")
    response = client.post(f"/beheer/organisaties/{source}/samenvoegen", data={
        "csrf_token": csrf_token(client, f"/beheer/organisaties/{source}"),
        "target": str(target), "confirm": "1"})
    assert response.status_code == 302
    assert visitor.get("/organisaties/wijkteam-noord").location == \
        "/organisaties/buurtkracht-leiden"
    # Taking the old slug back makes it the address again; a made-up one is still a 404.
    assert edit(client, target, name="Buurtkracht", slug="buurtkracht").status_code == 302
    assert visitor.get("/organisaties/buurtkracht").status_code == 200
    assert visitor.get("/organisaties/buurtkracht-leiden").location == "/organisaties/buurtkracht"
    assert visitor.get("/organisaties/bestaat-niet").status_code == 404
