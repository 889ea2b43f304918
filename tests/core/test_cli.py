"""The `mesa` command as a person runs it, on a database of its own."""

from pathlib import Path

import pytest
from sqlmodel import func, select

from app.cli import main
from app.core import migrate
from app.core.config import get_settings
from app.core.db import create_db_engine, read_session
from app.drafts.models import Draft, Provision
from tests.factories import SMALL_LAW


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("MESA_DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def count(url: str, model: type) -> int:
    engine = create_db_engine(url)
    with read_session(engine) as session:
        total = session.exec(select(func.count()).select_from(model)).one()
    engine.dispose()
    return int(total)


def test_db_upgrade_then_import(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    law = tmp_path / "ley.md"
    law.write_text(SMALL_LAW.format(slug="ley"), encoding="utf-8")
    assert main(["db", "upgrade"]) == 0
    assert main(["import", str(law)]) == 0
    assert (
        "Se importó «Ley de prueba» como ley: 8 artículos y disposiciones."
        in capsys.readouterr().out
    )
    assert count(database, Draft) == 1


def test_bad_file_names_the_line_and_writes_nothing(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    migrate.upgrade(database)
    law = tmp_path / "ley.md"
    law.write_text("# Ley\n# Artículo 2. A\nx\n# Artículo 1. B\ny\n", encoding="utf-8")
    assert main(["import", str(law)]) == 1
    assert "línea 4: la numeración retrocede" in capsys.readouterr().err
    assert count(database, Provision) == 0


def test_a_taken_slug_is_refused(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    migrate.upgrade(database)
    law = tmp_path / "ley.md"
    law.write_text(SMALL_LAW.format(slug="ley"), encoding="utf-8")
    assert main(["import", str(law)]) == 0
    assert main(["import", str(law)]) == 1
    assert "Ya existe un borrador con el identificador «ley»." in capsys.readouterr().err
    assert count(database, Draft) == 1


def test_seed_loads_the_shipped_drafts_once(
    database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    migrate.upgrade(database)
    assert main(["seed"]) == 0
    assert main(["seed"]) == 0
    output = capsys.readouterr().out
    assert (
        "Se importó «Ley de la Minería Artesanal y de Pequeña Escala» (mineria-artesanal)."
        in output
    )
    assert "ya tiene borradores" in output
    assert count(database, Draft) == 1
