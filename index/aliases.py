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
from .text import fold

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


# How much more often the leading full name must occur than all the other full names
# with the same surname for a bare surname to resolve to it ("Macron" -> "emmanuel
# macron" beside a rare "brigitte macron"); a lone full name always qualifies.
SURNAME_DOMINANCE = 3


def resolve_surnames(
    counts: dict[str, int], dominance: int = SURNAME_DOMINANCE, forbids: Callable[[str, str], bool] | None = None
) -> dict[str, str]:
    """Map each folded surname-only person key to the archive's dominant full-name key that ends with it.

    `counts` maps folded person keys (`text.fold` of Person.name, as indexed) to how
    many articles name them. A key K ("lavrov", "le drian") resolves to a longer key L
    ending with K's words ("serguei lavrov") when L is the only such key, or when L
    occurs at least `dominance` times as often as all the other such keys together;
    otherwise K is left alone (two people share the surname and none dominates). Chains
    resolve to their end ("pen" -> "le pen" -> "marine le pen"). Keys that resolve to
    nothing are absent from the result, and so are pairs `forbids(short, long)` rejects.
    """
    by_suffix: dict[tuple[str, ...], list[str]] = {}
    for key in counts:
        words = tuple(key.split())
        for n in range(1, len(words)):
            by_suffix.setdefault(words[-n:], []).append(key)
    resolved: dict[str, str] = {}
    for key in counts:
        longer = sorted(by_suffix.get(tuple(key.split()), []), key=lambda k: (-counts[k], k))
        # Only the longest names compete: "le pen" is itself a surname of "marine le pen".
        full = [k for k in longer if not any(other != k and other.endswith(" " + k) for other in longer)]
        if full and counts[full[0]] >= dominance * sum(counts[k] for k in full[1:]) and not (forbids and forbids(key, full[0])):
            resolved[key] = full[0]
    return resolved
