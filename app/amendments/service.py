"""Amendments: submit, withdraw, accept, reject. Each decision is its own operation that checks
its rules, writes the version (or structural change) and the audit event in one transaction.

Every accept names the version it expects to replace. Two accepts racing on one clause both
try the same conditional update; exactly one matches, the other gets 409 stale_version and
writes nothing. The amendment's own status changes the same way, so it is decided once.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select, update

from app.amendments import merging
from app.amendments.models import (
    Amendment,
    AmendmentKind,
    AmendmentProposal,
    AmendmentSource,
    AmendmentStatus,
    ProposalKind,
)
from app.audit import service as audit
from app.audit.service import actor_of
from app.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from app.core.i18n import N_, _
from app.core.models import utcnow
from app.core.text import TextField, required_reason
from app.drafts import editing, structure
from app.drafts import service as drafts
from app.drafts.models import Draft, Phase, VersionSource
from app.drafts.numbering import Kind
from app.intake.models import Receipt
from app.members.models import Member

RATIONALE = TextField(
    "rationale",
    N_("Rationale"),
    5_000,
    required=N_("Explain the amendment: the rationale is required."),
)


class MergeConflict(Conflict):
    code = "merge_conflict"


class AlreadyDecided(Conflict):
    code = "already_decided"


def submit_amendment(
    session: Session,
    author: Member,
    draft: Draft,
    *,
    kind: str,
    target_uid: str,
    rationale: str,
    base_version: int | None = None,
    text: str | None = None,
    heading: str | None = None,
    receipt: Receipt | None = None,
) -> Amendment:
    """`target_uid` is the clause amended, or for an insert the provision the new clause follows;
    `receipt`: the secretariat enters, for its sender, a proposal received outside Mesa."""
    drafts.ensure_open(draft)
    drafts.require_phase(
        draft, {Phase.OPEN}, _("New amendments are closed: the draft is in consolidation.")
    )
    if kind not in set(AmendmentKind):
        raise InvalidInput(_("Unknown kind of amendment: %(kind)s", kind=kind), field="kind")
    outline = drafts.load_outline(session, draft)
    entry = outline.get(target_uid)  # 404 if the uid is not a provision of this draft
    rationale = RATIONALE.clean(rationale)
    insert_kind = None
    if kind == AmendmentKind.INSERT:
        insert_kind = (
            Kind.DISPOSICION
            if entry.kind is Kind.DISPOSICION or entry.kind.value.startswith("disposiciones")
            else Kind.ARTICULO
        )
        text, heading = editing.clean_text(text or "", heading=heading)
        base_version = None
    else:
        if not entry.is_clause:
            raise InvalidInput(_("Only articles and dispositions can be amended."), field="target")
        if base_version is None or not 1 <= base_version <= entry.version:
            raise InvalidInput(
                _("%(label)s has no version %(n)s.", label=entry.label.name, n=base_version),
                field="base_version",
            )
        if kind == AmendmentKind.DELETE:
            text = heading = None
        else:
            text, heading = editing.clean_text(text or "", heading=heading)
            base = drafts.version(session, entry, base_version)
            if (text, heading if heading is not None else base.heading) == (
                base.text,
                base.heading,
            ):
                raise InvalidInput(
                    _("The proposed text is the same as the text it amends."), field="text"
                )
    assert draft.id is not None and author.id is not None
    if text is not None:
        # Bound now, so the proposal follows renumberings while it waits: an inserted clause
        # has no number of its own yet, so only its references are bound.
        text = outline.bind(text, uid=entry.uid if kind == AmendmentKind.MODIFY else None).text
    amendment = Amendment(
        draft_id=draft.id,
        kind=kind,
        provision_id=entry.id,
        base_version=base_version,
        heading=heading,
        text=text,
        insert_kind=insert_kind,
        rationale=rationale,
        author_id=author.id,
        receipt_id=receipt.id if receipt else None,
    )
    session.add(amendment)
    session.flush()
    details = {"kind": kind, "target": target_uid, "label": entry.label.text}
    if receipt is not None:
        details["channel"] = receipt.channel
        if receipt.workshop_id is not None:  # a workshop is public; a person who sent it may not be
            details["workshop"] = receipt.contributor
    audit.record(
        session,
        actor_of(author),
        "amendment.submitted",
        f"amendment:{amendment.id}",
        draft_id=draft.id,
        details=details,
    )
    return amendment


def get_amendment(session: Session, amendment_id: int) -> Amendment:
    amendment = session.get(Amendment, amendment_id)
    if amendment is None:
        raise NotFound(_("There is no amendment %(id)s.", id=amendment_id))
    return amendment


def _decide(
    session: Session, amendment: Amendment, status: AmendmentStatus, **values: object
) -> None:
    """Moves a submitted amendment to `status`, once: a concurrent decision gets a conflict."""
    changed = session.exec(
        update(Amendment)
        .where(
            col(Amendment.id) == amendment.id, col(Amendment.status) == AmendmentStatus.SUBMITTED
        )
        .values(status=status, decided_at=utcnow(), **values)
    )
    if changed.rowcount != 1:
        raise AlreadyDecided(_("This amendment has already been decided or withdrawn."))
    session.refresh(amendment)


def withdraw(session: Session, author: Member, amendment: Amendment) -> None:
    if amendment.author_id != author.id:
        raise Forbidden(_("Only its author can withdraw an amendment."))
    drafts.ensure_open(session.get_one(Draft, amendment.draft_id))
    _decide(session, amendment, AmendmentStatus.WITHDRAWN)
    audit.record(
        session,
        actor_of(author),
        "amendment.withdrawn",
        f"amendment:{amendment.id}",
        draft_id=amendment.draft_id,
    )


def reject(
    session: Session,
    secretariat: Member,
    amendment: Amendment,
    reason: str,
    *,
    out_of_scope: bool = False,
) -> None:
    """Not accepted, with the published reason; `out_of_scope` when it is about something the
    law does not govern ("fuera del ámbito" in the matriz de aportes)."""
    drafts.ensure_open(session.get_one(Draft, amendment.draft_id))
    reason = required_reason(reason)
    _decide(
        session,
        amendment,
        AmendmentStatus.REJECTED,
        decided_by_id=secretariat.id,
        decision_reason=reason,
        out_of_scope=out_of_scope,
    )
    details: dict[str, object] = {"reason": reason}
    if out_of_scope:
        details["out_of_scope"] = True
    audit.record(
        session,
        actor_of(secretariat),
        "amendment.rejected",
        f"amendment:{amendment.id}",
        draft_id=amendment.draft_id,
        details={**details, **_settle_proposal(session, amendment)},
    )


# The decision that follows each proposed handling.
_FOLLOWS = {
    ProposalKind.ACCEPT: AmendmentStatus.ACCEPTED,
    ProposalKind.ACCEPT_MODIFIED: AmendmentStatus.ACCEPTED_MODIFIED,
    ProposalKind.REJECT: AmendmentStatus.REJECTED,
}


def _settle_proposal(session: Session, amendment: Amendment) -> dict[str, object]:
    """Records, on the secretariat's published proposal if there is one, whether the decision
    just taken followed it; returns what the decision's audit event says of it."""
    proposal = session.exec(
        select(AmendmentProposal).where(AmendmentProposal.amendment_id == amendment.id)
    ).first()
    if proposal is None:
        return {}
    proposal.followed = _FOLLOWS.get(ProposalKind(proposal.proposal)) == amendment.status
    session.add(proposal)
    session.flush()
    return {"proposal": proposal.proposal, "followed_proposal": proposal.followed}


@dataclass
class MergePlan:
    """What accepting a modify amendment would do to the clause's current text (all texts as
    they read now, with the current numbers)."""

    outcome: str  # fast_forward, clean, obsolete or conflict (merging.Rebase.outcome)
    base: drafts.ShownVersion
    current: drafts.ShownVersion
    proposed_text: str
    proposed_heading: str
    text: str | None  # the merged text, unless conflict
    conflicts: list[merging.Conflict]
    # For a conflict: the current text with the amendment's uncontested edits applied and each
    # collision marked, where the secretariat's merged text starts.
    starting_text: str | None = None


# How a collision is written into the merged text the secretariat starts from; an accepted text
# may not keep one.
COLLISION_START, COLLISION_END = "⟦", "⟧"


def _marked(conflict: merging.Conflict) -> str:
    current, amendment = _("current"), _("amendment")  # outside the f-string, for extraction
    sides = f"{current}: {conflict.current} ‖ {amendment}: {conflict.proposed}"
    return COLLISION_START + sides + COLLISION_END


def proposed_text(amendment: Amendment, entry: drafts.OutlineEntry) -> str:
    """An amendment's text as it reads now. `entry` is the clause it amends (or, for an insert,
    the provision the new clause follows)."""
    own = entry.uid if amendment.kind == AmendmentKind.MODIFY else None
    return structure.render(amendment.text or "", entry.numbering, own_uid=own)


def merge_plan(
    session: Session, draft: Draft, amendment: Amendment, entry: drafts.OutlineEntry | None = None
) -> MergePlan:
    """`entry`: the amended clause, when the caller has already looked it up."""
    entry = entry or _entry(session, draft, amendment)
    assert amendment.base_version is not None
    base = drafts.version(session, entry, amendment.base_version)
    current = drafts.version(session, entry, entry.version)
    return _plan(amendment, entry, base, current)


def _plan(
    amendment: Amendment,
    entry: drafts.OutlineEntry,
    base: drafts.ShownVersion,
    current: drafts.ShownVersion,
) -> MergePlan:
    assert amendment.text is not None
    proposed = proposed_text(amendment, entry)
    heading = amendment.heading if amendment.heading is not None else base.heading
    result = merging.rebase(base.text, proposed, current.text)
    if heading != base.heading and current.heading not in (base.heading, heading):
        # The heading was changed both ways: that is a conflict too, shown with the text.
        conflict = merging.Conflict("overlap", base.heading, heading, current.heading)
        return MergePlan("conflict", base, current, proposed, heading, None, [conflict])
    starting = (
        merging.partial_merge(base.text, proposed, current.text, _marked)
        if result.outcome == "conflict"
        else None
    )
    return MergePlan(
        result.outcome, base, current, proposed, heading, result.text, list(result.conflicts),
        starting,
    )  # fmt: skip


def _entry(session: Session, draft: Draft, amendment: Amendment) -> drafts.OutlineEntry:
    outline = drafts.load_outline(session, draft)
    for entry in outline.entries:
        if entry.id == amendment.provision_id:
            return entry
    raise MergeConflict(
        _("The provision this amendment refers to has been deleted from the draft.")
    )


@dataclass
class Accepted:
    status: str
    version: int | None
    uid: str
    label: str
    affected: list[tuple[Amendment, str]]  # other pending amendments of the clause, and their state


def accept(
    session: Session,
    secretariat: Member,
    draft: Draft,
    amendment: Amendment,
    *,
    expected_version: int | None,
    reason: str,
    text: str | None = None,
    sources: Sequence[int] = (),
    in_session: Mapping[str, Any] | None = None,
) -> Accepted:
    """Accepts an amendment into the text.

    A modify amendment is fast-forwarded when its base is current, rebased when the clause
    moved on and the rebase is verified clean, and otherwise refused as a merge conflict unless
    the secretariat writes the merged `text` itself (then it is accepted_modified, citing
    `sources`). A `text` equal to what Mesa would produce is a plain accept. `in_session`: the
    working-group session it was decided in ({"id", "number", "present"}), for the record.
    """
    drafts.ensure_open(draft)
    if amendment.status != AmendmentStatus.SUBMITTED:
        raise AlreadyDecided(_("This amendment has already been decided or withdrawn."))
    reason = required_reason(reason)
    if amendment.kind == AmendmentKind.INSERT:
        return _accept_insert(session, secretariat, draft, amendment, reason, in_session)
    entry = _entry(session, draft, amendment)
    if expected_version is None or expected_version != entry.version:
        raise editing.StaleVersion(
            _(
                "%(label)s is at version %(current)s, not %(expected)s: look at it again.",
                label=entry.label.name,
                current=entry.version,
                expected=expected_version,
            ),
            current_version=entry.version,
        )
    if amendment.kind == AmendmentKind.DELETE:
        editing.delete_provision(session, secretariat, draft, uid=entry.uid, reason=reason)
        _decide(
            session,
            amendment,
            AmendmentStatus.ACCEPTED,
            decided_by_id=secretariat.id,
            decision_reason=reason,
        )
        _record_accept(session, secretariat, amendment, entry.label.text, None, in_session)
        return Accepted(amendment.status, None, entry.uid, entry.label.text, [])

    plan = merge_plan(session, draft, amendment, entry)
    status = AmendmentStatus.ACCEPTED
    if text is None:
        if plan.outcome == "conflict" or plan.text is None:
            raise MergeConflict(
                _(
                    "%(label)s changed since this amendment was written, in the same place: "
                    "write the merged text.",
                    label=entry.label.name,
                ),
                base=plan.base.text,
                current=plan.current.text,
                proposed=plan.proposed_text,
            )
        merged = plan.text
    else:
        merged, _heading = editing.clean_text(text, heading=None)
        if COLLISION_START in merged or COLLISION_END in merged:
            raise InvalidInput(
                _("The merged text still has collisions marked ⟦…⟧: resolve each one first."),
                field="text",
            )
        if merged != plan.text:
            status = AmendmentStatus.ACCEPTED_MODIFIED
    heading = plan.proposed_heading
    version_number = entry.version
    if (merged, heading) != (plan.current.text, plan.current.heading):
        version = editing.add_version(
            session,
            entry,
            expected_version=expected_version,
            text=merged,
            heading=heading,
            source=VersionSource.AMENDMENT,
            author=secretariat,
            reason=reason,
            amendment_id=amendment.id,
        )
        version_number = version.number
    _decide(
        session,
        amendment,
        status,
        decided_by_id=secretariat.id,
        decision_reason=reason,
        result_version=version_number,
    )
    if status == AmendmentStatus.ACCEPTED_MODIFIED:
        _cite_sources(session, draft, amendment, sources)
    _record_accept(session, secretariat, amendment, entry.label.text, version_number, in_session)
    affected = _outcomes(session, entry, pending_for(session, amendment))
    return Accepted(amendment.status, version_number, entry.uid, entry.label.text, affected)


def _outcomes(
    session: Session, entry: drafts.OutlineEntry, others: Sequence[Amendment]
) -> list[tuple[Amendment, str]]:
    """What accepting each of `others` would now do: their versions fetched in one query."""
    numbers = {entry.version} | {a.base_version for a in others if a.base_version is not None}
    versions = drafts.versions_of(session, entry, numbers)
    return [
        (
            other,
            _plan(other, entry, versions[other.base_version or 1], versions[entry.version]).outcome,
        )
        for other in others
    ]


def _accept_insert(
    session: Session,
    secretariat: Member,
    draft: Draft,
    amendment: Amendment,
    reason: str,
    in_session: Mapping[str, Any] | None,
) -> Accepted:
    after = _entry(session, draft, amendment)
    assert amendment.text is not None
    result = editing.insert_provision(
        session,
        secretariat,
        draft,
        kind=amendment.insert_kind or Kind.ARTICULO,
        after_uid=after.uid,
        heading=amendment.heading or "",
        text=proposed_text(amendment, after),
        reason=reason,
        source=VersionSource.AMENDMENT,
        amendment_id=amendment.id,
    )
    provision = drafts.load_outline(session, draft).get(result.uid)
    _decide(
        session,
        amendment,
        AmendmentStatus.ACCEPTED,
        decided_by_id=secretariat.id,
        decision_reason=reason,
        result_version=1,
        result_provision_id=provision.id,
    )
    _record_accept(session, secretariat, amendment, result.label, 1, in_session)
    return Accepted(amendment.status, 1, result.uid, result.label, [])


def _cite_sources(
    session: Session, draft: Draft, amendment: Amendment, sources: Sequence[int]
) -> None:
    for source_id in {s for s in sources if s != amendment.id}:
        source = session.get(Amendment, source_id)
        if source is None or source.draft_id != draft.id:
            raise InvalidInput(_("Amendment %(id)s is not one of this draft's.", id=source_id))
        assert amendment.id is not None
        session.add(AmendmentSource(amendment_id=amendment.id, source_id=source_id))
    session.flush()


def _record_accept(
    session: Session,
    secretariat: Member,
    amendment: Amendment,
    label: str,
    version: int | None,
    in_session: Mapping[str, Any] | None = None,
) -> None:
    audit.record(
        session,
        actor_of(secretariat),
        "amendment.accepted",
        f"amendment:{amendment.id}",
        draft_id=amendment.draft_id,
        details={
            "status": amendment.status,
            "label": label,
            "version": version,
            "reason": amendment.decision_reason,
            **_settle_proposal(session, amendment),
            **({"session": dict(in_session)} if in_session else {}),
        },
    )


def pending_for(session: Session, amendment: Amendment) -> Sequence[Amendment]:
    """The other submitted modify amendments of the same clause."""
    return session.exec(
        select(Amendment)
        .where(
            Amendment.provision_id == amendment.provision_id,
            Amendment.status == AmendmentStatus.SUBMITTED,
            Amendment.kind == AmendmentKind.MODIFY,
            Amendment.id != amendment.id,
        )
        .order_by(col(Amendment.id))
    ).all()
