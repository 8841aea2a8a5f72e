"""Impact made visible on the pages: the impact card, the Positive Health profile and the
marker in result lists."""
import re

from tests import factories
from tests.web.test_pages import page
from tests.webtools import login

BLANK = {"impact": "", "evidence": "", "evidence_types": []}


def example_url(example) -> str:
    """The example's page."""
    return f"/voorbeelden/{example.id}/{example.slug}"


def test_the_impact_card_comes_before_the_story_with_its_evidence_types(client):
    example = factories.example(body="## Aanleiding\n\nHet verhaal zelf begint hier.",
                                impact="Meer regie bij de inwoner zelf.",
                                evidence="Twee keer het spinnenweb ingevuld.",
                                evidence_types=["spinnenweb", "cijfers"])
    html = page(client, example_url(example))
    card = html.index('id="impact-h"')
    assert card < html.index("Meer regie bij de inwoner zelf.") < html.index(
        "Het verhaal zelf begint hier.")
    assert card < html.index("Twee keer het spinnenweb ingevuld.") < html.index(
        "Het verhaal zelf begint hier.")
    assert 'href="/zoeken?evidence_type=spinnenweb">Gesprek met het spinnenweb</a>' in html
    assert 'href="/zoeken?evidence_type=cijfers">Cijfers en registratie</a>' in html
    assert "De impact is zichtbaar gemaakt" in html


def test_an_empty_card_says_so_and_invites_only_the_author_to_fill_it_in(client):
    author = factories.user()
    example = factories.example(author=author, **BLANK)
    html = page(client, example_url(example))
    assert "impact-card-empty" in html
    assert "nog niet beschreven welke impact" in html
    assert "nog niet beschreven hoe de impact zichtbaar is gemaakt" in html
    assert "De impact is zichtbaar gemaakt" not in html and "Vul de impact aan" not in html
    login(client, author.email)
    assert f'href="/voorbeelden/{example.id}/bewerken">Vul de impact aan' in page(
        client, example_url(example))


def test_not_yet_visible_is_told_and_gets_no_marker(client):
    example = factories.example(title="Nog niet gemeten buurtproject",
                                evidence="Dat willen we volgend jaar doen.",
                                evidence_types=["nog-niet"])
    html = page(client, example_url(example))
    assert "De impact is nog niet zichtbaar gemaakt" in html
    assert "impact zichtbaar</span>" not in page(client, "/zoeken?q=buurtproject")


def test_made_visible_follows_the_evidence_types_and_else_the_description(app):
    assert factories.example(evidence_types=["verhalen"]).impact_made_visible
    assert not factories.example(evidence_types=["nog-niet"]).impact_made_visible
    # From before the evidence types: the words say whether it was made visible.
    assert factories.example(evidence="Een vragenlijst.", evidence_types=[]
                             ).impact_made_visible
    assert not factories.example(**BLANK).impact_made_visible


def test_the_profile_fills_the_touched_dimensions_and_links_all_six(client):
    example = factories.example(dimensions=["lichaamsfuncties", "meedoen"])
    html = page(client, example_url(example))
    assert html.count('class="wedge wedge-touched"') == 2
    assert html.count('class="wedge"') == 4
    assert (f'aria-labelledby="profile-{example.id}"' in html and
            f'<title id="profile-{example.id}">Positieve Gezondheid: raakt 2 van de 6 '
            'dimensies: Lichaamsfuncties, Meedoen</title>' in html)
    legend = re.search(r'<ol class="profile-legend">(.*?)</ol>', html, re.S).group(1)
    assert len(re.findall(r'href="/zoeken\?dimension=[a-z-]+"', legend)) == 6
    assert '<li class="touched"><a href="/zoeken?dimension=meedoen">Meedoen</a>' in legend


def test_results_show_the_compact_profile_and_the_marker(client):
    factories.example(title="Zichtbaar gemaakt wijkproject", dimensions=["zingeving"],
                      evidence_types=["interviews"])
    factories.example(title="Onbeschreven wijkproject", **BLANK)
    html = page(client, "/zoeken?q=wijkproject")
    cards = html.split('<li class="card">')[1:]
    visible = next(card for card in cards if "Zichtbaar gemaakt wijkproject" in card)
    blank = next(card for card in cards if "Onbeschreven wijkproject" in card)
    assert 'aria-label="Positieve Gezondheid: raakt 1 van de 6 dimensies: Zingeving"' in visible
    assert "impact zichtbaar</span>" in visible and "impact zichtbaar</span>" not in blank


def test_the_card_and_profile_speak_english(client):
    example = factories.example(dimensions=["zingeving"], evidence_types=["vragenlijst"])
    client.get("/taal/en")
    html = page(client, example_url(example))
    assert "Questionnaire</a>" in html and "The impact was made visible" in html
    assert "Positive Health: touches 1 of the 6 dimensions: Meaningfulness" in html
