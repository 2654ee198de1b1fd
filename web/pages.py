"""The pages: search, article, stored original."""

from __future__ import annotations

import calendar
import threading
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, current_app, g, render_template, request
from markupsafe import Markup

from newsarchive.index.countries import country_label
from newsarchive.search.archive import Archive
from newsarchive.search.request import MAX_FACET_LIMIT, SearchRequest
from newsarchive.search.results import SearchResult

from .i18n import Translator, choose_language
from .state import FILTER_BOX_CHARS, lang_url, query_arg, request_from_args, url_with

bp = Blueprint("newsarchive", __name__)
_archive_lock = threading.Lock()

FACETS_SHOWN = 10  # values visible per facet; the rest are behind "show more"
FACETS_LOADED = 60  # values sent with the page (a filter box searches further)
COMPANIONS = (8, 6)  # persons and countries named "with" a chosen person or country


def get_archive() -> Archive:
    """The app's Archive, opened on first use (the index may be created after the app starts); ArchiveIndexError until it exists."""
    archive = current_app.extensions.get("newsarchive.archive")
    if archive is None:
        with _archive_lock:
            archive = current_app.extensions.get("newsarchive.archive")
            if archive is None:
                archive = current_app.extensions["newsarchive.archive"] = Archive(current_app.config["INDEX"])
    return archive


@bp.before_app_request
def pick_language() -> None:
    g.lang = choose_language(request.args.get("lang"), request.accept_languages)
    g.t = Translator(g.lang)


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
    paragraphs = get_archive().highlight(title, terms)
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


def _companions(result: SearchResult) -> dict | None:
    """With one person or one country chosen, who and what appears most often with it."""
    chosen = result.filters.get("persons", []) + [c["name"] for c in result.filters.get("countries", [])]
    if len(chosen) != 1 or not result.total:
        return None
    return {"label": chosen[0], **result.companions(*COMPANIONS)}


def _page_numbers(page: int, pages: int) -> list[int | None]:
    """Page links around the current one: 1 … 4 5 [6] 7 8 … 20 (None is a gap)."""
    wanted = sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)})
    out: list[int | None] = []
    for n in wanted:
        if out and n - out[-1] > 1:
            out.append(None)
        out.append(n)
    return out


@bp.get("/")
def search_page():
    """The search page: query box, results, facets, dates."""
    req = g.req = request_from_args(request.args)
    pf, cf = request.args.get("pf", "")[:FILTER_BOX_CHARS], request.args.get("cf", "")[:FILTER_BOX_CHARS]
    req.facet_limit = MAX_FACET_LIMIT if (pf or cf) else FACETS_LOADED
    archive = get_archive()
    result = archive.search(req)
    return render_template(
        "search.html",
        req=req,
        result=result,
        error=None,
        companions=_companions(result),
        forms=archive.matched_forms(req.query, req.within) if req.query and result.total else [],
        persons=result.facet_values("person", pf)[:FACETS_LOADED],
        countries=result.facet_values("country", cf)[:FACETS_LOADED],
        shown=FACETS_SHOWN,
        pf=pf,
        cf=cf,
        histogram=histogram(result, g.t),
        suggestion=archive.spelling(req.query) if result.total == 0 and req.query else None,
        pages=_page_numbers(req.page, result.pages),
    )


@bp.get("/articles/<article_id>")
def article_page(article_id: str):
    """One article: metadata, clean text with the query's words marked, facets, similar articles."""
    archive = get_archive()
    article = archive.article(article_id)
    if article is None:
        abort(404)
    q = query_arg()
    terms = archive.terms_of(q)
    return render_template(
        "article.html",
        article=article,
        q=q,
        req=SearchRequest(query=q),
        title=highlight_title(article.title, terms),
        paragraphs=archive.highlight(article.text, terms),
        similar=archive.similar(article_id),
        persons=[archive.person_name(p.name) for p in article.persons],
    )


@bp.get("/articles/<article_id>/original")
def article_original(article_id: str):
    """The input an article was extracted from, as stored, shown as plain text (never as HTML)."""
    found = get_archive().original(article_id)
    if found is None:
        abort(404)
    _, text = found
    response = Response(text, mimetype="text/plain")
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response
