"""What an export format gives: an article with what its database says of it, or the reason one could not be read."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass
class PressArticle:
    """One article of an export, as the database describes it."""

    database: str  # the format's NAME
    doc_id: str | None  # the database's document number: the article's identity across exports
    title: str | None
    text: str  # the body, paragraphs separated by blank lines
    publication: str | None = None  # "La Croix" (without the issue number), "Le Monde (site web)"
    date: str | None = None  # ISO 8601 (yyyy-mm-dd)
    author: str | None = None  # the byline, names as written ("Jean Dupont et Marie Martin")
    subtitle: str | None = None
    section: str | None = None
    page: str | None = None
    words: int | None = None  # the database's word count
    language: str | None = None  # ISO 639-1 ("fr") where the export gives it
    url: str | None = None  # the article on the publisher's site, where the export links it
    extra: dict[str, Any] = field(default_factory=dict)  # other fields of the database (Factiva's codes, ...)
    part: bytes = b""  # this article's own bytes of the export

    def fields(self) -> dict[str, Any]:
        """The article as the fields of a record (what extraction reads), without its bytes."""
        return {k: v for k, v in self.__dict__.items() if k != "part"}


@dataclass
class Cut:
    """An article of an export that could not be read, with the reason (the export was cut, or the article is broken)."""

    number: int  # 1-based position in the export
    reason: str


class ExportFormat(Protocol):
    """A format module: NAME, recognise(data), split(data) and count(data) (how many articles split will give, cheaply)."""

    NAME: str

    def recognise(self, data: bytes) -> bool: ...

    def split(self, data: bytes) -> Iterator[PressArticle | Cut]: ...

    def count(self, data: bytes) -> int: ...
