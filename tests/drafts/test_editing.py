"""Secretariat edits: revise, insert, delete and move, with renumbering and stable uids."""

import pytest
from sqlmodel import Session, col, select

from app.audit.models import AuditEvent
from app.core.errors import InvalidInput
from app.drafts import editing, service
from app.drafts.models import Draft, ProvisionVersion
from app.members.models import Member
from tests.factories import entry_of, make_draft, make_member


@pytest.fixture
def draft(db: Session) -> Draft:
    return make_draft(db)


@pytest.fixture
def secretariat(db: Session) -> Member:
    return make_member(db, role="secretariat", name="Secretaría")


def uid_of(db: Session, draft: Draft, label: str) -> str:
    return next(e.uid for e in service.load_outline(db, draft).entries if e.label.text == label)


def labels(db: Session, draft: Draft) -> dict[str, str]:
    """uid → label of every clause."""
    return {e.uid: e.label.text for e in service.load_outline(db, draft).clauses}


class TestRevise:
    def test_writes_the_next_version_with_author_and_reason(
        self, db: Session, draft: Draft, secretariat: Member
    ) -> None:
        uid = uid_of(db, draft, "Artículo 1.")
        editing.revise(
            db,
            secretariat,
            draft,
            uid=uid,
            expected_version=1,
            text="Texto corregido.",
            heading=None,
            reason="Errata",
        )
        db.commit()
        entry = service.load_outline(db, draft).get(uid)
        [first, second] = editing.versions(db, entry)
        assert (second.number, second.text, second.author, second.reason) == (
            2,
            "Texto corregido.",
            "Secretaría",
            "Errata",
        )
        assert second.heading == first.heading == "Objeto de la Ley"
        assert first.text == "La presente Ley tiene por objeto promover la formalización."

    def test_a_stale_expected_version_is_a_conflict_and_writes_nothing(
        self, db: Session, draft: Draft, secretariat: Member
    ) -> None:
        uid = uid_of(db, draft, "Artículo 1.")
        editing.revise(
            db,
            secretariat,
            draft,
            uid=uid,
            expected_version=1,
            text="Primera corrección.",
            heading=None,
            reason="Errata",
        )
        db.commit()
        events = len(db.exec(select(AuditEvent)).all())
        with pytest.raises(editing.StaleVersion) as conflict:
            editing.revise(
                db,
                secretariat,
                draft,
                uid=uid,
                expected_version=1,
                text="Otra corrección.",
                heading=None,
                reason="Errata",
            )
        db.rollback()
        assert conflict.value.details == {"current_version": 2}
        entry = service.load_outline(db, draft).get(uid)
        assert [v.text for v in editing.versions(db, entry)][-1] == "Primera corrección."
        assert len(db.exec(select(AuditEvent)).all()) == events

    @pytest.mark.parametrize(
        ("text", "reason", "field"),
        [("Texto.", "", "reason"), ("  \n ", "Motivo", "text"), ("x" * 20_001, "Motivo", "text")],
        ids=["no reason", "empty text", "oversized text"],
    )
    def test_bad_input_is_a_form_error(
        self, db: Session, draft: Draft, secretariat: Member, text: str, reason: str, field: str
    ) -> None:
        uid = uid_of(db, draft, "Artículo 1.")
        with pytest.raises(InvalidInput) as error:
            editing.revise(
                db,
                secretariat,
                draft,
                uid=uid,
                expected_version=1,
                text=text,
                heading=None,
                reason=reason,
            )
        assert error.value.details["field"] == field

    def test_the_version_is_recorded_in_the_audit_trail(
        self, db: Session, draft: Draft, secretariat: Member
    ) -> None:
        uid = uid_of(db, draft, "Artículo 2.")
        editing.revise(
            db,
            secretariat,
            draft,
            uid=uid,
            expected_version=1,
            text="2.1 Nuevo.",
            heading="Ámbito nuevo",
            reason="Coordinación",
        )
        db.commit()
        event = db.exec(select(AuditEvent).order_by(col(AuditEvent.seq).desc())).first()
        assert event is not None
        assert (event.action, event.object, event.actor_name) == (
            "provision.revised",
            f"provision:{uid}",
            "Secretaría",
        )
        assert event.details["version"] == 2


class TestStructure:
    def test_insert_renumbers_the_following_articles_and_keeps_their_uids(
        self, db: Session, draft: Draft, secretariat: Member
    ) -> None:
        before = labels(db, draft)
        after_uid = uid_of(db, draft, "Artículo 1.")
        result = editing.insert_provision(
            db,
            secretariat,
            draft,
            kind="articulo",
            after_uid=after_uid,
            heading="Finalidad",
            text="Texto nuevo.",
            reason="Acuerdo",
        )
        db.commit()
        now = labels(db, draft)
        assert result.label == "Artículo 2." and now[result.uid] == "Artículo 2."
        renumbered = {uid: (before[uid], now[uid]) for uid in before if before[uid] != now[uid]}
        assert sorted(renumbered.values()) == [
            ("Artículo 2.", "Artículo 3."),
            ("Artículo 3.", "Artículo 4."),
            ("Artículo 4.", "Artículo 5."),
        ]

    def test_insert_renumbers_the_references_to_what_moved(
        self, db: Session, draft: Draft, secretariat: Member
    ) -> None:
        # Artículo 3 says "conforme al artículo 1"; inserting before article 1 moves that number,
        # and the reference follows it: no text is edited in anyone's name.
        referring = entry_of(db, draft, "Artículo 3.")
        first_chapter = uid_of(db, draft, "CAPÍTULO I")
        result = editing.insert_provision(
            db,
            secretariat,
            draft,
            kind="articulo",
            after_uid=first_chapter,
            heading="Nuevo",
            text="Texto.",
            reason="Acuerdo",
        )
        assert result.label == "Artículo 1."
        assert [(r.label, r.mentions) for r in result.renumbered_references] == [
            ("Artículo 4.", ["artículo 2"])
        ]
        moved = entry_of(db, draft, "Artículo 4.")
        assert moved.uid == referring.uid and moved.version == referring.version
        assert "conforme al artículo 2" in service.current_version(db, moved).text

    def test_delete_renumbers_and_the_uid_is_never_reused(
        self, db: Session, draft: Draft, secretariat: Member
    ) -> None:
        gone = uid_of(db, draft, "Artículo 2.")
        editing.delete_provision(db, secretariat, draft, uid=gone, reason="Duplicado")
        db.commit()
        now = labels(db, draft)
        assert gone not in now
        assert now[uid_of(db, draft, "Artículo 2.")] == "Artículo 2."
        assert sorted(label for label in now.values() if label.startswith("Artículo"))[:4] == [
            "Artículo 1.",
            "Artículo 2.",
            "Artículo 3.",
            "Artículo I.",
        ]
        result = editing.insert_provision(
            db,
            secretariat,
            draft,
            kind="articulo",
            after_uid=uid_of(db, draft, "Artículo 1."),
            heading="",
            text="Otro.",
            reason="x",
        )
        assert result.uid != gone

    def test_a_provision_with_children_cannot_be_deleted(
        self, db: Session, draft: Draft, secretariat: Member
    ) -> None:
        with pytest.raises(editing.HasChildren):
            editing.delete_provision(
                db, secretariat, draft, uid=uid_of(db, draft, "CAPÍTULO I"), reason="x"
            )

    def test_move_renumbers_both_places(
        self, db: Session, draft: Draft, secretariat: Member
    ) -> None:
        moving = uid_of(db, draft, "Artículo 1.")
        target = uid_of(db, draft, "Artículo 3.")
        result = editing.move_provision(
            db, secretariat, draft, uid=moving, after_uid=target, reason="Orden lógico"
        )
        db.commit()
        assert result.label == "Artículo 3."
        outline = service.load_outline(db, draft)
        assert [e.heading for e in outline.clauses][1:5] == [
            "Ámbito",
            "Definiciones",
            "Objeto de la Ley",
            "Registro",
        ]
        assert outline.get(moving).parent is not None
        assert outline.get(moving).parent.label.text == "CAPÍTULO II"  # type: ignore[union-attr]

    def test_a_disposition_cannot_go_among_articles(
        self, db: Session, draft: Draft, secretariat: Member
    ) -> None:
        with pytest.raises(InvalidInput):
            editing.insert_provision(
                db,
                secretariat,
                draft,
                kind="disposicion",
                after_uid=uid_of(db, draft, "Artículo 1."),
                heading="",
                text="x",
                reason="x",
            )

    def test_an_unknown_after_is_not_found(
        self, db: Session, draft: Draft, secretariat: Member
    ) -> None:
        from app.core.errors import NotFound

        with pytest.raises(NotFound):
            editing.insert_provision(
                db,
                secretariat,
                draft,
                kind="articulo",
                after_uid="nada",
                heading="",
                text="x",
                reason="x",
            )


def test_versions_are_never_updated_in_place(
    db: Session, draft: Draft, secretariat: Member
) -> None:
    uid = uid_of(db, draft, "Artículo 1.")
    original = db.exec(select(ProvisionVersion).where(ProvisionVersion.number == 1)).all()
    texts = {v.id: v.text for v in original}
    for n in range(1, 4):
        editing.revise(
            db,
            secretariat,
            draft,
            uid=uid,
            expected_version=n,
            text=f"Versión {n + 1}.",
            heading=None,
            reason="Ronda",
        )
    db.commit()
    for version in db.exec(
        select(ProvisionVersion).where(col(ProvisionVersion.id).in_(texts))
    ).all():
        assert version.text == texts[version.id]
