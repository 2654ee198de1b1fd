"""An entity's page as data: a person, an organisation or a country through the archive.

Its mentions per month, who and what appears with it, its quotations (a person's), the
spellings merged into it, its latest articles, and the search that lists them all. The
name is looked up among the archive's values, never trusted: an unknown one gives None.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from newsarchive.index.entities.countries import country_label, resolve_country
from newsarchive.index.text import fold

from .facets import FACETS, NAME_FACETS, FacetCache
from .request import SearchRequest
from .results import SearchResult

KINDS = ("person", "organisation", "country")
LATEST = 10  # articles listed
COMPANIONS = 10  # persons, organisations and countries listed, each
QUOTES = 10  # quotations listed (persons)


def resolve(facets: FacetCache, kind: str, name: str) -> str | None:
    """The facet value `name` means (a key after merges, or a country code), or None when the archive has no such value."""
    if kind in NAME_FACETS:
        names = facets.names[kind]
        key = names.merged_into.get(fold(name), fold(name))
        return key if names.known(key) else None
    code = resolve_country(name) if kind == "country" else None
    field = facets.facet("country")
    return code if code is not None and code in field.index and field.doc_counts[field.index[code]] > 0 else None


def _months(facets: FacetCache, kind: str, value: str) -> list[dict[str, Any]]:
    field = facets.facet(kind)
    docs = field.docs[field.vals == field.index[value]]
    return [{"period": month, "count": n} for month, n in facets.month_counts(facets.mask(docs.astype(np.int64)))]


def _spellings(facets: FacetCache, kind: str, value: str) -> tuple[list[dict], list[dict]]:
    """The written forms counted as the value, and the other values merged into it (surnames, acronyms, the alias file)."""
    if kind not in NAME_FACETS:
        return [], []
    names = facets.names[kind]
    forms = facets.fields[f"{kind}_form"]
    keys = {value, *names.members.get(value, [])}
    written = sorted(({"form": f, "count": int(n)} for f, n in zip(forms.values, forms.doc_counts.tolist(), strict=True) if fold(f) in keys),
                     key=lambda f: -f["count"])
    merged = [{"name": n, "count": c} for n, c in names.spellings(value) if fold(n) != value]
    return written, merged


def entity(search: Callable[[SearchRequest], SearchResult], facets: FacetCache, kind: str, name: str) -> dict[str, Any] | None:
    """The page of one person, organisation or country, or None when the archive does not know it."""
    if kind not in KINDS:
        return None
    value = resolve(facets, kind, name)
    if value is None:
        return None
    label = country_label(value) if kind == "country" else facets.label(kind, value)
    attribute = next(k.request for k in FACETS if k.name == kind)
    filters = {attribute: [value if kind == "country" else label]}
    result = search(SearchRequest(**filters, sort="newest", limit=LATEST, facet_limit=COMPANIONS + 1))
    companions = {k: [f for f in result.facets[k] if f["value"] != (value if kind == "country" else label)][:COMPANIONS]
                  for k in ("person", "organisation", "country")}
    quotes = []
    if kind == "person":
        said = search(SearchRequest(quote_by=[label], sort="newest", limit=QUOTES, facet_limit=0))
        quotes = [{"text": q["text"], "article": h.id, "title": h.title, "date": h.date} for h in said.hits for q in h.quotes][:QUOTES]
    written, merged = _spellings(facets, kind, value)
    return {
        "kind": kind,
        "name": label,
        "value": value,
        "articles": result.total,
        "months": _months(facets, kind, value),
        **companions,
        "quotes": quotes,
        "spellings": written,
        "merged": merged,
        "latest": [h.to_json() for h in result.hits],
        "search": {kind: value if kind == "country" else label},
    }
