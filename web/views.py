"""Routes of the search page, the article page and the JSON API."""

from __future__ import annotations

import calendar
import threading
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, Response, abort, current_app, g, jsonify, render_template, request, url_for
from markupsafe import Markup
from werkzeug.exceptions import HTTPException

from newsarchive.index.analysis import fold
from newsarchive.index.writer import ArchiveIndexError
from newsarchive.search.query import QueryError, SearchRequest, country_label, request_from_args
from newsarchive.search.searcher import Archive, SearchResult

from .i18n import Translator, choose_language

bp = Blueprint("newsarchive", __name__)
_archive_lock = threading.Lock()

# The URL parameters that define a page state; links carry these and nothing else.
STATE_PARAMS = ("q", "person", "country", "from", "to", "sort", "page", "limit", "lang", "pf", "cf", "within", "quote_by", "versions",
                "group", "count")
FACETS_SHOWN = 10  # values visible per facet; the rest are behind "show more"
FACETS_LOADED = 60  # values sent with the page (a filter box searches further)


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


@bp.before_app_request
def pick_language() -> None:
    g.lang = choose_language(request.args.get("lang"), request.accept_languages)
    g.t = Translator(g.lang)


# --- helpers for templates --------------------------------------------------------------


def _state() -> list[tuple[str, str]]:
    return [(k, v) for k in STATE_PARAMS for v in request.args.getlist(k) if v != ""]


def url_with(add: dict[str, str] | None = None, remove: dict[str, str | None] | None = None, keep_page: bool = False, **replace) -> str:
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


def safe_href(url: str | None) -> str | None:
    """The URL if it is http(s), else None: no javascript: or data: links from article data."""
    if not url:
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in ("http", "https") else None


def highlight_title(title: str, terms: set[str]) -> list[tuple[str, bool]]:
    """Title pieces with the query's words marked."""
    if not title or not terms:
        return [(title, False)] if title else []
    paragraphs = get_archive().highlight_with_terms(title, terms)
    return paragraphs[0] if paragraphs else [(title, False)]


@bp.app_context_processor
def template_helpers():
    return {
        "url_with": url_with,
        "lang_url": lang_url,
        "safe_href": safe_href,
        "country_label": country_label,
        "highlight_title": highlight_title,
        "q_html": lambda q: Markup(q["html"]) if q.get("html") else q["text"],
        "lang": g.get("lang", "fr"),
        "t": g.get("t") or Translator("fr"),
    }


# --- the search page --------------------------------------------------------------------


@dataclass
class Bar:
    """One bar of the date histogram."""

    label: str
    count: int
    href: str
    x: float
    y: float
    height: float


def histogram(result: SearchResult, t: Translator) -> tuple[str, list[Bar]] | None:
    """Bars per year, or per month when the results span at most two years."""
    if result.months and len(result.months) > 1:
        points = []
        for value, n in result.months:
            year, month = (int(p) for p in value.split("-"))
            last = calendar.monthrange(year, month)[1]
            points.append((t.month(value), n, url_with(from_=f"{value}-01", to=f"{value}-{last:02d}")))
        title = t("per_month")
    elif result.facets["year"]:
        years = {f["value"]: f["count"] for f in result.facets["year"]}
        span = range(min(years), max(years) + 1)
        points = [(str(y), years.get(y, 0), url_with(from_=str(y), to=str(y))) for y in span]
        title = t("per_year")
    else:
        return None
    top = max(n for _, n, _ in points) or 1
    width = 100 / len(points)
    bars = [Bar(label, n, href, i * width, 100 - 100 * n / top, 100 * n / top) for i, (label, n, href) in enumerate(points)]
    return title, bars


def _facet_values(result: SearchResult, kind: str, prefix: str) -> list[dict]:
    values = result.facets[kind]
    if prefix:
        key = fold(prefix)
        values = [v for v in values if any(w.startswith(key) for w in fold(v.get("label") or v["value"]).split()) or fold(v["value"]).startswith(key)]
    return values


@bp.get("/")
def search_page():
    """The search page: query box, results, facets, dates."""
    t = g.t
    try:
        req = request_from_args(request.args)
    except QueryError as exc:
        req = SearchRequest(query=request.args.get("q", "")[:1000])
        return render_template("search.html", error=str(exc), req=req, result=None), 400
    pf, cf = request.args.get("pf", "")[:100], request.args.get("cf", "")[:100]
    req.facet_limit = 1000 if (pf or cf) else FACETS_LOADED
    try:
        archive = get_archive()
        result = archive.search(req)
    except QueryError as exc:
        return render_template("search.html", error=str(exc), req=req, result=None), 400
    except IndexUnavailableError as exc:
        return render_template("error.html", title=t("unavailable"), message=str(exc)), 503
    suggestion = archive.spelling(req.query) if result.total == 0 and req.query else None
    return render_template(
        "search.html",
        req=req,
        result=result,
        error=None,
        companions=_companions(result),
        forms=archive.matched_forms(req.query, req.within) if req.query and result.total else [],
        persons=_facet_values(result, "person", pf)[:FACETS_LOADED],
        countries=_facet_values(result, "country", cf)[:FACETS_LOADED],
        shown=FACETS_SHOWN,
        pf=pf,
        cf=cf,
        histogram=histogram(result, t),
        suggestion=suggestion,
        pages=_page_numbers(req.page, result.pages),
    )


def _companions(result: SearchResult) -> dict | None:
    """With one person or one country chosen, who and what appears most often with it (the facets, minus itself)."""
    chosen_persons = result.filters.get("persons", [])
    chosen_countries = result.filters.get("countries", [])
    if len(chosen_persons) + len(chosen_countries) != 1 or not result.total:
        return None
    label = chosen_persons[0] if chosen_persons else chosen_countries[0]["name"]
    return {
        "label": label,
        "persons": [f for f in result.facets["person"] if f["value"] not in chosen_persons][:8],
        "countries": [f for f in result.facets["country"] if f["value"] not in {c["code"] for c in chosen_countries}][:6],
    }


def _page_numbers(page: int, pages: int) -> list[int | None]:
    """Page links around the current one: 1 … 4 5 [6] 7 8 … 20 (None is a gap)."""
    wanted = sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)})
    out: list[int | None] = []
    for n in wanted:
        if out and n - out[-1] > 1:
            out.append(None)
        out.append(n)
    return out


# --- the article page -------------------------------------------------------------------


@bp.get("/articles/<article_id>")
def article_page(article_id: str):
    """One article: metadata, clean text with the query's words marked, facets, similar articles."""
    try:
        archive = get_archive()
        article = archive.article(article_id)
    except IndexUnavailableError as exc:
        return render_template("error.html", title=g.t("unavailable"), message=str(exc)), 503
    if article is None:
        abort(404)
    q = request.args.get("q", "")[:1000]
    return render_template(
        "article.html",
        article=article,
        q=q,
        req=SearchRequest(query=q),
        title=highlight_title(article.title, archive.terms_of(q)),
        paragraphs=archive.highlight(article.text, q),
        similar=archive.similar(article_id),
        persons=[archive.person_name(p.name) for p in article.persons],
    )


@bp.get("/articles/<article_id>/original")
def article_original(article_id: str):
    """The input an article was extracted from, as stored, shown as plain text (never as HTML)."""
    try:
        found = get_archive().original(article_id)
    except IndexUnavailableError as exc:
        return render_template("error.html", title=g.t("unavailable"), message=str(exc)), 503
    if found is None:
        abort(404)
    _, text = found
    response = Response(text, mimetype="text/plain")
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


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
    """One article as stored (the JSON of `newsarchive extract --json`), with similar articles."""
    try:
        archive = get_archive()
        article = archive.article(article_id)
    except IndexUnavailableError as exc:
        return _api_error(str(exc), 503)
    if article is None:
        return _api_error(f"no article with id {article_id!r}", 404)
    data = article.to_json()
    data["similar"] = archive.similar(article_id)
    return jsonify(data)


@bp.get("/api/cooccurrence")
def api_cooccurrence():
    """Persons and countries most often in the same articles as `person` (or `country`), among the search's results."""
    try:
        req = request_from_args(request.args)
        data = get_archive().cooccurrence(req, person=request.args.get("with_person"), country=request.args.get("with_country"),
                                          limit=min(max(int(request.args.get("with_limit", "10") or 10), 1), 100))
    except ValueError as exc:  # QueryError is a ValueError; so is a bad number
        return _api_error(str(exc), 400)
    except IndexUnavailableError as exc:
        return _api_error(str(exc), 503)
    return jsonify(data)


@bp.get("/api/forms")
def api_forms():
    """Which word forms of the archive each word of `q` matched (stemming and accent folding at work)."""
    try:
        req = request_from_args(request.args)
        forms = get_archive().matched_forms(req.query, req.within)
    except QueryError as exc:
        return _api_error(str(exc), 400)
    except IndexUnavailableError as exc:
        return _api_error(str(exc), 503)
    return jsonify({"query": req.query, "matched_forms": forms})


@bp.get("/api/facets/person")
def api_person_lookup():
    """Person facet values whose name (or one of its words) starts with `prefix`, most frequent first."""
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
    t = g.get("t") or Translator("fr")
    if exc.code == 404:
        return render_template("error.html", title=t("not_found_title"), message=t("not_found")), 404
    return render_template("error.html", title=exc.name, message=exc.description or ""), exc.code


@bp.app_errorhandler(Exception)
def unexpected_error(exc: Exception):
    current_app.logger.exception("unexpected error on %s", request.path)
    if request.path.startswith("/api/"):
        return _api_error("internal error: the search failed unexpectedly", 500)
    return render_template("error.html", title="Erreur interne", message="La recherche a échoué de façon inattendue."), 500
