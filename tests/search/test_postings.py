"""Postings read a block at a time agree with Whoosh's own matcher, posting by posting."""
import numpy as np
import pytest
from whoosh import index

from kb.search import postings
from kb.search.schema import build_schema

WORDS = ["zorg", "buurt", "ouderen", "school", "wijk", "sport", "eenzaam"]


def _text(number: int) -> str:
    """A body in which common words repeat unevenly, so that weights differ."""
    words = [WORDS[(number * step) % len(WORDS)] for step in range(1, 2 + number % 9)]
    return " ".join(words + ["zorg"] * (number % 4) + [f"uniek{number}"])


@pytest.fixture
def reader(tmp_path):
    """A real on-disk index: 700 documents (several blocks per common term), a second
    segment, and deletions."""
    ix = index.create_in(str(tmp_path), build_schema())
    for start, stop in ((0, 600), (600, 700)):
        with ix.writer() as writer:
            for number in range(start, stop):
                writer.add_document(id=str(number), kind="example", body=_text(number))
    with ix.writer() as writer:
        writer.delete_by_term("id", "5")
        writer.delete_by_term("id", "650")
    with ix.reader() as opened:
        yield opened


def _walk(reader, field: str, token: str) -> tuple[list, list, dict]:
    """Ids, weights and characters through the public matcher interface."""
    matcher = reader.postings(field, token)
    ids, weights, chars = [], [], {}
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        chars[matcher.id()] = list(matcher.value_as("characters"))
        matcher.next()
    return ids, weights, chars


@pytest.mark.parametrize("token", ["zorg", "buurt", "uniek17", "uniek650"])
def test_blocks_read_whole_agree_with_the_matcher(reader, token):
    for segment, _offset in reader.leaf_readers():
        if ("body", token) not in segment:
            continue
        ids, weights, chars = _walk(segment, "body", token)
        found = postings.read(segment, "body", token)
        live = np.isin(found.ids, ids)  # the matcher skips deleted documents
        assert found.ids[live].tolist() == ids
        assert found.weights[live].tolist() == pytest.approx(weights)
        wanted = ids[::37] + ids[-1:]
        assert postings.characters(segment, "body", token, found, wanted) == \
            {docnum: chars[docnum] for docnum in wanted}


def test_a_common_term_spans_several_blocks_and_each_is_found(reader):
    segment = reader.leaf_readers()[0][0]
    found = postings.read(segment, "body", "zorg")
    assert len(found.block_offsets) > 3
    assert found.block_starts[0] == 0 and np.all(np.diff(found.ids) > 0)


def test_documents_without_the_term_get_no_characters(reader):
    segment = reader.leaf_readers()[0][0]
    found = postings.read(segment, "body", "uniek17")
    assert postings.characters(segment, "body", "uniek17", found, [16, 18]) == {}
