"""The migrations are the only way the schema is made: they must build exactly the models."""

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

import app.models
from app.core import migrate
from app.core.db import create_db_engine, normalize_url
from app.search.models import include_name, include_object
from tests.conftest import POSTGRES_URL


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database of its own, so going down to base does not touch the other tests' tables."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    if not POSTGRES_URL:
        pytest.skip("MESA_TEST_DATABASE_URL is not set")
    name = f"mesa_migrations_{uuid.uuid4().hex[:8]}"
    admin = create_engine(normalize_url(POSTGRES_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = normalize_url(POSTGRES_URL).rsplit("/", 1)[0] + f"/{name}"
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def schema_differences(url: str) -> list[object]:
    engine = create_db_engine(url)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "include_name": include_name,
                "include_object": include_object,
            },
        )
        differences: list[object] = compare_metadata(context, app.models.metadata)
    engine.dispose()
    return differences


def table_names(url: str) -> set[str]:
    engine = create_db_engine(url)
    names = set(inspect(engine).get_table_names())
    engine.dispose()
    return names


def test_upgrade_matches_models_and_downgrade_is_clean(empty_database: str) -> None:
    migrate.upgrade(empty_database)
    assert schema_differences(empty_database) == []
    assert {"draft", "provision", "provision_version"} <= table_names(empty_database)

    migrate.downgrade(empty_database, "base")
    assert table_names(empty_database) <= {"alembic_version"}

    migrate.upgrade(empty_database)
    assert schema_differences(empty_database) == []
