"""Counting and ranking the common queries with numpy over the posting arrays of postings.py.

Whoosh walks posting lists one document at a time in Python; a query matching a few
thousand articles costs milliseconds just to count. Here a query tree of terms, AND,
OR, NOT and phrases (what the parser makes of words and operators) is evaluated with
numpy set operations over each term's (document numbers, weights) arrays, and scored
with Whoosh's own BM25F function (same idf, same quantised field lengths, same sums), so
rankings do not change. Anything else (wildcards, ranges, phrases with a slop) raises
Unsupported and the caller uses Whoosh.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from whoosh import query, scoring
from whoosh.fields import Schema
from whoosh.reading import IndexReader

from .postings import IndexArrays


class Unsupported(Exception):  # noqa: N818 - a signal to fall back, not an error
    """The query needs Whoosh itself (phrases, wildcards, ranges...)."""


@dataclass
class Matches:
    """Matching document numbers (sorted, unique) and their scores, aligned."""

    docs: np.ndarray
    scores: np.ndarray


# -- evaluation ------------------------------------------------------------------------------


def evaluate(q: query.Query, arrays: IndexArrays, reader: IndexReader, schema: Schema) -> Matches:
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


def _term(q: query.Term, arrays: IndexArrays, reader: IndexReader, schema: Schema) -> Matches:
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
        scores = scoring.bm25(idf, weights, lengths, avg, arrays.B, arrays.K1)
    else:
        scores = weights  # Whoosh scores an unscorable field by the posting's weight
    return _boosted(Matches(docs, scores), q.boost)


def _phrase(q: query.Phrase, arrays: IndexArrays, reader: IndexReader, schema: Schema) -> Matches:
    """Documents with the words at consecutive positions, scored as Whoosh does: the sum of the words' scores."""
    if q.slop != 1 or q.fieldname not in schema or not schema[q.fieldname].format.supports("positions"):
        raise Unsupported("phrase with slop, or on a field without positions")
    words = [w.decode("utf-8") if isinstance(w, bytes) else w for w in q.words]
    if not words:
        return _empty()
    base = _intersect([_term(query.Term(q.fieldname, w), arrays, reader, schema) for w in words])
    starts: np.ndarray | None = None  # doc << 32 | position of the phrase's first word, for every candidate occurrence
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
    if starts is None:  # no word: returned above
        return _empty()
    with_phrase = starts >> 32
    found = with_phrase[np.r_[True, with_phrase[1:] != with_phrase[:-1]]] if with_phrase.size else with_phrase
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
