"""The project's errors as HTTP answers, mapped once: JSON under /api/, a page elsewhere.

A bad search is a 400 with its message (the search page shows it in place of results),
a missing or unreadable index a 503, anything unexpected a 500 that is logged. Views
raise; they never catch.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, g, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

from newsarchive.index.entities.aliases import AliasError
from newsarchive.index.errors import ArchiveIndexError
from newsarchive.index.extraction.sources import SourcesError
from newsarchive.index.store.userfiles import UserFileError
from newsarchive.search.request import QueryError, SearchRequest

from .i18n import Translator
from .state import query_arg


def api_error(message: str, status: int) -> Response:
    """The JSON error of the API: {"error": message, "status": status}."""
    response = jsonify({"error": message, "status": status})
    response.status_code = status
    return response


def _is_api() -> bool:
    return request.path.startswith("/api/")


def _t() -> Translator:
    return g.get("t") or Translator("fr")


def bad_query(exc: QueryError) -> ResponseReturnValue:
    if _is_api():
        return api_error(str(exc), 400)
    req = g.get("req") or SearchRequest(query=query_arg())  # the request as far as it could be read
    return render_template("search.html", error=str(exc), req=req, result=None), 400


def index_unavailable(exc: ArchiveIndexError) -> ResponseReturnValue:
    if _is_api():
        return api_error(str(exc), 503)
    return render_template("error.html", title=_t()("unavailable"), message=str(exc)), 503


def broken_user_file(exc: ValueError) -> ResponseReturnValue:
    """A saved-searches or collections file that cannot be read: the message names it; nothing is reset."""
    if _is_api():
        return api_error(str(exc), 503)
    return render_template("error.html", title=_t()("unavailable"), message=str(exc)), 503


def http_error(exc: HTTPException) -> ResponseReturnValue:
    if _is_api():
        return api_error(exc.description or exc.name, exc.code or 500)
    if exc.code == 404:
        return render_template("error.html", title=_t()("not_found_title"), message=_t()("not_found")), 404
    return render_template("error.html", title=exc.name, message=exc.description or ""), exc.code or 500


def unexpected_error(exc: Exception) -> ResponseReturnValue:
    current_app.logger.exception("unexpected error on %s", request.path)
    if _is_api():
        return api_error("internal error: the search failed unexpectedly", 500)
    return render_template("error.html", title=_t()("internal_error_title"), message=_t()("internal_error")), 500


def register(app: Flask) -> None:
    """Install the handlers on the app (the most specific class wins)."""
    app.register_error_handler(QueryError, bad_query)
    app.register_error_handler(ArchiveIndexError, index_unavailable)
    for broken in (UserFileError, SourcesError, AliasError):  # the user's files beside the index
        app.register_error_handler(broken, broken_user_file)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(Exception, unexpected_error)
