"""What a search is: each parameter declared once, with its URL key, CLI flag, type and limits.

`SearchRequest` is a dataclass whose every field carries its `Param`. From that one table
come the request object, reading a request from strings (`from_values`: the page's URL,
the API, the CLI's options all give strings), the strings back (`to_values`: the page's
links keep a search's state with them), the click options of `newsarchive search`, and
the pathological-query tests. Adding a parameter is adding one field here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from newsarchive.index.entities.countries import resolve_country

MAX_QUERY_CHARS = 1000
MAX_NAME_CHARS = 200  # a person's or speaker's name given as a filter
MAX_FILTER_VALUES = 20  # facet filters of one search, all fields together
MAX_PAGE = 1000
MAX_LIMIT = 100
MAX_FACET_LIMIT = 1000  # facet values counted for one search (the page's filter box asks for this many)
SORTS = ("relevance", "newest", "oldest", "added")  # added: most recently indexed first (what a feed shows)
WITHIN = ("text", "exact", "quotes")
COUNTS = ("articles", "groups")
_GROUP_ID = re.compile(r"[uc][0-9a-f]{19}")
FACET_FILTERS = ("persons", "countries", "organisations", "sources", "languages", "agencies", "authors")  # bounded together


class QueryError(ValueError):
    """The search cannot run as asked; the message tells the user what to change."""


@dataclass(frozen=True)
class Param:
    """One search parameter: its attribute, URL key, CLI flag (None: the command's argument), kind and limits.

    Kinds: "text" (one string), "texts" (repeatable), "int", "choice", "date" (`end`: the
    last day of the period written), "switch" (true when the URL value is `on`).
    """

    key: str
    kind: str
    help: str
    flag: str | None = ""  # "" means --<key with dashes>
    name: str = ""  # filled from the dataclass field
    low: int = 0
    high: int = 0
    choices: tuple[str, ...] = ()
    max_chars: int = MAX_NAME_CHARS
    end: bool = False
    on: str = ""
    metavar: str | None = None

    @property
    def cli_flag(self) -> str | None:
        return None if self.flag is None else (self.flag or "--" + self.key.replace("_", "-"))

    def parse(self, values: list[str], default: Any) -> Any:
        """The value of this parameter from its strings (none given: the default); QueryError when they cannot be read."""
        values = [v for v in values if v is not None]
        if self.kind == "texts":
            return [_clean(v) for v in values if _clean(v)]
        if self.kind == "switch":
            return bool(values) and values[0] == self.on
        raw = values[0].strip() if values else ""
        if raw == "":
            return default
        if self.kind == "int":
            try:
                return int(raw)
            except ValueError:
                raise QueryError(f"{self.key} must be a whole number, not {raw[:40]!r}") from None
        if self.kind == "date":
            return parse_date_bound(raw, end=self.end)
        return values[0] if self.kind == "text" else raw

    @property
    def label(self) -> str:
        return "query" if self.key == "q" else self.key

    def check(self, value: Any) -> Any:
        """The value cleaned and checked against the limits; QueryError saying what is wrong."""
        if value is None:
            return value
        if self.kind == "text":
            if not isinstance(value, str):
                raise QueryError(f"the {self.label} must be text")
            value = _clean(value)
            if len(value) > self.max_chars:
                raise QueryError(f"the {self.label} is too long ({len(value)} characters; at most {self.max_chars})")
        elif self.kind == "texts":
            value = [_clean(v) for v in value if v and _clean(v)]
            if any(len(v) > self.max_chars for v in value):
                raise QueryError(f"a {self.key} filter is too long (at most {self.max_chars} characters)")
        elif self.kind == "int" and not self.low <= value <= self.high:
            raise QueryError(f"{self.key} must be between {self.low} and {self.high}")
        elif self.kind == "choice" and value not in self.choices:
            raise QueryError(f"unknown {self.key} {value!r}: use one of {', '.join(self.choices)}")
        return value

    def strings(self, value: Any, default: Any) -> list[str]:
        """The value as URL strings (nothing for the default value)."""
        if value == default or value is None:
            return []
        if self.kind == "texts":
            return list(value)
        if self.kind == "switch":
            return [self.on]
        if self.kind == "date":
            return [value.isoformat()]
        return [str(value)]


def param(default: Any, key: str, kind: str, help: str, **limits: Any) -> Any:
    """A SearchRequest field declared with its Param."""
    spec = Param(key=key, kind=kind, help=help, **limits)
    if isinstance(default, list):
        return field(default_factory=list, metadata={"param": spec})
    return field(default=default, metadata={"param": spec})


@dataclass
class SearchRequest:
    """Everything that defines one search (and one URL of the search page)."""

    query: str = param("", "q", "text", "Words, \"phrases\", operators and fields (see the query syntax).", flag=None,
                       max_chars=MAX_QUERY_CHARS)
    persons: list[str] = param([], "person", "texts", "Only articles about this person (repeatable: all of them).", metavar="NAME")
    countries: list[str] = param([], "country", "texts", "Only articles about this country: ISO code, French or English name (repeatable).",
                                 metavar="COUNTRY")
    organisations: list[str] = param([], "organisation", "texts", "Only articles naming this organisation (repeatable: all of them).",
                                     metavar="NAME")
    sources: list[str] = param([], "source", "texts", "Only articles of this publication: its host or its name (repeatable: any of them).",
                               metavar="SOURCE")
    languages: list[str] = param([], "language", "texts", "Only articles in this language: a code (fr) or a name (repeatable: any of them).",
                                 metavar="LANG")
    agencies: list[str] = param([], "agency", "texts", "Only articles carrying this news agency's copy (repeatable: any of them).",
                                metavar="AGENCY")
    authors: list[str] = param([], "signature", "texts", "Only articles signed by this journalist (repeatable: any of them).",
                               metavar="NAME", flag="--author")
    collections: list[str] = param([], "collection", "texts", "Only articles kept in this collection (repeatable: any of them).",
                                   metavar="NAME", max_chars=100)
    date_from: dt.date | None = param(None, "from", "date", "Published on or after DATE (YYYY, YYYY-MM or YYYY-MM-DD).", metavar="DATE")
    date_to: dt.date | None = param(None, "to", "date", "Published on or before DATE (YYYY, YYYY-MM or YYYY-MM-DD).", metavar="DATE", end=True)
    sort: str = param("relevance", "sort", "choice", "Order of the hits.", choices=SORTS)
    page: int = param(1, "page", "int", "Page of hits.", low=1, high=MAX_PAGE)
    limit: int = param(10, "limit", "int", "Hits per page.", low=1, high=MAX_LIMIT)
    facet_limit: int = param(10, "facet_limit", "int", "Values per facet.", low=0, high=MAX_FACET_LIMIT)
    # Where the words are looked for: "text" (titles and bodies, stemmed and folded),
    # "exact" (word forms as written) or "quotes" (inside quotations only).
    within: str = param("text", "within", "choice",
                        "Where the words are looked for: titles and bodies (any form), exact word forms, or quotations only.", choices=WITHIN)
    quote_by: list[str] = param([], "quote_by", "texts", "Only quotations by this person (implies within=quotes).", metavar="NAME")
    all_versions: bool = param(False, "versions", "switch", "Every version of near-duplicate stories (default: one result per group).",
                               flag="--all-versions", on="all")
    group: str | None = param(None, "group", "text", "Only the versions of this near-duplicate group (a hit's `group`).", metavar="ID")
    count: str = param("articles", "count", "choice", "Facet counts: articles, or near-duplicate groups counted once.", choices=COUNTS)

    @classmethod
    def from_values(cls, get: Callable[[str], list[str]]) -> SearchRequest:
        """A validated request from the strings of each URL key (`get(key)`: a URL's values, a CLI option's)."""
        return cls(**{p.name: p.parse(get(p.key), DEFAULTS[p.name]) for p in PARAMS}).validate()

    def to_values(self) -> list[tuple[str, str]]:
        """(URL key, string) of every parameter that is not at its default, in declaration order."""
        return [(p.key, s) for p in PARAMS for s in p.strings(getattr(self, p.name), DEFAULTS[p.name])]

    def validate(self) -> SearchRequest:
        """Check every parameter; raise QueryError with a helpful message when one is wrong."""
        for p in PARAMS:
            setattr(self, p.name, p.check(getattr(self, p.name)))
        if sum(len(getattr(self, name)) for name in FACET_FILTERS) > MAX_FILTER_VALUES or len(self.quote_by) > MAX_FILTER_VALUES:
            raise QueryError(f"too many filters (at most {MAX_FILTER_VALUES})")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise QueryError(f"the start date {self.date_from} is after the end date {self.date_to}")
        if self.quote_by:
            self.within = "quotes"
        if self.group is not None and not _GROUP_ID.fullmatch(self.group):
            raise QueryError(f"{self.group[:40]!r} is not a group id")
        return self

    def country_codes(self) -> list[str]:
        """The country filters as ISO codes; QueryError for a name nobody knows."""
        codes = []
        for value in self.countries:
            code = resolve_country(value)
            if code is None:
                raise QueryError(f"unknown country {value!r}: use an ISO code (RU) or a French or English name (Russie, Russia)")
            if code not in codes:
                codes.append(code)
        return codes


_FIELDS = dataclasses.fields(SearchRequest)
PARAMS: tuple[Param, ...] = tuple(dataclasses.replace(f.metadata["param"], name=f.name) for f in _FIELDS)
DEFAULTS: dict[str, Any] = dict(vars(SearchRequest()))  # every parameter's default value


def _clean(text: str) -> str:
    # Control characters come from copy-paste and hostile clients; they never mean anything here.
    return re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", " ", text).strip()


def parse_date_bound(text: str | None, end: bool = False) -> dt.date | None:
    """Read YYYY, YYYY-MM or YYYY-MM-DD as the start (or, with `end`, the last day) of that period."""
    if text is None or not str(text).strip():
        return None
    text = str(text).strip()
    match = re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", text)
    if not match:
        raise QueryError(f"cannot read the date {text!r}: write it as YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = int(match[1]), match[2], match[3]
    try:
        if day:
            return dt.date(year, int(month), int(day))
        if month:
            first = dt.date(year, int(month), 1)
            if not end:
                return first
            following = dt.date(year + (first.month == 12), first.month % 12 + 1, 1)
            return following - dt.timedelta(days=1)
        return dt.date(year, 12, 31) if end else dt.date(year, 1, 1)
    except ValueError:
        raise QueryError(f"{text!r} is not a real date") from None


def date_span(text: str) -> tuple[dt.date, dt.date]:
    """The first and last day of the period YYYY, YYYY-MM or YYYY-MM-DD names (2017-02: 1 and 28 February)."""
    first, last = parse_date_bound(text), parse_date_bound(text, end=True)
    if first is None or last is None:
        raise QueryError("a period needs a date: YYYY, YYYY-MM or YYYY-MM-DD")
    return first, last
