"""Counting and ranking the common queries with numpy over cached posting arrays.

Whoosh walks posting lists one document at a time in Python; a query matching a few
thousand articles costs milliseconds just to count. Here, per index generation, each
term's posting list is read once into two arrays (document numbers, weights) and kept
in a bounded cache; field lengths are one array per field. A query tree of terms, AND,
OR, NOT (what the parser makes of words and operators) is then evaluated with numpy
set operations, and scored with BM25F exactly as Whoosh computes it (same idf, same
quantised field lengths, same sums), so rankings do not change. Anything else (phrases,
wildcards, ranges inside the query) raises Unsupported and the caller uses Whoosh.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
from whoosh import query, scoring
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.util.numeric import byte_to_length

POSTINGS_BUDGET = 8_000_000  # postings kept in the term cache (8 bytes each: ~64 MB)


class Unsupported(Exception):  # noqa: N818 - a signal to fall back, not an error
    """The query needs Whoosh itself (phrases, wildcards, ranges...)."""


@dataclass
class Matches:
    """Matching document numbers (sorted, unique) and their scores, aligned."""

    docs: np.ndarray
    scores: np.ndarray


class IndexArrays:
    """Per index generation: live documents, field lengths and an LRU cache of term postings as arrays.

    Shared by the threads searching one generation; each passes its own reader (of that
    generation) to anything that reads the index, since Whoosh readers are not thread-safe.
    """

    def __init__(self, reader, weighting=None) -> None:
        weighting = weighting or scoring.BM25F()
        if type(weighting) is not scoring.BM25F:
            raise TypeError("IndexArrays reproduces Whoosh's BM25F scoring only")
        self.B, self.K1 = weighting.B, weighting.K1
        self.ndocs = reader.doc_count_all()
        self.live = np.ones(self.ndocs, dtype=bool)
        if reader.has_deletions():
            self.live[:] = False
            self.live[np.fromiter(reader.all_doc_ids(), dtype=np.int64)] = True
        self.live_docs = np.flatnonzero(self.live)
        self._lengths: dict[str, np.ndarray] = {}
        self._idf: dict[tuple[str, str], float] = {}
        self._avg: dict[str, float] = {}
        self._postings: OrderedDict[tuple, tuple] = OrderedDict()  # term postings and term positions
        self._cached = 0
        self._lock = threading.Lock()

    # -- statistics, as Whoosh's searcher computes them ---------------------------------------

    def idf(self, reader, fieldname: str, text: str) -> float:
        """Whoosh's idf: log(N / (df + 1)) + 1, N counting deleted documents too (cached)."""
        key = (fieldname, text)
        found = self._idf.get(key)
        if found is None:
            found = self._idf[key] = math.log(self.ndocs / (reader.doc_frequency(fieldname, text) + 1)) + 1
        return found

    def avg_length(self, reader, fieldname: str) -> float:
        """Average length of the field over all documents (Whoosh's avg_field_length)."""
        found = self._avg.get(fieldname)
        if found is None:
            found = self._avg[fieldname] = (reader.field_length(fieldname) / (self.ndocs or 1)) or 1
        return found

    def lengths(self, reader, fieldname: str) -> np.ndarray:
        """Each document's length of the field, as stored (one byte, quantised) and decoded."""
        found = self._lengths.get(fieldname)
        if found is None:
            found = np.zeros(self.ndocs, dtype=np.float64)
            for leaf, offset in reader.leaf_readers():
                count = leaf.doc_count_all()
                found[offset:offset + count] = _leaf_lengths(leaf, fieldname, count)
            self._lengths[fieldname] = found
        return found

    # -- postings --------------------------------------------------------------------------

    def postings(self, reader, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """(document numbers, weights) of a term, live documents only; cached."""
        key = (fieldname, text)
        with self._lock:
            found = self._postings.get(key)
            if found is not None:
                self._postings.move_to_end(key)
                return found
        found = self._read_postings(reader, fieldname, text)
        with self._lock:
            self._postings[key] = found
            self._cached += found[0].size
            self._evict()
        return found

    def positions(self, reader, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(document numbers, offsets, positions) of a term in CSR form: document i's positions are
        positions[offsets[i]:offsets[i + 1]]; live documents only; cached with the postings."""
        key = (fieldname, text, "positions")
        with self._lock:
            found = self._postings.get(key)
            if found is not None:
                self._postings.move_to_end(key)
                return found
        found = self._read_positions(reader, fieldname, text)
        with self._lock:
            self._postings[key] = found
            self._cached += found[2].size
            self._evict()
        return found

    def _read_positions(self, reader, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        btext = text.encode("utf-8")
        decode = reader.schema[fieldname].format.decoder("positions")
        ids: list = []
        lists: list = []
        for leaf, offset in reader.leaf_readers():
            if (fieldname, btext) in leaf:
                matcher = leaf.postings(fieldname, btext)
                leaf_ids, leaf_positions = _read_positions(getattr(matcher, "child", matcher), decode)
                ids.extend(d + offset for d in leaf_ids)
                lists.extend(leaf_positions)
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
            self._cached -= value[0].size if len(value) == 2 else value[2].size

    def _read_postings(self, reader, fieldname: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        ids: list = []
        weights: list = []
        btext = text.encode("utf-8") if isinstance(text, str) else text
        for leaf, offset in reader.leaf_readers():
            if (fieldname, btext) not in leaf:
                continue
            matcher = leaf.postings(fieldname, btext)
            matcher = getattr(matcher, "child", matcher)  # deletions are filtered below, by array
            block_ids, block_weights = _read_all(matcher)
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


_BYTE_TO_LENGTH = np.array([0.0] + [byte_to_length(b) for b in range(1, 256)])


def _leaf_lengths(leaf, fieldname: str, count: int) -> np.ndarray:
    """A segment's field lengths: its one-byte length column decoded at once (W3 layout), else document by document."""
    try:
        column = leaf._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        if column is None:
            return np.zeros(count)
        raw = np.frombuffer(column._dbfile.get(column._basepos, column._count), dtype=np.uint8)
        codes = np.zeros(count, dtype=np.uint8)
        codes[:raw.size] = raw[:count]
        return _BYTE_TO_LENGTH[codes]
    except AttributeError:  # another codec: ask Whoosh for each document
        return np.array([leaf.doc_field_length(d, fieldname, 1) or 0 for d in range(count)], dtype=np.float64)


def _read_positions(matcher, decode) -> tuple[list, list]:
    """Every (id, positions) of a leaf matcher, block by block when the codec allows."""
    ids: list = []
    positions: list = []
    if hasattr(matcher, "_read_values") and hasattr(matcher, "_next_block"):
        while matcher.is_active():
            matcher._read_ids()
            matcher._read_values()
            ids.extend(matcher._ids)
            positions.extend(decode(v) for v in matcher._values)
            matcher._next_block()
        return ids, positions
    while matcher.is_active():
        ids.append(matcher.id())
        positions.append(matcher.value_as("positions"))
        matcher.next()
    return ids, positions


def _read_all(matcher) -> tuple[list, list]:
    """Every (id, weight) of a leaf matcher, a block at a time rather than a posting at a time."""
    ids: list = []
    weights: list = []
    if hasattr(matcher, "_read_ids") and hasattr(matcher, "_next_block"):  # W3LeafMatcher: blocks on disk
        while matcher.is_active():
            matcher._read_ids()
            matcher._read_weights()
            ids.extend(matcher._ids)
            weights.extend(matcher._weights)
            matcher._next_block()
        return ids, weights
    while matcher.is_active():  # inline posting lists (ListMatcher) and anything else
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return ids, weights


# -- evaluation ------------------------------------------------------------------------------


def evaluate(q: query.Query, arrays: IndexArrays, reader, schema) -> Matches:
    """The documents matching `q` and their BM25F scores (as Whoosh's matchers would score them)."""
    if q is query.NullQuery or isinstance(q, query.NullQuery.__class__):
        return _empty()
    if isinstance(q, query.Term):
        return _term(q, arrays, reader, schema)
    if isinstance(q, query.Every):
        return Matches(arrays.live_docs, np.full(arrays.live_docs.size, float(q.boost)))
    if isinstance(q, query.Not):
        inner = evaluate(q.query, arrays, reader, schema)
        mask = arrays.live.copy()
        mask[inner.docs] = False
        docs = np.flatnonzero(mask)
        return Matches(docs, np.ones(docs.size))  # Whoosh's InverseMatcher scores 1.0
    if isinstance(q, query.AndNot):
        positive = evaluate(q.a, arrays, reader, schema)
        negative = evaluate(q.b, arrays, reader, schema)
        keep = ~np.isin(positive.docs, negative.docs, assume_unique=True)
        return _boosted(Matches(positive.docs[keep], positive.scores[keep]), q.boost)
    if isinstance(q, query.AndMaybe):
        required = evaluate(q.a, arrays, reader, schema)
        optional = evaluate(q.b, arrays, reader, schema)
        scores = required.scores.copy()
        _, at_required, at_optional = np.intersect1d(required.docs, optional.docs, assume_unique=True, return_indices=True)
        scores[at_required] += optional.scores[at_optional]
        return _boosted(Matches(required.docs, scores), q.boost)
    if isinstance(q, query.Phrase):
        return _phrase(q, arrays, reader, schema)
    if type(q) is query.And:
        return _boosted(_intersect([evaluate(s, arrays, reader, schema) for s in q.subqueries]), q.boost)
    if type(q) is query.Or and not q.scale and not q.minmatch:
        return _boosted(_union([evaluate(s, arrays, reader, schema) for s in q.subqueries], arrays.ndocs), q.boost)
    raise Unsupported(type(q).__name__)


def _empty() -> Matches:
    return Matches(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64))


def _boosted(m: Matches, boost: float) -> Matches:
    return m if boost == 1.0 else Matches(m.docs, m.scores * boost)


def _term(q: query.Term, arrays: IndexArrays, reader, schema) -> Matches:
    if q.fieldname not in schema:
        return _empty()
    field = schema[q.fieldname]
    try:
        text = field.to_bytes(q.text)
    except ValueError:
        return _empty()
    text = text.decode("utf-8") if isinstance(text, bytes) else text
    docs, weights = arrays.postings(reader, q.fieldname, text)
    if docs.size == 0:
        return _empty()
    if field.scorable:
        idf = arrays.idf(reader, q.fieldname, text)
        avg = arrays.avg_length(reader, q.fieldname)
        lengths = arrays.lengths(reader, q.fieldname)[docs]
        b, k1 = arrays.B, arrays.K1
        scores = idf * ((weights * (k1 + 1)) / (weights + k1 * ((1 - b) + b * lengths / avg)))
    else:
        scores = weights  # Whoosh scores an unscorable field by the posting's weight
    return _boosted(Matches(docs, scores), q.boost)


def _phrase(q: query.Phrase, arrays: IndexArrays, reader, schema) -> Matches:
    """Documents with the words at consecutive positions, scored as Whoosh does: the sum of the words' scores."""
    if q.slop != 1 or q.fieldname not in schema or not schema[q.fieldname].format.supports("positions"):
        raise Unsupported("phrase with slop, or on a field without positions")
    words = [w.decode("utf-8") if isinstance(w, bytes) else w for w in q.words]
    if not words:
        return _empty()
    base = _intersect([_term(query.Term(q.fieldname, w), arrays, reader, schema) for w in words])
    starts = None  # doc << 32 | position of the phrase's first word, for every candidate occurrence
    for i, word in enumerate(words):
        if base.docs.size == 0:
            return _empty()
        docs, offsets, flat = arrays.positions(reader, q.fieldname, word)
        at = np.searchsorted(docs, base.docs)
        counts = offsets[at + 1] - offsets[at]
        first = np.repeat(offsets[at], counts)
        within = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
        positions = flat[first + within] - i
        keys = (np.repeat(base.docs, counts) << 32) | np.maximum(positions, 0)
        # Documents ascend and a document's positions ascend: the keys come sorted and
        # distinct, so they are intersected by binary search, without sorting them again.
        keys = keys[positions >= 0]
        starts = keys if starts is None else _sorted_intersection(starts, keys)
    docs = starts >> 32
    found = docs[np.r_[True, docs[1:] != docs[:-1]]] if docs.size else docs
    keep = _sorted_members(base.docs, found)
    return _boosted(Matches(base.docs[keep], base.scores[keep]), q.boost)


def _sorted_members(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """A mask of the `values` that are in `sorted_set` (sorted, distinct)."""
    if sorted_set.size == 0:
        return np.zeros(values.size, dtype=bool)
    at = np.minimum(np.searchsorted(sorted_set, values), sorted_set.size - 1)
    return sorted_set[at] == values


def _sorted_intersection(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The common values of two sorted arrays of distinct values, sorted."""
    small, large = (a, b) if a.size <= b.size else (b, a)
    return small[_sorted_members(small, large)]


def _intersect(parts: list[Matches]) -> Matches:
    parts = sorted(parts, key=lambda m: m.docs.size)
    docs, scores = parts[0].docs, parts[0].scores
    for part in parts[1:]:
        docs, at_left, at_right = np.intersect1d(docs, part.docs, assume_unique=True, return_indices=True)
        scores = scores[at_left] + part.scores[at_right]
        if docs.size == 0:
            break
    return Matches(docs, scores)


def _union(parts: list[Matches], ndocs: int) -> Matches:
    parts = [p for p in parts if p.docs.size]
    if not parts:
        return _empty()
    if len(parts) == 1:
        return parts[0]
    total = np.zeros(ndocs, dtype=np.float64)
    present = np.zeros(ndocs, dtype=bool)
    for part in parts:
        total[part.docs] += part.scores
        present[part.docs] = True
    docs = np.flatnonzero(present)
    return Matches(docs, total[docs])


def restrict(m: Matches, docs: np.ndarray) -> Matches:
    """The matches whose document is also in `docs` (a sorted array): a filter that does not score."""
    keep = np.isin(m.docs, docs, assume_unique=True)
    return Matches(m.docs[keep], m.scores[keep])


def top(m: Matches, n: int) -> np.ndarray:
    """Positions in `m` of the `n` best scores, best first; ties go to the lower document number, as in Whoosh."""
    if m.docs.size == 0 or n <= 0:
        return np.zeros(0, dtype=np.int64)
    if m.docs.size > n:
        # Everything scoring at least the n-th best score, then an exact order on that few.
        threshold = np.partition(m.scores, m.docs.size - n)[m.docs.size - n]
        candidates = np.flatnonzero(m.scores >= threshold)
    else:
        candidates = np.arange(m.docs.size)
    order = np.lexsort((m.docs[candidates], -m.scores[candidates]))
    return candidates[order][:n]
