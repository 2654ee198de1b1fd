"""Writes from the page: POST only, each with a CSRF token; none at all with `serve --read-only`.

The token is a double submit: a random nonce in a SameSite=Strict, HttpOnly cookie, and
the same nonce signed (itsdangerous, which Flask ships) in every form. Another site can
make a browser post to this server, but it can neither read the cookie nor forge the
signature. The signing key lives in `<index>/.secret` (created once, atomically), so every
server process of an index accepts the others' tokens.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import Flask, Response, current_app, g, request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.exceptions import Forbidden

from newsarchive.index.store.userfiles import write_atomic

COOKIE = "newsarchive_csrf"
FIELD = "csrf_token"
MAX_AGE = 12 * 3600  # seconds a form stays valid
# POSTs that change nothing (a batch of searches is posted because it is long): open even to a read-only archive.
READ_POSTS = {"keeping.batch_page", "api.batch"}
SECRET_FILE = ".secret"


class CsrfError(Forbidden):
    description = "This form has expired or did not come from this site: reload the page and try again."


class ReadOnlyError(Forbidden):
    description = "This archive is read-only: nothing can be saved or changed here."


def _secret(app: Flask) -> str:
    """The signing key: the app's SECRET_KEY, else the index's own (created on first use), else one for this process."""
    if app.config.get("SECRET_KEY"):
        return app.config["SECRET_KEY"]
    folder = Path(app.config["INDEX"])
    path = folder / SECRET_FILE
    try:
        key = path.read_text("ascii").strip()
    except FileNotFoundError:
        key = ""
    if not key:
        key = secrets.token_urlsafe(32)
        if folder.is_dir():
            write_atomic(path, key)
    app.config["SECRET_KEY"] = key
    return key


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(_secret(current_app), salt="newsarchive-csrf")


def token() -> str:
    """The token to put in a form (the cookie that matches it is set with the response)."""
    nonce = request.cookies.get(COOKIE) or g.get("csrf_nonce")
    if not nonce:
        nonce = g.csrf_nonce = secrets.token_urlsafe(24)
    return _serializer().dumps(nonce)


def check_write() -> None:
    """Refuse a write when the archive is read-only, or (for a form) when its token does not match the cookie."""
    if current_app.config.get("READ_ONLY"):
        raise ReadOnlyError()
    if request.path.startswith("/api/"):
        # The JSON API takes JSON only: a browser cannot send that to another site without a CORS preflight, which this server never grants.
        if not request.is_json:
            raise CsrfError("The API takes writes as JSON (Content-Type: application/json).")
        return
    nonce = request.cookies.get(COOKIE)
    try:
        signed = _serializer().loads(request.form.get(FIELD, ""), max_age=MAX_AGE)
    except BadSignature:
        raise CsrfError() from None
    if not nonce or not secrets.compare_digest(signed, nonce):
        raise CsrfError()


def register(app: Flask) -> None:
    """Every POST is checked; the nonce cookie is set on the responses that handed out a token."""

    @app.before_request
    def guard_writes() -> None:
        if request.method not in ("GET", "HEAD", "OPTIONS") and request.endpoint not in READ_POSTS:
            check_write()

    @app.after_request
    def set_nonce(response: Response) -> Response:
        nonce = g.get("csrf_nonce")
        if nonce:
            response.set_cookie(COOKIE, nonce, httponly=True, samesite="Strict", secure=request.is_secure, max_age=MAX_AGE)
        return response
