"""Facet counts over a whole result set, in time that does not grow with the hits.

Per index generation, each multi-valued facet field (person, country) is loaded once,
segment by segment from the facet column (or the postings of older indexes), into two
aligned arrays (document number, value number). Counting a
result set is then a mask over document numbers and one numpy bincount: the cost is
bounded by the size of the archive, whatever the number of hits, and no Python loop
runs over hits. Years come from the `year` column the same way.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from newsarchive.index.aliases import Aliases, resolve_surnames
from newsarchive.index.countries import country_label
from newsarchive.index.schema import FACET_COLUMN, FACET_FIELDS, read_facet_terms
from newsarchive.index.text import fold


@dataclass
class LeafField:
    """One facet field of one segment: its values and aligned (document in the segment, value number) arrays."""

    values: list[str]
    docs: np.ndarray
    vals: np.ndarray


def leaf_key(leaf) -> tuple:
    """What identifies a segment's facet pairs: the segment, and its deletions (they only grow)."""
    segment = leaf.segment()
    return segment.segid, segment.deleted_count()


def load_leaf(leaf) -> dict[str, LeafField]:
    """The facet fields of one segment, from its facet column, or its postings if it has none (older indexes)."""
    if FACET_COLUMN in leaf.schema and leaf.has_column(FACET_COLUMN):
        return _from_column(leaf)
    return {name: _from_postings(leaf, name) for name in FACET_FIELDS}


def _from_column(leaf) -> dict[str, LeafField]:
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


def _from_postings(leaf, fieldname: str) -> LeafField:
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


@dataclass
class FacetValue:
    """One facet value with its count in the current result set."""

    value: str
    count: int
    label: str | None = None


class FieldFacet:
    """The (document, value) pairs of one multi-valued field."""

    def __init__(self, values: list[str], docs: np.ndarray, vals: np.ndarray, ndocs: int) -> None:
        self.values = values
        self.docs = docs
        self.vals = vals
        self.doc_counts = np.bincount(self.vals, minlength=len(self.values)) if self.values else np.zeros(0, dtype=np.int64)
        self.index = {v: i for i, v in enumerate(self.values)}
        self.ndocs = ndocs

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
        if groups is None:
            if mask is None:
                return self.doc_counts
            return np.bincount(self.vals[mask[self.docs]], minlength=len(self.values))
        selected = np.ones(self.docs.size, dtype=bool) if mask is None else mask[self.docs]
        pairs = np.unique(groups[self.docs[selected]].astype(np.int64) * len(self.values) + self.vals[selected])
        return np.bincount(pairs % len(self.values), minlength=len(self.values))

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


class FacetCache:
    """Everything needed to count and label facets for one index generation."""

    def __init__(self, searcher, aliases: Aliases | None = None, leaves: dict | None = None) -> None:
        """`leaves`, kept by the caller between index generations, holds each segment's pairs:
        after a commit only the new segments are read."""
        reader = searcher.reader()
        self.ndocs = reader.doc_count_all()
        self.aliases = aliases or Aliases()
        fields = self._load(reader, leaves if leaves is not None else {})
        self.person = fields["person"]
        self.country = fields["country"]
        self.years = self._years(reader)
        self.person_names = self._display_names(fields["person_form"])
        self.merged_into = self._person_merges()
        self.counts_before_merges = {v: int(c) for v, c in zip(self.person.values, self.person.doc_counts, strict=True)}
        self.person.remap(self.merged_into)
        for key, target in self.merged_into.items():
            if target not in self.person_names:
                self.person_names[target] = self.aliases.merges.get(key) or target
        self.members: dict[str, list[str]] = defaultdict(list)
        for key, target in self.merged_into.items():
            self.members[target].append(key)
        self.groups = self._groups(fields["dup_group"])
        self._person_words: dict[str, set[int]] | None = None

    def _person_merges(self) -> dict[str, str]:
        """Person keys counted as another: the alias file's merges, then bare surnames
        resolved to the archive's dominant full name ("macron" -> "emmanuel macron")."""
        merges = {key: fold(name) for key, name in self.aliases.merges.items()}
        counts = {v: int(c) for v, c in zip(self.person.values, self.person.doc_counts, strict=True) if v not in merges}
        merges.update(resolve_surnames(counts, forbids=self.aliases.forbids))
        return {k: v for k, v in merges.items() if k != v}

    def _load(self, reader, leaves: dict) -> dict[str, FieldFacet]:
        """Every facet field over the index, from the segments' pairs (`leaves` caches them by segment)."""
        segments = reader.leaf_readers() if self.ndocs else []
        loaded = {}
        for leaf, _ in segments:
            key = leaf_key(leaf)
            loaded[key] = leaves[key] if key in leaves else load_leaf(leaf)
        leaves.clear()
        leaves.update(loaded)  # segments merged away or with new deletions are forgotten
        return {name: FieldFacet.combine([(loaded[leaf_key(leaf)][name], offset) for leaf, offset in segments], self.ndocs)
                for name in FACET_FIELDS}

    def _groups(self, facet: FieldFacet) -> np.ndarray:
        """A near-duplicate group number per document; an article with no group is its own."""
        groups = np.arange(len(facet.values), len(facet.values) + self.ndocs, dtype=np.int64)  # own groups by default
        groups[facet.docs] = facet.vals
        self.group_ids = facet.values
        return groups

    def _years(self, reader) -> np.ndarray:
        """Publication year per document (0 when undated), from the day_newest column."""
        self.days = np.zeros(self.ndocs, dtype=np.int64)
        # Segment by segment: a segment written without the column keeps zeros (undated).
        for leaf, offset in reader.leaf_readers():
            if leaf.has_column("day_newest"):
                count = leaf.doc_count_all()
                column = leaf.column_reader("day_newest")
                self.days[offset:offset + count] = np.fromiter((column[i] for i in range(count)), dtype=np.int64, count=count)
        years = np.zeros(self.ndocs, dtype=np.int32)
        dated = self.days > 0
        if dated.any():
            epoch = dt.date(1970, 1, 1).toordinal()
            as_dates = (self.days[dated] - epoch).astype("datetime64[D]")
            years[dated] = as_dates.astype("datetime64[Y]").astype(np.int64) + 1970
        return years

    def date_range(self) -> tuple[dt.date, dt.date] | None:
        """The first and last publication days in the index, if any article is dated."""
        dated = self.days[self.days > 0]
        if dated.size == 0:
            return None
        return dt.date.fromordinal(int(dated.min())), dt.date.fromordinal(int(dated.max()))

    def _display_names(self, forms: FieldFacet) -> dict[str, str]:
        # The facet value shown for a person is the archive's most frequent written form
        # of their folded key ("Sergueï Lavrov" over "SERGUEÏ LAVROV").
        best: dict[str, tuple[tuple[int, int, int], str]] = {}
        for form, freq in zip(forms.values, forms.doc_counts.tolist(), strict=True):
            key = fold(form)
            # Ties prefer the form with accents (more information) then the longest.
            rank = (freq, sum(not ch.isascii() for ch in form), len(form))
            if key not in best or rank > best[key][0]:
                best[key] = (rank, form)
        return {key: form for key, (_, form) in best.items()}

    def person_name(self, key_or_name: str) -> str:
        """The display name for a person key or any written form of the name."""
        return self.person_names.get(fold(key_or_name), key_or_name)

    def mask(self, docnums: np.ndarray) -> np.ndarray:
        """A boolean mask over all documents with the given document numbers set."""
        mask = np.zeros(self.ndocs, dtype=bool)
        if docnums.size:
            mask[docnums] = True
        return mask

    def top(self, facet: FieldFacet, mask: np.ndarray | None, limit: int, exclude: set[str] = frozenset(),
            by_group: bool = False) -> list[tuple[str, int]]:
        """The `limit` most frequent values in the selection, most frequent first (groups counted once with `by_group`)."""
        counts = facet.count(mask, self.groups if by_group else None)
        if counts.size == 0 or limit <= 0:
            return []
        nonzero = np.flatnonzero(counts)
        if nonzero.size > limit + len(exclude):
            keep = limit + len(exclude)
            part = np.argpartition(-counts[nonzero], keep - 1)[:keep]
            nonzero = nonzero[part]
        ordered = sorted(nonzero.tolist(), key=lambda i: (-int(counts[i]), facet.values[i]))
        result = [(facet.values[i], int(counts[i])) for i in ordered if facet.values[i] not in exclude]
        return result[:limit]

    def counts(self, mask: np.ndarray | None, limit: int, by_group: bool = False) -> dict[str, list[dict]]:
        """The person, country and year facets of a selection, as the result JSON gives them."""
        return {
            "person": [{"value": self.person_name(key), "count": n} for key, n in self.top(self.person, mask, limit, by_group=by_group)],
            "country": [{"value": code, "label": country_label(code), "count": n}
                        for code, n in self.top(self.country, mask, limit, by_group=by_group)],
            "year": [{"value": year, "count": n} for year, n in self.year_counts(mask, by_group=by_group)],
        }

    def year_counts(self, mask: np.ndarray | None, by_group: bool = False) -> list[tuple[int, int]]:
        """(year, count) for the selection, oldest first; undated articles are left out."""
        if by_group:
            docs = np.arange(self.ndocs) if mask is None else np.flatnonzero(mask)
            pairs = np.unique(np.stack([self.groups[docs], self.years[docs]]), axis=1)
            years = pairs[1]
            years = years[years > 0]
            values, counts = np.unique(years, return_counts=True)
            return [(int(v), int(c)) for v, c in zip(values, counts, strict=True)]
        years = self.years if mask is None else self.years[mask]
        years = years[years > 0]
        if years.size == 0:
            return []
        values, counts = np.unique(years, return_counts=True)
        return [(int(v), int(c)) for v, c in zip(values, counts, strict=True)]

    def word_forms(self, reader, analyzer):
        """A function: analysed term -> [(word form as written, articles)] from the exact-form field (built once)."""
        if getattr(self, "_forms_by_prefix", None) is None:
            by_prefix: dict[str, list[tuple[str, int]]] = defaultdict(list)
            if "exact" in reader.indexed_field_names():
                for term, info in reader.iter_field("exact"):
                    form = term.decode("utf-8") if isinstance(term, bytes) else term
                    if form.isalpha():
                        by_prefix[fold(form)[:3]].append((form, info.doc_frequency()))
            self._forms_by_prefix = dict(by_prefix)
            self._forms_of: dict[str, list[tuple[str, int]]] = {}

        def forms(stem: str) -> list[tuple[str, int]]:
            if stem not in self._forms_of:
                # Stems keep their first letters: only forms starting like the stem can analyse to it.
                candidates = self._forms_by_prefix.get(stem[:3], [])
                self._forms_of[stem] = [(f, n) for f, n in candidates if [t.text for t in analyzer(f)] == [stem]]
            return self._forms_of[stem]

        return forms

    def month_counts(self, mask: np.ndarray | None) -> list[tuple[str, int]]:
        """("YYYY-MM", count) for the selection, oldest first, months without articles included."""
        days = self.days if mask is None else self.days[mask]
        days = days[days > 0]
        if days.size == 0:
            return []
        epoch = dt.date(1970, 1, 1).toordinal()
        months = (days - epoch).astype("datetime64[D]").astype("datetime64[M]")
        values, counts = np.unique(months, return_counts=True)
        found = {str(v): int(c) for v, c in zip(values, counts, strict=True)}
        every = np.arange(values.min(), values.max() + 1)
        return [(str(m), found.get(str(m), 0)) for m in every]

    def person_keys(self, text: str) -> list[str]:
        """Person keys meant by `text`: the exact name if known, else names containing all its words."""
        key = fold(text)
        if not key:
            return []
        key = self.merged_into.get(key, key)
        if key in self.person.index:
            # The articles that name only a merged form ("Macron") are indexed under it.
            return [key, *self.members.get(key, [])]
        if self._person_words is None:
            words: dict[str, set[int]] = defaultdict(set)
            for i, value in enumerate(self.person.values):
                for word in value.split():
                    words[word].add(i)
            self._person_words = dict(words)
        wanted = key.split()
        sets = [self._person_words.get(w, set()) for w in wanted]
        ids = set.intersection(*sets) if sets else set()
        ranked = sorted(ids, key=lambda i: -int(self.person.doc_counts[i]))
        return [self.person.values[i] for i in ranked]

    def lookup_persons(self, prefix: str, limit: int = 20) -> list[FacetValue]:
        """Persons whose name (or one of its words) starts with `prefix`, most frequent first."""
        key = fold(prefix)
        matches = []
        for i, value in enumerate(self.person.values):
            if self.person.doc_counts[i] == 0:
                continue  # merged into another value
            if not key or value.startswith(key) or any(w.startswith(key) for w in value.split()):
                matches.append(i)
        matches.sort(key=lambda i: -int(self.person.doc_counts[i]))
        return [FacetValue(self.person_name(self.person.values[i]), int(self.person.doc_counts[i])) for i in matches[:limit]]
