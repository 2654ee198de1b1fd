"""An entity's page as data: a person, an organisation or a country through the archive.

Its mentions per month, who and what appears with it, its quotations (a person's), the
spellings merged into it, its latest articles, and the search that lists them all. The
name is looked up among the archive's values, never trusted: an unknown one gives None.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from typing import Any

import numpy as np

from newsarchive.index.entities.countries import country_label, resolve_country
from newsarchive.index.text import fold

from .facets import NAME_FACETS, FacetCache
from .request import SearchRequest
from .results import Hit, SearchResult

KINDS = ("person", "organisation", "country")
LATEST = 10  # articles listed
COMPANIONS = 10  # persons, organisations and countries listed, each
QUOTES = 10  # quotations listed (persons)


@dataclass(frozen=True)
class MonthCount:
    period: str  # 2019-01
    count: int  # articles naming the entity that month


@dataclass(frozen=True)
class Spelling:
    form: str  # a written form counted as the entity
    count: int


@dataclass(frozen=True)
class MergedName:
    name: str  # another value merged into the entity (a surname, an acronym, the alias file's)
    count: int  # its articles before the merge


@dataclass(frozen=True)
class Quote:
    text: str
    article: str  # the id of the article quoting it
    title: str
    date: str | None


@dataclass(frozen=True)
class EntityPage:
    """A person, an organisation or a country through the archive."""

    kind: str  # person, organisation or country
    name: str  # as the archive shows it
    value: str  # its facet value: a key after merges, or a country code
    articles: int
    months: list[MonthCount]
    companions: dict[str, list[dict[str, Any]]]  # by facet (person, organisation, country): the values most often with it
    quotes: list[Quote]  # a person's latest quotations
    spellings: list[Spelling]
    merged: list[MergedName]
    latest: list[Hit]
    search: dict[str, str]  # the URL parameters of the search that lists all its articles

    def to_json(self) -> dict[str, Any]:
        """The JSON of GET /api/persons/<name> (and organisations, countries)."""
        return {
            "kind": self.kind,
            "name": self.name,
            "value": self.value,
            "articles": self.articles,
            "months": [asdict(m) for m in self.months],
            **self.companions,
            "quotes": [asdict(q) for q in self.quotes],
            "spellings": [asdict(f) for f in self.spellings],
            "merged": [asdict(m) for m in self.merged],
            "latest": [h.to_json() for h in self.latest],
            "search": self.search,
        }


def resolve(facets: FacetCache, kind: str, name: str) -> str | None:
    """The facet value `name` means (a key after merges, or a country code), or None when the archive has no such value."""
    if kind in NAME_FACETS:
        names = facets.names[kind]
        key = names.merged_into.get(fold(name), fold(name))
        return key if names.known(key) else None
    code = resolve_country(name) if kind == "country" else None
    field = facets.facet("country")
    return code if code is not None and code in field.index and field.doc_counts[field.index[code]] > 0 else None


def _months(facets: FacetCache, kind: str, value: str) -> list[MonthCount]:
    field = facets.facet(kind)
    docs = field.docs[field.vals == field.index[value]]
    return [MonthCount(month, n) for month, n in facets.month_counts(facets.mask(docs.astype(np.int64)))]


def _spellings(facets: FacetCache, kind: str, value: str) -> tuple[list[Spelling], list[MergedName]]:
    """The written forms counted as the value, and the other values merged into it (surnames, acronyms, the alias file)."""
    if kind not in NAME_FACETS:
        return [], []
    names = facets.names[kind]
    forms = facets.fields[f"{kind}_form"]
    keys = {value, *names.members.get(value, [])}
    written = sorted((Spelling(f, int(n)) for f, n in zip(forms.values, forms.doc_counts.tolist(), strict=True) if fold(f) in keys),
                     key=lambda f: -f.count)
    merged = [MergedName(n, c) for n, c in names.spellings(value) if fold(n) != value]
    return written, merged


def entity(search: Callable[[SearchRequest], SearchResult], facets: FacetCache, kind: str, name: str) -> EntityPage | None:
    """The page of one person, organisation or country, or None when the archive does not know it."""
    if kind not in KINDS:
        return None
    value = resolve(facets, kind, name)
    if value is None:
        return None
    label = country_label(value) if kind == "country" else facets.label(kind, value)
    shown = value if kind == "country" else label  # how the facets and the search name it
    params = {kind: shown}  # the URL of the search that lists all its articles (the facet's key is its filter's)
    every = SearchRequest.from_values(lambda key: [params[key]] if key in params else [])
    result = search(replace(every, sort="newest", limit=LATEST, facet_limit=COMPANIONS + 1))
    companions = {k: [f for f in result.facets[k] if f["value"] != shown][:COMPANIONS] for k in KINDS}
    quotes = []
    if kind == "person":
        said = search(SearchRequest(quote_by=[label], sort="newest", limit=QUOTES, facet_limit=0))
        quotes = [Quote(q["text"], h.id, h.title, h.date) for h in said.hits for q in h.quotes][:QUOTES]
    written, merged = _spellings(facets, kind, value)
    return EntityPage(kind=kind, name=label, value=value, articles=result.total, months=_months(facets, kind, value),
                      companions=companions, quotes=quotes, spellings=written, merged=merged, latest=result.hits,
                      search=params)
