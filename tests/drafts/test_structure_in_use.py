"""The law's structure stays right while the secretariat changes it: numerales and references
follow every insert, delete and move, in pages, the API and exports, on the shipped draft."""

import io
import re

import pytest
from docx import Document
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session

from app.amendments import service as amendments
from app.consensus import positions
from app.core.config import ROOT
from app.core.errors import Conflict, InvalidInput
from app.drafts import editing, service, structure
from app.drafts.importing import parse_draft
from app.drafts.models import Draft, Numbering
from app.drafts.numbering import Kind
from app.export import service as exports
from app.members.models import Member
from tests.factories import (
    SMALL_LAW,
    entry_of,
    make_member,
    post_form,
    sign_in,
    token_headers,
    uid_of,
)

SHIPPED = ROOT / "drafts" / "mineria-artesanal.md"
# The shipped draft's two references to other laws' articles, which stay text.
OTHER_LAWS = {
    "artículo 91 del Texto Único Ordenado",
    "artículo 5 de la Ley de la Minería Artesanal",
}
_TOKENS = re.compile("\ue000[^\ue001]*\ue001")


@pytest.fixture
def shipped(db: Session) -> Draft:
    draft = service.import_file(db, SHIPPED)
    db.commit()
    return draft


@pytest.fixture
def secretariat(db: Session) -> Member:
    return make_member(db, role="secretariat", name="Lucía Quispe")


def current_text(db: Session, draft: Draft, label: str) -> str:
    return service.current_version(db, entry_of(db, draft, label)).text


def stored_texts(db: Session, draft: Draft) -> dict[str, str]:
    outline = service.load_outline(db, draft)
    return {e.label.text: service.current_version(db, e).stored for e in outline.clauses}


def test_every_reference_in_the_shipped_draft_is_bound(db: Session, shipped: Draft) -> None:
    """What is left as plain text after binding is only the two references to other laws."""
    texts = stored_texts(db, shipped)
    references = sum(len(structure.references(text)) for text in texts.values())
    assert references >= 120
    plain = [
        match.group(0)
        for text in texts.values()
        for match in re.finditer(
            r"(?:art[íi]culos?|numeral(?:es)?) [0-9][0-9.]*[^,;.]{0,40}", _TOKENS.sub("§", text)
        )
    ]
    assert all(any(other in mention for other in OTHER_LAWS) for mention in plain), plain
    numerales = [
        line
        for label, text in texts.items()
        if label.startswith("Artículo")
        for line in text.split("\n")
        if re.match(r"[0-9]+\.[0-9]", line)
    ]
    assert numerales == []  # every numeral is bound to its article


def test_inserting_an_article_renumbers_numerales_and_references_everywhere(
    db: Session, client: TestClient, shipped: Draft, secretariat: Member
) -> None:
    # Artículo 34 reads "conforme al numeral 31.2 del artículo 31"; Artículo 35 has numerales.
    old_35 = entry_of(db, shipped, "Artículo 35.")
    referring = entry_of(db, shipped, "Artículo 34.")
    assert "numeral 31.2 del artículo 31" in current_text(db, shipped, "Artículo 34.")
    numerales = [line[:5] for line in current_text(db, shipped, "Artículo 35.").split("\n")]
    assert "35.1 " in numerales
    member = make_member(db, sector="miners_organization")
    positions.record_position(
        db, member, shipped, referring, stance="support", reason=None, version=referring.version
    )
    db.commit()

    result = editing.insert_provision(
        db, secretariat, shipped, kind="articulo", after_uid=uid_of(db, shipped, "Artículo 29."),
        heading="Nuevo", text="Texto nuevo.", reason="Acuerdo de la tercera sesión",
    )  # fmt: skip
    db.commit()
    assert result.label == "Artículo 30."
    moved = service.load_outline(db, shipped).get(old_35.uid)
    assert moved.label.text == "Artículo 36." and moved.version == old_35.version  # no new text
    text_36 = current_text(db, shipped, "Artículo 36.")
    assert [line[:5] for line in text_36.split("\n")] == [
        n.replace("35.", "36.") for n in numerales
    ]
    now_35 = entry_of(db, shipped, "Artículo 35.")
    assert now_35.uid == referring.uid
    assert "numeral 32.2 del artículo 32" in current_text(db, shipped, "Artículo 35.")
    assert "Artículo 35." in [r.label for r in result.renumbered_references]
    # Nobody edited Artículo 35 (the old 34): the member's position is still current.
    position = positions.my_position(db, member, now_35)
    assert position is not None and position.version == now_35.version

    # The API, the article page (with links) and the Word file say the same.
    api = client.get(f"/api/v1/drafts/{shipped.slug}/provisions/{now_35.uid}").json()
    assert "numeral 32.2 del artículo 32" in api["text"]
    assert {"to": entry_of(db, shipped, "Artículo 32.").uid, "as": "artículo 32"} in [
        {"to": r["to"], "as": r["as"]} for r in api["references"]
    ]
    page = client.get(f"/drafts/{shipped.slug}/provisions/{now_35.uid}").text
    link = f'/drafts/{shipped.slug}/provisions/{entry_of(db, shipped, "Artículo 32.").uid}">32</a>'
    assert link in page
    word = exports.render(db, shipped, "docx")
    paragraphs = [p.text for p in Document(io.BytesIO(word.content)).paragraphs]
    assert any("numeral 32.2 del artículo 32" in p for p in paragraphs)
    assert any(p.startswith("36.1 ") for p in paragraphs)
    assert not any(p.startswith("35.1 ") and "Texto nuevo" in p for p in paragraphs)


def test_deleting_a_referenced_article_lists_and_marks_what_now_dangles(
    db: Session, client: TestClient, shipped: Draft
) -> None:
    gone = entry_of(db, shipped, "Artículo 31.")
    referring = entry_of(db, shipped, "Artículo 34.")
    headers = token_headers(db, "secretariat")
    response = client.delete(
        f"/api/v1/drafts/{shipped.slug}/provisions/{gone.uid}?reason=Se%20integra",
        headers=headers,
    )
    assert response.status_code == 200, response.text
    dangling = {r["from"]: r for r in response.json()["references"]}
    assert referring.uid in dangling
    assert dangling[referring.uid]["label"] == "Artículo 33."  # renumbered itself
    assert "artículo 31" in dangling[referring.uid]["mentions"]
    page = client.get(f"/drafts/{shipped.slug}/provisions/{referring.uid}").text
    assert 'class="dangling">31</span>' in page
    assert "(se refiere a una disposición eliminada)" in page
    api = client.get(f"/api/v1/drafts/{shipped.slug}/provisions/{referring.uid}").json()
    assert {"to": gone.uid, "as": "artículo 31", "dangling": True} in api["references"]


def test_the_secretariat_is_told_before_deleting_what_refers_to_it(
    db: Session, client: TestClient, shipped: Draft, secretariat: Member
) -> None:
    sign_in(client, secretariat)
    gone = entry_of(db, shipped, "Artículo 31.")
    page = client.get(f"/drafts/{shipped.slug}/provisions/{gone.uid}/edit").text
    warning = page[page.index('id="delete"') :]
    assert "Artículo 34.</a> — artículo 31" in warning


class TestLawInForce:
    @pytest.fixture
    def law(self, db: Session) -> Draft:
        parsed = parse_draft(SMALL_LAW.format(slug="ley-vigente").encode(), markdown=True)
        draft = service.import_draft(db, parsed, numbering=Numbering.FIXED)
        db.commit()
        return draft

    def test_an_inserted_article_takes_a_suffix_and_none_is_renumbered(
        self, db: Session, law: Draft, secretariat: Member
    ) -> None:
        result = editing.insert_provision(
            db, secretariat, law, kind="articulo", after_uid=uid_of(db, law, "Artículo 2."),
            heading="Incorporado", text="Texto incorporado.", reason="Modificación",
        )  # fmt: skip
        db.commit()
        assert result.label == "Artículo 2-A."
        labels = [e.label.text for e in service.load_outline(db, law).clauses]
        assert labels[:6] == [
            "Artículo I.",
            "Artículo 1.",
            "Artículo 2.",
            "Artículo 2-A.",
            "Artículo 3.",
            "Artículo 4.",
        ]
        again = editing.insert_provision(
            db, secretariat, law, kind="articulo", after_uid=result.uid,
            heading="Otro", text="Otro texto.", reason="Modificación",
        )  # fmt: skip
        assert again.label == "Artículo 2-B."
        with pytest.raises(InvalidInput, match="2-A"):
            editing.insert_provision(
                db, secretariat, law, kind="articulo", after_uid=uid_of(db, law, "Artículo 2."),
                heading="Entre", text="Entre 2 y 2-A.", reason="Modificación",
            )  # fmt: skip

    def test_a_repealed_article_keeps_its_number_and_reads_derogado(
        self, db: Session, law: Draft, secretariat: Member
    ) -> None:
        repealed = uid_of(db, law, "Artículo 1.")
        result = editing.delete_provision(db, secretariat, law, uid=repealed, reason="Derogación")
        db.commit()
        entry = service.load_outline(db, law).get(repealed)
        assert entry.label.text == "Artículo 1."
        assert service.current_version(db, entry).text == "Derogado."
        assert uid_of(db, law, "Artículo 2.") != repealed
        # Artículo 3 says "conforme al artículo 1": it still points there, and is told so.
        assert [r.label for r in result.references] == ["Artículo 3."]

    def test_the_numbering_is_in_the_api(self, db: Session, client: TestClient, law: Draft) -> None:
        assert client.get(f"/api/v1/drafts/{law.slug}").json()["numbering"] == "fixed"


class TestNumberingChange:
    def test_with_amendments_pending_it_asks_for_confirmation_first(
        self, db: Session, client: TestClient, shipped: Draft, secretariat: Member
    ) -> None:
        author = make_member(db)
        article = entry_of(db, shipped, "Artículo 5.")
        amendments.submit_amendment(
            db, author, shipped, kind="modify", target_uid=article.uid, rationale="Precisión",
            base_version=1, text=service.current_version(db, article).text + " Y algo más.",
        )  # fmt: skip
        db.commit()
        sign_in(client, secretariat)
        url = f"/drafts/{shipped.slug}/numbering"
        asked = post_form(client, url, {"numbering": "fixed"})
        assert asked.status_code == 409
        assert "Hay una enmienda pendiente" in asked.text, asked.text[asked.text.find("<main") :][
            :3000
        ]
        assert 'name="confirmed"' in asked.text
        db.expire_all()
        assert service.get_draft(db, shipped.slug).numbering == "renumber"
        done = post_form(client, url, {"numbering": "fixed", "confirmed": "true"})
        assert done.status_code == 303
        db.expire_all()
        draft = service.get_draft(db, shipped.slug)
        assert draft.numbering == "fixed"
        with pytest.raises(Conflict):
            editing.set_numbering(
                db, secretariat, draft, numbering="renumber", pending_amendments=1,
                confirmed=False,
            )  # fmt: skip


def test_a_pending_amendment_follows_a_renumbering_and_merges_with_the_new_numbers(
    db: Session, shipped: Draft, secretariat: Member
) -> None:
    author = make_member(db, sector="miners_organization")
    target = entry_of(db, shipped, "Artículo 34.")
    proposal = current_text(db, shipped, "Artículo 34.").replace(
        "numeral 31.2 del artículo 31", "numeral 31.2 del artículo 31, en su caso"
    )
    amendment = amendments.submit_amendment(
        db, author, shipped, kind="modify", target_uid=target.uid, rationale="Precisión",
        base_version=target.version, text=proposal,
    )  # fmt: skip
    db.commit()
    editing.insert_provision(
        db, secretariat, shipped, kind="articulo", after_uid=uid_of(db, shipped, "Artículo 29."),
        heading="Nuevo", text="Texto nuevo.", reason="Acuerdo",
    )  # fmt: skip
    db.commit()
    entry = entry_of(db, shipped, "Artículo 35.")
    assert entry.uid == target.uid
    assert "numeral 32.2 del artículo 32, en su caso" in amendments.proposed_text(amendment, entry)
    amendments.accept(
        db, secretariat, shipped, amendment, expected_version=entry.version, reason="Acogida"
    )
    db.commit()
    assert "numeral 32.2 del artículo 32, en su caso" in current_text(db, shipped, "Artículo 35.")


# A property: whatever the secretariat does to the structure, numbers inside texts stay right.

SMALL = SMALL_LAW.format(slug="ley-propiedad")
Step = tuple[str, int, int]  # (insert | delete | move, which provision, where)


def check_every_number(db: Session, draft: Draft) -> None:
    outline = service.load_outline(db, draft)
    for entry in outline.clauses:
        version = service.current_version(db, entry)
        if entry.kind is Kind.ARTICULO and entry.label.written.isdigit():
            for line in version.text.split("\n"):
                if mark := re.match(r"([0-9]+)\.[0-9]", line):
                    assert mark[1] == entry.label.written, (entry.label.text, line)
        for piece in structure.pieces(version.stored, outline.numbering, own_uid=entry.uid):
            if piece.to is not None and not piece.dangling:
                assert piece.text == outline.by_uid[piece.to].label.written


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    steps=st.lists(
        st.tuples(
            st.sampled_from(["insert", "delete", "move"]), st.integers(0, 99), st.integers(0, 99)
        ),
        max_size=6,
    )
)
def test_numbers_in_texts_follow_any_structural_change(
    db: Session, secretariat: Member, steps: list[Step]
) -> None:
    savepoint = db.begin_nested()
    try:
        draft = service.import_draft(db, parse_draft(SMALL.encode(), markdown=True))
        for action, which, where in steps:
            outline = service.load_outline(db, draft)
            articles = [e for e in outline.entries if e.kind is Kind.ARTICULO]
            target = articles[which % len(articles)]
            place = outline.entries[where % len(outline.entries)]
            try:
                if action == "insert":
                    # The secretariat writes the new article's numerales with its new number,
                    # and a reference to an existing article by its number now.
                    editing.insert_provision(
                        db, secretariat, draft, kind="articulo", after_uid=place.uid,
                        heading="Nuevo", text=f"Conforme al artículo {target.label.written}.",
                        reason="Prueba",
                    )  # fmt: skip
                elif action == "delete" and len(articles) > 2:
                    editing.delete_provision(
                        db, secretariat, draft, uid=target.uid, reason="Prueba"
                    )
                elif action == "move":
                    editing.move_provision(
                        db, secretariat, draft, uid=target.uid, after_uid=place.uid, reason="Prueba"
                    )
            except InvalidInput:
                pass  # an article cannot go there (after itself, inside a disposition group)
            check_every_number(db, draft)
    finally:
        savepoint.rollback()


def test_the_secretariat_sees_references_to_nothing_and_to_what_was_deleted(
    db: Session, client: TestClient, shipped: Draft, secretariat: Member
) -> None:
    article = entry_of(db, shipped, "Artículo 5.")
    editing.revise(
        db, secretariat, shipped, uid=article.uid, expected_version=article.version,
        text=service.current_version(db, article).text + "\nConforme al artículo 400.",
        heading=None, reason="Prueba",
    )  # fmt: skip
    editing.delete_provision(
        db, secretariat, shipped, uid=uid_of(db, shipped, "Artículo 31."), reason="Se integra"
    )
    db.commit()
    assert "artículo 400" in current_text(db, shipped, "Artículo 5.")  # kept as written
    sign_in(client, secretariat)
    contents = client.get(f"/drafts/{shipped.slug}").text
    problems = contents[contents.index('id="reference-problems"') :]
    assert "Artículo 5.</a>:" in problems and "artículo 400" in problems
    assert "Artículo 33.</a>:" in problems and "artículo 31" in problems  # the old Artículo 34
    anonymous = TestClient(client.app)
    assert 'id="reference-problems"' not in anonymous.get(f"/drafts/{shipped.slug}").text
