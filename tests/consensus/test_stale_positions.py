"""A position taken on a text that has since changed is told as such: on the article page (not
pre-chosen as if about the new text) and in "Mis aportes", to reconfirm."""

import re

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.consensus import positions
from app.drafts import editing
from tests.factories import entry_of, make_draft, make_member, sign_in


def test_a_stale_position_is_told_and_listed_to_reconfirm(client: TestClient, db: Session) -> None:
    draft = make_draft(db)
    member = make_member(db, name="Juana Mamani", sector="miners_organization")
    changed, kept = entry_of(db, draft, "Artículo 2."), entry_of(db, draft, "Artículo 1.")
    for entry in (changed, kept):
        positions.record_position(
            db, member, draft, entry, stance="support", reason=None, version=entry.version
        )
    editing.revise(
        db, make_member(db, role="secretariat"), draft, uid=changed.uid, expected_version=1,
        text="2.1 Se aplica en todo el territorio de la República.", heading=None,
        reason="Precisión",
    )  # fmt: skip
    db.commit()
    sign_in(client, member)

    page = client.get(f"/drafts/{draft.slug}/provisions/{changed.uid}").text
    assert "El texto cambió desde entonces" in page
    assert not re.search(r'name="stance" value="support" required checked', page)
    still = client.get(f"/drafts/{draft.slug}/provisions/{kept.uid}").text
    assert re.search(r'name="stance" value="support" required checked', still)

    mine = client.get("/me/contributions").text
    assert "Una posición por reconfirmar" in mine
    listed = mine[mine.index("Mis posiciones") :]
    assert listed.index("Artículo 2.") < listed.index("Artículo 1.")  # to reconfirm first
    assert "por reconfirmar" in listed[: listed.index("Artículo 1.")]
    assert "tomada sobre la versión 1; el texto está ahora en la versión 2" in listed
