"""A facet field as numpy arrays: each (document, value) pair of a multi-valued field, segment by segment.

Per index generation each facet field is loaded once: from the segment's arrays file
written at commit (index/store/segment_arrays.py), memory-mapped, with the deleted
documents masked; or, for a segment without one (an index written before these files),
from the per-document facet column (one pass over a segment's documents) or, in indexes
written before the column, from the postings. A segment's pairs are kept across generations (they only change when
the segment gets new deletions), so after a commit only the new segment is read.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from whoosh.reading import IndexReader

from newsarchive.index.store.schema import FACET_COLUMN, FACET_FIELDS, read_facet_terms
from newsarchive.index.store.segment_arrays import SegmentArrays, open_segment_arrays


@dataclass
class LeafField:
    """One facet field of one segment: its values and aligned (document in the segment, value number) arrays."""

    values: list[str]
    docs: np.ndarray
    vals: np.ndarray


LeafKey = tuple[str, int]
LeafCache = dict[LeafKey, dict[str, LeafField]]  # the facet fields of each segment read, by leaf_key


def leaf_key(leaf: IndexReader) -> LeafKey:
    """What identifies a segment's facet pairs: the segment, and its deletions (they only grow)."""
    segment = leaf.segment()
    return segment.segid, segment.deleted_count()


class SegmentFiles:
    """Each segment's arrays file (index/store/segment_arrays.py) mapped once, kept across generations.

    None for a segment without a sound file (an index written before them): callers then
    compute from the segment. `retain` forgets the segments a generation no longer has.
    """

    def __init__(self, folder: Path | str | None) -> None:
        self.folder = Path(folder) if folder is not None else None
        self._mapped: dict[str, SegmentArrays | None] = {}
        self._lock = threading.Lock()

    def get(self, leaf: IndexReader) -> SegmentArrays | None:
        if self.folder is None or not hasattr(leaf, "segment"):
            return None
        segment_id = leaf.segment().segment_id()
        with self._lock:
            if segment_id in self._mapped:
                return self._mapped[segment_id]
        found = open_segment_arrays(self.folder, segment_id, leaf.doc_count_all())
        with self._lock:
            return self._mapped.setdefault(segment_id, found)

    def retain(self, leaves: list[IndexReader]) -> None:
        kept = {leaf.segment().segment_id() for leaf in leaves if hasattr(leaf, "segment")}
        with self._lock:
            for segment_id in set(self._mapped) - kept:
                del self._mapped[segment_id]


def live_of(leaf: IndexReader) -> np.ndarray | None:
    """A segment's live documents as a mask, None when it has no deletions (from Whoosh's deletions, not a pass over documents)."""
    if not leaf.has_deletions():
        return None
    live = np.ones(leaf.doc_count_all(), dtype=bool)
    if hasattr(leaf, "segment"):
        deleted = np.fromiter(leaf.segment().deleted_docs(), dtype=np.int64)
        live[deleted[deleted < live.size]] = False
    else:
        live[:] = False
        live[np.fromiter(leaf.all_doc_ids(), dtype=np.int64)] = True
    return live


def load_leaf(leaf: IndexReader, mapped: SegmentArrays | None = None) -> dict[str, LeafField]:
    """The facet fields of one segment: from its mapped arrays, else its facet column, else its postings (older indexes)."""
    if mapped is not None and mapped.has_facets:
        return _from_arrays(mapped, live_of(leaf))
    if FACET_COLUMN in leaf.schema and leaf.has_column(FACET_COLUMN):
        return _from_column(leaf)
    return {name: _from_postings(leaf, name) for name in FACET_FIELDS}


def _from_arrays(mapped: SegmentArrays, live: np.ndarray | None) -> dict[str, LeafField]:
    found = {}
    for name in FACET_FIELDS:
        facet = mapped.facet(name)
        assert facet is not None  # has_facets
        values, docs, vals = facet
        if live is not None:
            # Deleted documents out, and values renumbered in order of first appearance among
            # the live ones, as a pass over the live documents numbers them (_from_column).
            keep = live[docs]
            docs, vals = docs[keep], vals[keep]
            used, first = np.unique(vals, return_index=True)
            used = used[np.argsort(first, kind="stable")]
            renumber = np.zeros(len(values), dtype=np.int32)
            renumber[used] = np.arange(used.size, dtype=np.int32)
            values, vals = [values[i] for i in used.tolist()], renumber[vals]
        found[name] = LeafField(values, docs, vals)
    return found


def _from_column(leaf: IndexReader) -> dict[str, LeafField]:
    column = leaf.column_reader(FACET_COLUMN)
    indexes: list[dict[str, int]] = [{} for _ in FACET_FIELDS]
    docs: list[list[int]] = [[] for _ in FACET_FIELDS]
    vals: list[list[int]] = [[] for _ in FACET_FIELDS]
    for docnum in leaf.all_doc_ids():  # live documents only
        for i, terms in enumerate(read_facet_terms(column[docnum])):
            index = indexes[i]
            for term in terms:
                docs[i].append(docnum)
                vals[i].append(index.setdefault(term, len(index)))
    return {name: LeafField(list(indexes[i]), np.array(docs[i], dtype=np.int32), np.array(vals[i], dtype=np.int32))
            for i, name in enumerate(FACET_FIELDS)}


def _from_postings(leaf: IndexReader, fieldname: str) -> LeafField:
    values: list[str] = []
    docs: list[np.ndarray] = []
    vals: list[np.ndarray] = []
    if fieldname in leaf.indexed_field_names():
        for term in leaf.lexicon(fieldname):
            ids = np.fromiter(leaf.postings(fieldname, term).all_ids(), dtype=np.int32)
            if ids.size == 0:
                continue  # every document with this value was deleted
            docs.append(ids)
            vals.append(np.full(ids.size, len(values), dtype=np.int32))
            values.append(term.decode("utf-8") if isinstance(term, bytes) else term)
    return LeafField(values, np.concatenate(docs) if docs else np.zeros(0, dtype=np.int32),
                     np.concatenate(vals) if vals else np.zeros(0, dtype=np.int32))


class FieldFacet:
    """The (document, value) pairs of one multi-valued field."""

    def __init__(self, values: list[str], docs: np.ndarray, vals: np.ndarray, ndocs: int) -> None:
        self.values = values
        self.docs = docs
        self.vals = vals
        self.doc_counts = np.bincount(self.vals, minlength=len(self.values)) if self.values else np.zeros(0, dtype=np.int64)
        self.index = {v: i for i, v in enumerate(self.values)}
        self.ndocs = ndocs
        self._by_doc: tuple[np.ndarray, np.ndarray] | None = None

    @classmethod
    def combine(cls, parts: list[tuple[LeafField, int]], ndocs: int) -> FieldFacet:
        """One field's pairs over the whole index from its segments' (segment pairs, first document number)."""
        index: dict[str, int] = {}
        docs, vals = [], []
        for leaf, offset in parts:
            if not leaf.values:
                continue
            global_ids = np.fromiter((index.setdefault(v, len(index)) for v in leaf.values), dtype=np.int32, count=len(leaf.values))
            docs.append(leaf.docs + offset)
            vals.append(global_ids[leaf.vals])
        return cls(list(index), np.concatenate(docs) if docs else np.zeros(0, dtype=np.int32),
                   np.concatenate(vals) if vals else np.zeros(0, dtype=np.int32), ndocs)

    def count(self, mask: np.ndarray | None, groups: np.ndarray | None = None) -> np.ndarray:
        """Counts per value over the documents selected by `mask` (all documents when None).

        With `groups` (a group number per document), each near-duplicate group counts once.
        """
        if not self.values:
            return np.zeros(0, dtype=np.int64)
        if mask is None:
            if groups is None:
                return self.doc_counts
            docs, vals = self.docs, self.vals
        else:
            docs, vals = self.pairs_of(mask)
        if groups is None:
            return np.bincount(vals, minlength=len(self.values))
        pairs = np.unique(groups[docs].astype(np.int64) * len(self.values) + vals)
        return np.bincount(pairs % len(self.values), minlength=len(self.values))

    def pairs_of(self, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The (document, value) pairs of the documents `mask` selects.

        A search selects a small part of the archive: its documents' pairs are read from a
        by-document layout (offsets into the values sorted by document), in time
        proportional to the selection rather than to every pair of the field. A large
        selection is filtered pair by pair, which is then as cheap.
        """
        selected = np.flatnonzero(mask[:self.ndocs])
        if 2 * selected.size >= self.ndocs:
            keep = mask[self.docs]
            return self.docs[keep], self.vals[keep]
        offsets, by_doc_vals = self._layout()
        starts = offsets[selected]
        lengths = offsets[selected + 1] - starts
        total = int(lengths.sum())
        # Positions starts[i] .. starts[i] + lengths[i] - 1 of every selected document, in one array.
        shift = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
        positions = np.arange(total, dtype=np.int64) + shift
        return np.repeat(selected.astype(np.int32), lengths), by_doc_vals[positions]

    def _layout(self) -> tuple[np.ndarray, np.ndarray]:
        # Built on first use and replaced whole (threads may race to build it; both get the same).
        if self._by_doc is None:
            order = np.argsort(self.docs, kind="stable")
            offsets = np.searchsorted(self.docs[order], np.arange(self.ndocs + 1, dtype=np.int64))
            self._by_doc = (offsets, self.vals[order])
        return self._by_doc

    def remap(self, mapping: dict[str, str]) -> None:
        """Merge values: every document with value K gets mapping[K] instead (once, even if it had both)."""
        if not mapping:
            return
        for target in set(mapping.values()) - set(self.index):
            self.index[target] = len(self.values)
            self.values.append(target)
        new_index = np.arange(len(self.values), dtype=np.int32)
        for key, target in mapping.items():
            if key in self.index and key != target:
                new_index[self.index[key]] = self.index[target]
        pairs = np.unique(self.docs.astype(np.int64) * len(self.values) + new_index[self.vals])
        self.docs = (pairs // len(self.values)).astype(np.int32)
        self.vals = (pairs % len(self.values)).astype(np.int32)
        self.doc_counts = np.bincount(self.vals, minlength=len(self.values))
        self._by_doc = None

    def value_of_docs(self) -> np.ndarray:
        """For a field with at most one value per document: each document's value number, -1 where it has none."""
        out = np.full(self.ndocs, -1, dtype=np.int64)
        out[self.docs] = self.vals
        return out
