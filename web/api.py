"""The JSON API: the same answers as the CLI's --json."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from newsarchive.search.request import MAX_NAME_CHARS

from .errors import api_error
from .pages import get_archive
from .state import int_arg, request_from_args

bp = Blueprint("api", __name__, url_prefix="/api")

MAX_COMPANIONS = 100
MAX_LOOKUP = 200


@bp.get("/search")
def search():
    """The same JSON as `newsarchive search --json`."""
    return jsonify(get_archive().search(request_from_args(request.args)).to_json())


@bp.get("/articles/<article_id>")
def article(article_id: str):
    """One article as stored (the JSON of `newsarchive extract --json`), with similar articles."""
    archive = get_archive()
    found = archive.article(article_id)
    if found is None:
        return api_error(f"no article with id {article_id!r}", 404)
    return jsonify({**found.to_json(), "similar": archive.similar(article_id)})


@bp.get("/cooccurrence")
def cooccurrence():
    """Persons and countries most often in the same articles as `with_person` (or `with_country`), among the search's results."""
    limit = int_arg("with_limit", 10, 1, MAX_COMPANIONS)
    req = request_from_args(request.args)
    return jsonify(get_archive().cooccurrence(req, person=request.args.get("with_person"), country=request.args.get("with_country"),
                                              limit=limit))


@bp.get("/forms")
def forms():
    """Which word forms of the archive each word of `q` matched (stemming and accent folding at work)."""
    req = request_from_args(request.args)
    return jsonify({"query": req.query, "matched_forms": get_archive().matched_forms(req.query, req.within)})


@bp.get("/facets/person")
def person_lookup():
    """Person facet values whose name (or one of its words) starts with `prefix`, most frequent first."""
    prefix = request.args.get("prefix", "")[:MAX_NAME_CHARS]
    limit = int_arg("limit", 20, 1, MAX_LOOKUP)
    return jsonify({"prefix": prefix, "values": get_archive().lookup_persons(prefix, limit)})
