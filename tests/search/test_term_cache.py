"""The term arrays of every segment share one memory budget per process."""
import numpy as np

from kb.search.engine import TermCache


def test_the_budget_holds_across_segments_dropping_the_least_recently_used():
    cache = TermCache(limit=3 * 800)
    reads = []

    def array(key):
        """An array of 800 bytes that records being read."""
        return lambda: reads.append(key) or np.zeros(100, dtype=np.float64)

    for segment in ("seg-a", "seg-b"):
        for token in ("zorg", "wijk"):
            cache.get((segment, "body", token), array((segment, token)))
    assert cache.bytes <= 3 * 800 and len(cache.entries) == 3
    assert ("seg-a", "body", "zorg") not in cache.entries  # the oldest went first
    cache.get(("seg-a", "body", "wijk"), array("again"))  # still there: not read again
    cache.get(("seg-a", "body", "zorg"), array(("seg-a", "zorg", "again")))
    assert reads[-1] == ("seg-a", "zorg", "again") and "again" not in reads
    assert ("seg-b", "body", "zorg") not in cache.entries  # least recently used now
