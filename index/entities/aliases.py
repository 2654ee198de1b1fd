"""Person and organisation merges a user can correct: a plain-text alias file beside the index.

    # <index>/aliases.txt: one rule per line, "#" starts a comment
    Vladimir Poutine = Vladimir Putin      # merge: "Vladimir Putin" is shown and counted as "Vladimir Poutine"
    Marine Le Pen != Le Pen                # split: "Le Pen" alone is never merged into "Marine Le Pen"

Merges apply to every article's persons (at indexing and by `newsarchive reindex
--entities`) and to the person and organisation facets; splits forbid the automatic
merges the indexer would otherwise make: a shorter name joining a longer one within an
article, a surname-only facet value resolving to the archive's dominant full name
(`resolve_surnames`, applied by the facets), and any archive-level organisation merge
between the two names, whichever way round they are written (org_archive.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..article import Person
from ..layout import ALIASES
from ..text import NAME_PARTICLES, fold
from .lexicon import is_given_name

FILE = ALIASES

TEMPLATE = """\
# newsarchive aliases: correct the indexer's person and organisation merges, one rule per line.
#   Canonical Name = Other Name     merge "Other Name" into "Canonical Name"
#   Full Name != Short Name         never merge "Short Name" into "Full Name"
#   Front national != Rassemblement national     keep two organisation values apart (either order)
# Names match whatever their case, accents or hyphens. The facets follow the file, and
# organisation rules need nothing more. Apply person rules to the articles already
# indexed (and organisation splits to the merges made within articles) with:
#   newsarchive reindex --entities
"""


class AliasError(ValueError):
    """A line of the alias file cannot be read; the message names the line."""


@dataclass
class Aliases:
    """Merge and split rules, by folded name key."""

    merges: dict[str, str] = field(default_factory=dict)  # other key -> canonical display name
    splits: set[tuple[str, str]] = field(default_factory=set)  # (short key, long key) never merged

    @classmethod
    def parse(cls, text: str, source: str = FILE) -> Aliases:
        """Read rules from the text of an alias file."""
        aliases = cls()
        for number, raw in enumerate(text.splitlines(), start=1):
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            if "!=" in line:
                left, right = (part.strip() for part in line.split("!=", 1))
                if not fold(left) or not fold(right):
                    raise AliasError(f"{source}:{number}: a split needs a name on each side of '!=': {raw.strip()!r}")
                aliases.splits.add((fold(right), fold(left)))
            elif "=" in line:
                left, right = (part.strip() for part in line.split("=", 1))
                if not fold(left) or not fold(right):
                    raise AliasError(f"{source}:{number}: a merge needs a name on each side of '=': {raw.strip()!r}")
                if fold(left) == fold(right):
                    raise AliasError(f"{source}:{number}: both sides name the same person: {raw.strip()!r}")
                aliases.merges[fold(right)] = left
            else:
                raise AliasError(f"{source}:{number}: expected 'Name = Other Name' or 'Name != Other Name': {raw.strip()!r}")
        return aliases

    @classmethod
    def load(cls, index_dir: Path) -> Aliases:
        """The rules of <index>/aliases.txt (none when the file does not exist)."""
        path = Path(index_dir) / FILE
        if not path.exists():
            return cls()
        return cls.parse(path.read_text("utf-8"), str(path))

    def forbids(self, short_key: str, long_key: str) -> bool:
        """True when a split rule says `short_key` must not merge into `long_key`."""
        return (short_key, long_key) in self.splits

    def apply(self, persons: list[Person]) -> list[Person]:
        """Persons with merge rules applied (two persons that become one are combined)."""
        if not self.merges:
            return persons
        combined: dict[str, Person] = {}
        for person in persons:
            name = self.merges.get(fold(person.name), person.name)
            key = fold(name)
            if key in combined:
                target = combined[key]
                for mention in [person.name, *person.mentions]:
                    if mention not in target.mentions:
                        target.mentions.append(mention)
            else:
                mentions = list(person.mentions)
                if name != person.name and person.name not in mentions:
                    mentions.insert(0, person.name)
                combined[key] = Person(name=name, mentions=mentions)
        return list(combined.values())


# The share of the articles naming a full name with a given surname that the leading
# person must have for the bare surname to resolve to them: "Macron" -> "emmanuel macron"
# beside a frequent "brigitte macron" (1,606 against 600 articles: 0.73), but "Trump"
# stays alone beside "donald trump" 100 and "ivanka trump" 50 (0.67). A lone full name
# always qualifies.
SURNAME_SHARE = 0.7


def resolve_surnames(
    counts: dict[str, int], share: float = SURNAME_SHARE, forbids: Callable[[str, str], bool] | None = None
) -> dict[str, str]:
    """Map each folded surname-only person key to the archive's dominant full-name key that ends with it.

    `counts` maps folded person keys (`text.fold` of Person.name, as indexed) to how
    many articles name them. For a surname key K (one word, or words after a particle:
    "macron", "le drian", "pen"), the full names
    are the longer keys ending with K's words that do not start with a particle ("le
    pen" is a surname form of "marine le pen", not a full name). Like is compared with
    like: a full name and its longer variants ("x emmanuel macron", a word glued before
    the name) count as one person, the shortest; K resolves to the person who has at
    least `share` of the articles of all those persons together, so a frequent second
    bearer of the surname does not block the resolution, and two comparable ones do.
    Chains resolve to their end ("pen" and "le pen" -> "marine le pen"). A one-word key
    that ends no full name but starts exactly one, named in at least as many articles,
    and is no given name ("donald" stays alone), is that person's short name:
    "dieudonne" -> "dieudonne m bala m bala". Keys that resolve to nothing
    are absent, and so are pairs `forbids(short, long)` rejects.
    """
    by_suffix: dict[tuple[str, ...], list[str]] = {}
    by_first: dict[str, list[str]] = {}
    for key in counts:
        words = tuple(key.split())
        for n in range(1, len(words)):
            by_suffix.setdefault(words[-n:], []).append(key)
        if len(words) > 1 and words[0] not in NAME_PARTICLES:
            by_first.setdefault(words[0], []).append(key)
    resolved: dict[str, str] = {}
    for key in counts:
        words = tuple(key.split())
        if len(words) > 1 and words[0] not in NAME_PARTICLES:
            continue  # a full name itself ("emmanuel macron"), not a surname
        full = [k for k in by_suffix.get(tuple(words), []) if k.split()[0] not in NAME_PARTICLES]
        if not full:
            starting = _shortest(by_first.get(key, [])) if len(words) == 1 and not is_given_name(key) else []
            if len(starting) == 1 and counts[starting[0]] >= counts[key] and not (forbids and forbids(key, starting[0])):
                resolved[key] = starting[0]
            continue
        persons: dict[str, int] = {}
        for name in full:  # each full name counts for the shortest full name it ends with
            person = min((f for f in full if name == f or name.endswith(" " + f)), key=lambda f: len(f.split()))
            persons[person] = persons.get(person, 0) + counts[name]
        best = max(persons, key=lambda k: (persons[k], -len(k.split()), k))
        if persons[best] >= share * sum(persons.values()) and not (forbids and forbids(key, best)):
            resolved[key] = best
    return resolved


def _shortest(keys: list[str]) -> list[str]:
    # The full names that no shorter one of `keys` begins ("dieudonne m bala m bala"
    # stands for "dieudonne m bala m bala x" too).
    return [k for k in keys if not any(o != k and k.startswith(o + " ") for o in keys)]


# How much rarer a misspelt full name must be than the spelling it is merged into.
MISSPELLING_RATIO = 5


def resolve_misspellings(
    counts: dict[str, int], ratio: int = MISSPELLING_RATIO, forbids: Callable[[str, str], bool] | None = None
) -> dict[str, str]:
    """Map each folded full-name key that looks like a misspelling of a far more frequent one to that key.

    `counts` maps folded person keys to how many articles name them, as for
    `resolve_surnames`. Two full names (two words or more, as many in each) are one
    person spelled two ways when they differ in one word only, that word has at least 5
    letters in both and one edit after its first letter (a letter added, dropped or
    changed, or two neighbours swapped) turns one into the other, as typing slips do
    ("francois villon" is another man than "francois fillon"): "benjamin grivaux" and "benjamin griveaux",
    "priscilla ludosky" and "priscillia ludosky". The rarer one merges into the other
    when it is at least `ratio` times rarer, so two real people with close names, both
    frequent, stay apart; a key close to several frequent ones merges into none. Pairs
    `forbids(rare, frequent)` rejects (a split rule of the alias file) are not merged.
    Pure, like `resolve_surnames`; chains end at the most frequent spelling.
    """
    # Candidates share every word but one and that word's first letter: one bucket per
    # (key, word position), so the archive's 100,000 names are not compared pairwise.
    by_shape: dict[tuple[str, ...], list[str]] = {}
    for key in counts:
        words = key.split()
        if len(words) > 1:
            for shape in _shapes(words):
                by_shape.setdefault(shape, []).append(key)
    resolved: dict[str, str] = {}
    for key, n in counts.items():
        words = key.split()
        if len(words) < 2:
            continue
        near = sorted({
            other for shape in _shapes(words) for other in by_shape[shape]
            if counts[other] >= ratio * n and _one_word_apart(words, other.split())
        })
        if len(near) == 1 and not (forbids and forbids(key, near[0])):
            resolved[key] = near[0]
    for key, target in resolved.items():  # chains end at the most frequent spelling (counts grow along them)
        seen = {key}
        while target in resolved and target not in seen:
            seen.add(target)
            target = resolved[target]
        resolved[key] = target
    return resolved


def _shapes(words: list[str]) -> list[tuple[str, ...]]:
    return [(*words[:i], word[0] + "*", *words[i + 1:]) for i, word in enumerate(words) if len(word) >= 5]


def _one_word_apart(words: list[str], others: list[str]) -> bool:
    # One word differs, by one edit after its first letter ("villon" is no misspelling of "fillon").
    differ = [(a, b) for a, b in zip(words, others, strict=True) if a != b]
    if len(differ) != 1 or min(len(differ[0][0]), len(differ[0][1])) < 5 or differ[0][0][0] != differ[0][1][0]:
        return False
    return _one_edit(differ[0][0][1:], differ[0][1][1:])


def _one_edit(a: str, b: str) -> bool:
    """True when one insertion, deletion, substitution or swap of neighbours turns `a` into `b` (a != b)."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    short, long = sorted((a, b), key=len)
    i = next((i for i, (x, y) in enumerate(zip(short, long[:len(short)], strict=True)) if x != y), len(short))
    return short[i:] == long[i + 1:]


def resolve_person_keys(counts: dict[str, int], forbids: Callable[[str, str], bool] | None = None) -> dict[str, str]:
    """The archive-level person merges: misspelt full names into their frequent spelling,
    then bare surnames into the dominant full name, counted after the first merge (so a
    rarer spelling adds its articles to its person, and "grivaux" ends at "benjamin griveaux")."""
    spelled = resolve_misspellings(counts, forbids=forbids)
    merged: dict[str, int] = {}
    for key, n in counts.items():
        target = spelled.get(key, key)
        merged[target] = merged.get(target, 0) + n
    surnames = resolve_surnames(merged, forbids=forbids)
    return {**spelled, **{key: spelled.get(target, target) for key, target in surnames.items()}}
