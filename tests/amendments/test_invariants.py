"""A stateful property test: random sequences of comment / submit / withdraw / accept / reject /
secretariat edit never break the invariants the working group relies on."""

import random

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from app.amendments import service as amendments
from app.amendments.models import Amendment, AmendmentStatus
from app.audit import service as audit
from app.comments import service as comments
from app.drafts import editing
from app.drafts import service as drafts
from app.drafts.models import Provision, ProvisionVersion
from tests.factories import make_draft, make_member

DECIDED = {AmendmentStatus.ACCEPTED, AmendmentStatus.ACCEPTED_MODIFIED, AmendmentStatus.REJECTED}

WORDS = ["minero", "regional", "plazo", "registro", "ambiental", "trabajo", "mercurio", "Estado"]


def run_machine(engine: Engine) -> None:
    class Drafting(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.connection = engine.connect()
            self.transaction = self.connection.begin()
            self.db = Session(
                bind=self.connection,
                join_transaction_mode="create_savepoint",
                expire_on_commit=False,
            )
            self.draft = make_draft(self.db)
            self.secretariat = make_member(self.db, role="secretariat")
            self.members = [make_member(self.db) for _ in range(3)]
            self.submitted: list[int] = []

        def teardown(self) -> None:
            self.db.close()
            self.transaction.rollback()
            self.connection.close()

        def clause(self, index: int) -> drafts.OutlineEntry:
            clauses = drafts.load_outline(self.db, self.draft).clauses
            return clauses[index % len(clauses)]

        def rewrite(self, text: str, seed: int) -> str:
            rng = random.Random(seed)
            words = text.split(" ")
            words[rng.randrange(len(words))] = rng.choice(WORDS)
            return " ".join(words)

        @rule(
            who=st.integers(0, 2), where=st.integers(0, 50), body=st.text(min_size=1, max_size=40)
        )
        def comment(self, who: int, where: int, body: str) -> None:
            entry = self.clause(where)
            try:
                comments.add_comment(self.db, self.members[who], self.draft, entry, body=body)
                self.db.commit()
            except comments.InvalidInput:
                self.db.rollback()  # a blank body is refused; nothing is written

        @rule(who=st.integers(0, 2), where=st.integers(0, 50), seed=st.integers(0, 10_000))
        def submit(self, who: int, where: int, seed: int) -> None:
            entry = self.clause(where)
            current = drafts.current_version(self.db, entry)
            proposed = self.rewrite(current.text, seed)
            if proposed == current.text:
                return
            amendment = amendments.submit_amendment(
                self.db,
                self.members[who],
                self.draft,
                kind="modify",
                target_uid=entry.uid,
                rationale="Fundamento",
                base_version=current.number,
                text=proposed,
            )
            self.db.commit()
            assert amendment.id is not None
            self.submitted.append(amendment.id)

        def pending(self, pick: int) -> Amendment | None:
            waiting = self.db.exec(
                select(Amendment).where(Amendment.status == AmendmentStatus.SUBMITTED)
            ).all()
            return waiting[pick % len(waiting)] if waiting else None

        @rule(pick=st.integers(0, 50))
        def withdraw(self, pick: int) -> None:
            amendment = self.pending(pick)
            if amendment is not None:
                author = next(m for m in self.members if m.id == amendment.author_id)
                amendments.withdraw(self.db, author, amendment)
                self.db.commit()

        @rule(pick=st.integers(0, 50))
        def accept(self, pick: int) -> None:
            amendment = self.pending(pick)
            if amendment is None:
                return
            provision = self.db.get(Provision, amendment.provision_id)
            assert provision is not None
            expected = provision.current_version
            try:
                amendments.accept(
                    self.db,
                    self.secretariat,
                    self.draft,
                    amendment,
                    expected_version=expected,
                    reason="Acogida",
                )
            except amendments.MergeConflict:
                self.db.rollback()
                # The secretariat merges by hand: here, the amendment's text as written.
                amendments.accept(
                    self.db,
                    self.secretariat,
                    self.draft,
                    amendment,
                    expected_version=expected,
                    reason="Integrada",
                    text=amendment.text,
                )
            self.db.commit()

        @rule(pick=st.integers(0, 50))
        def reject(self, pick: int) -> None:
            amendment = self.pending(pick)
            if amendment is not None:
                amendments.reject(self.db, self.secretariat, amendment, "No corresponde")
                self.db.commit()

        @rule(where=st.integers(0, 50), seed=st.integers(0, 10_000))
        def edit(self, where: int, seed: int) -> None:
            entry = self.clause(where)
            current = drafts.current_version(self.db, entry)
            new = self.rewrite(current.text, seed)
            if new != current.text:
                editing.revise(
                    self.db,
                    self.secretariat,
                    self.draft,
                    uid=entry.uid,
                    expected_version=current.number,
                    text=new,
                    heading=None,
                    reason="Coordinación",
                )
                self.db.commit()

        @invariant()
        def versions_are_contiguous_and_traceable(self) -> None:
            versions = self.db.exec(
                select(ProvisionVersion, Provision.current_version)
                .join(Provision, col(Provision.id) == ProvisionVersion.provision_id)
                .where(Provision.draft_id == self.draft.id)
            ).all()
            by_provision: dict[int, list[int]] = {}
            decided = {
                a.id: a
                for a in self.db.exec(
                    select(Amendment).where(col(Amendment.status).in_(DECIDED))
                ).all()
            }
            for version, _current in versions:
                by_provision.setdefault(version.provision_id, []).append(version.number)
                if version.number == 1:
                    continue
                if version.source == "amendment":
                    source = decided[version.amendment_id]
                    assert source.status in ("accepted", "accepted_modified")
                    assert source.result_version == version.number
                else:
                    assert version.source == "edit" and version.reason
            for provision_id, numbers in by_provision.items():
                current = next(c for v, c in versions if v.provision_id == provision_id)
                assert sorted(numbers) == list(range(1, current + 1))

        @invariant()
        def no_amendment_is_lost_or_left_half_decided(self) -> None:
            stored = {a.id: a for a in self.db.exec(select(Amendment)).all()}
            assert set(self.submitted) <= set(stored)
            for amendment in stored.values():
                if amendment.status in ("accepted", "accepted_modified"):
                    assert amendment.result_version is not None and amendment.decision_reason
                if amendment.status == "rejected":
                    assert amendment.decision_reason
                if amendment.status == "submitted":
                    assert amendment.decided_at is None

        @invariant()
        def the_record_verifies(self) -> None:
            assert audit.verify_chain(self.db).ok

    run_state_machine_as_test(
        Drafting,
        settings=settings(
            max_examples=15,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )


def test_random_drafting_sessions_keep_every_invariant(engine: Engine) -> None:
    run_machine(engine)
