"""Plain data objects passed between the stages: a raw record in, an Article out."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

# One article is never this big; an input that is (a file, a WARC page) is a dump or a mistake, not an article.
MAX_ARTICLE_BYTES = 20 * 1024 * 1024


@dataclass
class RawRecord:
    """One article-sized piece of input, before extraction."""

    origin: str  # "path" or "path:line" for JSON lines: where a user finds it again
    kind: str  # "html", "text", "fields" (already-structured JSON lines record) or "warc" (a page of a web archive)
    content: str = ""  # decoded text for html/text/warc
    fields: dict[str, Any] = field(default_factory=dict)  # for "fields" records; {"url": …} for "warc"
    raw: bytes = b""  # the original bytes, hashed for ids and kept for re-extraction


@dataclass
class Person:
    """A person the article is about, with the ways the text names them.

    `facet` is False for a name that cannot stand for one person across the archive (a
    first name alone): it stays on the article, with its evidence, but is no facet value.
    """

    name: str
    mentions: list[str] = field(default_factory=list)
    facet: bool = True


@dataclass
class Organisation:
    """An organisation the article names (a company, a union, a party, an institution, a newspaper), with its mentions."""

    name: str
    mentions: list[str] = field(default_factory=list)


@dataclass
class Agency:
    """A news agency whose copy the article carries, and the lines that credit it ("(AFP)", "© 2019 AFP")."""

    name: str
    evidence: list[str] = field(default_factory=list)


@dataclass
class Country:
    """A country the article is about: ISO 3166 alpha-2 code, French name, evidence."""

    code: str
    name: str
    mentions: list[str] = field(default_factory=list)


@dataclass
class Quote:
    """A quotation in the article and who said it (a person's name, or None when unresolved)."""

    text: str
    speaker: str | None = None


@dataclass
class Article:
    """A clean article: what extraction produces and indexing consumes."""

    id: str
    title: str
    text: str  # clean body, paragraphs separated by blank lines
    origin: str = ""
    date: dt.date | None = None
    author: str | None = None
    source: str | None = None
    url: str | None = None
    language: str | None = None
    persons: list[Person] = field(default_factory=list)
    countries: list[Country] = field(default_factory=list)
    original: str | None = None  # content address of the input it came from (see originals.py)
    kind: str | None = None  # how that input was read (RawRecord.kind), to re-extract it from the original
    quotes: list[Quote] = field(default_factory=list)
    organisations: list[Organisation] = field(default_factory=list)
    agencies: list[Agency] = field(default_factory=list)
    # What extraction had to make up, and from what: {"title": "first sentence", "text": "heading"}.
    derived: dict[str, str] = field(default_factory=dict)
    # What a press database says of the article: {"name": "europresse", "id": its document number, "section", "page", ...}.
    database: dict[str, Any] | None = None
    raw: bytes = field(default=b"", repr=False, compare=False)  # those bytes, on the way to the store
    # Work done in a worker process for the writer, never stored: the MinHash values of
    # the text (near-duplicates).
    signature: Any = field(default=None, repr=False, compare=False)

    def to_json(self) -> dict[str, Any]:
        """The JSON shape of `newsarchive extract --json` (one object per article)."""
        return {
            "id": self.id,
            "title": self.title,
            "date": self.date.isoformat() if self.date else None,
            "author": self.author,
            "source": self.source,
            "url": self.url,
            "language": self.language,
            "origin": self.origin,
            "text": self.text,
            "persons": [asdict(p) for p in self.persons],
            "countries": [asdict(c) for c in self.countries],
            "original": self.original,
            "kind": self.kind,
            "quotes": [asdict(q) for q in self.quotes],
            "organisations": [asdict(o) for o in self.organisations],
            "agencies": [asdict(a) for a in self.agencies],
            "derived": dict(self.derived),
            "database": dict(self.database) if self.database else None,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Article:
        """Rebuild an Article from `to_json` output (used for stored articles)."""
        date = data.get("date")
        return cls(
            id=data["id"],
            title=data.get("title") or "",
            text=data.get("text") or "",
            origin=data.get("origin") or "",
            date=dt.date.fromisoformat(date) if date else None,
            author=data.get("author"),
            source=data.get("source"),
            url=data.get("url"),
            language=data.get("language"),
            persons=[Person(**p) for p in data.get("persons") or []],
            countries=[Country(**c) for c in data.get("countries") or []],
            original=data.get("original"),
            kind=data.get("kind"),
            quotes=[Quote(**q) for q in data.get("quotes") or []],
            organisations=[Organisation(**o) for o in data.get("organisations") or []],
            agencies=[Agency(**a) for a in data.get("agencies") or []],
            derived=dict(data.get("derived") or {}),
            database=dict(data["database"]) if data.get("database") else None,
        )


@dataclass
class Failure:
    """An input that could not become an article, and why."""

    origin: str
    reason: str
