"""The pages: search, article, stored original."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, Response, abort, current_app, g, render_template, request, url_for
from flask.typing import ResponseReturnValue
from markupsafe import Markup

from newsarchive.index.entities.countries import country_label
from newsarchive.search.entity import EntityPage
from newsarchive.search.request import MAX_FACET_LIMIT, SearchRequest, date_span
from newsarchive.search.results import SearchResult

from . import csrf
from .facet_views import box_values, chips, clear_all, entity_href, facet_views
from .i18n import Translator, choose_language
from .state import FOLDERS, export_fields, get_archive, lang_url, query_arg, request_from_args, trend_url, url_with

bp = Blueprint("newsarchive", __name__)

FACETS_SHOWN = 10  # values visible per facet; the rest are behind "show more"
FACETS_LOADED = 60  # values sent with the page (a filter box searches further)
COMPANIONS = (8, 6)  # persons and countries named "with" a chosen person or country


@bp.before_app_request
def pick_language() -> None:
    g.lang = choose_language(request.args.get("lang"))
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
def template_helpers() -> dict[str, Any]:
    return {
        "url_with": url_with,
        "lang_url": lang_url,
        "safe_href": safe_href,
        "country_label": country_label,
        "highlight_title": highlight_title,
        "entity_href": entity_href,
        "trend_url": trend_url,
        "export_fields": export_fields,
        "read_only": current_app.config.get("READ_ONLY", False),
        "csrf_token": csrf.token,
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
            first, last = date_span(value)
            points.append((t.month(value), n, url_with(from_=first.isoformat(), to=last.isoformat())))
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


def _companions(result: SearchResult) -> dict[str, Any] | None:
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
def search_page() -> ResponseReturnValue:
    """The search page: query box, results, facets, dates."""
    req = g.req = request_from_args(request.args)
    boxes = box_values()
    req.facet_limit = MAX_FACET_LIMIT if any(boxes.values()) else FACETS_LOADED
    archive = get_archive()
    result = archive.search(req)
    return render_template(
        "search.html",
        req=req,
        result=result,
        error=None,
        companions=_companions(result),
        forms=archive.matched_forms(req.query, req.within) if req.query and result.total else [],
        facets=facet_views(result, boxes, FACETS_LOADED),
        chips=chips(req, result, g.t),
        clear_all=clear_all(),
        shown=FACETS_SHOWN,
        histogram=histogram(result, g.t),
        suggestion=archive.spelling(req.query) if result.total == 0 and req.query else None,
        pages=_page_numbers(req.page, result.pages),
        feed_url=url_for("feeds.search_feed") + "?" + urlencode(export_fields(req)),
        search_params=urlencode(export_fields(req)),
    )


@bp.get("/articles/<article_id>")
def article_page(article_id: str) -> ResponseReturnValue:
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
        organisations=[archive.label("organisation", o.name) for o in article.organisations],
        collection_names=archive.collections.names(),
        kept_in=[name for name in archive.collections.names() if article.id in archive.collections.ids(name)],
    )


@bp.get("/articles/<article_id>/original")
def article_original(article_id: str) -> ResponseReturnValue:
    """The input an article was extracted from, as stored, shown as plain text (never as HTML)."""
    found = get_archive().original(article_id)
    if found is None:
        abort(404)
    _, text = found
    response = Response(text, mimetype="text/plain")
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


@dataclass
class MonthBar:
    """One month of an entity's chart."""

    label: str
    count: int
    href: str
    x: float
    height: float


def search_href(params: dict[str, str]) -> str:
    """The search page with these URL parameters."""
    values: dict[str, Any] = dict(params)  # url_for's keyword arguments: its own options (_external...) and the URL's values
    return url_for("newsarchive.search_page", **values)


def month_bars(page: EntityPage) -> list[MonthBar]:
    """Bars of the mentions per month, each linking to the search of that month."""
    top = max((m.count for m in page.months), default=0) or 1
    width = 100 / max(1, len(page.months))
    bars = []
    for i, m in enumerate(page.months):
        first, last = date_span(m.period)
        href = search_href({**page.search, "from": first.isoformat(), "to": last.isoformat()})
        bars.append(MonthBar(g.t.month(m.period), m.count, href, i * width, 100 * m.count / top))
    return bars


@bp.get("/<any(persons, organisations, countries):folder>/<path:name>")
def entity_page(folder: str, name: str) -> ResponseReturnValue:
    """A person, an organisation or a country through the archive."""
    page = get_archive().entity(FOLDERS[folder], name)
    if page is None:
        return render_template("error.html", title=g.t("not_found_title"), message=g.t("unknown_entity", name=name),
                               search_href=url_for("newsarchive.search_page", q=name)), 404
    return render_template("entity.html", data=page, bars=month_bars(page), folder=folder, search_href=search_href(page.search))
