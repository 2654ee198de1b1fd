"""Routes of the search page, the article page and the JSON API."""

from __future__ import annotations

import datetime as dt
import threading
from urllib.parse import urlencode, urlsplit

from babel.dates import format_date
from babel.numbers import format_decimal
from flask import Blueprint, abort, current_app, jsonify, render_template, request, url_for
from markupsafe import Markup
from werkzeug.exceptions import HTTPException

from newsarchive.index.writer import ArchiveIndexError
from newsarchive.search.query import QueryError, SearchRequest, country_label, request_from_args
from newsarchive.search.searcher import Archive

bp = Blueprint("newsarchive", __name__)
_archive_lock = threading.Lock()

# The URL parameters that define a search page; everything else is dropped from links.
STATE_PARAMS = ("q", "person", "country", "from", "to", "sort", "page", "limit", "lang")


class IndexUnavailableError(Exception):
    """The configured index does not exist (yet) or cannot be opened."""


def get_archive() -> Archive:
    """The app's Archive, opened on first use (the index may be created after the app starts)."""
    archive = current_app.extensions.get("newsarchive.archive")
    if archive is None:
        with _archive_lock:
            archive = current_app.extensions.get("newsarchive.archive")
            if archive is None:
                try:
                    archive = Archive(current_app.config["INDEX"])
                except ArchiveIndexError as exc:
                    raise IndexUnavailableError(str(exc)) from exc
                current_app.extensions["newsarchive.archive"] = archive
    return archive


# --- helpers for templates --------------------------------------------------------------


def _state() -> list[tuple[str, str]]:
    return [(k, v) for k in STATE_PARAMS for v in request.args.getlist(k) if v != ""]


def url_with(add: dict[str, str] | None = None, remove: dict[str, str] | None = None, keep_page: bool = False, **replace) -> str:
    """The current search URL with a filter added or removed, or parameters replaced."""
    items = _state()
    if not keep_page:
        items = [(k, v) for k, v in items if k != "page"]
    for key, value in (remove or {}).items():
        items = [(k, v) for k, v in items if not (k == key and (value is None or v == value))]
    for key, value in replace.items():
        items = [(k, v) for k, v in items if k != key]
        if value not in (None, ""):
            items.append((key, str(value)))
    for key, value in (add or {}).items():
        if (key, value) not in items:
            items.append((key, value))
    query = urlencode(items)
    return url_for("newsarchive.search_page") + (f"?{query}" if query else "")


def safe_href(url: str | None) -> str | None:
    """The URL if it is http(s), else None: no javascript: or data: links from article data."""
    if not url:
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in ("http", "https") else None


def french_date(value: str | dt.date | None) -> str:
    """ "2017-02-16" -> "16 février 2017"."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return value
    return format_date(value, format="long", locale="fr")


def french_number(n: int) -> str:
    """1234 -> "1 234" (French grouping)."""
    return format_decimal(n, locale="fr")


def render_snippet(snippet) -> Markup:
    """A snippet as HTML: every piece escaped, matches in <mark>."""
    return Markup(snippet.html())


@bp.app_context_processor
def template_helpers():
    return {
        "url_with": url_with,
        "safe_href": safe_href,
        "french_date": french_date,
        "french_number": french_number,
        "render_snippet": render_snippet,
        "country_label": country_label,
    }


# --- pages ------------------------------------------------------------------------------


@bp.get("/")
def search_page():
    """The search page: query box, results, facets."""
    try:
        req = request_from_args(request.args)
    except QueryError as exc:
        return render_template("search.html", error=str(exc), req=SearchRequest(query=request.args.get("q", "")[:1000]), result=None), 400
    try:
        archive = get_archive()
        result = archive.search(req)
    except QueryError as exc:
        return render_template("search.html", error=str(exc), req=req, result=None), 400
    except IndexUnavailableError as exc:
        return render_template("error.html", title="Index indisponible", message=str(exc)), 503
    return render_template("search.html", req=req, result=result, error=None)


@bp.get("/articles/<article_id>")
def article_page(article_id: str):
    """One article: metadata, clean text, persons and countries."""
    try:
        article = get_archive().article(article_id)
    except IndexUnavailableError as exc:
        return render_template("error.html", title="Index indisponible", message=str(exc)), 503
    if article is None:
        abort(404)
    return render_template("article.html", article=article, q=request.args.get("q", ""))


# --- JSON API ---------------------------------------------------------------------------


def _api_error(message: str, status: int):
    response = jsonify({"error": message, "status": status})
    response.status_code = status
    return response


@bp.get("/api/search")
def api_search():
    """The same JSON as `newsarchive search --json`."""
    try:
        req = request_from_args(request.args)
        result = get_archive().search(req)
    except QueryError as exc:
        return _api_error(str(exc), 400)
    except IndexUnavailableError as exc:
        return _api_error(str(exc), 503)
    return jsonify(result.to_json())


@bp.get("/api/articles/<article_id>")
def api_article(article_id: str):
    """One article as stored (the JSON of `newsarchive extract --json`)."""
    try:
        article = get_archive().article(article_id)
    except IndexUnavailableError as exc:
        return _api_error(str(exc), 503)
    if article is None:
        return _api_error(f"no article with id {article_id!r}", 404)
    return jsonify(article.to_json())


@bp.get("/api/facets/person")
def api_person_lookup():
    """Person facet values whose name starts with `prefix`, most frequent first."""
    prefix = request.args.get("prefix", "")[:200]
    try:
        limit = min(max(int(request.args.get("limit", "20")), 1), 200)
    except ValueError:
        return _api_error("limit must be a whole number", 400)
    try:
        values = get_archive().lookup_persons(prefix, limit)
    except IndexUnavailableError as exc:
        return _api_error(str(exc), 503)
    return jsonify({"prefix": prefix, "values": values})


@bp.app_errorhandler(HTTPException)
def http_error(exc: HTTPException):
    if request.path.startswith("/api/"):
        return _api_error(exc.description or exc.name, exc.code or 500)
    titles = {404: "Page introuvable", 405: "Méthode non permise"}
    message = "Cet article n'existe pas dans l'archive." if exc.code == 404 else (exc.description or "")
    return render_template("error.html", title=titles.get(exc.code, exc.name), message=message), exc.code
