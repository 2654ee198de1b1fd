"""Person merges a user can correct: a plain-text alias file beside the index.

    # <index>/aliases.txt: one rule per line, "#" starts a comment
    Vladimir Poutine = Vladimir Putin      # merge: "Vladimir Putin" is shown and counted as "Vladimir Poutine"
    Marine Le Pen != Le Pen                # split: "Le Pen" alone is never merged into "Marine Le Pen"

Merges apply to every article's persons (at indexing and by `newsarchive reindex
--entities`); splits forbid the automatic merges the indexer would otherwise make: a
shorter name joining a longer one within an article, and a surname-only facet value
resolving to the archive's dominant full name (`resolve_surnames`, applied by the facets).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .article import Person
from .text import NAME_PARTICLES, fold

FILE = "aliases.txt"

TEMPLATE = """\
# newsarchive aliases: correct the indexer's person merges, one rule per line.
#   Canonical Name = Other Name     merge "Other Name" into "Canonical Name"
#   Full Name != Short Name         never merge "Short Name" into "Full Name"
# Names match whatever their case, accents or hyphens. Apply the file to the articles
# already indexed with:  newsarchive reindex --entities
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
    Chains resolve to their end ("pen" and "le pen" -> "marine le pen"). Keys that
    resolve to nothing are absent, and so are pairs `forbids(short, long)` rejects.
    """
    by_suffix: dict[tuple[str, ...], list[str]] = {}
    for key in counts:
        words = tuple(key.split())
        for n in range(1, len(words)):
            by_suffix.setdefault(words[-n:], []).append(key)
    resolved: dict[str, str] = {}
    for key in counts:
        words = key.split()
        if len(words) > 1 and words[0] not in NAME_PARTICLES:
            continue  # a full name itself ("emmanuel macron"), not a surname
        full = [k for k in by_suffix.get(tuple(words), []) if k.split()[0] not in NAME_PARTICLES]
        if not full:
            continue
        persons: dict[str, int] = {}
        for name in full:  # each full name counts for the shortest full name it ends with
            person = min((f for f in full if name == f or name.endswith(" " + f)), key=lambda f: len(f.split()))
            persons[person] = persons.get(person, 0) + counts[name]
        best = max(persons, key=lambda k: (persons[k], -len(k.split()), k))
        if persons[best] >= share * sum(persons.values()) and not (forbids and forbids(key, best)):
            resolved[key] = best
    return resolved
