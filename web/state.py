"""The app's state: its Archive, and a page's state in its URL: the search parameters (declared once, in
search/request.py) and the page's own keys.

Links built here carry the state and nothing else, so every page of results, filter
added or removed and language switch has a stable URL.
"""

from __future__ import annotations

import threading
from typing import Any
from urllib.parse import urlencode

from flask import current_app, request, url_for
from werkzeug.datastructures import MultiDict

from newsarchive.search.archive import Archive
from newsarchive.search.request import MAX_QUERY_CHARS, PARAMS, QueryError, SearchRequest
from newsarchive.search.trends import Series, series_from_values

_archive_lock = threading.Lock()


def get_archive() -> Archive:
    """The app's Archive, opened on first use (the index may be created after the app starts); ArchiveIndexError until it exists."""
    archive = current_app.extensions.get("newsarchive.archive")
    if archive is None:
        with _archive_lock:
            archive = current_app.extensions.get("newsarchive.archive")
            if archive is None:
                archive = current_app.extensions["newsarchive.archive"] = Archive(current_app.config["INDEX"])
    return archive


# Keys of the page alone: the interface language, and each facet's filter box.
FILTER_BOXES = {"person": "pf", "organisation": "of", "country": "cf", "source": "sf", "language": "lf", "agency": "af", "signature": "jf"}
PAGE_KEYS = ("lang", *FILTER_BOXES.values())
STATE_KEYS = (*(p.key for p in PARAMS), *PAGE_KEYS)
FILTER_BOX_CHARS = 100  # a facet filter box holds the start of a name


# The entity pages' URL folders, and the kind of entity each lists.
FOLDERS = {"persons": "person", "organisations": "organisation", "countries": "country"}


def request_from_args(args: MultiDict[str, str]) -> SearchRequest:
    """The validated SearchRequest of a URL's parameters; QueryError (a 400) when one cannot be read."""
    return SearchRequest.from_values(args.getlist)


def trend_series(args: MultiDict[str, str]) -> list[Series]:
    """The series of a trend URL: `q` repeated (one per series), `s1.person=`, `s2.source=`... for one series' filters,
    every other search parameter for all of them."""
    return series_from_values(args.getlist("q"), args.getlist, args.items(multi=True))


def trend_url(req: SearchRequest, compare: bool = False) -> str:
    """The trend of a search: its words as the first series, its filters that series' own (so a compared series
    starts without them), its dates shared (they bound the chart)."""
    items = [("q", req.query)]
    for key, value in req.to_values():
        if key in ("from", "to"):
            items.append((key, value))
        elif key not in ("q", "page", "limit", "facet_limit", "sort"):
            items.append((f"s1.{key}", value))
    if compare:
        items.append(("compare", "1"))
    if request.args.get("lang"):
        items.append(("lang", request.args["lang"]))
    return url_for("trends.trends_page") + "?" + urlencode(items)


def export_fields(req: SearchRequest) -> list[tuple[str, str]]:
    """The search's parameters for the export form (its own `limit` is the number of rows)."""
    return [(k, v) for k, v in req.to_values() if k not in ("page", "limit", "facet_limit")]


def int_arg(name: str, default: int, low: int, high: int) -> int:
    """An integer URL parameter of an API endpoint, brought within [low, high]; QueryError when it is not a number."""
    raw = request.args.get(name, "")
    try:
        value = int(raw) if raw.strip() else default
    except ValueError:
        raise QueryError(f"{name} must be a whole number, not {raw[:40]!r}") from None
    return min(max(value, low), high)


def query_arg() -> str:
    """The `q` of the URL, cut to what a query may hold (for pages that only highlight it)."""
    return request.args.get("q", "")[:MAX_QUERY_CHARS]


def _state() -> list[tuple[str, str]]:
    return [(k, v) for k in STATE_KEYS for v in request.args.getlist(k) if v != ""]


def url_with(add: dict[str, str] | None = None, remove: dict[str, str | None] | None = None, keep_page: bool = False,
             **replace: Any) -> str:
    """The current page's URL with a filter added or removed, or parameters replaced."""
    items = _state()
    if not keep_page:
        items = [(k, v) for k, v in items if k != "page"]
    for key, value in (remove or {}).items():
        items = [(k, v) for k, v in items if not (k == key and (value is None or v == value))]
    for key, value in replace.items():
        key = key.rstrip("_")  # from_=… because "from" is a Python keyword
        items = [(k, v) for k, v in items if k != key]
        if value not in (None, ""):
            items.append((key, str(value)))
    for key, value in (add or {}).items():
        if (key, value) not in items:
            items.append((key, value))
    query = urlencode(items)
    return url_for("newsarchive.search_page") + (f"?{query}" if query else "")


def lang_url(lang: str) -> str:
    """This page in another interface language."""
    items = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"] + [("lang", lang)]
    return request.path + "?" + urlencode(items)
