"""Saved searches, collections and batch search on the page. Every write is a POST with a CSRF token (csrf.py)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode

from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.datastructures import MultiDict

from newsarchive.search import batch
from newsarchive.search.request import QueryError

from .files import batch_lines, download
from .state import get_archive, request_from_args

bp = Blueprint("keeping", __name__)


def saved_rows() -> list[dict[str, Any]]:
    """Each saved search with its URL and what is new since it was last checked."""
    archive = get_archive()
    return [{"saved": s, "href": url_for("newsarchive.search_page") + "?" + urlencode(s.params), "new": archive.new_since(s)}
            for s in archive.saved.all()]


@bp.get("/saved")
def saved_page() -> ResponseReturnValue:
    return render_template("saved.html", rows=saved_rows())


@bp.post("/saved")
def save_search() -> ResponseReturnValue:
    """Save the search whose URL parameters the form carries (`params`), under `name`."""
    req = request_from_args(MultiDict(parse_qsl(request.form.get("params", ""))))
    archive = get_archive()
    archive.saved.add(request.form.get("name", ""), req, archive.generation())
    return redirect(url_for("keeping.saved_page", lang=_lang()), code=303)


@bp.post("/saved/<path:name>/seen")
def mark_seen(name: str) -> ResponseReturnValue:
    archive = get_archive()
    if archive.saved.check(name, archive.generation()) is None:
        abort(404)
    return redirect(url_for("keeping.saved_page", lang=_lang()), code=303)


@bp.post("/saved/<path:name>/delete")
def delete_saved(name: str) -> ResponseReturnValue:
    if not get_archive().saved.remove(name):
        abort(404)
    return redirect(url_for("keeping.saved_page", lang=_lang()), code=303)


@bp.get("/collections")
def collections_page() -> ResponseReturnValue:
    archive = get_archive()
    rows = [{"name": n, "articles": len(archive.collections.ids(n))} for n in archive.collections.names()]
    return render_template("collections.html", rows=rows)


@bp.post("/collections/add")
def collect() -> ResponseReturnValue:
    """Keep an article in a collection (with an optional note), then go back to the article."""
    article_id = request.form.get("id", "")
    archive = get_archive()
    if archive.article(article_id) is None:
        raise QueryError(f"no article with id {article_id[:40]!r}")
    archive.collections.add(request.form.get("name", ""), article_id, request.form.get("note", ""))
    return redirect(url_for("newsarchive.article_page", article_id=article_id, lang=_lang()), code=303)


@bp.post("/collections/<path:name>/remove")
def uncollect(name: str) -> ResponseReturnValue:
    article_id = request.form.get("id") or None
    if not get_archive().collections.remove(name, article_id):
        abort(404)
    return redirect(url_for("keeping.collections_page", lang=_lang()), code=303)


@bp.route("/batch", methods=["GET", "POST"])
def batch_page() -> ResponseReturnValue:
    """The batch form; posted, the results (or, with `format`, their CSV or xlsx)."""
    filters = request_from_args(request.args)
    if request.method == "GET":
        return render_template("batch.html", results=None, filters=filters, error=None)
    lines = batch_lines()
    results = get_archive().batch(lines, filters)
    fmt = request.form.get("format")
    if fmt in ("csv", "excel", "xlsx"):
        return download(batch.table(results), fmt, "newsarchive-batch")
    rows = [(r, url_for("newsarchive.search_page") + "?" + urlencode(r.params) if r.params is not None else None) for r in results]
    return render_template("batch.html", results=rows, filters=filters, error=None, lines="\n".join(lines))


def _lang() -> str | None:
    return g.lang if g.get("lang") != "fr" else None
