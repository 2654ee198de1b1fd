"""The JSON API: the same answers as the CLI's --json."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.datastructures import MultiDict

from newsarchive.search.batch import read_lines
from newsarchive.search.export import DEFAULT_ROWS, FORMATS, MAX_ROWS, Table, check_format
from newsarchive.search.facets import FACETS, NAME_FACETS
from newsarchive.search.network import NetworkOptions
from newsarchive.search.request import MAX_FACET_LIMIT, MAX_NAME_CHARS, QueryError
from newsarchive.search.research import FORMATS as RESEARCH_FORMATS
from newsarchive.search.words import DEFAULT_WORDS, MAX_WORDS

from .errors import api_error
from .files import batch_lines, download, output_download
from .state import FOLDERS, get_archive, int_arg, request_from_args, trend_series

bp = Blueprint("api", __name__, url_prefix="/api")

FACET_NAMES = tuple(k.name for k in FACETS)
TABLE_FORMATS = ("json", "csv", "excel")  # a facet's values and a trend: JSON, or a table to download
EXPORT_FORMATS = (*FORMATS, *RESEARCH_FORMATS)  # a search's export: a table, or a corpus or network (search/research.py)
MAX_COMPANIONS = 100
MAX_LOOKUP = 200


@bp.get("/search")
def search() -> ResponseReturnValue:
    """The same JSON as `newsarchive search --json`."""
    return jsonify(get_archive().search(request_from_args(request.args)).to_json())


@bp.get("/articles/<article_id>")
def article(article_id: str) -> ResponseReturnValue:
    """One article as stored (the JSON of `newsarchive extract --json`), with similar articles."""
    archive = get_archive()
    found = archive.article(article_id)
    if found is None:
        return api_error(f"no article with id {article_id!r}", 404)
    return jsonify({**found.to_json(), "similar": archive.similar(article_id)})


@bp.get("/cooccurrence")
def cooccurrence() -> ResponseReturnValue:
    """Persons and countries most often in the same articles as `with_person` (or `with_country`), among the search's results."""
    limit = int_arg("with_limit", 10, 1, MAX_COMPANIONS)
    req = request_from_args(request.args)
    return jsonify(get_archive().cooccurrence(req, person=request.args.get("with_person"), country=request.args.get("with_country"),
                                              limit=limit))


@bp.get("/words")
def words() -> ResponseReturnValue:
    """The characteristic words of the search: those most over-represented in its articles against the whole archive
    (`limit` words, 30 by default, at most 100; G² on article counts, search/words.py)."""
    req = request_from_args(MultiDict([(k, v) for k, v in request.args.items(multi=True) if k != "limit"]))
    raw = request.args.get("limit", "").strip()
    try:
        limit = int(raw) if raw else DEFAULT_WORDS
    except ValueError:
        raise QueryError(f"limit must be a whole number between 1 and {MAX_WORDS}, not {raw[:40]!r}") from None
    return jsonify(get_archive().words(req, limit).to_json())


@bp.get("/forms")
def forms() -> ResponseReturnValue:
    """Which word forms of the archive each word of `q` matched (stemming and accent folding at work)."""
    req = request_from_args(request.args)
    return jsonify({"query": req.query, "matched_forms": get_archive().matched_forms(req.query, req.within)})


@bp.get("/facets/<kind>")
def facet_values(kind: str) -> ResponseReturnValue:
    """A facet's values: for a name facet without `format`, those starting with `prefix` (the filter box);
    else the values of the search the URL's parameters make, with their counts, as JSON or (`format=csv|excel`) CSV."""
    if kind not in FACET_NAMES:
        return api_error(f"no facet {kind[:40]!r}: use one of {', '.join(FACET_NAMES)}", 404)
    if kind in NAME_FACETS and "format" not in request.args:
        prefix = request.args.get("prefix", "")[:MAX_NAME_CHARS]
        limit = int_arg("limit", 20, 1, MAX_LOOKUP)
        return jsonify({"prefix": prefix, "values": get_archive().lookup(kind, prefix, limit)})
    fmt = check_format(request.args.get("format", "json"), TABLE_FORMATS)
    req = request_from_args(request.args)
    req.limit, req.facet_limit = 1, int_arg("facet_limit", MAX_FACET_LIMIT, 1, MAX_FACET_LIMIT)
    values = get_archive().search(req).facets[kind]
    if fmt == "json":
        return jsonify({"facet": kind, "values": values})
    table = Table(("value", "label", "count"), ({"label": v.get("label") or v["value"], **v} for v in values))
    return download(table, fmt, f"newsarchive-{kind}")


@bp.get("/export")
def export() -> ResponseReturnValue:
    """Every article of the search (at most `limit`, 10,000 by default, up to 100,000), as csv, excel, jsonl or xlsx,
    or as an Iramuteq corpus or a TXM zip; `gexf`: its co-occurrence network (`nodes`, `min_weight`) for Gephi."""
    fmt = check_format(request.args.get("format", "csv"), EXPORT_FORMATS)
    req = request_from_args(MultiDict([(k, v) for k, v in request.args.items(multi=True) if k != "limit"]))
    limit = int_arg("limit", DEFAULT_ROWS, 1, MAX_ROWS)
    if fmt in RESEARCH_FORMATS:
        options = NetworkOptions.from_values(request.args.get) if fmt == "gexf" else None
        return output_download(get_archive().research_output(req, fmt, limit, options=options))
    table = get_archive().export(req, limit, page_url=lambda article_id: url_for("newsarchive.article_page", article_id=article_id,
                                                                              _external=True))
    return download(table, fmt, "newsarchive-export")


@bp.get("/trends")
def trends() -> ResponseReturnValue:
    """Up to six searches per period: counts, shares of all articles of the period, stories (JSON, or `format=csv|excel`)."""
    trend = get_archive().trend(trend_series(request.args), request.args.get("by") or None)
    fmt = check_format(request.args.get("format", "json"), TABLE_FORMATS)
    if fmt == "json":
        return jsonify(trend.to_json())
    return download(trend.table(), fmt, "newsarchive-trend")


@bp.get("/<any(persons, organisations, countries):folder>/<path:name>")
def entity(folder: str, name: str) -> ResponseReturnValue:
    """The JSON of an entity's page: mentions per month, companions, quotations, spellings, latest articles."""
    page = get_archive().entity(FOLDERS[folder], name)
    if page is None:
        return api_error(f"no {FOLDERS[folder]} named {name[:MAX_NAME_CHARS]!r} in the archive", 404)
    return jsonify(page.to_json())


# --- saved searches, collections, batch ---------------------------------------------------------


def _json_body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise QueryError("the body must be a JSON object")
    return body


@bp.get("/saved")
def saved_list() -> ResponseReturnValue:
    """Every saved search with its parameters and `new`: the matches indexed since it was last checked."""
    archive = get_archive()
    return jsonify({"saved": [{"name": s.name, "params": s.params, "checked": s.checked, "new": archive.new_since(s)} for s in archive.saved.all()]})


@bp.post("/saved")
def saved_add() -> ResponseReturnValue:
    """Save a search: {"name": ..., "params": {"q": ..., "person": [...]}} (a read-only archive answers 403)."""
    body = _json_body()
    params = body.get("params") or {}
    if not isinstance(params, dict):
        raise QueryError("params must be an object of URL parameters")
    req = request_from_args(MultiDict([(k, v) for k, vs in params.items() for v in (vs if isinstance(vs, list) else [vs])]))
    archive = get_archive()
    saved = archive.saved.add(str(body.get("name", "")), req, archive.generation())
    return jsonify(saved.to_json()), 201


@bp.post("/saved/<path:name>/delete")
def saved_delete(name: str) -> ResponseReturnValue:
    if not get_archive().saved.remove(name):
        return api_error(f"no saved search named {name[:100]!r}", 404)
    return jsonify({"deleted": name})


@bp.get("/collections")
def collections_list() -> ResponseReturnValue:
    collections = get_archive().collections
    return jsonify({"collections": {n: [vars(k) for k in collections.articles(n) or []] for n in collections.names()}})


@bp.post("/collections/<path:name>")
def collection_add(name: str) -> ResponseReturnValue:
    """Keep an article: {"id": ..., "note": ...}."""
    body = _json_body()
    archive = get_archive()
    article_id = str(body.get("id", ""))
    if archive.article(article_id) is None:
        return api_error(f"no article with id {article_id[:40]!r}", 404)
    return jsonify(vars(archive.collections.add(name, article_id, str(body.get("note", ""))))), 201


@bp.post("/collections/<path:name>/remove")
def collection_remove(name: str) -> ResponseReturnValue:
    body = request.get_json(silent=True) or {}
    if not get_archive().collections.remove(name, body.get("id") if isinstance(body, dict) else None):
        return api_error(f"nothing to remove in {name[:100]!r}", 404)
    return jsonify({"removed": name})


@bp.post("/batch")
def batch() -> ResponseReturnValue:
    """Up to 1,000 queries or names, with the URL's filters: {"results": [...]}, one per line in input order.

    The lines come as JSON ({"lines": [...]}), or as a form's pasted `lines` or uploaded `file` (.txt, or .csv with `column`).
    """
    filters = request_from_args(request.args)
    if request.is_json:
        lines = _json_body().get("lines")
        if not isinstance(lines, list) or not all(isinstance(line, str) for line in lines):
            raise QueryError('the body must be {"lines": ["a query", "a name", ...]}')
        lines = read_lines("\n".join(lines))
    else:
        lines = batch_lines()
    return jsonify({"results": [row.to_json() for row in get_archive().batch(lines, filters)]})
