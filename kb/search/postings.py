"""A term's postings read a block at a time, and one posting's value found directly.

Whoosh's matcher interface hands out one posting per Python call, and `skip_to` walks
block headers one by one: for a term in half of 100,000 documents that was most of a
search's time. Whoosh's W3 codec stores postings in blocks (up to 128: delta-coded ids,
weights, values); here each block is decoded whole with numpy, and where each block
starts is kept so that a snippet goes straight to the block holding its document.
Only this module knows the codec's block layout; any other matcher (a term with a
single posting is stored inline) is read through the public interface.
"""
from dataclasses import dataclass

import numpy as np
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.wrappers import FilterMatcher


@dataclass(frozen=True)
class Postings:
    """One term's postings in one segment (deleted documents included)."""

    ids: np.ndarray  # local document numbers, ascending
    weights: np.ndarray
    block_offsets: np.ndarray  # file offset of each block (empty: read by the interface)
    block_starts: np.ndarray  # index in ids of each block's first posting

    @property
    def nbytes(self) -> int:
        """Memory held by the arrays."""
        return sum(array.nbytes for array in (self.ids, self.weights, self.block_offsets,
                                              self.block_starts))

    def position(self, docnum: int) -> int | None:
        """Where docnum stands in ids, or None when the term is not in that document."""
        at = int(np.searchsorted(self.ids, docnum))
        return at if at < len(self.ids) and self.ids[at] == docnum else None


def _leaf(matcher) -> W3LeafMatcher | None:
    """The on-disk block matcher (under a deletions filter), or None."""
    if isinstance(matcher, FilterMatcher):
        matcher = matcher.child
    return matcher if isinstance(matcher, W3LeafMatcher) else None


def _block_weights(data, length: int) -> np.ndarray:
    """A block's weights as stored: None for all 1.0, one float for all alike, or a tuple."""
    weights = data[1]
    if weights is None:
        return np.ones(length, dtype=np.float32)
    if isinstance(weights, float):
        return np.full(length, weights, dtype=np.float32)
    return np.asarray(weights, dtype=np.float32)


def _read_leaf(leaf: W3LeafMatcher) -> Postings:
    """Every block of an on-disk posting list, decoded with numpy."""
    ids, weights, offsets, starts, count = [], [], [], [], 0
    offset = leaf._baseoffset
    while True:
        leaf._goto(offset)
        leaf._read_data()
        length = leaf._blocklength
        ids.append(np.cumsum(np.asarray(leaf._data[0], dtype=np.int64)))  # delta-coded
        weights.append(_block_weights(leaf._data, length))
        offsets.append(offset)
        starts.append(count)
        count += length
        if leaf._lastblock:
            break
        offset = leaf._nextoffset
    return Postings(np.concatenate(ids).astype(np.int32), np.concatenate(weights),
                    np.array(offsets, dtype=np.int64), np.array(starts, dtype=np.int32))


def _read_generic(matcher) -> Postings:
    """A posting list through the matcher interface, one posting at a time."""
    ids, weights = [], []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return Postings(np.array(ids, dtype=np.int32), np.array(weights, dtype=np.float32),
                    np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int32))


def read(reader, field: str, token: str) -> Postings:
    """A term's postings in one segment's reader."""
    matcher = reader.postings(field, token)
    leaf = _leaf(matcher)
    return _read_leaf(leaf) if leaf is not None else _read_generic(matcher)


def characters(reader, field: str, token: str, postings: Postings,
               docnums: list[int]) -> dict[int, list]:
    """(position, start, end) of the term in each of these local documents that has it."""
    present = [(d, at) for d in sorted(docnums) if (at := postings.position(d)) is not None]
    if not present:
        return {}
    matcher = reader.postings(field, token)
    leaf = _leaf(matcher)
    if leaf is None or not len(postings.block_offsets):
        found = {}
        for docnum, _at in present:  # ascending: the matcher only moves forward
            matcher.skip_to(docnum)
            found[docnum] = list(matcher.value_as("characters"))
        return found
    return {docnum: _leaf_characters(leaf, postings, at) for docnum, at in present}


def _leaf_characters(leaf: W3LeafMatcher, postings: Postings, at: int) -> list:
    """The characters value of posting number `at`, read from its own block only."""
    block = int(np.searchsorted(postings.block_starts, at, side="right")) - 1
    leaf._goto(int(postings.block_offsets[block]))
    leaf._i = at - int(postings.block_starts[block])
    return list(leaf.value_as("characters"))
