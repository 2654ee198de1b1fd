"""Atom feeds (RFC 4287) of any search, of a saved search and of a collection: the 50 most recently indexed matches.

A feed reader subscribed to a search is an alert: entries are ordered by when the
archive received them (then by publication date), so an old article indexed today comes
first. Entry ids are stable (`urn:newsarchive:article:<id>`); everything in them is
escaped by the template (autoescape on .xml).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask.typing import ResponseReturnValue

from newsarchive.search.request import SearchRequest

from .pages import safe_href
from .state import get_archive, request_from_args

bp = Blueprint("feeds", __name__)
ENTRIES = 50


def _rfc3339(day: str | None) -> str:
    return f"{day}T00:00:00Z" if day else "1970-01-01T00:00:00Z"


def _received(seconds: int, day: str | None) -> str:
    """When the archive received an article (the entry's `updated`), else its publication day."""
    if not seconds:
        return _rfc3339(day)
    return dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def feed_response(request_: SearchRequest, title: str, self_href: str, alternate_href: str) -> Response:
    archive = get_archive()
    result = archive.search(replace(request_, sort="added", page=1, limit=ENTRIES, facet_limit=0, all_versions=True))
    entries: list[dict[str, Any]] = [{
        "id": f"urn:newsarchive:article:{hit.id}",
        "title": hit.title,
        "href": url_for("newsarchive.article_page", article_id=hit.id, _external=True),
        "original": safe_href(hit.url),
        "published": _rfc3339(hit.date),
        "updated": _received(hit.added_at, hit.date),
        "summary": hit.snippet.text(),
        "categories": [*hit.persons, *(c["name"] for c in hit.countries)],
        "source": hit.source,
    } for hit in result.hits]
    updated = max((e["updated"] for e in entries), default=_rfc3339(dt.date.today().isoformat()))
    xml = render_template("feed.xml", title=title, entries=entries, updated=updated, self_href=self_href, alternate_href=alternate_href,
                          feed_id=f"urn:newsarchive:feed:{self_href}")
    return Response(xml, mimetype="application/atom+xml")


@bp.get("/feed.atom")
def search_feed() -> ResponseReturnValue:
    """The feed of the search the URL's parameters make."""
    req = request_from_args(request.args)
    query = request.query_string.decode("ascii", "replace")
    return feed_response(req, f"newsarchive : {req.query or '*'}", request.url, url_for("newsarchive.search_page", _external=True) + "?" + query)


@bp.get("/saved/<path:name>.atom")
def saved_feed(name: str) -> ResponseReturnValue:
    saved = get_archive().saved.get(name)
    if saved is None:
        abort(404)
    return feed_response(saved.request(), f"newsarchive : {saved.name}", request.url,
                         url_for("newsarchive.search_page", _external=True) + "?" + _encoded(saved.params))


@bp.get("/collections/<path:name>.atom")
def collection_feed(name: str) -> ResponseReturnValue:
    if get_archive().collections.articles(name) is None:
        abort(404)
    return feed_response(SearchRequest(collections=[name]), f"newsarchive : {name}", request.url,
                         url_for("newsarchive.search_page", collection=name, _external=True))


def _encoded(params: list[tuple[str, str]]) -> str:
    from urllib.parse import urlencode

    return urlencode(list(params))
