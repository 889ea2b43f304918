"""The record in words: every action the code records has its sentence, in Spanish too."""

import ast
import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.amendments import service as amendments
from app.audit.describe import SENTENCES, clause_phrase
from app.core.config import ROOT
from app.core.i18n import current_language
from app.drafts import editing, snapshots
from tests.factories import entry_of, make_draft, make_member


def recorded_actions() -> set[str]:
    """The action of every audit.record(session, actor, ACTION, …) call in the app: a literal,
    or a name assigned literals in the same function ("member.reactivated" if … else …)."""
    found: set[str] = set()
    for path in (ROOT / "app").rglob("*.py"):
        for function in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(function, ast.FunctionDef):
                continue
            assigned = {
                target.id: node.value
                for node in ast.walk(function)
                if isinstance(node, ast.Assign)
                for target in node.targets
                if isinstance(target, ast.Name)
            }
            for call in ast.walk(function):
                if not (
                    isinstance(call, ast.Call)
                    and isinstance(call.func, ast.Attribute)
                    and call.func.attr == "record"
                    and isinstance(call.func.value, ast.Name)
                    and call.func.value.id == "audit"
                    and len(call.args) >= 3
                ):
                    continue
                action = call.args[2]
                if isinstance(action, ast.Name):
                    action = assigned[action.id]
                found |= {
                    node.value
                    for node in ast.walk(action)
                    if isinstance(node, ast.Constant) and isinstance(node.value, str)
                }
    return found


def test_every_recorded_action_has_a_sentence() -> None:
    actions = recorded_actions()
    assert {"snapshot.frozen", "provision.repealed", "draft.numbering_changed"} <= actions
    assert sorted(actions - set(SENTENCES)) == []


@pytest.mark.parametrize(
    ("label", "es", "en"),
    [
        ("Artículo 12.", "el artículo 12", "article 12"),
        ("Artículo 12-A.", "el artículo 12-A", "article 12-A"),
        ("PRIMERA.", "la disposición PRIMERA", "provision PRIMERA"),
    ],
)
def test_a_provision_is_named_as_a_sentence_names_it(label: str, es: str, en: str) -> None:
    token = current_language.set("es")
    try:
        assert clause_phrase(label) == es
        current_language.set("en")
        assert clause_phrase(label) == en
    finally:
        current_language.reset(token)


def said(client: TestClient) -> list[str]:
    page = client.get("/registro").text
    return [re.sub(r"<[^>]+>", "", p) for p in re.findall(r'<p class="said">(.*?)</p>', page)]


def test_the_record_speaks_spanish_and_links_to_the_object(client: TestClient, db: Session) -> None:
    draft = make_draft(db)
    lucia = make_member(db, role="secretariat", name="Lucía Quispe")
    juana = make_member(db, name="Juana Mamani")
    article = entry_of(db, draft, "Artículo 4.")
    amendment = amendments.submit_amendment(
        db, juana, draft, kind="modify", target_uid=article.uid, rationale="Gratuito.",
        base_version=1, text="El registro es público y gratuito.",
    )  # fmt: skip
    amendments.accept(db, lucia, draft, amendment, expected_version=1, reason="Mejora el acceso.")
    snapshots.freeze_snapshot(db, lucia, draft, "Borrador 2")
    editing.insert_provision(
        db, lucia, draft, kind="articulo", after_uid=article.uid, heading="Plazos",
        text="El registro responde en diez días.", reason="Un plazo.",
    )  # fmt: skip
    db.commit()
    lines = said(client)
    assert "Lucía Quispe congeló la instantánea «Borrador 2»" in lines
    assert (
        f"Lucía Quispe acogió la enmienda {amendment.id} al artículo 4. Motivo: Mejora el acceso."
        in lines
    )
    assert f"Juana Mamani propuso la enmienda {amendment.id} al artículo 4" in lines
    assert "Lucía Quispe insertó el artículo 5. Motivo: Un plazo." in lines
    page = client.get("/registro").text
    assert f'href="/amendments/{amendment.id}">enmienda {amendment.id}</a>' in page
    assert f'href="/registro?actor={lucia.id}"><bdi>Lucía Quispe</bdi></a>' in page


def test_filters_by_kind_article_and_person(client: TestClient, db: Session) -> None:
    draft = make_draft(db)
    lucia = make_member(db, role="secretariat", name="Lucía Quispe")
    snapshots.freeze_snapshot(db, lucia, draft, "Borrador 2")
    db.commit()
    page = client.get("/registro?kind=snapshots").text
    assert "congeló la instantánea" in page and "importó el borrador" not in page
    assert "importó" not in client.get(f"/registro?actor={lucia.id}").text
    uid = entry_of(db, draft, "Artículo 2.").uid
    assert f'<option value="provision:{uid}"' in client.get("/registro").text
