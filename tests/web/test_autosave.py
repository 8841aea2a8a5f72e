"""The form's automatic saves over HTTP: JSON for the form's script (the time and a fresh
CSRF token), the unsaved text offered when the form opens again, thrown away by a button;
an expired session or token answered in JSON that the script understands."""
from tests import factories
from tests.webtools import csrf_token, logged_in, post_form

JSON = {"Accept": "application/json"}


def test_a_typed_text_comes_back_when_the_form_opens(client):
    logged_in(client)
    token = csrf_token(client, "/voorbeelden/nieuw")
    response = client.post("/voorbeelden/nieuw/autosave", headers=JSON, data={
        "csrf_token": token, "title": "Buurtsoep op woensdag", "themes": ["mantelzorg"]})
    assert response.status_code == 200
    answer = response.get_json()
    assert answer["saved_at"] and answer["csrf_token"]
    html = client.get("/voorbeelden/nieuw").get_data(as_text=True)
    assert 'value="Buurtsoep op woensdag"' in html and "was nog niet bewaard" in html
    assert 'value="mantelzorg" checked' in html or 'checked id' in html
    thrown = post_form(client, "/voorbeelden/nieuw/autosave/verwerpen",
                       page="/voorbeelden/nieuw")
    assert thrown.status_code == 302
    html = client.get("/voorbeelden/nieuw").get_data(as_text=True)
    assert "Buurtsoep op woensdag" not in html and "was nog niet bewaard" not in html


def test_an_edit_form_keeps_its_own_text(client):
    author = logged_in(client)
    draft = factories.example("draft", author=author, title="Oude titel van het concept")
    page = f"/voorbeelden/{draft.id}/bewerken"
    response = client.post(page + "/autosave", headers=JSON, data={
        "csrf_token": csrf_token(client, page), "title": "Nieuwe titel, nog niet bewaard"})
    assert response.status_code == 200
    html = client.get(page).get_data(as_text=True)
    assert "Nieuwe titel, nog niet bewaard" in html and "Oude titel van het concept" not in html
    assert "Nieuwe titel" not in client.get("/voorbeelden/nieuw").get_data(as_text=True)


def test_refusals_are_json_the_script_understands(client):
    assert client.post("/voorbeelden/nieuw/autosave", headers=JSON,
                       data={"title": "x"}).status_code in (400, 401)
    logged_in(client)
    no_token = client.post("/voorbeelden/nieuw/autosave", headers=JSON, data={"title": "x"})
    assert no_token.status_code == 400 and "fields" not in no_token.get_json()["error"]
    token = csrf_token(client, "/voorbeelden/nieuw")
    too_long = client.post("/voorbeelden/nieuw/autosave", headers=JSON,
                           data={"csrf_token": token, "summary": "z" * 1300})
    assert too_long.status_code == 400
    assert set(too_long.get_json()["error"]["fields"]) == {"summary"}
    others = factories.example("draft", author=factories.user())
    hidden = client.post(f"/voorbeelden/{others.id}/bewerken/autosave", headers=JSON,
                         data={"csrf_token": token, "title": "x"})
    assert hidden.status_code == 404 and hidden.get_json()["error"]["status"] == 404


def test_a_logged_out_script_gets_401(app, client):
    account = logged_in(client)
    token = csrf_token(client, "/voorbeelden/nieuw")
    post_form(client, "/uitloggen", page="/voorbeelden/nieuw")
    response = client.post("/voorbeelden/nieuw/autosave", headers=JSON,
                           data={"csrf_token": token, "title": "x"})
    assert response.status_code in (400, 401) and response.is_json
    assert account.id  # (the account itself is untouched)


def test_the_automatic_saves_are_limited_per_account(app, client):
    app.config["AUTOSAVE_LIMIT"] = "2 per minute"
    logged_in(client)
    token = csrf_token(client, "/voorbeelden/nieuw")
    codes = [client.post("/voorbeelden/nieuw/autosave", headers=JSON,
                         data={"csrf_token": token, "title": "x"}).status_code
             for _ in range(3)]
    assert codes == [200, 200, 429]


def test_the_restored_notice_names_the_buttons_the_form_has(client):
    author = logged_in(client)
    published = factories.example("published", author=author)
    page = f"/voorbeelden/{published.id}/bewerken"
    client.post(page + "/autosave", headers=JSON, data={
        "csrf_token": csrf_token(client, page), "title": "Een betere titel, nog niet bewaard"})
    html = client.get(page).get_data(as_text=True)
    assert "Bewaar je wijzigingen, of gooi de tekst weg." in html
    assert "Bewaar hem als concept" not in html and "Bewaren als concept" not in html
