"""Slugs: readable ASCII for every name a partner may carry."""
import pytest

from kb.util import slugify


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
