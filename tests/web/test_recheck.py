"""The re-check list over HTTP: moderators only, a button per example, the queue counts it,
and the example page says when it was last checked."""
from tests.services.test_recheck import published_ago
from tests.web.test_pages import page
from tests.webtools import logged_in, post_form


def test_a_moderator_works_through_the_list(client):
    old = published_ago(400, title="Lang niet nagekeken")
    logged_in(client, "moderator")
    assert "Hercontrole" in page(client, "/moderatie")
    html = page(client, "/moderatie/hercontrole")
    assert "Lang niet nagekeken" in html
    done = post_form(client, f"/moderatie/{old.id}/gecontroleerd",
                     {"next": "/moderatie/hercontrole"}, page="/moderatie/hercontrole")
    assert done.status_code == 302
    assert "Lang niet nagekeken" not in page(client, "/moderatie/hercontrole")
    assert "Laatst gecontroleerd" in page(client, f"/voorbeelden/{old.id}")


def test_participants_do_not_see_it(client):
    old = published_ago(400)
    logged_in(client)
    assert client.get("/moderatie/hercontrole").status_code == 403
    refused = post_form(client, f"/moderatie/{old.id}/gecontroleerd", page="/")
    assert refused.status_code in (302, 403)
    assert old.checked_at is None
