"""Facet counts over a whole result set, in time that does not grow with the hits.

Each facet field is loaded per index generation as (document, value) arrays
(facet_arrays.py); counting a result set is then a mask over document numbers and one
numpy bincount: the cost is bounded by the size of the archive, whatever the number of
hits, and no Python loop runs over hits. Names (persons, organisations) are merged and
shown in their archive-wide form (names.py); publications get their label (sources.txt,
else the archive's metadata); years come from the publication day column.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from babel import Locale
from whoosh.analysis import Analyzer
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from newsarchive.index.entities.aliases import Aliases, resolve_person_keys
from newsarchive.index.entities.countries import country_label, resolve_country
from newsarchive.index.entities.org_archive import organisation_merges
from newsarchive.index.extraction.sources import Sources, key_of
from newsarchive.index.store.schema import FACET_FIELDS
from newsarchive.index.text import fold

from .facet_arrays import FieldFacet, LeafCache, SegmentFiles, leaf_key, load_leaf
from .names import NameFacet, display_forms
from .request import QueryError


@dataclass(frozen=True)
class FacetKind:
    """One facet: its name (the JSON key, the URL key of its filter, the index field) and how its values show."""

    name: str
    request: str  # the SearchRequest attribute holding its filter values
    labelled: bool  # values are codes or keys shown with a label ({"value", "label", "count"})
    any_of: bool  # several values filter for any of them (an article has one source), else for all of them


FACETS = (
    FacetKind("person", "persons", labelled=False, any_of=False),
    FacetKind("organisation", "organisations", labelled=False, any_of=False),
    FacetKind("country", "countries", labelled=True, any_of=False),
    FacetKind("source", "sources", labelled=True, any_of=True),
    FacetKind("language", "languages", labelled=True, any_of=True),
    FacetKind("agency", "agencies", labelled=False, any_of=True),
    FacetKind("signature", "authors", labelled=False, any_of=True),
)
NAME_FACETS = ("person", "organisation")


# The accented letters of French words: the forms a folded prefix may stand for in the exact-form field.
_ACCENTED = {"a": "àâä", "c": "ç", "e": "éèêë", "i": "îï", "o": "ôö", "u": "ùûü", "y": "ÿ"}


_VARIANTS = {chr(c): chr(c) + _ACCENTED.get(chr(c), "") for c in range(ord("a"), ord("z") + 1)}


def exact_forms_starting(reader: IndexReader, folded: str) -> list[str]:
    """The terms of the exact-form field whose first letters fold to `folded`, from the term index (no full scan)."""
    if "exact" not in reader.indexed_field_names():
        return []
    prefixes = [""]
    for letter in folded:
        prefixes = [p + v for p in prefixes for v in _VARIANTS.get(letter, letter)]
    found: set[str] = set()
    for prefix in prefixes:
        found.update(t.decode("utf-8") if isinstance(t, bytes) else t for t in reader.expand_prefix("exact", prefix))
    return sorted(found)


@lru_cache(maxsize=256)
def language_label(code: str) -> str:
    """The French name of a language code ("en" -> "anglais")."""
    return Locale("fr").languages.get(code, code)


@lru_cache(maxsize=1)
def _language_codes() -> dict[str, str]:
    names = {}
    for locale in ("en", "fr"):
        names.update({fold(name): code for code, name in Locale(locale).languages.items() if len(code) == 2})
    return names


def resolve_language(text: str) -> str | None:
    """A language code from a code or a French or English name ("fr", "français", "French" -> "fr")."""
    key = fold(text)
    if len(key) == 2 and key.isalpha() and key in Locale("fr").languages:
        return key
    return _language_codes().get(key)


class FacetCache:
    """Everything needed to count and label facets for one index generation."""

    def __init__(self, searcher: Searcher, aliases: Aliases | None = None, leaves: LeafCache | None = None,
                 sources: Sources | None = None, segments: SegmentFiles | None = None) -> None:
        """`leaves`, kept by the caller between index generations, holds each segment's pairs:
        after a commit only the new segments are read. `segments` maps each segment's arrays
        file, where it has one, instead of reading the segment."""
        reader = searcher.reader()
        self.ndocs = reader.doc_count_all()
        self.aliases = aliases or Aliases()
        self.sources = sources or Sources()
        self.segments = segments or SegmentFiles(None)
        fields = self._load(reader, leaves if leaves is not None else {})
        self.fields = fields
        self.years = self._years(reader)
        alias_merges = {key: fold(name) for key, name in self.aliases.merges.items()}
        self.names = {
            "person": NameFacet(fields["person"], fields["person_form"], self._person_merges(fields["person"], alias_merges), self.aliases.merges),
            "organisation": NameFacet(fields["organisation"], fields["organisation_form"],
                                      self._organisation_merges(fields["organisation"], fields["organisation_mention"],
                                                                fields["organisation_form"], alias_merges),
                                      self.aliases.merges),
            # Journalists: one value per folded name, shown in its most frequent written form; no merges.
            "signature": NameFacet(fields["signature"], fields["signature_form"], {}),
        }
        self.names["organisation"].names.update(self.organisation_labels)  # "Les Échos" for the value of "Échos" and "Les Echos"
        self.source_merges = self.sources.merges()
        self.source_members: dict[str, list[str]] = defaultdict(list)
        for key, target in self.source_merges.items():
            self.source_members[target].append(key)
        fields["source"].remap(self.source_merges)
        self.source_labels = self._source_labels(fields["source"], fields["source_name"])
        self.groups = self._groups(fields["dup_group"])

    def _person_merges(self, persons: FieldFacet, alias_merges: dict[str, str]) -> dict[str, str]:
        """Person keys counted as another: the alias file's merges, then misspelt full names
        and bare surnames resolved to the archive's dominant full name ("macron" -> "emmanuel macron")."""
        counts = {v: int(c) for v, c in zip(persons.values, persons.doc_counts, strict=True) if v not in alias_merges}
        return {**alias_merges, **resolve_person_keys(counts, forbids=self.aliases.forbids)}

    def _organisation_merges(self, organisations: FieldFacet, mentions: FieldFacet, forms: FieldFacet,
                             alias_merges: dict[str, str]) -> dict[str, str]:
        """Organisation keys counted as another: the alias file's merges, then one value per body across the
        archive (org_archive.py: an acronym and its long form, the names of a listed body, spellings, short
        forms); `organisation_merge_reasons` says why each key was merged, `organisation_labels` the listed names shown."""
        counts = {v: int(c) for v, c in zip(organisations.values, organisations.doc_counts, strict=True) if v not in alias_merges}
        joined: dict[str, dict[str, int]] = defaultdict(dict)
        for pair, n in zip(mentions.values, mentions.doc_counts.tolist(), strict=True):
            name, _, acronym = pair.partition("|")
            if name not in alias_merges and acronym not in alias_merges and not self.aliases.forbids(acronym, name):
                joined[name][acronym] = n
        merges = organisation_merges(counts, joined, forbids=self.aliases.forbids, shown=display_forms(forms))
        self.organisation_merge_reasons = {**{key: "alias file" for key in alias_merges}, **merges.reasons}
        self.organisation_labels = merges.labels
        return {**alias_merges, **merges.targets}

    def _source_labels(self, sources: FieldFacet, names: FieldFacet) -> dict[str, str]:
        """Each publication key's label: the sources file's, else the name its articles give most often, else the key."""
        key_of_doc, name_of_doc = sources.value_of_docs(), names.value_of_docs()
        both = (key_of_doc >= 0) & (name_of_doc >= 0)
        n = max(1, len(names.values))
        pairs, counts = np.unique(key_of_doc[both] * n + name_of_doc[both], return_counts=True)
        best: dict[int, int] = {}
        for pair in pairs[np.lexsort((pairs, -counts))].tolist():  # most frequent (key, name) first
            best.setdefault(pair // n, pair % n)
        return {key: self.sources.labels.get(key) or (names.values[best[i]] if i in best else key) for i, key in enumerate(sources.values)}

    def _load(self, reader: IndexReader, leaves: LeafCache) -> dict[str, FieldFacet]:
        """Every facet field over the index, from the segments' pairs (`leaves` caches them by segment)."""
        segments = reader.leaf_readers() if self.ndocs else []
        loaded: LeafCache = {}
        for leaf, _ in segments:
            key = leaf_key(leaf)
            loaded[key] = leaves[key] if key in leaves else load_leaf(leaf, self.segments.get(leaf))
        leaves.clear()
        leaves.update(loaded)  # segments merged away or with new deletions are forgotten
        self.segments.retain([leaf for leaf, _ in segments])
        return {name: FieldFacet.combine([(loaded[leaf_key(leaf)][name], offset) for leaf, offset in segments], self.ndocs)
                for name in FACET_FIELDS}

    # -- values and their labels ------------------------------------------------------------

    def facet(self, kind: str) -> FieldFacet:
        """The (document, value) arrays of a facet (names after their merges)."""
        return self.names[kind].field if kind in self.names else self.fields[kind]

    def label(self, kind: str, value: str) -> str:
        """How a value of a facet is shown."""
        if kind in self.names:
            return self.names[kind].name(value)
        if kind == "country":
            return country_label(value)
        if kind == "source":
            return self.source_labels.get(value, value)
        if kind == "language":
            return language_label(value)
        return value

    def terms_for(self, kind: str, value: str) -> list[str]:
        """The index terms a filter value means (none: it matches nothing); QueryError for an unknown country or language."""
        if kind in self.names:
            return self.names[kind].keys(value)
        if kind == "country":
            code = resolve_country(value)
            if code is None:
                raise QueryError(f"unknown country {value!r}: use an ISO code (RU) or a French or English name (Russie, Russia)")
            return [code]
        if kind == "language":
            code = resolve_language(value)
            if code is None:
                raise QueryError(f"unknown language {value!r}: use a code (fr, en) or a name (français, English)")
            return [code]
        facet = self.fields[kind]
        if kind == "source":
            key = key_of(value)
            key = self.source_merges.get(key, key) if key is not None else None
            targets = [key] if key in facet.index else [k for k, label in self.source_labels.items() if fold(label) == fold(value)]
            return [term for k in targets for term in (k, *self.source_members.get(k, []))]
        return [v for v in facet.values if fold(v) == fold(value)]

    def shown(self, kind: str, value: str) -> str | dict[str, str]:
        """A filter value as the result reports it: a display name, or its code or key with a label."""
        if kind == "country":
            code = resolve_country(value) or value
            return {"code": code, "name": country_label(code)}
        terms = self.terms_for(kind, value)
        if kind in ("source", "language"):
            key = terms[0] if terms else value
            return {"value": key, "label": self.label(kind, key)}
        if kind in self.names:
            names = self.names[kind]
            key = names.merged_into.get(fold(value), fold(value))
            if names.known(key):
                return names.name(key)  # the value itself, with the keys merged into it
        return self.label(kind, terms[0]) if len(terms) == 1 else value

    def person_name(self, key_or_name: str) -> str:
        """The display name for a person key or any written form of the name."""
        return self.names["person"].name(key_or_name)

    def person_keys(self, text: str) -> list[str]:
        """Person keys meant by `text` (see NameFacet.keys)."""
        return self.names["person"].keys(text)

    def _groups(self, facet: FieldFacet) -> np.ndarray:
        """A near-duplicate group number per document; an article with no group is its own."""
        groups = np.arange(len(facet.values), len(facet.values) + self.ndocs, dtype=np.int64)  # own groups by default
        groups[facet.docs] = facet.vals
        self.group_ids = facet.values
        return groups

    def _column(self, reader: IndexReader, name: str) -> np.ndarray:
        """A numeric column over the whole index, segment by segment; zeros where a segment was written without it."""
        values = np.zeros(self.ndocs, dtype=np.int64)
        if name not in reader.schema:
            return values  # an index written before the field existed
        for leaf, offset in reader.leaf_readers():
            mapped = self.segments.get(leaf)
            if mapped is not None:
                found = mapped.column(name)
                if found is not None:  # else the segment was written without the column: zeros
                    values[offset:offset + found.size] = found
            elif leaf.has_column(name):
                count = leaf.doc_count_all()
                column = leaf.column_reader(name)
                values[offset:offset + count] = np.fromiter((column[i] for i in range(count)), dtype=np.int64, count=count)
        return values

    def _years(self, reader: IndexReader) -> np.ndarray:
        """Publication year per document (0 when undated), from the day_newest column."""
        self.days = self._column(reader, "day_newest")
        self.added = self._column(reader, "added")  # the generation that first committed each article (0: before it was kept)
        self.added_at = self._column(reader, "added_at")  # and when, in seconds
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

    def mask(self, docnums: np.ndarray) -> np.ndarray:
        """A boolean mask over all documents with the given document numbers set."""
        mask = np.zeros(self.ndocs, dtype=bool)
        if docnums.size:
            mask[docnums] = True
        return mask

    def top(self, kind: str, mask: np.ndarray | None, limit: int, by_group: bool = False) -> list[tuple[str, int]]:
        """The `limit` most frequent values of a facet in the selection (groups counted once with `by_group`);
        most frequent first, equal counts in the order of their labels."""
        facet = self.facet(kind)
        counts = facet.count(mask, self.groups if by_group else None)
        if counts.size == 0 or limit <= 0:
            return []
        nonzero = np.flatnonzero(counts)
        if nonzero.size > limit:
            # Every value counted at least as often as the limit-th, so that ties at the cut are ordered by label too.
            threshold = np.partition(counts[nonzero], nonzero.size - limit)[nonzero.size - limit]
            nonzero = nonzero[counts[nonzero] >= threshold]
        ordered = sorted(nonzero.tolist(), key=lambda i: (-int(counts[i]), fold(self.label(kind, facet.values[i]))))
        return [(facet.values[i], int(counts[i])) for i in ordered[:limit]]

    def values(self, kind: FacetKind, mask: np.ndarray | None, limit: int, by_group: bool = False) -> list[dict[str, Any]]:
        """One facet of a selection, as the result JSON gives it."""
        top = self.top(kind.name, mask, limit, by_group)
        if kind.labelled:
            return [{"value": v, "label": self.label(kind.name, v), "count": n} for v, n in top]
        return [{"value": self.label(kind.name, v), "count": n} for v, n in top]

    def counts(self, mask: np.ndarray | None, limit: int, by_group: bool = False) -> dict[str, list[dict[str, Any]]]:
        """Every facet of a selection, and its years, as the result JSON gives them."""
        found = {kind.name: self.values(kind, mask, limit, by_group) for kind in FACETS}
        found["year"] = [{"value": year, "count": n} for year, n in self.year_counts(mask, by_group=by_group)]
        return found

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

    def word_forms(self, reader: IndexReader, analyzer: Analyzer) -> Callable[[str], list[tuple[str, int]]]:
        """A function: analysed term -> [(word form as written, articles)] from the exact-form field."""
        cache = self.__dict__.setdefault("_forms_of", {})

        def forms(stem: str) -> list[tuple[str, int]]:
            if stem not in cache:
                # Stems keep their first letters once folded: only forms starting like the stem can analyse to it.
                found = [f for f in exact_forms_starting(reader, stem[:3]) if f.isalpha() and [t.text for t in analyzer(f)] == [stem]]
                cache[stem] = [(f, reader.doc_frequency("exact", f)) for f in found]
            return cache[stem]

        return forms

    def written_forms(self, word: str) -> list[str]:
        """How the archive writes a person's surname, lower-cased as the exact-form field holds it ("melenchon" ->
        ["mélenchon", "melenchon"]): the surnames of its persons' display names, and the word as typed."""
        spelled = self.__dict__.get("_spelled")
        if spelled is None:
            spelled = defaultdict(set)
            persons = self.names["person"]
            for value in persons.field.values:
                words = persons.name(value).split()
                if len(words) >= 2:
                    spelled[fold(words[-1])].add(words[-1].lower())
            self._spelled = spelled
        return sorted({word.lower(), *spelled.get(fold(word), ())})

    @property
    def surnames(self) -> frozenset[str]:
        """The last words of the archive's full person names (two words or more, named in two articles or more), folded."""
        found = self.__dict__.get("_surnames")
        if found is None:
            field = self.names["person"].field
            found = self._surnames = frozenset(v.split()[-1] for v, n in zip(field.values, field.doc_counts.tolist(), strict=True)
                                               if n >= 2 and len(v.split()) >= 2)
        return found

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
