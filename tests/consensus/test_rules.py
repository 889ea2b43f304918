"""The consensus rule: the status a clause gets from its current positions, and why."""

from collections.abc import Iterator

import pytest

from app.consensus.rules import (
    Outcome,
    PositionInput,
    Rule,
    Stance,
    Status,
    decide,
    explain,
)
from app.core import i18n

SUP, RES, ABS, OBJ, BLK = (
    Stance.SUPPORT,
    Stance.SUPPORT_WITH_RESERVATIONS,
    Stance.ABSTAIN,
    Stance.OBJECT,
    Stance.BLOCK,
)
SIX_SECTORS = ("executive", "congress", "mining_sector", "ombudsman", "labour", "civil_society")
DEFAULT = Rule()
NO_COVERAGE = Rule(require_sector_coverage=False)


def positions(*stances: Stance, sectors: tuple[str, ...] = SIX_SECTORS) -> list[PositionInput]:
    """One position per stance, sectors taken in turn so the first six cover all six."""
    return [
        PositionInput(f"Member {n}", sectors[n % len(sectors)], stance, f"reason {n}")
        for n, stance in enumerate(stances)
    ]


# name → (positions, voting members, sectors present, rule, expected status)
CASES: dict[str, tuple[list[PositionInput], int, tuple[str, ...], Rule, Status]] = {
    "nobody has a position": ([], 10, SIX_SECTORS, DEFAULT, Status.NO_POSITIONS),
    "nobody, and nobody to vote": ([], 0, (), DEFAULT, Status.NO_POSITIONS),
    "all support, quorum and sectors met": (
        positions(SUP, SUP, SUP, SUP, SUP, SUP),
        10,
        SIX_SECTORS,
        DEFAULT,
        Status.CONSENSUS,
    ),
    "reservations are not objections": (
        positions(SUP, RES, RES, ABS, SUP, SUP),
        10,
        SIX_SECTORS,
        DEFAULT,
        Status.CONSENSUS,
    ),
    "exactly at the quorum": (
        positions(SUP, SUP, SUP, SUP, SUP, SUP),
        12,
        SIX_SECTORS,
        DEFAULT,
        Status.CONSENSUS,
    ),
    "one short of the quorum": (
        positions(SUP, SUP, SUP, SUP, SUP, SUP),
        13,
        SIX_SECTORS,
        DEFAULT,
        Status.INSUFFICIENT_QUORUM,
    ),
    "exactly at a quorum of 0.7 (7 of 10)": (
        positions(SUP, SUP, SUP, SUP, SUP, SUP, SUP),
        10,
        SIX_SECTORS,
        Rule(quorum=0.7),
        Status.CONSENSUS,
    ),
    "just below a quorum of 0.7 (6 of 10)": (
        positions(SUP, SUP, SUP, SUP, SUP, SUP),
        10,
        SIX_SECTORS,
        Rule(quorum=0.7),
        Status.INSUFFICIENT_QUORUM,
    ),
    "exactly at a quorum of 0.56 (14 of 25), which 0.56 * 25 would miss": (
        positions(*[SUP] * 14),
        25,
        SIX_SECTORS,
        Rule(quorum=0.56),
        Status.CONSENSUS,
    ),
    "a block with tiny participation is still blocked": (
        positions(BLK),
        100,
        SIX_SECTORS,
        DEFAULT,
        Status.BLOCKED,
    ),
    "a block among broad support is blocked": (
        positions(SUP, SUP, SUP, SUP, SUP, SUP, SUP, SUP, SUP, BLK),
        10,
        SIX_SECTORS,
        DEFAULT,
        Status.BLOCKED,
    ),
    "a block with no voting members is blocked": (positions(BLK), 0, (), DEFAULT, Status.BLOCKED),
    "one sector missing": (
        positions(SUP, SUP, SUP, SUP, SUP, SUP, sectors=SIX_SECTORS[:5]),
        10,
        SIX_SECTORS,
        DEFAULT,
        Status.INSUFFICIENT_QUORUM,
    ),
    "one sector missing, coverage not required": (
        positions(SUP, SUP, SUP, SUP, SUP, SUP, sectors=SIX_SECTORS[:5]),
        10,
        SIX_SECTORS,
        NO_COVERAGE,
        Status.CONSENSUS,
    ),
    "one sector missing also stops broad support": (
        positions(SUP, SUP, SUP, SUP, SUP, SUP, SUP, SUP, SUP, OBJ, sectors=SIX_SECTORS[:5]),
        10,
        SIX_SECTORS,
        DEFAULT,
        Status.INSUFFICIENT_QUORUM,
    ),
    "coverage not required still needs the quorum": (
        positions(SUP, SUP),
        10,
        SIX_SECTORS,
        NO_COVERAGE,
        Status.INSUFFICIENT_QUORUM,
    ),
    "exactly at the broad-support share (3 of 4)": (
        positions(SUP, SUP, RES, OBJ, SUP, SUP, SUP, OBJ),
        10,
        SIX_SECTORS,
        DEFAULT,
        Status.BROAD_SUPPORT,
    ),
    "just below the broad-support share (5 of 7)": (
        positions(SUP, SUP, SUP, SUP, RES, OBJ, OBJ),
        10,
        SIX_SECTORS,
        DEFAULT,
        Status.DIVIDED,
    ),
    "exactly at a broad-support share of 0.56 (14 of 25)": (
        positions(*[SUP] * 14, *[OBJ] * 11),
        25,
        SIX_SECTORS,
        Rule(broad_support_share=0.56),
        Status.BROAD_SUPPORT,
    ),
    "abstentions do not count against the support share": (
        positions(SUP, SUP, SUP, OBJ, ABS, ABS, ABS, ABS),
        10,
        SIX_SECTORS,
        DEFAULT,
        Status.BROAD_SUPPORT,
    ),
    "objections without enough support": (
        positions(SUP, SUP, OBJ, OBJ, OBJ, ABS),
        10,
        SIX_SECTORS,
        DEFAULT,
        Status.DIVIDED,
    ),
    "all objections": (
        positions(OBJ, OBJ, OBJ, OBJ, OBJ, OBJ),
        10,
        SIX_SECTORS,
        DEFAULT,
        Status.DIVIDED,
    ),
    "a lower broad-support share accepts an even split": (
        positions(SUP, SUP, SUP, OBJ, OBJ, OBJ),
        10,
        SIX_SECTORS,
        Rule(broad_support_share=0.5),
        Status.BROAD_SUPPORT,
    ),
    "zero voting members": (positions(SUP, SUP), 0, (), DEFAULT, Status.INSUFFICIENT_QUORUM),
    "everyone abstains: nobody objects": (
        positions(ABS, ABS, ABS, ABS, ABS, ABS),
        10,
        SIX_SECTORS,
        DEFAULT,
        Status.CONSENSUS,
    ),
}


@pytest.mark.parametrize(
    ("given", "voting", "present", "rule", "expected"), CASES.values(), ids=CASES.keys()
)
def test_status(
    given: list[PositionInput],
    voting: int,
    present: tuple[str, ...],
    rule: Rule,
    expected: Status,
) -> None:
    assert decide(given, voting, present, rule).status is expected


def test_every_status_is_covered_by_the_table() -> None:
    assert {case[-1] for case in CASES.values()} == set(Status)


def test_outcome_carries_the_figures_behind_the_status() -> None:
    given = [
        *positions(SUP, SUP, RES, ABS, OBJ, sectors=SIX_SECTORS[:3]),
        PositionInput("Rosa Villanueva", "ombudsman", OBJ, "  Deja fuera a los mineros.  "),
    ]
    outcome = decide(given, 12, SIX_SECTORS, DEFAULT)

    assert outcome.counts == {SUP: 2, RES: 1, ABS: 1, OBJ: 2, BLK: 0}
    assert (outcome.voting_members, outcome.holding) == (12, 6)
    assert outcome.sectors_present == frozenset(SIX_SECTORS)
    assert outcome.sectors_covered == {"executive", "congress", "mining_sector", "ombudsman"}
    assert outcome.objectors == [
        ("Member 4", "reason 4"),
        ("Rosa Villanueva", "Deja fuera a los mineros."),
    ]
    assert outcome.blockers == []
    assert outcome.quorum_met
    assert not outcome.coverage_met
    assert outcome.support_share == 3 / 5
    assert outcome.quorum_needed == 6
    assert outcome.support_needed == 4  # 0.75 of the 5 positions that do not abstain, rounded up


def test_support_share_is_none_when_everyone_abstains() -> None:
    outcome = decide(positions(ABS, ABS), 2, (), DEFAULT)
    assert outcome.support_share is None
    assert outcome.support_needed is None


def test_no_voting_members_means_no_quorum_to_reach() -> None:
    outcome = decide(positions(SUP), 0, (), DEFAULT)
    assert not outcome.quorum_met
    assert outcome.quorum_needed is None


def test_negative_voting_members_are_refused() -> None:
    with pytest.raises(ValueError, match="voting_members"):
        decide([], -1, (), DEFAULT)


@pytest.mark.parametrize(
    ("quorum", "share", "field"),
    [
        (0, 0.75, "quorum"),
        (-0.1, 0.75, "quorum"),
        (1.01, 0.75, "quorum"),
        (0.5, 0.49, "broad_support_share"),
        (0.5, 1.5, "broad_support_share"),
    ],
)
def test_rule_refuses_thresholds_out_of_range(quorum: float, share: float, field: str) -> None:
    with pytest.raises(ValueError, match=field):
        Rule(quorum=quorum, broad_support_share=share)


@pytest.mark.parametrize(("quorum", "share"), [(1, 1), (0.01, 0.5)])
def test_rule_accepts_thresholds_at_the_limits(quorum: float, share: float) -> None:
    rule = Rule(quorum=quorum, broad_support_share=share)
    assert (rule.quorum, rule.broad_support_share) == (quorum, share)


# Explanations ------------------------------------------------------------------------------------


@pytest.fixture
def english() -> Iterator[None]:
    token = i18n.current_language.set("en")
    yield
    i18n.current_language.reset(token)


@pytest.fixture
def spanish() -> Iterator[None]:
    token = i18n.current_language.set("es")
    yield
    i18n.current_language.reset(token)


def design_example() -> Outcome:
    """DESIGN.md's example: 14 in support, 2 with reservations; quorum 16/20; 6 of 6 sectors."""
    return decide(positions(*[SUP] * 14, RES, RES), 20, SIX_SECTORS, DEFAULT)


ROSA = PositionInput(
    "Rosa Villanueva (Defensoría del Pueblo)",
    "ombudsman",
    BLK,
    "Omite la consulta previa a las comunidades.",
)


@pytest.mark.usefixtures("english")
class TestExplainInEnglish:
    def test_consensus_gives_the_tally(self) -> None:
        assert explain(design_example()) == (
            "Consensus: nobody objects. 14 in support, 2 with reservations, 0 abstaining, "
            "0 objecting, 0 blocking; quorum 16/20; 6 of 6 sectors."
        )

    def test_blocked_names_who_blocks_and_why(self) -> None:
        outcome = decide([*positions(SUP, SUP), ROSA], 20, SIX_SECTORS, DEFAULT)
        assert explain(outcome) == (
            "Blocked by Rosa Villanueva (Defensoría del Pueblo): «Omite la consulta previa a las "
            "comunidades». 2 in support, 0 with reservations, 0 abstaining, 0 objecting, "
            "1 blocking; quorum 3/20; 3 of 6 sectors."
        )

    def test_a_reason_ending_otherwise_keeps_its_punctuation(self) -> None:
        outcome = decide([PositionInput("Ana", "labour", BLK, "¿Y los plazos?")], 1, (), DEFAULT)
        assert explain(outcome).startswith("Blocked by Ana: «¿Y los plazos?».")

    def test_a_block_without_reason_still_names_the_member(self) -> None:
        outcome = decide([PositionInput("Ana", "labour", BLK, None)], 1, (), DEFAULT)
        assert explain(outcome).startswith("Blocked by Ana. 0 in support")

    def test_insufficient_quorum_says_how_many_are_needed(self) -> None:
        outcome = decide(positions(SUP, SUP, SUP, SUP, SUP, SUP), 13, SIX_SECTORS, DEFAULT)
        assert explain(outcome).startswith(
            "Not enough participation: the quorum needs 7 of 13 voting members. 6 in support"
        )

    def test_missing_sectors_are_counted(self) -> None:
        one = decide(positions(*[SUP] * 6, sectors=SIX_SECTORS[:5]), 10, SIX_SECTORS, DEFAULT)
        two = decide(positions(*[SUP] * 6, sectors=SIX_SECTORS[:4]), 10, SIX_SECTORS, DEFAULT)
        assert explain(one).startswith("1 sector has no current position yet. 6 in support")
        assert explain(two).startswith("2 sectors have no current position yet. 6 in support")

    def test_no_quorum_and_missing_sectors_are_both_said(self) -> None:
        outcome = decide(positions(SUP), 10, SIX_SECTORS, DEFAULT)
        text = explain(outcome)
        assert "the quorum needs 5 of 10 voting members." in text
        assert "5 sectors have no current position yet." in text

    def test_no_voting_members(self) -> None:
        outcome = decide(positions(SUP), 0, (), DEFAULT)
        assert explain(outcome).startswith(
            "There are no voting members, so the quorum cannot be met. 1 in support"
        )

    def test_broad_support_lists_the_objections(self) -> None:
        outcome = decide(
            positions(SUP, SUP, RES, OBJ, SUP, SUP, SUP, ABS), 10, SIX_SECTORS, DEFAULT
        )
        assert explain(outcome) == (
            "Broad support: 6 of 7 positions, abstentions aside, are in support; 6 are needed. "
            "5 in support, 1 with reservations, 1 abstaining, 1 objecting, 0 blocking; "
            "quorum 8/10; 6 of 6 sectors. Objection from Member 3: «reason 3»."
        )

    def test_divided(self) -> None:
        outcome = decide(positions(SUP, SUP, OBJ, OBJ, OBJ, ABS), 10, SIX_SECTORS, DEFAULT)
        assert explain(outcome).startswith(
            "Divided: 2 of 5 positions, abstentions aside, are in support; "
            "broad support needs 4. 2 in support"
        )

    def test_no_positions(self) -> None:
        outcome = decide([], 10, SIX_SECTORS, DEFAULT)
        assert explain(outcome) == "No member holds a current position on this clause yet."


@pytest.mark.usefixtures("spanish")
class TestExplainInSpanish:
    """Only names and figures: the Spanish wording belongs to the catalog."""

    def test_the_design_example_carries_its_figures(self) -> None:
        text = explain(design_example())
        for figure in ("14", "2", "16/20", "6"):
            assert figure in text

    def test_blocked_names_the_member_and_reason(self) -> None:
        text = explain(decide([*positions(SUP, SUP), ROSA], 20, SIX_SECTORS, DEFAULT))
        assert "Rosa Villanueva (Defensoría del Pueblo)" in text
        assert "Omite la consulta previa a las comunidades" in text
        assert "3/20" in text
