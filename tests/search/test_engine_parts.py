"""The search engine's smaller parts, each on its own: the outbox gap tracking (and its
expiry), the rebuild lock and Whoosh's writer lock timing out, compound splitting, and the
joining of synonym groups.

Expected values are derived from the code's rules and the shipped word lists: a gap is an
event id below the newest applied one that was not seen, waited for GAP_TTL seconds; a
compound splits into parts of at least MIN_PART letters listed in compound_parts.txt,
longest head first, with an optional linking sound (s, en, e, er) before the tail.
"""
import datetime as dt
import os
import threading
import time
from contextlib import contextmanager

import pytest
from whoosh import index
from whoosh.index import LockError

from kb.database import db
from kb.models import IndexEvent, SynonymGroup
from kb.search import indexer
from kb.search.analysis import (
    analyse,
    compound_parts,
    compound_terms,
    dutch_analyzer,
    split_compound,
)
from kb.search.indexer import GAP_TTL, RebuildBusy, SyncState, advance, rebuild_lock
from kb.search.schema import SCHEMA_VERSION, build_schema
from kb.search.synonyms import Synonyms, builtin_groups, current_synonyms, parse_groups

NOW = 1_700_000_000.0
WRITTEN = dt.datetime(2024, 3, 1, 12, 0, tzinfo=dt.timezone.utc)

# --- outbox gaps: the pure state transition -------------------------------------------------


def test_consecutive_events_move_last_on_without_gaps():
    state = advance(SyncState(), [1, 2, 3], NOW, {1: 10.0, 2: 20.0, 3: 30.0})
    assert state == SyncState(last=3, gaps={}, last_at=30.0)


def test_ids_skipped_below_the_newest_become_gaps_stamped_now():
    state = advance(SyncState(last=2, last_at=20.0), [3, 6], NOW, {3: 30.0, 6: 60.0})
    assert state == SyncState(last=6, gaps={4: NOW, 5: NOW}, last_at=60.0)


def test_a_gap_filled_later_closes_and_last_stays():
    before = SyncState(last=6, gaps={4: NOW, 5: NOW}, last_at=60.0)
    state = advance(before, [4], NOW + 5, {4: 40.0})
    assert state == SyncState(last=6, gaps={5: NOW}, last_at=60.0)  # 4 is older than 6


def test_a_gap_keeps_the_moment_it_was_first_missed():
    before = SyncState(last=6, gaps={4: NOW}, last_at=60.0)
    state = advance(before, [7, 9], NOW + 100, {7: 70.0, 9: 90.0})
    assert state.gaps == {4: NOW, 8: NOW + 100}
    assert (state.last, state.last_at) == (9, 90.0)


def test_a_gap_is_waited_for_gap_ttl_seconds_then_counts_as_rolled_back():
    before = SyncState(last=6, gaps={4: NOW, 5: NOW + 10})
    assert advance(before, [], NOW + GAP_TTL - 1).gaps == {4: NOW, 5: NOW + 10}
    assert advance(before, [], NOW + GAP_TTL).gaps == {5: NOW + 10}
    assert advance(before, [], NOW + GAP_TTL + 10).gaps == {}


def test_an_event_seen_again_below_last_changes_nothing():
    before = SyncState(last=6, gaps={4: NOW}, last_at=60.0)
    assert advance(before, [2, 6], NOW + 1, {2: 20.0, 6: 60.0}) == before


def test_the_state_survives_the_meta_document():
    state = SyncState(last=9, gaps={4: NOW, 8: NOW + 1.5}, last_at=90.0)
    stored = state.as_stored()
    assert stored == {"last": 9, "gaps": {"4": NOW, "8": NOW + 1.5}, "last_at": 90.0,
                      "schema": SCHEMA_VERSION}
    assert SyncState.from_stored(stored) == state
    assert SyncState.from_stored(None) == SyncState(last=0, gaps={}, last_at=None)


# --- outbox gaps: against the database and a real index -----------------------------------


def _events(*ids: int) -> None:
    """Outbox events with these ids, written a second apart (the missing ids: transactions
    that have not committed yet)."""
    for event_id in ids:
        db.session.add(IndexEvent(id=event_id, example_id=1000 + event_id,
                                  created_at=WRITTEN + dt.timedelta(seconds=event_id)))
    db.session.commit()


def _moment(event_id: int) -> float:
    """When _events wrote that event, as epoch seconds."""
    return (WRITTEN + dt.timedelta(seconds=event_id)).timestamp()


def test_pending_events_are_those_after_last_and_those_filling_gaps(app):
    _events(1, 2, 4, 6, 7)
    state = SyncState(last=4, gaps={3: time.time()})
    assert [event_id for event_id, _example, _at in indexer.pending_events(state)] == [6, 7]
    _events(3)  # the slow transaction commits
    pending = indexer.pending_events(state)
    assert [(event_id, example) for event_id, example, _at in pending] == \
        [(3, 1003), (6, 1006), (7, 1007)]
    assert [event_id for event_id, _e, _at in indexer.pending_events(state, limit=2)] == [3, 6]
    assert (indexer.backlog(state, 10), indexer.backlog(state, 2)) == (3, 2)
    assert indexer.has_pending(state) and not indexer.has_pending(SyncState(last=7))


def test_an_expired_gap_is_not_waited_for_any_more(app):
    _events(1, 2, 4)
    state = advance(SyncState(), [1, 2, 4], NOW)
    assert state.gaps == {3: NOW}
    expired = advance(state, [], NOW + GAP_TTL)
    _events(3)  # arrives after an hour: taken to have been rolled back long ago
    assert indexer.has_pending(state) and not indexer.has_pending(expired)


def test_matches_database_tells_this_history_from_another(app):
    _events(1, 2, 3)
    assert indexer.matches_database(SyncState())
    assert indexer.matches_database(SyncState(last=3, last_at=_moment(3)))
    assert indexer.matches_database(SyncState(last=3, last_at=None))
    assert not indexer.matches_database(SyncState(last=3, last_at=_moment(3) + 5))
    assert not indexer.matches_database(SyncState(last=9))  # an older backup restored
    db.session.delete(db.session.get(IndexEvent, 2))
    db.session.commit()
    # Event 2 was pruned, not never written (a later one exists): nothing to compare with.
    assert indexer.matches_database(SyncState(last=2, last_at=_moment(2) + 5))


@pytest.fixture
def ix(tmp_path):
    """A real, empty index of the project's schema."""
    folder = tmp_path / "ix"
    folder.mkdir()
    opened = index.create_in(str(folder), build_schema())
    yield opened
    opened.close()


def _state(ix) -> SyncState:
    """The sync state the index has committed."""
    with ix.searcher() as searcher:
        return indexer.read_state(searcher)


def test_apply_pending_records_gaps_and_closes_them_when_filled(app, ix):
    _events(1, 2, 4, 5)
    started = time.time()
    assert indexer.apply_pending(ix) == 4
    state = _state(ix)
    assert (state.last, set(state.gaps), state.last_at) == (5, {3}, pytest.approx(_moment(5)))
    assert started <= state.gaps[3] <= time.time()
    _events(3)
    assert indexer.apply_pending(ix) == 1
    assert _state(ix) == SyncState(last=5, gaps={}, last_at=pytest.approx(_moment(5)))


def test_apply_pending_leaves_a_fresh_gap_alone_without_committing(app, ix):
    _events(1, 2, 4)
    indexer.apply_pending(ix)
    generation = ix.latest_generation()
    assert indexer.apply_pending(ix) == 0
    assert ix.latest_generation() == generation
    assert set(_state(ix).gaps) == {3}


def test_apply_pending_commits_when_only_gaps_expire(app, ix):
    _events(1, 2, 4)
    writer = ix.writer()
    old = time.time() - GAP_TTL - 1
    indexer.write_state(writer, SyncState(last=4, gaps={3: old}, last_at=1.0))
    writer.commit()
    generation = ix.latest_generation()
    assert indexer.apply_pending(ix) == 0
    assert ix.latest_generation() > generation
    assert _state(ix) == SyncState(last=4, gaps={}, last_at=1.0)


# --- the rebuild lock and Whoosh's writer lock ----------------------------------------------


def _take(link: str, wait: float | None) -> None:
    """Take the rebuild lock and let it go again."""
    with rebuild_lock(link, wait=wait):
        pass


@contextmanager
def _held_elsewhere(link: str, seconds: float):
    """Another holder (a thread with a file handle of its own) keeps the lock a while."""
    taken = threading.Event()

    def hold():
        with rebuild_lock(link):
            taken.set()
            time.sleep(seconds)

    thread = threading.Thread(target=hold)
    thread.start()
    assert taken.wait(5)
    try:
        yield
    finally:
        thread.join()


def _bounded(work) -> float:
    """Run work() in another thread, bounded (a lock that is never given up must fail the
    test, not hang it); how long it took. Its exception, if any, is raised here."""
    outcome: dict = {}

    def run():
        started = time.monotonic()
        try:
            work()
        except Exception as exc:  # noqa: BLE001 - handed to the test's thread
            outcome["raised"] = exc
        outcome["took"] = time.monotonic() - started

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(5)
    assert not thread.is_alive(), "still waiting for the lock"
    if "raised" in outcome:
        raise outcome["raised"]
    return outcome["took"]


def _contend(link: str, wait: float | None) -> tuple[RebuildBusy | None, float]:
    """Try for the lock from another thread: RebuildBusy if it gave up, and how long the
    attempt took."""
    started = time.monotonic()
    try:
        _bounded(lambda: _take(link, wait))
    except RebuildBusy as exc:
        return exc, time.monotonic() - started
    return None, time.monotonic() - started


def test_a_second_rebuild_gives_up_after_about_the_wait(tmp_path):
    link = str(tmp_path / "index")
    with rebuild_lock(link):
        raised, took = _contend(link, wait=0.3)
    assert isinstance(raised, RebuildBusy)
    assert 0.3 <= took < 2.0


def test_a_wait_of_zero_gives_up_at_once_and_a_free_lock_is_taken(tmp_path):
    link = str(tmp_path / "index")
    with rebuild_lock(link):
        raised, took = _contend(link, wait=0)
    assert isinstance(raised, RebuildBusy) and took < 0.5
    assert _contend(link, wait=0)[0] is None


def test_a_waiting_rebuild_gets_the_lock_released_within_its_wait(tmp_path):
    link = str(tmp_path / "index")
    with _held_elsewhere(link, 0.3):
        started = time.monotonic()
        _take(link, wait=3.0)
        waited = time.monotonic() - started
    assert 0.15 < waited < 2.0


def test_without_a_wait_a_rebuild_waits_as_long_as_it_takes(tmp_path):
    link = str(tmp_path / "index")
    with _held_elsewhere(link, 0.4):
        started = time.monotonic()
        _take(link, wait=None)
        waited = time.monotonic() - started
    assert waited > 0.25


def test_the_lock_is_released_when_the_rebuild_fails(tmp_path):
    link = str(tmp_path / "index")
    with pytest.raises(ZeroDivisionError), rebuild_lock(link):
        _ = 1 / 0
    _take(link, wait=0)


def test_tidy_leaves_a_running_rebuilds_folders_alone(tmp_path):
    link = str(tmp_path / "index")
    leftover = link + "-20240301120000-abcdef"
    os.makedirs(leftover)
    with rebuild_lock(link):
        _bounded(lambda: indexer.tidy(link))  # gives way at once to the running rebuild
        assert os.path.isdir(leftover)
    indexer.tidy(link)
    assert not os.path.exists(leftover)


def test_a_held_writer_lock_times_out_as_lock_busy(ix):
    holder = ix.writer()
    try:
        started = time.monotonic()
        with pytest.raises(LockError) as raised:
            indexer.apply_examples(ix, [1], timeout=0.3)
        waited = time.monotonic() - started
    finally:
        holder.cancel()
    assert indexer.lock_busy(raised.value)
    assert 0.3 <= waited < 3.0


def test_only_whoosh_lock_errors_count_as_lock_busy():
    assert indexer.lock_busy(LockError())
    assert not indexer.lock_busy(RebuildBusy())
    assert not indexer.lock_busy(TimeoutError())
    assert not indexer.lock_busy(OSError("disk full"))


# --- compound splitting -------------------------------------------------------------------


@pytest.mark.parametrize("word, parts", [
    ("mantelzorgondersteuning", ["mantelzorg", "ondersteuning"]),
    ("arbeidsmarkt", ["arbeid", "markt"]),  # "s" links; "smarkt" is no word
    ("verzorgingshuis", ["verzorging", "huis"]),
    ("kinderarmoede", ["kind", "armoede"]),  # "kinder" is not listed: kind + er + armoede
    ("huisartsenpraktijk", ["huisartsen", "praktijk"]),  # longest head, not huisarts + en
    ("jeugdzorgwerker", ["jeugdzorg", "werker"]),  # not jeugd + zorg + werker
    ("vrijwilligerswerk", ["vrijwilligers", "werk"]),
    ("huiswerkbegeleiding", ["huis", "werk", "begeleiding"]),  # the tail split again
])
def test_compounds_split_into_listed_parts(word, parts):
    assert split_compound(word, compound_parts()) == parts


@pytest.mark.parametrize("word", [
    "ondersteuning",  # no listed word starts it
    "eenzaamheid",  # eenzaam + "heid": a suffix is no part
    "gemeente",  # long enough, but only "geme" could be a head
    "zorg", "wijkbus",  # shorter than two parts
    "cliëntondersteuning",  # parts are listed without accents: the filters fold first
])
def test_words_that_are_no_compound_of_listed_parts_do_not_split(word):
    assert split_compound(word, compound_parts()) == []


def test_splitting_rules_on_a_list_of_ones_own():
    parts = frozenset({"buurt", "sport", "coach", "kind", "opvang", "taal", "taalles",
                       "lesgeven", "bus"})
    assert split_compound("buurtsportcoach", parts) == ["buurt", "sport", "coach"]
    assert split_compound("kinderopvang", parts) == ["kind", "opvang"]  # "er" links
    # The longest head "taalles" leaves "geven", no part: a shorter head is tried.
    assert split_compound("taallesgeven", parts) == ["taal", "lesgeven"]
    assert split_compound("buurtbus", parts) == []  # "bus" is shorter than MIN_PART
    assert split_compound("kinderachtig", parts) == []


def test_the_index_adds_a_compounds_parts_at_its_position_and_queries_are_not_split():
    tokens = [(token.text, token.pos) for token in dutch_analyzer()(
        "Mantelzorgondersteuning in de wijk", mode="index", positions=True)]
    assert tokens == [("mantelzorgondersteun", 0), ("mantelzorg", 0), ("ondersteun", 0),
                      ("wijk", 1)]
    assert analyse("mantelzorgondersteuning") == ["mantelzorgondersteun"]


def test_compound_terms_are_the_analysed_parts_of_one_typed_word():
    assert compound_terms("Mantelzorgondersteuning") == ("mantelzorg", "ondersteun")
    assert compound_terms("cliëntondersteuning") == ("client", "ondersteun")  # folded first
    assert compound_terms("huiswerkbegeleiding") == ("huis", "werk", "begeleid")
    assert compound_terms("ondersteuning") == ()
    assert compound_terms("mantelzorg ondersteuning") == ()  # two words: no compound


# --- synonyms -------------------------------------------------------------------------------


def test_groups_sharing_a_term_are_joined_in_order_of_appearance():
    synonyms = Synonyms([["senioren", "ouderen"], ["sport", "bewegen"],
                         ["ouderen", "bejaarden"]])
    assert synonyms.groups == [[("senior",), ("oudere",), ("bejaard",)],
                               [("sport",), ("beweg",)]]


def test_groups_are_joined_through_a_chain_of_shared_terms():
    synonyms = Synonyms([["senioren", "ouderen"], ["bejaarden", "65-plussers"],
                         ["65-plussers", "ouderen"]])
    assert synonyms.groups == [[("senior",), ("oudere",), ("bejaard",), ("65", "plusser")]]


def test_alternatives_put_the_term_itself_first():
    synonyms = Synonyms([["senioren", "ouderen", "bejaarden"]])
    assert synonyms.alternatives(("bejaard",)) == [("bejaard",), ("senior",), ("oudere",)]
    assert synonyms.alternatives(("sport",)) == [("sport",)]


def test_multi_word_entries_are_token_sequences():
    synonyms = Synonyms([["sociaal isolement", "eenzaamheid"], ["65-plussers", "ouderen"]])
    assert synonyms.alternatives(("eenzam",)) == [("eenzam",), ("sociaal", "isolement")]
    assert synonyms.alternatives(("sociaal",)) == [("sociaal",)]  # one word of it is not it
    assert synonyms.longest == 2


def test_a_phrase_left_one_word_by_stop_words_is_dropped():
    synonyms = Synonyms([["alleen zijn", "eenzaamheid", "isolement"]])
    assert synonyms.groups == [[("eenzam",), ("isolement",)]]
    assert ("allen",) not in synonyms.lookup  # else every "alleen" would mean loneliness


def test_a_group_whose_terms_analyse_alike_is_no_group():
    synonyms = Synonyms([["ouderen", "oudere"], ["eenzaam", "eenzaamheid"]])
    assert synonyms.groups == []
    assert synonyms.alternatives(("oudere",)) == [("oudere",)]


def test_parse_groups_reads_comma_separated_lowercase_terms():
    assert parse_groups(["  Ouderen , Senioren ,, ", "wijk,buurt"]) == \
        [["ouderen", "senioren"], ["wijk", "buurt"]]


def test_the_shipped_list_keeps_every_group_apart_after_analysis():
    groups = builtin_groups()
    assert groups[0][:4] == ("ouderen", "senioren", "65-plussers", "bejaarden")
    synonyms = Synonyms([list(group) for group in groups])
    assert len(synonyms.groups) == len(groups)  # no two groups share an analysed term
    assert {("oudere",), ("bejaard",), ("65", "plusser"), ("older", "peopl")} <= \
        set(synonyms.alternatives(("senior",)))


def test_a_moderators_group_extends_the_shipped_one_it_names(app):
    golf = tuple(analyse("grijze golf"))
    assert golf not in current_synonyms().lookup
    db.session.add(SynonymGroup(terms="Senioren, grijze golf"))
    db.session.add(SynonymGroup(terms="ouderen, krasse knarren", active=False))
    db.session.commit()
    synonyms = current_synonyms()
    assert synonyms.lookup[golf] == synonyms.lookup[("oudere",)]
    assert tuple(analyse("krasse knarren")) not in synonyms.lookup
