"""One facet value per body across an archive: the organisation keys that name the same body, merged.

An archive writes one body many ways, in different articles: "LREM" and "LaREM", "BFM TV"
and "BFMTV", "Le Monde" and "Monde", "Assemblée" beside a frequent "Assemblée
nationale". `organisation_merges` maps each folded key (as the index stores it) to the
key its articles are counted under, with the reason, from five kinds of evidence:

- acronym: the archive's own "long form (ACRONYM)" joins (`resolve_acronyms`);
- known names: the names data/organisation_names.tsv lists for one body (org_names.py);
- spelling: the same name but for spaces, hyphens, case, a leading article or a company's
  legal form or trade after it ("BFM TV" and "BFMTV", "Bentley Motors" and "Bentley");
- ministry: a ministry named by its first portfolio ("ministère de l'Économie") and by
  all of them ("ministère de l'Économie et des Finances");
- short form: a name whose words begin exactly one far more frequent value, which
  has most of the articles of all the values they begin ("Assemblée" ->
  "Assemblée nationale", not "Renault" -> "Renault-Nissan").

Two keys the list gives to two different bodies are never joined, whatever the rest
says, and neither are two keys a split rule of the alias file keeps apart (`forbids`,
either way round). Each group then counts under its key with the most articles (on a tie,
the listed body's own name), or the same name with its article when the archive writes it
so often enough ("Les Échos" rather than "Échos").
Pure: search/facets.py gives it the counts of an index and applies it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from ..text import fold
from .org_merges import resolve_acronyms
from .org_names import known_body, squash
from .org_words import is_acronym

# A short form joins the value its words begin when that value has at least this share of
# the articles of all the values they begin (as resolve_surnames does for persons).
SHORT_FORM_SHARE = 0.7
_ARTICLE = re.compile(r"(?:le|la|les|l) ")
# The name with its article is the one shown when the archive writes it so at least this
# share of the times it writes the bare name ("Les Echos" 15, "Échos" 20), not a sentence's
# first words ("Le Sénat" once beside "Sénat" 188 times).
ARTICLE_SHARE = 0.25
# A company's legal form or the word for its trade after its name: "Bentley Motors" is
# "Bentley", "Volvo Cars" "Volvo", "UBS AG" "UBS" (squashed, so the suffix ends the form).
_COMPANY_SUFFIX = re.compile(
    r"(?<=[a-z0-9])(?:motors|motorcompany|automobiles|automotive|cars|group|groupe|holding|sa|ag|se|inc|corp|corporation|ltd|plc|gmbh|spa|nv)$"
)
REASONS = ("alias file", "acronym", "known names", "spelling", "ministry", "short form")


@dataclass
class OrganisationMerges:
    """Key -> the key it is counted as, and key -> why (one of REASONS)."""

    targets: dict[str, str] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)  # target key -> the listed name to show ("echos" -> "Les Échos")


def organisation_merges(counts: Mapping[str, int], joins: Mapping[str, Iterable[str] | Mapping[str, int]] | None = None,
                        forbids: Callable[[str, str], bool] | None = None, shown: Mapping[str, str] | None = None) -> OrganisationMerges:
    """The archive-level merges of organisation keys.

    `counts`: folded keys -> articles naming them (facet counts, after the alias file's
    merges); `joins`: the acronym joins made inside articles, as `resolve_acronyms` takes
    them; `forbids(a, b)`: True when the alias file keeps `a` out of `b`; `shown`: each
    key's display form, to tell an acronym ("SUD") from a word ("Assemblée"). A listed
    body's name is the label of the value it gives when it differs from the value's
    form only by its article ("Échos" -> "Les Échos").
    """
    groups = _Groups(counts, forbids)
    shown = shown or {}
    # "SNJ-CGT" joined with "SNJ" and "CGT" is two unions' names run together, not a long
    # form; "Mercedes-AMG" and "AMG" are one company's.
    weighted = {key: {o: n for o, n in _weighted(others) if not _run_together(key, o, shown)} for key, others in (joins or {}).items()}
    for key, target in resolve_acronyms(counts, weighted).items():
        groups.join(key, target, "acronym")
    by_body: dict[str, str] = {}
    by_form: dict[str, str] = {}
    for key in sorted(counts, key=lambda k: (-counts[k], k)):
        body = groups.key_body.get(key)
        if body:
            groups.join(key, by_body.setdefault(body, key), "known names")
        form = _COMPANY_SUFFIX.sub("", squash(key)) if " " in key else squash(key)
        if form:
            groups.join(key, by_form.setdefault(form, key), "spelling")
        if key.startswith("ministere ") and " et " in key:
            first = key.split(" et ", 1)[0]  # "ministere de l economie et des finances" -> "ministere de l economie"
            if first in counts:
                groups.join(key, first, "ministry")
    for key, target in _short_forms(counts, groups, shown).items():
        groups.join(key, target, "short form")
    merges = groups.merges()
    for key in counts:
        target = merges.targets.get(key, key)
        listed = known_body(target)
        full = fold(listed.name) if listed else ""
        # Only a name the value lacks its article of ("echos" -> "Les Échos"), and not when
        # that fuller name is a value of its own (split by the alias file).
        if listed and target in (full, _ARTICLE.sub("", full, count=1)) and merges.targets.get(full, full if full in counts else target) == target:
            merges.labels[target] = listed.name
    return merges


def _weighted(others: Iterable[str] | Mapping[str, int]) -> Iterable[tuple[str, int]]:
    return others.items() if isinstance(others, Mapping) else ((o, 1) for o in others)


def _run_together(key: str, other: str, shown: Mapping[str, str]) -> bool:
    # One key is a word of the other, and the longer one's words are all acronyms ("SNJ-CGT").
    short, long = (key, other) if len(key.split()) <= len(other.split()) else (other, key)
    written = re.split(r"[\s-]+", shown.get(long, long))
    return short in long.split() and all(is_acronym(w) for w in written)


def _short_forms(counts: Mapping[str, int], groups: _Groups, shown: Mapping[str, str]) -> dict[str, str]:
    # "assemblee" -> "assemblee nationale": the one group the key's words begin, with at
    # least as many articles as the key's own group and SHORT_FORM_SHARE of all those they
    # begin. Not an acronym ("SUD" is no short "Sud Radio"), nor a listed body's own name
    # ("Unsa" is a union, "Unsa-Police" one of its members).
    by_prefix: dict[str, list[str]] = {}
    for key in counts:
        words = key.split()
        for n in range(1, len(words)):
            by_prefix.setdefault(" ".join(words[:n]), []).append(key)
    found = {}
    for key in counts:
        longer = by_prefix.get(key)
        if not longer or key in groups.key_body or is_acronym(shown.get(key, "")):
            continue
        own = groups.root(key)
        among = set(longer)
        totals: dict[str, int] = {}
        for other in longer:
            # Each longer value counts for the shortest of them it begins with: "aston martin
            # racing" is one more "aston martin" when the question is what "aston" stands for.
            words = other.split()
            shortest = next(p for p in (" ".join(words[:n]) for n in range(2, len(words) + 1)) if p in among)
            root = groups.root(shortest)
            if root != own:
                totals[root] = totals.get(root, 0) + counts[other]
        if not totals:
            continue
        best = max(totals, key=lambda r: (totals[r], r))
        if totals[best] >= groups.total(own) and totals[best] >= SHORT_FORM_SHARE * sum(totals.values()):
            found[key] = best
    return found


class _Groups:
    """Union-find over keys, refusing joins between two listed bodies and the alias file's splits."""

    def __init__(self, counts: Mapping[str, int], forbids: Callable[[str, str], bool] | None) -> None:
        self.counts = counts
        self.forbids = forbids
        self.parent: dict[str, str] = {}
        self.key_body: dict[str, str] = {}  # key -> the listed body it names (by the body's name)
        self.body: dict[str, str] = {}  # group root -> the listed body one of its keys names
        self.sizes: dict[str, int] = {}
        self.reason: dict[str, str] = {}  # key -> the reason of the join that took it into its group
        for key in counts:
            body = known_body(key)
            if body is not None:
                self.key_body[key] = self.body[key] = body.name

    def root(self, key: str) -> str:
        while self.parent.get(key, key) != key:
            key = self.parent[key]
        return key

    def total(self, root: str) -> int:
        return self.sizes.get(root, self.counts.get(root, 0))

    def join(self, key: str, other: str, reason: str) -> None:
        if key == other or key not in self.counts or other not in self.counts:
            return
        if self.forbids and (self.forbids(key, other) or self.forbids(other, key)):
            return
        a, b = self.root(key), self.root(other)
        if a == b:
            return
        body_a, body_b = self.body.get(a), self.body.get(b)
        if body_a and body_b and body_a != body_b:
            return  # "PS" and "Parti communiste" never meet through a third key
        big, small = (a, b) if self.total(a) >= self.total(b) else (b, a)
        self.parent[small] = big
        self.sizes[big] = self.total(big) + self.total(small)
        self.body[big] = body_a or body_b or ""
        self.reason.setdefault(key, reason)
        self.reason.setdefault(other, reason)

    def merges(self) -> OrganisationMerges:
        members: dict[str, list[str]] = {}
        for key in self.parent:
            members.setdefault(self.root(key), []).append(key)
        merges = OrganisationMerges()
        for root, keys in members.items():
            keys = list(dict.fromkeys([root, *keys]))
            # Ties go to the listed body's own name ("bfmtv" over "bfm tv"), then the longest.
            winner = max(keys, key=lambda k: (self.counts.get(k, 0), fold(self.key_body.get(k, "")) == k, len(k.split()), k))
            # The same name with its article is the name ("les echos" over "echos") when the
            # archive writes it so often enough: not "le senat", a sentence's first words.
            winner = next((k for k in keys if k != winner and squash(k) == squash(winner) and _ARTICLE.match(k)
                           and self.counts.get(k, 0) >= ARTICLE_SHARE * self.counts.get(winner, 0)), winner)
            for key in keys:
                if key != winner:
                    merges.targets[key] = winner
                    merges.reasons[key] = self.reason.get(key, "")
        return merges
