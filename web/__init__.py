"""The search page and JSON API: a Flask application factory."""

from __future__ import annotations

from typing import Any

from flask import Flask

from newsarchive.index.folder import default_index_dir

# No inline script or style: everything comes from /static, so an injected tag cannot run.
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app; `config["INDEX"]` is the index folder (default: $NEWSARCHIVE_INDEX or ./newsarchive-index)."""
    app = Flask(__name__)
    app.config.from_mapping(INDEX=str(default_index_dir()), JSON_AS_ASCII=False)
    if config:
        app.config.from_mapping(config)
    app.json.ensure_ascii = False

    from . import api, errors, pages, trends

    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(trends.bp)
    errors.register(app)

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response

    return app
