"""Person merges a user can correct: a plain-text alias file beside the index.

    # <index>/aliases.txt: one rule per line, "#" starts a comment
    Vladimir Poutine = Vladimir Putin      # merge: "Vladimir Putin" is shown and counted as "Vladimir Poutine"
    Marine Le Pen != Le Pen                # split: "Le Pen" alone is never merged into "Marine Le Pen"

Merges apply to every article's persons (at indexing and by `newsarchive reindex
--entities`); splits forbid the automatic merges the indexer would otherwise make: a
shorter name joining a longer one within an article, and a surname-only facet value
resolving to the archive's dominant full name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .analysis import fold
from .article import Person

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
