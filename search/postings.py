"""Per index generation: live documents, field lengths and term postings as numpy arrays (a bounded cache).

Whoosh walks posting lists one document at a time in Python; here each term's postings
are read once per generation, a block at a time (whoosh_internals), into two arrays,
and kept while they fit in POSTINGS_BUDGET. engine.py evaluates queries over them.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar, cast

import numpy as np
from whoosh import scoring
from whoosh.reading import IndexReader
from whoosh.scoring import WeightingModel

from newsarchive.index.store.whoosh_internals import bm25f_parameters, leaf_lengths, leaf_positions, leaf_postings

from .facet_arrays import SegmentFiles, live_of

POSTINGS_BUDGET = 8_000_000  # postings kept in the term cache (8 bytes each: ~64 MB)
CACHED_FREQUENCIES = 200_000  # terms whose document frequency and idf are remembered (cleared beyond)

K = TypeVar("K")
V = TypeVar("V")
Entry = TypeVar("Entry", tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray, np.ndarray])


class IndexArrays:
    """Per index generation: live documents, field lengths and an LRU cache of term postings as arrays.

    Shared by the threads searching one generation; each passes its own reader (of that
    generation) to anything that reads the index, since Whoosh readers are not thread-safe.
    """

    def __init__(self, reader: IndexReader, weighting: WeightingModel | None = None, segments: SegmentFiles | None = None) -> None:
        """`segments` maps each segment's arrays file (field lengths), where it has one, instead of reading the segment."""
        self.B, self.K1 = bm25f_parameters(weighting or scoring.BM25F())
        self.ndocs = reader.doc_count_all()
        self.segments = segments or SegmentFiles(None)
        self.live = np.ones(self.ndocs, dtype=bool)
        if reader.has_deletions():
            for leaf, offset in reader.leaf_readers():
                leaf_live = live_of(leaf)
                if leaf_live is not None:
                    self.live[offset:offset + leaf_live.size] = leaf_live
        self.live_docs = np.flatnonzero(self.live)
        self._lengths: dict[str, np.ndarray] = {}
        self._idf: dict[tuple[str, str], float] = {}
        self._df: dict[tuple[str, str], int] = {}
        self._avg: dict[str, float] = {}
        self._postings: OrderedDict[tuple[str, ...], tuple[np.ndarray, ...]] = OrderedDict()  # term postings and term positions
        self._cached = 0
        self._lock = threading.Lock()

    # -- statistics, as Whoosh's searcher computes them ---------------------------------------

    def doc_frequency(self, reader: IndexReader, fieldname: str, text: str) -> int:
        """Whoosh's document frequency of a term (deleted documents counted), cached: each lookup asks every segment."""
        return _remembered(self._df, (fieldname, text), lambda: reader.doc_frequency(fieldname, text))

    def idf(self, reader: IndexReader, fieldname: str, text: str) -> float:
        """Whoosh's idf: log(N / (df + 1)) + 1, N counting deleted documents too (cached)."""
        return _remembered(self._idf, (fieldname, text),
                           lambda: math.log(self.ndocs / (self.doc_frequency(reader, fieldname, text) + 1)) + 1)

    def avg_length(self, reader: IndexReader, fieldname: str) -> float:
        """Average length of the field over all documents (Whoosh's avg_field_length)."""
        found = self._avg.get(fieldname)
        if found is None:
            found = self._avg[fieldname] = (reader.field_length(fieldname) / (self.ndocs or 1)) or 1
        return found

    def lengths(self, reader: IndexReader, fieldname: str) -> np.ndarray:
        """Each document's length of the field, as stored (one byte, quantised) and decoded."""
        found = self._lengths.get(fieldname)
        if found is None:
            found = np.zeros(self.ndocs, dtype=np.float64)
            for leaf, offset in reader.leaf_readers():
                count = leaf.doc_count_all()
                mapped = self.segments.get(leaf)
                stored = mapped.lengths(fieldname) if mapped is not None else None
                found[offset:offset + count] = stored if stored is not None else leaf_lengths(leaf, fieldname, count)
            self._lengths[fieldname] = found
        return found

    # -- postings --------------------------------------------------------------------------

    def postings(self, reader: IndexReader, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(document numbers, weights) of a term, live documents only; cached."""
        return self._cached_read((fieldname, text), lambda: self._read_postings(reader, fieldname, text))

    def positions(self, reader: IndexReader, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(document numbers, offsets, positions) of a term in CSR form: document i's positions are
        positions[offsets[i]:offsets[i + 1]]; live documents only; cached with the postings."""
        return self._cached_read((fieldname, text, "positions"), lambda: self._read_positions(reader, fieldname, text))

    def _cached_read(self, key: tuple[str, ...], read: Callable[[], Entry]) -> Entry:
        # The read happens outside the lock, so threads reading other terms do not wait;
        # when two threads miss the same term, both read it and the first one stored is
        # kept (storing the second too would count the term twice against the budget).
        with self._lock:
            cached = self._postings.get(key)
            if cached is not None:
                self._postings.move_to_end(key)
                return cast(Entry, cached)  # the key says which: (field, text) postings, (field, text, "positions") positions
        found = read()
        with self._lock:
            stored = self._postings.get(key)
            if stored is not None:
                self._postings.move_to_end(key)
                return cast(Entry, stored)
            self._postings[key] = found
            self._cached += _size(found)
            self._evict()
        return found

    def _read_positions(self, reader: IndexReader, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        btext = text.encode("utf-8")
        decode = reader.schema[fieldname].format.decoder("positions")
        ids: list[int] = []
        lists: list[list[int]] = []
        for leaf, offset in reader.leaf_readers():
            if (fieldname, btext) in leaf:
                leaf_ids, positions = leaf_positions(leaf, fieldname, btext, decode)
                ids.extend(d + offset for d in leaf_ids)
                lists.extend(positions)
        docs = np.asarray(ids, dtype=np.int64)
        keep = self.live[docs] if docs.size else np.zeros(0, dtype=bool)
        lists = [p for p, k in zip(lists, keep, strict=True) if k]
        docs = docs[keep]
        counts = np.fromiter((len(p) for p in lists), dtype=np.int64, count=len(lists))
        offsets = np.zeros(len(lists) + 1, dtype=np.int64)
        np.cumsum(counts, out=offsets[1:])
        flat = np.fromiter((x for p in lists for x in p), dtype=np.int64, count=int(offsets[-1]))
        return docs, offsets, flat

    def _evict(self) -> None:
        while self._cached > POSTINGS_BUDGET and len(self._postings) > 1:
            _, value = self._postings.popitem(last=False)
            self._cached -= _size(value)

    def _read_postings(self, reader: IndexReader, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        ids: list[np.ndarray] = []
        weights: list[np.ndarray] = []
        btext = text.encode("utf-8") if isinstance(text, str) else text
        for leaf, offset in reader.leaf_readers():
            if (fieldname, btext) not in leaf:
                continue
            block_ids, block_weights = leaf_postings(leaf, fieldname, btext)  # deletions are filtered below, by array
            ids.append(np.asarray(block_ids, dtype=np.int64) + offset)
            weights.append(np.asarray(block_weights, dtype=np.float64))
        if not ids:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
        docs = np.concatenate(ids)
        wts = np.concatenate(weights)
        keep = self.live[docs]
        if not keep.all():
            docs, wts = docs[keep], wts[keep]
        return docs, wts


def _remembered(cache: dict[K, V], key: K, compute: Callable[[], V]) -> V:
    """cache[key], computed on a miss; the cache is emptied once it holds CACHED_FREQUENCIES entries."""
    found = cache.get(key)
    if found is None:
        if len(cache) >= CACHED_FREQUENCIES:
            cache.clear()
        found = cache[key] = compute()
    return found


def _size(value: tuple[np.ndarray, ...]) -> int:
    # What a cache entry costs against POSTINGS_BUDGET: its postings, or its positions.
    return value[0].size if len(value) == 2 else value[2].size
