"""The search page and JSON API: a Flask application factory."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response
from flask.json.provider import DefaultJSONProvider

from newsarchive.index.store.folder import default_index_dir

# No inline script or style: everything comes from /static, so an injected tag cannot run.
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app; `config["INDEX"]` is the index folder (default: $NEWSARCHIVE_INDEX or ./newsarchive-index)."""
    app = Flask(__name__)
    # READ_ONLY (`serve --read-only`) turns every write off; uploads (a batch file) are capped by MAX_CONTENT_LENGTH (a 413).
    app.config.from_mapping(INDEX=str(default_index_dir()), JSON_AS_ASCII=False, READ_ONLY=False, MAX_CONTENT_LENGTH=4 * 1024 * 1024)
    if config:
        app.config.from_mapping(config)
    if isinstance(app.json, DefaultJSONProvider):
        app.json.ensure_ascii = False

    from . import api, csrf, errors, feeds, keeping, network, pages, trends

    for blueprint in (pages.bp, api.bp, trends.bp, feeds.bp, keeping.bp, network.bp):
        app.register_blueprint(blueprint)
    errors.register(app)
    csrf.register(app)

    @app.after_request
    def security_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response

    return app
