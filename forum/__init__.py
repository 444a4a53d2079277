"""The IVIG patient forum: an article with a moderated, threaded discussion."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the forum: configuration, extensions, blueprints, error pages and commands."""
    from forum import (
        account,
        api,
        articles,
        auth,
        cli,
        conditional,
        database,
        errors,
        feeds,
        forgery,
        health,
        metrics,
        request_log,
        security,
        templating,
    )
    from forum.accounts import recovery, team, views  # noqa: F401 - they add their pages
    from forum.config import from_environment
    from forum.extensions import cache, csrf, db, limiter, login_manager, mail, migrate
    from forum.moderation import bp as moderation_bp
    from forum.moderation import log  # noqa: F401 - adds its pages to moderation_bp
    from forum.moderation import views as moderation_views  # noqa: F401 - and so does this

    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_mapping(from_environment(Path(app.instance_path), test_config or {}))
    if test_config:
        app.config.from_mapping(test_config)

    # Inside ProxyFix, so that the forwarded host and scheme tell its kept answers apart.
    app.wsgi_app = conditional.SharedResponses(app.wsgi_app, app)  # type: ignore[method-assign]
    if proxies := app.config["FORUM_TRUSTED_PROXIES"]:
        # Only then is X-Forwarded-For the client's address (rate limits, retention).
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies
        )
    db.init_app(app)
    with app.app_context():
        database.configure_engine(db.engine)
    # Batch mode lets SQLite, which cannot ALTER most things, run the same migrations.
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    mail.init_app(app)
    limiter.init_app(app)
    cache.init_app(app)

    app.url_map.converters.update(id=security.IdConverter, slug=security.SlugConverter)
    for blueprint in (
        account.bp,
        articles.bp,
        auth.bp,
        moderation_bp,
        feeds.bp,
        api.bp,
        views.bp,
    ):
        app.register_blueprint(blueprint)
    errors.init_app(app)
    health.init_app(app)
    metrics.init_app(app)
    request_log.init_app(app)
    forgery.init_app(app)
    conditional.init_app(app)
    security.init_app(app)
    templating.init_app(app)
    cli.init_app(app)
    return app
