"""Each clause's outcome is kept, in the transaction of every change it follows from: after
positions, a new text, an accepted amendment, an inserted or deleted clause, a new rule and
changes to who votes, what is kept is what the positions give, for every clause."""

from sqlmodel import Session, select

from app.amendments import service as amendments
from app.consensus import positions, reports, rules
from app.consensus.models import ClauseOutcome
from app.consensus.service import set_rule
from app.drafts import editing
from app.drafts import service as drafts
from app.drafts.models import Draft
from app.members import service as members
from tests.factories import entry_of, make_draft, make_member


def kept(db: Session, draft: Draft) -> dict[int, rules.Outcome]:
    rows = db.exec(select(ClauseOutcome).where(ClauseOutcome.draft_id == draft.id)).all()
    return {row.provision_id: reports._outcome_from(row.outcome) for row in rows}


def assert_kept_as_counted(db: Session, draft: Draft) -> None:
    clauses = {e.id: e.version for e in drafts.load_outline(db, draft).clauses}
    assert kept(db, draft) == reports.count_outcomes(db, draft, clauses)


def test_what_is_kept_follows_every_change(db: Session) -> None:
    draft = make_draft(db)
    secretariat = make_member(db, role="secretariat", name="Rosa", sector="executive")
    miner = make_member(db, name="Juana", sector="miners_organization", organization="Asoc.")
    civil = make_member(db, name="Pedro", sector="civil_society")
    one, two = entry_of(db, draft, "Artículo 1."), entry_of(db, draft, "Artículo 2.")
    assert_kept_as_counted(db, draft)  # the imported draft: every clause, no positions

    for voter, stance in ((miner, "support"), (civil, "block"), (secretariat, "support")):
        positions.record_position(
            db, voter, draft, one, stance=stance, reason="Falta el plazo.", version=one.version
        )
    positions.record_position(db, miner, draft, two, stance="object", reason="No.", version=1)
    db.commit()
    assert kept(db, draft)[one.id].status is rules.Status.BLOCKED
    assert_kept_as_counted(db, draft)

    # A new text: the positions on the old one are no longer counted.
    editing.revise(
        db, secretariat, draft, uid=one.uid, expected_version=1, text="Nuevo texto.",
        heading=None, reason="Redacción.",
    )  # fmt: skip
    db.commit()
    assert kept(db, draft)[one.id].status is rules.Status.NO_POSITIONS
    assert_kept_as_counted(db, draft)

    # An amendment accepted, another inserting a clause.
    two = entry_of(db, draft, "Artículo 2.")
    modify = amendments.submit_amendment(
        db, miner, draft, kind="modify", target_uid=two.uid, rationale="Precisar.",
        base_version=two.version, text="Texto precisado.",
    )  # fmt: skip
    amendments.accept(db, secretariat, draft, modify, expected_version=two.version, reason="Sí.")
    insert = amendments.submit_amendment(
        db, miner, draft, kind="insert", target_uid=two.uid, rationale="Falta.",
        text="Un artículo nuevo.", heading="Nuevo",
    )  # fmt: skip
    amendments.accept(db, secretariat, draft, insert, expected_version=None, reason="Sí.")
    db.commit()
    assert_kept_as_counted(db, draft)

    # A clause deleted loses what was kept of it.
    three = entry_of(db, draft, "Artículo 3.")
    editing.delete_provision(db, secretariat, draft, uid=three.uid, reason="Sobra.")
    db.commit()
    assert three.id not in kept(db, draft)
    assert_kept_as_counted(db, draft)

    # The rule, and who votes: a member more, one deactivated, a role changed.
    set_rule(db, secretariat, draft, rules.Rule(quorum=1.0, require_sector_coverage=False))
    db.commit()
    assert_kept_as_counted(db, draft)
    admin = make_member(db, role="admin", sector="executive")
    assert_kept_as_counted(db, draft)
    members.set_active(db, admin, member=civil, active=False)
    db.commit()
    assert_kept_as_counted(db, draft)
    members.change_role(db, admin, member=miner, role="observer")
    db.commit()
    assert_kept_as_counted(db, draft)


def test_reading_recomputes_nothing_that_is_kept(db: Session) -> None:
    """What is read is what was kept: a kept outcome changed behind Mesa's back is read as it
    is (so reading does not count positions again), and a clause with nothing kept (positions
    loaded in bulk) is counted from its positions."""
    draft = make_draft(db)
    one = entry_of(db, draft, "Artículo 1.")
    row = db.get_one(ClauseOutcome, one.id)
    row.outcome = {**row.outcome, "status": "consensus"}
    db.add(row)
    two = entry_of(db, draft, "Artículo 2.")
    db.delete(db.get_one(ClauseOutcome, two.id))
    db.commit()
    outline = drafts.load_outline(db, draft)
    read = reports.read_outcomes(db, draft, {e.id: e.version for e in outline.clauses})
    assert read[one.id].status is rules.Status.CONSENSUS
    assert read[two.id].status is rules.Status.NO_POSITIONS
