"""Snapshots stay frozen while the draft moves on; comparisons match provisions by uid."""

from sqlmodel import Session

from app.drafts import editing, service, snapshots
from app.drafts.models import Draft
from app.members.models import Member
from tests.factories import make_draft, make_member


def uid_of(db: Session, draft: Draft, label: str) -> str:
    return next(e.uid for e in service.load_outline(db, draft).entries if e.label.text == label)


def state(db: Session, snapshot: object) -> list[tuple[str, int, str]]:
    return [(e.label, e.version, e.heading) for e in snapshots.snapshot_state(db, snapshot)]  # type: ignore[arg-type]


def scripted_edits(db: Session, draft: Draft, secretariat: Member) -> dict[str, str]:
    """Between two snapshots: one revision, one insertion, one deletion. Returns the uids."""
    uids = {
        "revised": uid_of(db, draft, "Artículo 3."),
        "deleted": uid_of(db, draft, "Artículo 2."),
        "renumbered": uid_of(db, draft, "Artículo 4."),
        "first": uid_of(db, draft, "Artículo 1."),
    }
    editing.revise(
        db,
        secretariat,
        draft,
        uid=uids["revised"],
        expected_version=1,
        text="Para efectos de la presente Ley se entiende por minero artesanal a quien trabaja "
        "en forma personal o familiar.",
        heading=None,
        reason="Precisión",
    )
    editing.delete_provision(
        db, secretariat, draft, uid=uids["deleted"], reason="Se integra al artículo 1"
    )
    inserted = editing.insert_provision(
        db,
        secretariat,
        draft,
        kind="articulo",
        after_uid=uids["renumbered"],
        heading="Plazo",
        text="Plazo de un año.",
        reason="Acuerdo",
    )
    uids["added"] = inserted.uid
    db.commit()
    return uids


class TestFreeze:
    def test_a_snapshot_records_every_provision_and_never_changes(self, db: Session) -> None:
        draft = make_draft(db)
        secretariat = make_member(db, role="secretariat")
        borrador_1 = snapshots.freeze_snapshot(db, secretariat, draft, "Borrador 1")
        db.commit()
        frozen = state(db, borrador_1)
        assert len(frozen) == len(service.load_outline(db, draft).entries)

        scripted_edits(db, draft, secretariat)
        assert state(db, borrador_1) == frozen
        assert ("Artículo 2.", 1, "Ámbito") in frozen

    def test_a_label_is_required(self, db: Session) -> None:
        import pytest

        from app.core.errors import InvalidInput

        draft = make_draft(db)
        with pytest.raises(InvalidInput):
            snapshots.freeze_snapshot(db, make_member(db, role="secretariat"), draft, "   ")


class TestCompare:
    def test_a_scripted_sequence_of_edits(self, db: Session) -> None:
        draft = make_draft(db)
        secretariat = make_member(db, role="secretariat")
        first = snapshots.freeze_snapshot(db, secretariat, draft, "Borrador 1")
        db.commit()
        uids = scripted_edits(db, draft, secretariat)
        second = snapshots.freeze_snapshot(db, secretariat, draft, "Borrador 2")
        db.commit()

        _a, _b, changes = snapshots.compare(db, draft, from_id=str(first.id), to_id=str(second.id))
        by_uid = {c.uid: c for c in changes}
        assert (by_uid[uids["revised"]].change, by_uid[uids["revised"]].from_label) == (
            "modified",
            "Artículo 3.",
        )
        assert by_uid[uids["revised"]].to_label == "Artículo 2."  # modified wins over renumbered
        assert ("+", " o familiar") in by_uid[uids["revised"]].ops
        assert (by_uid[uids["deleted"]].change, by_uid[uids["deleted"]].to_label) == (
            "removed",
            None,
        )
        assert (by_uid[uids["added"]].change, by_uid[uids["added"]].to_label) == (
            "added",
            "Artículo 4.",
        )
        assert by_uid[uids["renumbered"]].change == "renumbered"
        assert (by_uid[uids["renumbered"]].from_label, by_uid[uids["renumbered"]].to_label) == (
            "Artículo 4.",
            "Artículo 3.",
        )
        assert by_uid[uids["first"]].change == "unchanged"

    def test_removed_provisions_stand_where_they_were(self, db: Session) -> None:
        draft = make_draft(db)
        secretariat = make_member(db, role="secretariat")
        first = snapshots.freeze_snapshot(db, secretariat, draft, "Borrador 1")
        db.commit()
        uids = scripted_edits(db, draft, secretariat)
        _a, _b, changes = snapshots.compare(db, draft, from_id=str(first.id), to_id="current")
        order = [c.uid for c in changes]
        assert order.index(uids["deleted"]) == order.index(uids["first"]) + 1

    def test_compare_with_itself_is_all_unchanged(self, db: Session) -> None:
        draft = make_draft(db)
        first = snapshots.freeze_snapshot(db, make_member(db, role="secretariat"), draft, "B1")
        db.commit()
        _a, _b, changes = snapshots.compare(db, draft, from_id=str(first.id), to_id="current")
        assert {c.change for c in changes} == {"unchanged"}
