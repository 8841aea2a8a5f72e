"""Organisation profiles: moderators give an organisation a website, the year it became a
partner and a logo (re-encoded); its public page shows them with its examples and its
feed; the list keeps partners and other organisations apart; bad values are named."""
import io

from PIL import Image

from kb.database import db
from kb.models import Organisation
from tests import factories
from tests.services.test_attachments import png
from tests.web.test_curation import organisation_id, term_id
from tests.web.test_pages import page
from tests.webtools import csrf_token, logged_in


def edit(client, organisation: int, **fields):
    """POST the organisation's edit form (multipart, as it has a logo field)."""
    path = f"/beheer/organisaties/{organisation}"
    data = {"csrf_token": csrf_token(client, path), "name": fields.pop("name"), "slug": "",
            "type": str(term_id("organisation_type", "welzijn")), "description": "",
            **fields}
    return client.post(path, data=data, content_type="multipart/form-data")


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
