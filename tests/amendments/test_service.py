"""Amendments: every transition and its refusal; fast-forward, rebase, conflict merged by hand."""

import threading

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session, func, select

from app.amendments import service
from app.amendments.models import AmendmentSource
from app.audit.models import AuditEvent
from app.comments import service as comments
from app.core.db import write_session
from app.core.errors import Forbidden, InvalidInput, NotFound
from app.drafts import editing
from app.drafts import service as drafts
from app.drafts.models import Draft, Phase, ProvisionVersion
from app.members.models import Member
from tests.factories import entry_of, make_draft, make_member, uid_of

ARTICLE_2 = "2.1 Se aplica en todo el territorio nacional.\n2.2 No comprende a la gran minería."


@pytest.fixture
def draft(db: Session) -> Draft:
    return make_draft(db)


@pytest.fixture
def author(db: Session) -> Member:
    return make_member(db, name="Juana Mamani", sector="miners_organization")


@pytest.fixture
def secretariat(db: Session) -> Member:
    return make_member(db, role="secretariat", name="Secretaría")


def propose(
    db: Session, draft: Draft, author: Member, new_text: str, label: str = "Artículo 2."
) -> object:
    return service.submit_amendment(
        db,
        author,
        draft,
        kind="modify",
        target_uid=uid_of(db, draft, label),
        rationale="Porque sí",
        base_version=1,
        text=new_text,
    )


class TestSubmit:
    def test_a_modify_amendment_is_submitted_against_its_base(
        self, db: Session, draft: Draft, author: Member
    ) -> None:
        amendment = propose(db, draft, author, ARTICLE_2.replace("nacional", "de la República"))
        assert (amendment.status, amendment.base_version) == ("submitted", 1)  # type: ignore[attr-defined]

    @pytest.mark.parametrize(
        ("kind", "base_version", "new_text", "rationale", "error"),
        [
            ("modify", 1, "", "Motivo", InvalidInput),
            ("modify", 7, "Otro texto.", "Motivo", InvalidInput),
            ("modify", 1, ARTICLE_2, "Motivo", InvalidInput),
            ("modify", 1, "Otro texto.", "", InvalidInput),
            ("rewrite", 1, "Otro texto.", "Motivo", InvalidInput),
        ],
        ids=["empty text", "base that does not exist", "no change", "no rationale", "unknown kind"],
    )
    def test_bad_input_writes_nothing(
        self, db: Session, draft: Draft, author: Member, kind: str, base_version: int,
        new_text: str, rationale: str, error: type[Exception],
    ) -> None:  # fmt: skip
        with pytest.raises(error):
            service.submit_amendment(
                db,
                author,
                draft,
                kind=kind,
                target_uid=uid_of(db, draft, "Artículo 2."),
                rationale=rationale,
                base_version=base_version,
                text=new_text,
            )

    def test_a_clause_of_another_draft_is_not_found(
        self, db: Session, draft: Draft, author: Member
    ) -> None:
        other = make_draft(db, slug="otra-ley")
        with pytest.raises(NotFound):
            service.submit_amendment(
                db,
                author,
                draft,
                kind="modify",
                target_uid=uid_of(db, other, "Artículo 2."),
                rationale="x",
                base_version=1,
                text="Otro.",
            )

    def test_an_insert_after_an_unknown_uid_is_not_found(
        self, db: Session, draft: Draft, author: Member
    ) -> None:
        with pytest.raises(NotFound):
            service.submit_amendment(
                db,
                author,
                draft,
                kind="insert",
                target_uid="no-existe",
                rationale="x",
                text="Nuevo.",
            )

    def test_consolidation_closes_new_amendments_and_says_why(
        self, db: Session, draft: Draft, author: Member
    ) -> None:
        draft.phase = Phase.CONSOLIDATION
        with pytest.raises(drafts.PhaseClosed) as refusal:
            propose(db, draft, author, "Otro texto.")
        assert refusal.value.status_code == 403


class TestWithdraw:
    def test_the_author_withdraws_before_a_decision(
        self, db: Session, draft: Draft, author: Member
    ) -> None:
        amendment = propose(db, draft, author, "Otro texto.")
        service.withdraw(db, author, amendment)  # type: ignore[arg-type]
        assert amendment.status == "withdrawn"  # type: ignore[attr-defined]

    def test_nobody_else_withdraws_it(self, db: Session, draft: Draft, author: Member) -> None:
        amendment = propose(db, draft, author, "Otro texto.")
        with pytest.raises(Forbidden):
            service.withdraw(db, make_member(db), amendment)  # type: ignore[arg-type]

    def test_a_decided_amendment_cannot_be_withdrawn(
        self, db: Session, draft: Draft, author: Member, secretariat: Member
    ) -> None:
        amendment = propose(db, draft, author, "Otro texto.")
        service.reject(db, secretariat, amendment, "Fuera de alcance")  # type: ignore[arg-type]
        with pytest.raises(service.AlreadyDecided):
            service.withdraw(db, author, amendment)  # type: ignore[arg-type]


class TestAccept:
    def test_fast_forward_writes_the_proposed_text_as_the_next_version(
        self, db: Session, draft: Draft, author: Member, secretariat: Member
    ) -> None:
        new = ARTICLE_2.replace("nacional", "de la República")
        amendment = propose(db, draft, author, new)
        result = service.accept(
            db, secretariat, draft, amendment, expected_version=1, reason="Mejora la redacción"
        )  # type: ignore[arg-type]
        assert (result.status, result.version) == ("accepted", 2)
        version = drafts.version(db, entry_of(db, draft, "Artículo 2."), 2)
        assert (version.text, version.source, version.amendment_id) == (
            new,
            "amendment",
            amendment.id,
        )  # type: ignore[attr-defined]

    def test_a_clause_that_moved_on_elsewhere_is_rebased(
        self, db: Session, draft: Draft, author: Member, secretariat: Member
    ) -> None:
        first = propose(db, draft, author, ARTICLE_2.replace("nacional", "de la República"))
        second = propose(
            db,
            draft,
            make_member(db),
            ARTICLE_2.replace("gran minería", "gran minería ni a la mediana"),
        )
        service.accept(db, secretariat, draft, first, expected_version=1, reason="Redacción")  # type: ignore[arg-type]
        plan = service.merge_plan(db, draft, second)  # type: ignore[arg-type]
        assert plan.outcome == "clean"
        result = service.accept(
            db, secretariat, draft, second, expected_version=2, reason="Alcance"
        )  # type: ignore[arg-type]
        assert result.status == "accepted"
        assert drafts.version(db, entry_of(db, draft, "Artículo 2."), 3).text == (
            "2.1 Se aplica en todo el territorio de la República.\n"
            "2.2 No comprende a la gran minería ni a la mediana."
        )

    def test_a_conflict_is_refused_until_the_secretariat_writes_the_merged_text(
        self, db: Session, draft: Draft, author: Member, secretariat: Member
    ) -> None:
        first = propose(db, draft, author, ARTICLE_2.replace("nacional", "de la República"))
        rival = propose(db, draft, make_member(db), ARTICLE_2.replace("nacional", "peruano"))
        accepted = service.accept(
            db, secretariat, draft, first, expected_version=1, reason="Redacción"
        )  # type: ignore[arg-type]
        db.commit()
        assert [(a.id, state) for a, state in accepted.affected] == [(rival.id, "conflict")]  # type: ignore[attr-defined]
        with pytest.raises(service.MergeConflict) as conflict:
            service.accept(db, secretariat, draft, rival, expected_version=2, reason="Alcance")  # type: ignore[arg-type]
        assert conflict.value.details["proposed"] == ARTICLE_2.replace("nacional", "peruano")
        db.rollback()

        merged = ARTICLE_2.replace("nacional", "de la República peruana")
        result = service.accept(
            db,
            secretariat,
            draft,
            rival,
            expected_version=2,
            reason="Se integran ambas propuestas",
            text=merged,  # type: ignore[arg-type]
            sources=[first.id],  # type: ignore[attr-defined]
        )
        assert result.status == "accepted_modified"
        assert drafts.version(db, entry_of(db, draft, "Artículo 2."), 3).text == merged
        cited = db.exec(
            select(AmendmentSource.source_id).where(AmendmentSource.amendment_id == rival.id)
        ).all()  # type: ignore[attr-defined]
        assert list(cited) == [first.id]  # type: ignore[attr-defined]

    def test_an_accept_against_a_stale_version_is_409_and_writes_nothing(
        self, db: Session, draft: Draft, author: Member, secretariat: Member
    ) -> None:
        amendment = propose(db, draft, author, ARTICLE_2.replace("nacional", "de la República"))
        editing.revise(
            db,
            secretariat,
            draft,
            uid=uid_of(db, draft, "Artículo 2."),
            expected_version=1,
            text="2.1 Otro.",
            heading=None,
            reason="x",
        )
        db.commit()
        with pytest.raises(editing.StaleVersion):
            service.accept(db, secretariat, draft, amendment, expected_version=1, reason="Tarde")  # type: ignore[arg-type]
        db.rollback()
        assert service.get_amendment(db, amendment.id).status == "submitted"  # type: ignore[attr-defined]

    def test_insert_and_delete_amendments_renumber(
        self, db: Session, draft: Draft, author: Member, secretariat: Member
    ) -> None:
        insert = service.submit_amendment(
            db,
            author,
            draft,
            kind="insert",
            target_uid=uid_of(db, draft, "Artículo 1."),
            rationale="Falta una finalidad",
            text="La Ley busca el desarrollo sostenible.",
            heading="Finalidad",
        )
        delete = service.submit_amendment(
            db,
            author,
            draft,
            kind="delete",
            target_uid=uid_of(db, draft, "Artículo 4."),
            rationale="Redundante",
            base_version=1,
        )
        inserted = service.accept(
            db, secretariat, draft, insert, expected_version=None, reason="Acogida"
        )
        assert inserted.label == "Artículo 2."
        service.accept(db, secretariat, draft, delete, expected_version=1, reason="Acogida")
        labels = [e.heading for e in drafts.load_outline(db, draft).clauses]
        assert "Registro" not in labels and labels[1:4] == [
            "Objeto de la Ley",
            "Finalidad",
            "Ámbito",
        ]

    def test_a_delete_of_a_provision_with_children_is_refused(
        self, db: Session, draft: Draft, author: Member
    ) -> None:
        with pytest.raises(InvalidInput):
            service.submit_amendment(
                db,
                author,
                draft,
                kind="delete",
                target_uid=uid_of(db, draft, "CAPÍTULO I"),
                rationale="x",
                base_version=1,
            )

    def test_rejecting_needs_a_reason(
        self, db: Session, draft: Draft, author: Member, secretariat: Member
    ) -> None:
        amendment = propose(db, draft, author, "Otro texto.")
        with pytest.raises(InvalidInput):
            service.reject(db, secretariat, amendment, "  ")  # type: ignore[arg-type]
        service.reject(db, secretariat, amendment, "No corresponde")  # type: ignore[arg-type]
        assert (amendment.status, amendment.decision_reason) == ("rejected", "No corresponde")  # type: ignore[attr-defined]


def test_passage_comments_are_reanchored_after_an_accept(
    db: Session, draft: Draft, author: Member, secretariat: Member
) -> None:
    entry = entry_of(db, draft, "Artículo 2.")
    comments.add_comment(
        db, author, draft, entry, body="De acuerdo", quote="No comprende a la gran minería"
    )
    comments.add_comment(
        db, author, draft, entry, body="Impreciso", quote="Se aplica en todo el territorio nacional"
    )
    amendment = propose(db, draft, author, ARTICLE_2.replace("nacional", "de la República"))
    service.accept(db, secretariat, draft, amendment, expected_version=1, reason="Redacción")  # type: ignore[arg-type]
    views = comments.thread(db, draft, entry_of(db, draft, "Artículo 2.")).items
    assert [(v.comment.body, v.anchored) for v in views] == [
        ("De acuerdo", True),
        ("Impreciso", False),
    ]


def test_two_concurrent_accepts_on_one_clause_one_wins(engine: Engine) -> None:
    """Separate connections, really concurrent: exactly one accept writes, the other gets 409."""
    with write_session(engine) as session:
        start = session.exec(select(func.max(AuditEvent.seq))).one() or 0
        draft = make_draft(session, slug="carrera")
        secretariat = make_member(session, role="secretariat")
        author = make_member(session)
        ids = [
            propose(session, draft, author, ARTICLE_2.replace("nacional", word)).id  # type: ignore[attr-defined]
            for word in ("de la República", "peruano")
        ]
        session.commit()
        draft_id, secretariat_id = draft.id, secretariat.id
        article = entry_of(session, draft, "Artículo 2.").id
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    # PostgreSQL: both transactions read version 1, then race to write it. SQLite: a writer
    # cannot begin while the other holds the write lock, so they start together and queue.
    race_inside = engine.dialect.name == "postgresql"

    def accept(amendment_id: int) -> None:
        if not race_inside:
            barrier.wait(10)
        with write_session(engine) as session:
            draft = session.get(Draft, draft_id)
            member = session.get(Member, secretariat_id)
            amendment = service.get_amendment(session, amendment_id)
            if race_inside:
                barrier.wait(10)
            try:
                service.accept(
                    session, member, draft, amendment, expected_version=1, reason="Carrera"
                )  # type: ignore[arg-type]
                session.commit()
                outcomes.append("accepted")
            except editing.StaleVersion:
                session.rollback()
                outcomes.append("stale_version")

    threads = [threading.Thread(target=accept, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    try:
        assert sorted(outcomes) == ["accepted", "stale_version"]
        with write_session(engine) as session:
            numbers = session.exec(
                select(ProvisionVersion.number).where(ProvisionVersion.provision_id == article)
            ).all()
            assert sorted(numbers) == [1, 2]
            statuses = sorted(service.get_amendment(session, i).status for i in ids)
            assert statuses == ["accepted", "submitted"]
    finally:
        _delete_draft(engine, draft_id, start)


def _delete_draft(engine: Engine, draft_id: int | None, audit_start: int) -> None:
    """The race ran on committed data: remove it (and the record's tail it added)."""
    with write_session(engine) as session:
        connection = session.connection()
        for statement in (
            "DELETE FROM audit_event WHERE seq > :start",
            "DELETE FROM search_document WHERE draft_id = :d",
            "DELETE FROM clause_outcome WHERE draft_id = :d",
            "DELETE FROM notification WHERE draft_id = :d",
            "DELETE FROM outbox_message WHERE member_id IN "
            "(SELECT author_id FROM amendment WHERE draft_id = :d)",
            "DELETE FROM follow WHERE member_id IN "
            "(SELECT author_id FROM amendment WHERE draft_id = :d)",
            "DELETE FROM provision_version WHERE provision_id IN "
            "(SELECT id FROM provision WHERE draft_id = :d)",
            "DELETE FROM amendment WHERE draft_id = :d",
            "DELETE FROM provision WHERE draft_id = :d AND parent_id IS NOT NULL",
            "DELETE FROM provision WHERE draft_id = :d",
            "DELETE FROM draft WHERE id = :d",
        ):
            connection.execute(text(statement), {"d": draft_id, "start": audit_start})
        session.commit()
