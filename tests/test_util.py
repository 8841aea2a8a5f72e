"""Small helpers: readable ASCII slugs for every name a partner may carry; times in words."""
import pytest
from flask_babel import force_locale

from kb.util import duration, slugify


@pytest.mark.parametrize("text, slug", [
    ("Zorg & Welzijn", "zorg-welzijn"),
    ("Ørsted Zorg", "orsted-zorg"),  # letters without a decomposition are transliterated
    ("Straße", "strasse"),
    ("Café Één", "cafe-een"),
    ("'s-Gravenhage", "s-gravenhage"),
    ("  ", "item"),
    ("!!!", "item"),
])
def test_names_become_readable_ascii_slugs(text, slug):
    assert slugify(text) == slug


def test_long_names_are_cut_at_a_word_boundary():
    assert slugify("samen gezond in de wijk " * 10, max_length=30) == \
        "samen-gezond-in-de-wijk-samen"
    assert slugify("a" * 100, max_length=30) == "a" * 30


@pytest.mark.parametrize("seconds, dutch, english", [
    (3600, "1 uur", "1 hour"),
    (7 * 24 * 3600, "7 dagen", "7 days"),
    (36 * 3600, "36 uur", "36 hours"),  # not rounded up to "2 dagen"
    (90 * 60, "90 minuten", "90 minutes"),
    (45, "45 seconden", "45 seconds"),
])
def test_a_lifetime_reads_as_a_whole_number_of_its_largest_unit(app, seconds, dutch, english):
    with app.test_request_context():
        with force_locale("nl"):
            assert duration(seconds) == dutch
        with force_locale("en"):
            assert duration(seconds) == english
