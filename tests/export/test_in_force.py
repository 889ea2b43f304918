"""A disposition that modifies an article of a law in force is compared with that article's
text in force in the cuadro comparativo ("texto vigente | texto propuesto")."""

import io

import docx
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.core.config import ROOT
from app.core.errors import InvalidInput
from app.drafts import editing, service, snapshots
from app.drafts.importing import parse_draft
from app.drafts.models import Numbering
from app.export import service as exports
from tests.factories import SMALL_LAW, entry_of, make_draft, make_member, token_headers, uid_of

IN_FORCE = "El registro es público."  # Artículo 4 of the law in force
PROPOSED = (
    "Modifícase el artículo 4 de la Ley de prueba vigente: el registro es público y gratuito."
)


def test_a_modificatoria_is_compared_with_the_text_in_force(
    client: TestClient, db: Session
) -> None:
    law = service.import_draft(
        db,
        parse_draft(SMALL_LAW.format(slug="ley-vigente").encode(), markdown=True),
        numbering=Numbering.FIXED,
    )
    draft = make_draft(db)
    secretariat = make_member(db, role="secretariat")
    base = snapshots.freeze_snapshot(db, secretariat, draft, "Borrador 1")
    disposition = uid_of(db, draft, "PRIMERA.")
    editing.revise(
        db, secretariat, draft, uid=disposition, expected_version=1, text=PROPOSED,
        heading=None, reason="Modificatoria",
    )  # fmt: skip
    db.commit()
    article = uid_of(db, law, "Artículo 4.")
    headers = token_headers(db, "secretariat")
    url = f"/api/v1/drafts/{draft.slug}/provisions/{disposition}"

    linked = client.put(f"{url}/modifies", json={"law": law.slug, "uid": article}, headers=headers)
    assert linked.status_code == 200, linked.text
    assert client.get(url).json()["modifies"] == {"law": law.slug, "uid": article}

    html = exports.render(db, draft, "html", None, str(base.id), {"cuadro"}).content.decode()
    cuadro = html[html.index('id="cuadro"') :]
    assert "Texto vigente — Ley de prueba, Artículo 4." in cuadro
    assert IN_FORCE in cuadro
    word = exports.render(db, draft, "docx", None, str(base.id))
    cells = [
        cell.text for table in docx.Document(io.BytesIO(word.content)).tables
        for row in table.rows for cell in row.cells
    ]  # fmt: skip
    assert any("Texto vigente — Ley de prueba, Artículo 4." in c and IN_FORCE in c for c in cells)

    unlinked = client.put(f"{url}/modifies", json=None, headers=headers)
    assert unlinked.status_code == 200 and unlinked.json() is None
    assert client.get(url).json()["modifies"] is None


def test_only_an_article_of_a_law_in_force_can_be_modified(db: Session) -> None:
    draft = make_draft(db)
    other = make_draft(db, slug="otro-proyecto")  # renumbered: a bill, not a law in force
    secretariat = make_member(db, role="secretariat")
    disposition = uid_of(db, draft, "PRIMERA.")
    try:
        editing.set_modifies(
            db, secretariat, draft, uid=disposition, law_slug=other.slug,
            law_uid=uid_of(db, other, "Artículo 4."),
        )  # fmt: skip
    except InvalidInput as error:
        assert "no es una ley vigente" in error.message
    else:
        raise AssertionError("a bill was taken for a law in force")


def test_a_real_law_in_force_is_what_the_cuadro_compares_with(
    client: TestClient, db: Session
) -> None:
    """Ley 28315 as SPIJ publishes it (tests/drafts/data/real), imported keeping its numbers."""
    law = service.import_file(
        db, ROOT / "tests" / "drafts" / "data" / "real" / "ley-28315-spij.txt",
        "ley-28315", numbering=Numbering.FIXED,
    )  # fmt: skip
    draft = make_draft(db)
    secretariat = make_member(db, role="secretariat")
    base = snapshots.freeze_snapshot(db, secretariat, draft, "Borrador 1")
    disposition = uid_of(db, draft, "PRIMERA.")
    editing.revise(
        db, secretariat, draft, uid=disposition, expected_version=1,
        text="Modifícase el artículo 1 de la Ley N° 28315.", heading=None, reason="Modificatoria",
    )  # fmt: skip
    article = entry_of(db, law, "Artículo 1.")
    editing.set_modifies(
        db, secretariat, draft, uid=disposition, law_slug=law.slug, law_uid=article.uid
    )
    db.commit()
    in_force = service.current_version(db, article).text
    html = exports.render(db, draft, "html", None, str(base.id), {"cuadro"}).content.decode()
    cuadro = html[html.index('id="cuadro"') :]
    assert f"Texto vigente — {law.title}, Artículo 1." in cuadro
    assert in_force.split("\n")[0][:60] in cuadro
    assert "(*)" not in in_force  # SPIJ's notes are not the text in force
