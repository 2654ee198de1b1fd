"""A facet of names (persons, organisations): one value per person or organisation, whatever the spelling.

Values are folded keys ("serguei lavrov"); each is shown in the archive's most frequent
written form. Some keys are counted as another (the alias file's merges, bare surnames
resolved to the dominant full name, acronyms joined to their long form): their articles
then count for the target, and a filter on the target also finds them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from newsarchive.index.text import fold

from .facet_arrays import FieldFacet


@dataclass
class FacetValue:
    """One facet value with its count."""

    value: str
    count: int


def display_forms(forms: FieldFacet) -> dict[str, str]:
    """Key -> the archive's most frequent written form of it ("Sergueï Lavrov" over "SERGUEÏ LAVROV")."""
    best: dict[str, tuple[tuple[int, int, int], str]] = {}
    for form, freq in zip(forms.values, forms.doc_counts.tolist(), strict=True):
        key = fold(form)
        # Ties prefer the form with accents (more information) then the longest.
        rank = (freq, sum(not ch.isascii() for ch in form), len(form))
        if key not in best or rank > best[key][0]:
            best[key] = (rank, form)
    return {key: form for key, (_, form) in best.items()}


class NameFacet:
    """The values of one name field, their display forms and the merges between them."""

    def __init__(self, field: FieldFacet, forms: FieldFacet, merges: dict[str, str], merge_names: dict[str, str] | None = None) -> None:
        """`merges` maps keys to the key they are counted as; `merge_names` the display name a merge asks for (alias file)."""
        self.field = field
        self.names = display_forms(forms)
        self.counts_before_merges = {v: int(c) for v, c in zip(field.values, field.doc_counts, strict=True)}
        self.merged_into = {k: v for k, v in merges.items() if k != v}
        field.remap(self.merged_into)
        self.members: dict[str, list[str]] = defaultdict(list)
        for key, target in self.merged_into.items():
            self.members[target].append(key)
            if target not in self.names:
                self.names[target] = (merge_names or {}).get(key) or target
        self._words: dict[str, set[int]] | None = None

    def name(self, key_or_name: str) -> str:
        """The display name for a key or any written form of the name."""
        return self.names.get(fold(key_or_name), key_or_name)

    def known(self, key: str) -> bool:
        """True when `key` is a value with articles (after merges)."""
        i = self.field.index.get(key)
        return i is not None and self.field.doc_counts[i] > 0

    def keys(self, text: str) -> list[str]:
        """Keys meant by `text`: the exact name if known (with the keys merged into it), else names containing all its words."""
        key = fold(text)
        if not key:
            return []
        key = self.merged_into.get(key, key)
        if key in self.field.index:
            # The articles that name only a merged form ("Macron") are indexed under it.
            return [key, *self.members.get(key, [])]
        if self._words is None:
            words: dict[str, set[int]] = defaultdict(set)
            for i, value in enumerate(self.field.values):
                for word in value.split():
                    words[word].add(i)
            self._words = dict(words)
        sets = [self._words.get(w, set()) for w in key.split()]
        ids = set.intersection(*sets) if sets else set()
        return [self.field.values[i] for i in sorted(ids, key=lambda i: -int(self.field.doc_counts[i]))]

    def lookup(self, prefix: str, limit: int = 20) -> list[FacetValue]:
        """Values whose name (or one of its words) starts with `prefix`, most frequent first."""
        key = fold(prefix)
        matches = []
        for i, value in enumerate(self.field.values):
            if self.field.doc_counts[i] == 0:
                continue  # merged into another value
            if not key or value.startswith(key) or any(w.startswith(key) for w in value.split()):
                matches.append(i)
        matches.sort(key=lambda i: -int(self.field.doc_counts[i]))
        return [FacetValue(self.name(self.field.values[i]), int(self.field.doc_counts[i])) for i in matches[:limit]]

    def spellings(self, key: str) -> list[tuple[str, int]]:
        """The keys counted as `key` with their own article counts, and `key` itself, most frequent first."""
        keys = [key, *self.members.get(key, [])]
        return sorted(((self.name(k) if k in self.names else k, self.counts_before_merges.get(k, 0)) for k in keys), key=lambda kc: -kc[1])
