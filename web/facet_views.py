"""What the search page shows of the facets: one box per facet of search/facets.py, and a chip per chosen value."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import request, url_for

from newsarchive.search.facets import FACETS
from newsarchive.search.request import SearchRequest
from newsarchive.search.results import SearchResult

from .i18n import Translator
from .state import FILTER_BOX_CHARS, FILTER_BOXES, url_with

ENTITY_PAGES = {"person": "persons", "organisation": "organisations", "country": "countries"}  # facet -> URL folder of its pages


@dataclass
class FacetView:
    """One facet box: its values (the first `shown` visible), which are chosen, its filter box."""

    kind: str
    values: list[dict[str, Any]]
    selected: set[str]
    box: str  # URL key of its filter box
    box_value: str

    @property
    def title_key(self) -> str:
        return f"facet_{self.kind}"

    @property
    def filter_key(self) -> str:
        return f"filter_{self.kind}"

    def toggle(self, value: str) -> str:
        """The URL that adds this value as a filter, or removes it when chosen."""
        return url_with(remove={self.kind: value}) if value in self.selected else url_with(add={self.kind: value})


@dataclass
class Chip:
    """A chosen filter value, and the URL without it."""

    label: str
    href: str
    quote: bool = False


def entity_href(kind: str, value: str) -> str | None:
    """The page of a person, organisation or country (None for the other facets)."""
    folder = ENTITY_PAGES.get(kind)
    return url_for("newsarchive.entity_page", folder=folder, name=value) if folder else None


def box_values() -> dict[str, str]:
    """What each facet's filter box holds in the URL."""
    return {kind.name: request.args.get(FILTER_BOXES[kind.name], "")[:FILTER_BOX_CHARS] for kind in FACETS}


def facet_views(result: SearchResult, boxes: dict[str, str], loaded: int) -> list[FacetView]:
    """A box per facet, values narrowed to what its filter box holds."""
    views = []
    for kind in FACETS:
        shown = result.filters.get(kind.request, [])
        selected = {s if isinstance(s, str) else s.get("value") or s.get("code") for s in shown}
        views.append(FacetView(kind.name, result.facet_values(kind.name, boxes[kind.name])[:loaded], selected, FILTER_BOXES[kind.name],
                               boxes[kind.name]))
    return views


def chips(req: SearchRequest, result: SearchResult | None, t: Translator) -> list[Chip]:
    """A chip per chosen filter value (its label as the result gives it), the speakers and the dates."""
    found = []
    filters = result.filters if result else {}
    for kind in FACETS:
        for i, value in enumerate(getattr(req, kind.request)):
            shown = filters.get(kind.request, [])
            label = shown[i] if i < len(shown) else value
            if not isinstance(label, str):
                label = label.get("label") or label.get("name") or value
            found.append(Chip(label, url_with(remove={kind.name: value})))
    for name in req.quote_by:
        found.append(Chip(t("quote_by", name=name), url_with(remove={"quote_by": name}), quote=True))
    if req.date_from or req.date_to:
        span = (t.date(req.date_from) if req.date_from else "…") + " – " + (t.date(req.date_to) if req.date_to else "…")
        found.append(Chip(span, url_with(remove={"from": None, "to": None})))
    return found


def clear_all() -> str:
    """The URL without any filter (the words and the interface language stay)."""
    return url_with(remove={**{kind.name: None for kind in FACETS}, "from": None, "to": None, "quote_by": None})
