"""The engine's numpy BM25F agrees with Whoosh's own scoring on a real multi-segment index.

kb/search/engine.py reads each segment's postings into arrays and scores them itself. What
must equal Whoosh's default weighting (scoring.BM25F, B=0.75, K1=1.2):

- idf = log(N / (df + 1)) + 1 with N and df counted over the whole index, deleted documents
  included (Whoosh counts them too until a merge drops them), and the average field length
  of the whole index;
- field boosts (title 3.0, summary 2.0): neither side multiplies a score by them. Whoosh's
  format multiplies each posting's *weight* by the boost when indexing, and both score
  that stored weight, so the boost sits inside BM25's saturation on both sides (checked
  below, so that a change on either side is noticed);
- a wording of several tokens scores the sum of its tokens' term scores in the fields where
  the tokens stand together: Whoosh's And of the terms, filtered by the Phrase.

The one intended difference: the engine's dense arrays score deleted documents too (their
postings stay in the segment); the `examples` mask is what keeps them out, so scores are
compared on the live documents and the mask is tested on its own.
"""
import random

import numpy as np
import pytest
from whoosh import index, scoring
from whoosh.query import And, Or, Phrase, Term

from kb.search.analysis import analyse
from kb.search.concepts import Concept, ParsedQuery
from kb.search.engine import SearcherCache, segment_key
from kb.search.query import evaluate
from kb.search.schema import TEXT_FIELDS, build_schema

WORDS = ("zorg buurt ouderen wijk eenzaam sport school vrijwilligers taal armoede sociaal "
         "isolement mantelzorgondersteuning huisartsenpraktijk").split()
SEGMENTS = ((0, 150), (150, 190), (190, 220))  # 150: common terms span two posting blocks
DELETED = (3, 77, 160, 200)  # one or two in each segment
UPDATED = 10  # replaced: its old version is deleted, the new one lands in a new segment
BOOSTS = {"title": 3.0, "summary": 2.0, "body": 1.0, "extra": 1.0}
REL = 1e-4


def _words(rng: random.Random, count: int) -> str:
    """count words drawn from WORDS."""
    return " ".join(rng.choice(WORDS) for _ in range(count))


def _document(number: int, version: int = 0) -> dict:
    """An example whose fields differ in length and repeat words unevenly."""
    rng = random.Random(number * 31 + version)
    body = _words(rng, rng.randint(10, 80))
    if number % 7 == 0:
        body += " sociaal isolement"
    if number == 42:
        body += " zeldzaam"  # a term of one document
    if version == 0 and number in (*DELETED, UPDATED):
        body += " verdwenen"  # a word that only documents deleted later carry
    return {"id": str(number), "kind": "example", "title": _words(rng, rng.randint(2, 6)),
            "summary": _words(rng, rng.randint(5, 15)), "body": body,
            "extra": _words(rng, rng.randint(0, 5))}


def _commit(ix, documents=(), deleted=(), updated=()) -> None:
    """One commit that keeps the existing segments apart (no merging)."""
    writer = ix.writer(compound=False)
    for fields in documents:
        writer.add_document(**fields)
    for number in deleted:
        writer.delete_by_term("id", str(number))
    for fields in updated:
        writer.update_document(**fields)
    writer.commit(merge=False)


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    """A searcher over three segments of examples, a meta document, deletions and an update
    (a fourth segment)."""
    ix = index.create_in(str(tmp_path_factory.mktemp("scores")), build_schema())
    for start, stop in SEGMENTS:
        _commit(ix, [_document(number) for number in range(start, stop)])
    _commit(ix, [{"id": "__meta__", "kind": "meta"}])
    _commit(ix, deleted=DELETED, updated=[_document(UPDATED, version=1)])
    opened = ix.searcher(weighting=scoring.BM25F())
    yield opened
    opened.close()
    ix.close()


@pytest.fixture(scope="module")
def cache(searcher):
    """The engine's view of that searcher."""
    return SearcherCache(searcher, {})


def _whoosh(searcher, query, **kwargs) -> dict[int, float]:
    """Whoosh's own score of every (live) document the query matches, by global docnum."""
    return {hit.docnum: hit.score for hit in searcher.search(query, limit=None, **kwargs)}


def _term(cache, field: str, token: str) -> np.ndarray:
    """The engine's dense scores of one term in one field."""
    dense = np.zeros(cache.size)
    cache._term_scores(field, token, dense)
    return dense


def _live(cache, dense: np.ndarray) -> dict[int, float]:
    """The engine's nonzero scores of live examples, by global docnum."""
    return {int(docnum): float(dense[docnum])
            for docnum in np.flatnonzero((dense != 0) & cache.examples)}


def _assert_same(engine: dict[int, float], whoosh: dict[int, float], what: str) -> None:
    """The same documents, with the same scores to REL."""
    assert whoosh, f"{what}: the test data should match something"
    assert set(engine) == set(whoosh), what
    for docnum, score in whoosh.items():
        assert engine[docnum] == pytest.approx(score, rel=REL), (what, docnum)


def _token(word: str) -> str:
    """The single index term of a word."""
    (token,) = analyse(word)
    return token


def _live_examples(searcher) -> set[int]:
    """Docnums of the documents Whoosh still has, of kind example."""
    return {docnum for docnum in searcher.reader().all_doc_ids()
            if searcher.stored_fields(docnum)["kind"] == "example"}


def test_the_index_has_several_segments_deletions_and_a_meta_document(searcher, cache):
    leaves = searcher.leaf_searchers()
    assert len(leaves) == 5  # three of examples, the meta document, the updated example
    assert sum(sub.reader().has_deletions() for sub, _offset in leaves) == 3
    assert cache.size == searcher.doc_count_all() == 222
    assert searcher.doc_count() == 222 - len(DELETED) - 1


def test_field_boosts_are_stored_in_the_posting_weights(searcher, cache):
    token = _token("zorg")
    for field, boost in BOOSTS.items():
        for sub, _offset, data in cache.leaves:
            reader = sub.reader()
            if (field, token) not in reader:
                continue
            found = data.postings(reader, field, token)
            frequencies = dict(reader.postings(field, token).items_as("frequency"))
            live = [at for at, docnum in enumerate(found.ids) if docnum in frequencies]
            assert live
            for at in live:
                expected = boost * frequencies[int(found.ids[at])]
                assert found.weights[at] == pytest.approx(expected), field


def test_statistics_are_whoosh_idf_and_average_length_over_the_whole_index(searcher, cache):
    for field in TEXT_FIELDS:
        for token in map(_token, ("zorg", "verdwenen", "isolement", "zeldzaam")):
            if not searcher.doc_frequency(field, token):
                assert cache._statistics(field, token) is None
                continue
            idf, average = cache._statistics(field, token)
            assert idf == pytest.approx(scoring.BM25F().idf(searcher, field, token))
            assert average == pytest.approx(searcher.avg_field_length(field))


def test_every_term_of_every_field_scores_as_whoosh_scores_it(searcher, cache):
    compared = 0
    for field in TEXT_FIELDS:
        for raw in searcher.lexicon(field):
            token = raw.decode("utf-8")
            whoosh = _whoosh(searcher, Term(field, token))
            if not whoosh:
                continue  # only in deleted documents
            _assert_same(_live(cache, _term(cache, field, token)), whoosh, f"{field}:{token}")
            compared += 1
    assert compared > 4 * len(WORDS)  # every field, and the compound parts


def test_a_term_of_a_single_document_scores_alike(searcher, cache):
    token = _token("zeldzaam")
    assert searcher.doc_frequency("body", token) == 1  # the largest idf the index has
    _assert_same(_live(cache, _term(cache, "body", token)), _whoosh(searcher, Term("body", token)),
                 "single posting")


def test_a_one_word_wording_sums_its_fields_as_whoosh_or_does(searcher, cache):
    for word in ("zorg", "eenzaam", "mantelzorg", "ondersteuning"):
        token = _token(word)
        whoosh = _whoosh(searcher, Or([Term(field, token) for field in TEXT_FIELDS]))
        _assert_same(_live(cache, cache.alternative_scores((token,))), whoosh, word)


def test_a_phrase_wording_scores_its_terms_only_where_they_stand_together(searcher, cache):
    tokens = (_token("sociaal"), _token("isolement"))
    whoosh: dict[int, float] = {}
    for field in TEXT_FIELDS:
        terms = And([Term(field, token) for token in tokens])
        for docnum, score in _whoosh(searcher, terms, filter=Phrase(field, list(tokens))).items():
            whoosh[docnum] = whoosh.get(docnum, 0.0) + score
    both_words = _whoosh(searcher, And([Or([Term(f, t) for f in TEXT_FIELDS]) for t in tokens]))
    assert len(both_words) > len(whoosh)  # some have the words apart: they must not count
    _assert_same(_live(cache, cache.alternative_scores(tokens)), whoosh, "sociaal isolement")


def test_a_concept_weighs_its_wordings_as_boosted_whoosh_terms(searcher, cache):
    wordings = [((_token("ouderen"),), 1.0), ((_token("eenzaam"),), 0.8),
                ((_token("armoede"),), 0.35)]
    query = Or([Term(field, tokens[0], boost=weight)
                for tokens, weight in wordings for field in TEXT_FIELDS])
    _assert_same(_live(cache, cache.concept_scores(wordings)), _whoosh(searcher, query),
                 "concept")


def test_all_terms_scores_needs_every_term_and_sums_them(searcher, cache):
    terms = (_token("mantelzorg"), _token("school"))
    query = And([Or([Term(field, token) for field in TEXT_FIELDS]) for token in terms])
    whoosh = _whoosh(searcher, query)
    only_one = _whoosh(searcher, Or([Term(field, terms[0]) for field in TEXT_FIELDS]))
    assert len(only_one) > len(whoosh)
    _assert_same(_live(cache, cache.all_terms_scores(terms)), whoosh, "all terms")


def test_the_examples_mask_holds_exactly_the_live_examples(searcher, cache):
    live = _live_examples(searcher)
    assert set(np.flatnonzero(cache.examples).tolist()) == live
    assert len(live) == 220 - len(DELETED)  # the update's old version is gone, its new one in
    meta = searcher.document_number(id="__meta__")
    assert not cache.examples[meta]


def test_deleted_documents_never_match_though_their_postings_stay(searcher, cache):
    token = _token("verdwenen")
    assert _whoosh(searcher, Or([Term(field, token) for field in TEXT_FIELDS])) == {}
    dense = cache.concept_scores([((token,), 1.0)])
    deleted = set(range(cache.size)) - set(searcher.reader().all_doc_ids())
    assert len(deleted) == len(DELETED) + 1
    assert set(np.flatnonzero(dense).tolist()) == deleted  # scored, but all deleted
    assert not (dense > 0)[cache.examples].any()
    parsed = ParsedQuery(words=[Concept(typed="verdwenen", alternatives=[((token,), 1.0)])])
    found = evaluate(parsed, cache, np.ones(cache.size, dtype=bool), relax_below=0)
    assert not found.matching.any()


def test_the_updated_document_scores_by_its_new_version(searcher, cache):
    docnum = searcher.document_number(id=str(UPDATED))
    new_body = analyse(_document(UPDATED, version=1)["body"])
    token = max(set(new_body), key=new_body.count)
    whoosh = _whoosh(searcher, Term("body", token))
    assert docnum in whoosh
    assert _live(cache, _term(cache, "body", token))[docnum] == \
        pytest.approx(whoosh[docnum], rel=REL)


# --- a commit after the cache was built ----------------------------------------------------


@pytest.fixture
def growing(tmp_path):
    """An index of two segments, to be committed to during the test."""
    ix = index.create_in(str(tmp_path), build_schema())
    _commit(ix, [_document(number) for number in range(0, 40)])
    _commit(ix, [_document(number) for number in range(40, 60)])
    yield ix
    ix.close()


def _readers(searcher) -> dict:
    """The searcher's segment readers by segment key."""
    return {segment_key(sub.reader()): sub.reader() for sub, _offset in searcher.leaf_searchers()}


def test_a_new_segment_is_read_while_old_segment_data_is_reused(growing):
    segments: dict = {}
    token = _token("zorg")
    with growing.searcher() as before:
        first = SearcherCache(before, segments)
        old = dict(segments)
        first.alternative_scores((token,))
        readers = _readers(before)
        cached = {key: data.postings(readers[key], "body", token) for key, data in old.items()}
        _commit(growing, [_document(number) for number in range(60, 75)], deleted=[5])
        with growing.searcher() as after:
            second = SearcherCache(after, segments)
            keys = list(_readers(after))
            assert set(segments) == set(keys) and len(keys) == 3
            (new,) = set(keys) - set(old)
            readers = _readers(after)
            for key, data in old.items():
                assert segments[key] is data
                # The postings already read are kept, not read again from the new reader.
                assert data.postings(readers[key], "body", token) is cached[key]
            assert [data for _s, _o, data in second.leaves][-1] is segments[new]
            assert second.size == 75
            for field in TEXT_FIELDS:
                _assert_same(_live(second, _term(second, field, token)),
                             _whoosh(after, Term(field, token)), f"after commit {field}")
            gone = after.document_number(id="5") is None
            assert gone and first.examples[5] and not second.examples[5]
