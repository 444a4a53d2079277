"""`flask db upgrade` from an empty database gives exactly the models' schema."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from forum.extensions import db
from forum.models import Base
from tests.conftest import make_app


def _empty_database(request, tmp_path, backend: str) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.db'}"
    admin = request.getfixturevalue("postgres_admin_url")
    engine = sa.create_engine(f"{admin}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text("DROP DATABASE IF EXISTS forum_empty WITH (FORCE)"))
        conn.execute(sa.text("CREATE DATABASE forum_empty"))
    engine.dispose()
    return f"{admin}/forum_empty"


def test_upgrade_from_empty_matches_the_models(request, tmp_path, database_url):
    backend = "sqlite" if database_url.startswith("sqlite") else "postgresql"
    app = make_app(_empty_database(request, tmp_path, backend))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            differences = compare_metadata(context, Base.metadata)
        assert differences == []
        tables = set(sa.inspect(db.engine).get_table_names())
        db.engine.dispose()
    assert {"article", "comment", "moderator", "moderation_event"} <= tables
    result = runner.invoke(args=["db", "check"])
    with app.app_context():
        db.engine.dispose()
    assert result.exit_code == 0, result.output


def test_downgrade_to_base_and_up_again(request, tmp_path, database_url):
    backend = "sqlite" if database_url.startswith("sqlite") else "postgresql"
    app = make_app(_empty_database(request, tmp_path, backend))
    runner = app.test_cli_runner()
    for command in (["db", "upgrade"], ["db", "downgrade", "base"], ["db", "upgrade"]):
        result = runner.invoke(args=command)
        assert result.exit_code == 0, (command, result.output)
    with app.app_context():
        tables = sa.inspect(db.engine).get_table_names()
        db.engine.dispose()
    assert "comment" in tables
