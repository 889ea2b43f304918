"""The consensus status of one clause, decided from its current positions. Pure: no DB, no HTTP.

Precedence, first match wins: no positions; any block (a block always shows, whatever the
quorum); quorum or sector coverage not met; no objection (consensus); enough support (broad
support); otherwise divided. Both consensus and broad support need the whole quorum test, sector
coverage included when the rule requires it: a clause some sectors have not weighed in on is not
yet agreed, however strong the support among the others.

Ratios are compared as ``part / whole >= threshold``, never by multiplying the threshold, so that
a share exactly at the threshold meets it: 14 of 25 reaches 0.56, though 0.56 * 25 > 14 in floats.
"""

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from enum import StrEnum

from app.core.i18n import _, ngettext


class Stance(StrEnum):
    SUPPORT = "support"
    SUPPORT_WITH_RESERVATIONS = "support_with_reservations"
    ABSTAIN = "abstain"
    OBJECT = "object"
    BLOCK = "block"


# Stances a member must explain; enforced where positions are recorded, not here.
REASON_REQUIRED = frozenset({Stance.SUPPORT_WITH_RESERVATIONS, Stance.OBJECT, Stance.BLOCK})
SUPPORTING = frozenset({Stance.SUPPORT, Stance.SUPPORT_WITH_RESERVATIONS})


class Status(StrEnum):
    NO_POSITIONS = "no_positions"
    INSUFFICIENT_QUORUM = "insufficient_quorum"
    CONSENSUS = "consensus"
    BROAD_SUPPORT = "broad_support"
    DIVIDED = "divided"
    BLOCKED = "blocked"


@dataclass(frozen=True)
class Rule:
    """A draft's consensus rule."""

    # Share of voting members who must hold a current position on the clause.
    quorum: float = 0.5
    # Every sector present among the voting members must hold at least one current position.
    require_sector_coverage: bool = True
    # Share of non-abstaining positions in support (with or without reservations).
    broad_support_share: float = 0.75
    # Positions are taken in rounds the secretariat opens; read by the service, not by decide().
    requires_rounds: bool = False

    def __post_init__(self) -> None:
        if not 0 < self.quorum <= 1:
            raise ValueError(f"quorum must be above 0 and at most 1, not {self.quorum}")
        if not 0.5 <= self.broad_support_share <= 1:
            raise ValueError(
                f"broad_support_share must be between 0.5 and 1, not {self.broad_support_share}"
            )


@dataclass(frozen=True)
class PositionInput:
    """A voting member's current position; stale positions are left out by the caller."""

    member_name: str  # as shown in explanations, e.g. "Rosa Villanueva (Defensoría del Pueblo)"
    sector: str
    stance: Stance
    reason: str | None


@dataclass(frozen=True)
class Outcome:
    status: Status
    counts: dict[Stance, int]  # every stance, zeros included
    voting_members: int
    holding: int  # members with a current position, abstentions included
    sectors_present: frozenset[str]
    sectors_covered: frozenset[str]
    blockers: list[tuple[str, str]]  # (member name, reason), in the order given
    objectors: list[tuple[str, str]]
    quorum_met: bool
    coverage_met: bool
    # Supporting positions over non-abstaining ones; None when every position abstains.
    support_share: float | None
    # Fewest positions meeting the quorum; None when there are no voting members.
    quorum_needed: int | None
    # Fewest supporting positions for broad support; None when support_share is None.
    support_needed: int | None


def _reached(part: int, whole: int, threshold: float) -> bool:
    return whole > 0 and part / whole >= threshold


def _fewest(whole: int, threshold: float) -> int | None:
    """The smallest part of whole that reaches threshold, by the same test as decide()."""
    return next((part for part in range(whole + 1) if _reached(part, whole, threshold)), None)


def _named(positions: Sequence[PositionInput], stance: Stance) -> list[tuple[str, str]]:
    return [
        (position.member_name, (position.reason or "").strip())
        for position in positions
        if position.stance == stance
    ]


def decide(
    positions: Sequence[PositionInput],
    voting_members: int,
    sectors_present: Collection[str],
    rule: Rule,
) -> Outcome:
    """The status of a clause given the current positions of its voting members.

    sectors_present are the sectors of all voting members, with or without a position."""
    if voting_members < 0:
        raise ValueError(f"voting_members cannot be negative: {voting_members}")
    counts = {stance: 0 for stance in Stance}
    for position in positions:
        counts[Stance(position.stance)] += 1
    holding = len(positions)
    present = frozenset(sectors_present)
    covered = present & {position.sector for position in positions}
    quorum_met = _reached(holding, voting_members, rule.quorum)
    coverage_met = covered == present
    counted = holding - counts[Stance.ABSTAIN]
    supporting = sum(counts[stance] for stance in SUPPORTING)
    support_share = supporting / counted if counted else None

    if not positions:
        status = Status.NO_POSITIONS
    elif counts[Stance.BLOCK]:
        status = Status.BLOCKED
    elif not quorum_met or (rule.require_sector_coverage and not coverage_met):
        status = Status.INSUFFICIENT_QUORUM
    elif not counts[Stance.OBJECT]:
        status = Status.CONSENSUS
    elif _reached(supporting, counted, rule.broad_support_share):
        status = Status.BROAD_SUPPORT
    else:
        status = Status.DIVIDED

    return Outcome(
        status=status,
        counts=counts,
        voting_members=voting_members,
        holding=holding,
        sectors_present=present,
        sectors_covered=covered,
        blockers=_named(positions, Stance.BLOCK),
        objectors=_named(positions, Stance.OBJECT),
        quorum_met=quorum_met,
        coverage_met=coverage_met,
        support_share=support_share,
        quorum_needed=_fewest(voting_members, rule.quorum),
        support_needed=_fewest(counted, rule.broad_support_share) if counted else None,
    )


def _quoted(reason: str) -> str:
    """The reason without its final period, which the sentence quoting it supplies."""
    return reason[:-1] if reason.endswith(".") and not reason.endswith("..") else reason


def _verdict(outcome: Outcome) -> list[str]:
    """The sentences saying why the status is what it is, before the tally."""
    counts = outcome.counts
    supporting = counts[Stance.SUPPORT] + counts[Stance.SUPPORT_WITH_RESERVATIONS]
    counted = outcome.holding - counts[Stance.ABSTAIN]
    sentences = []
    if outcome.status is Status.BLOCKED:
        for name, reason in outcome.blockers:
            if reason:
                sentences.append(
                    _("Blocked by %(name)s: «%(reason)s».", name=name, reason=_quoted(reason))
                )
            else:
                sentences.append(_("Blocked by %(name)s.", name=name))
    elif outcome.status is Status.INSUFFICIENT_QUORUM:
        if not outcome.quorum_met and outcome.quorum_needed is None:
            sentences.append(_("There are no voting members, so the quorum cannot be met."))
        elif not outcome.quorum_met:
            sentences.append(
                _(
                    "Not enough participation: the quorum needs %(needed)s of %(voting)s "
                    "voting members.",
                    needed=outcome.quorum_needed,
                    voting=outcome.voting_members,
                )
            )
        if not outcome.coverage_met:
            sentences.append(
                ngettext(
                    "%(num)s sector has no current position yet.",
                    "%(num)s sectors have no current position yet.",
                    len(outcome.sectors_present - outcome.sectors_covered),
                )
            )
    elif outcome.status is Status.CONSENSUS:
        sentences.append(_("Consensus: nobody objects."))
    elif outcome.status is Status.BROAD_SUPPORT:
        sentences.append(
            _(
                "Broad support: %(supporting)s of %(counted)s positions, abstentions aside, are "
                "in support; %(needed)s are needed.",
                supporting=supporting,
                counted=counted,
                needed=outcome.support_needed,
            )
        )
    elif outcome.status is Status.DIVIDED:
        sentences.append(
            _(
                "Divided: %(supporting)s of %(counted)s positions, abstentions aside, are in "
                "support; broad support needs %(needed)s.",
                supporting=supporting,
                counted=counted,
                needed=outcome.support_needed,
            )
        )
    return sentences


def explain(outcome: Outcome) -> str:
    """Why the clause has its status, in plain words in the request's language: the verdict,
    the tally, then every objection with its reason, since the record is the point."""
    if outcome.status is Status.NO_POSITIONS:
        return _("No member holds a current position on this clause yet.")
    counts = outcome.counts
    tally = _(
        "%(support)s in support, %(reservations)s with reservations, %(abstain)s abstaining, "
        "%(object)s objecting, %(block)s blocking; quorum %(holding)s/%(voting)s; "
        "%(covered)s of %(present)s sectors.",
        support=counts[Stance.SUPPORT],
        reservations=counts[Stance.SUPPORT_WITH_RESERVATIONS],
        abstain=counts[Stance.ABSTAIN],
        object=counts[Stance.OBJECT],
        block=counts[Stance.BLOCK],
        holding=outcome.holding,
        voting=outcome.voting_members,
        covered=len(outcome.sectors_covered),
        present=len(outcome.sectors_present),
    )
    objections = [
        _("Objection from %(name)s: «%(reason)s».", name=name, reason=_quoted(reason))
        if reason
        else _("Objection from %(name)s.", name=name)
        for name, reason in outcome.objectors
    ]
    return " ".join([*_verdict(outcome), tally, *objections])


def status_names() -> dict[str, str]:
    """Each status in the reader's language: one table for every page that shows them."""
    return {
        Status.CONSENSUS: _("Consensus"),
        Status.BROAD_SUPPORT: _("Broad support"),
        Status.DIVIDED: _("Divided"),
        Status.BLOCKED: _("Blocked"),
        Status.INSUFFICIENT_QUORUM: _("Insufficient quorum"),
        Status.NO_POSITIONS: _("No positions yet"),
    }


def stance_names() -> dict[str, str]:
    """Each stance in the reader's language, for the documents (pages use consensus/_labels)."""
    return {
        Stance.SUPPORT: _("Support"),
        Stance.SUPPORT_WITH_RESERVATIONS: _("Support with reservations"),
        Stance.ABSTAIN: _("Abstain"),
        Stance.OBJECT: _("Object"),
        Stance.BLOCK: _("Block"),
    }


def quorum_needed(voting_members: int, rule: Rule) -> int | None:
    """The fewest members that meet the rule's quorum (of positions on a clause, or of members
    present in a session); None when there are no voting members."""
    return _fewest(voting_members, rule.quorum)
