"""The database: migrations build exactly the models' schema; the configured backend is used."""

from __future__ import annotations

import os

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from shop.extensions import db


def test_migrations_build_exactly_the_schema_of_the_models(app):
    with app.app_context():
        db.drop_all()
        upgrade()
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert differences == []


def test_init_db_migrates_and_seeds_idempotently(app):
    with app.app_context():
        db.drop_all()
        db.session.execute(db.text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()
    runner = app.test_cli_runner()
    first = runner.invoke(args=["init-db"])
    second = runner.invoke(args=["init-db"])
    assert "12 demo products added" in first.output, first.output
    assert "0 demo products added" in second.output, second.output


def test_the_suite_runs_on_the_database_it_was_asked_for(app):
    wanted = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    expected = wanted.split(":", 1)[0].split("+", 1)[0]
    with app.app_context():
        assert db.engine.dialect.name == expected
        assert db.session.execute(db.text("SELECT 1")).scalar_one() == 1


def test_a_database_that_cannot_answer_is_a_clear_503_not_a_500(tmp_path):
    from shop import create_app
    from tests.support import make_config

    unreachable = f"sqlite:///{tmp_path / 'no-such-directory' / 'shop.sqlite3'}"
    app = create_app(make_config(tmp_path, DATABASE_URL=unreachable))

    page = app.test_client().get("/")

    assert page.status_code == 503
    assert "Nothing was changed" in page.get_data(as_text=True)
