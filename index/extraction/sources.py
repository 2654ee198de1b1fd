"""Publications: the key that identifies one (its host), and the labels a user can correct in a file beside the index.

    # <index>/sources.txt: one rule per line, "#" starts a comment
    www.lepoint.fr = Le Point               # the label shown for lepoint.fr
    journaldequebec.com = Le Journal de Québec
    Journal de Québec = Le Journal de Québec  # the same label: both are one facet value

A publication's key is the host of its articles' URLs, lower-cased, without "www." (so
"www.lepoint.fr" and "lepoint.fr" are one); an article without a URL is keyed by its
source's name, folded. The label comes from the archive's metadata (og:site_name, the
JSON-LD publisher, the JSON-lines `source`), else it is the host; a rule here overrides
it, and keys given the same label are merged into the first one written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from ..layout import SOURCES
from ..text import fold

FILE = SOURCES

TEMPLATE = """\
# newsarchive sources: the name shown for each publication, one rule per line.
#   www.lepoint.fr = Le Point          show "Le Point" for the articles of lepoint.fr
#   host-or-name = Label               publications given the same label become one facet value
# Hosts match with or without "www."; names whatever their case or accents.
"""

_HOST = re.compile(r"(?:[\w-]+\.)+[a-z]{2,}", re.I)


class SourcesError(ValueError):
    """A line of the sources file cannot be read; the message names the line."""


def source_key(url: str | None = None, source: str | None = None) -> str | None:
    """The key of an article's publication: its URL's host without "www.", else its source (a host, or a name folded)."""
    host = None
    if url:
        try:
            host = urlsplit(url.strip()).hostname
        except ValueError:
            host = None
    if not host and source and _HOST.fullmatch(source.strip()):
        host = source.strip()
    if host:
        return re.sub(r"^www\d?\.", "", host.lower().rstrip("."))
    return fold(source) if source and fold(source) else None


def key_of(text: str) -> str | None:
    """The key a user means by a host or a name ("www.lepoint.fr" -> "lepoint.fr", "La DH" -> "la dh")."""
    return source_key(source=text)


@dataclass
class Sources:
    """Label rules by publication key, and the merges they imply (same label, one value)."""

    labels: dict[str, str] = field(default_factory=dict)  # key -> label shown

    @classmethod
    def parse(cls, text: str, origin: str = FILE) -> Sources:
        sources = cls()
        for number, raw in enumerate(text.splitlines(), start=1):
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            left, sep, right = (part.strip() for part in line.partition("="))
            key = key_of(left) if sep else None
            if not key or not right:
                raise SourcesError(f"{origin}:{number}: expected 'host or name = Label': {raw.strip()!r}")
            sources.labels[key] = right
        return sources

    @classmethod
    def load(cls, index_dir: Path) -> Sources:
        """The rules of <index>/sources.txt (none when the file does not exist)."""
        path = Path(index_dir) / FILE
        return cls.parse(path.read_text("utf-8"), str(path)) if path.exists() else cls()

    def merges(self) -> dict[str, str]:
        """Key -> the key it is counted as: keys given the same label join the first of them."""
        first: dict[str, str] = {}
        merged = {}
        for key, label in self.labels.items():
            target = first.setdefault(fold(label), key)
            if target != key:
                merged[key] = target
        return merged
