"""Facet counts over a whole result set, in time that does not grow with the hits.

Per index generation, each multi-valued facet field (person, country) is loaded once
from the postings into two aligned arrays (document number, value number). Counting a
result set is then a mask over document numbers and one numpy bincount: the cost is
bounded by the size of the archive, whatever the number of hits, and no Python loop
runs over hits. Years come from the `year` column the same way.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from newsarchive.index.analysis import fold


@dataclass
class FacetValue:
    """One facet value with its count in the current result set."""

    value: str
    count: int
    label: str | None = None


class FieldFacet:
    """The (document, value) pairs of one multi-valued field."""

    def __init__(self, reader, fieldname: str, ndocs: int) -> None:
        self.values: list[str] = []
        docs: list[np.ndarray] = []
        vals: list[np.ndarray] = []
        if fieldname in reader.indexed_field_names():
            for term in reader.lexicon(fieldname):
                ids = np.fromiter(reader.postings(fieldname, term).all_ids(), dtype=np.int32)
                if ids.size == 0:
                    continue  # every document with this value was deleted
                docs.append(ids)
                vals.append(np.full(ids.size, len(self.values), dtype=np.int32))
                self.values.append(term.decode("utf-8") if isinstance(term, bytes) else term)
        self.docs = np.concatenate(docs) if docs else np.zeros(0, dtype=np.int32)
        self.vals = np.concatenate(vals) if vals else np.zeros(0, dtype=np.int32)
        self.doc_counts = np.bincount(self.vals, minlength=len(self.values)) if self.values else np.zeros(0, dtype=np.int64)
        self.index = {v: i for i, v in enumerate(self.values)}
        self.ndocs = ndocs

    def count(self, mask: np.ndarray | None) -> np.ndarray:
        """Counts per value over the documents selected by `mask` (all documents when None)."""
        if mask is None:
            return self.doc_counts
        if not self.values:
            return np.zeros(0, dtype=np.int64)
        return np.bincount(self.vals[mask[self.docs]], minlength=len(self.values))


class FacetCache:
    """Everything needed to count and label facets for one index generation."""

    def __init__(self, searcher) -> None:
        reader = searcher.reader()
        self.ndocs = reader.doc_count_all()
        self.person = FieldFacet(reader, "person", self.ndocs)
        self.country = FieldFacet(reader, "country", self.ndocs)
        self.years = self._years(reader)
        self.person_names = self._display_names(reader)
        self._person_words: dict[str, set[int]] | None = None

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

    def _display_names(self, reader) -> dict[str, str]:
        # The facet value shown for a person is the archive's most frequent written form
        # of their folded key ("Sergueï Lavrov" over "SERGUEÏ LAVROV").
        best: dict[str, tuple[int, str]] = {}
        if "person_form" in reader.indexed_field_names():
            for term, info in reader.iter_field("person_form"):
                form = term.decode("utf-8") if isinstance(term, bytes) else term
                key = fold(form)
                freq = info.doc_frequency()
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

    def top(self, facet: FieldFacet, mask: np.ndarray | None, limit: int, exclude: set[str] = frozenset()) -> list[tuple[str, int]]:
        """The `limit` most frequent values in the selection, most frequent first."""
        counts = facet.count(mask)
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

    def year_counts(self, mask: np.ndarray | None) -> list[tuple[int, int]]:
        """(year, count) for the selection, oldest first; undated articles are left out."""
        years = self.years if mask is None else self.years[mask]
        years = years[years > 0]
        if years.size == 0:
            return []
        values, counts = np.unique(years, return_counts=True)
        return [(int(v), int(c)) for v, c in zip(values, counts, strict=True)]

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
        if key in self.person.index:
            return [key]
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
            if not key or value.startswith(key) or any(w.startswith(key) for w in value.split()):
                matches.append(i)
        matches.sort(key=lambda i: -int(self.person.doc_counts[i]))
        return [FacetValue(self.person_name(self.person.values[i]), int(self.person.doc_counts[i])) for i in matches[:limit]]
