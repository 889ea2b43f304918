"""The draft's consensus rule: quorum, sector coverage, broad support, rounds."""

from sqlmodel import Session, select

from app.audit import service as audit
from app.audit.service import actor_of
from app.consensus import rules
from app.consensus.models import ConsensusRule
from app.core.db import unique_or
from app.core.errors import Conflict
from app.core.i18n import _
from app.drafts import service as drafts
from app.drafts.models import Draft
from app.members.models import Member


def get_rule(session: Session, draft: Draft) -> rules.Rule:
    stored = session.exec(select(ConsensusRule).where(ConsensusRule.draft_id == draft.id)).first()
    if stored is None:
        return rules.Rule()
    return rules.Rule(
        quorum=stored.quorum,
        require_sector_coverage=stored.require_sector_coverage,
        broad_support_share=stored.broad_support_share,
        requires_rounds=stored.requires_rounds,
    )


def set_rule(session: Session, actor: Member, draft: Draft, rule: rules.Rule) -> None:
    drafts.ensure_open(draft)
    before = get_rule(session, draft)
    stored = session.exec(select(ConsensusRule).where(ConsensusRule.draft_id == draft.id)).first()
    assert draft.id is not None
    stored = stored or ConsensusRule(
        draft_id=draft.id,
        quorum=0,
        require_sector_coverage=True,
        broad_support_share=0,
        requires_rounds=False,
    )
    stored.quorum = rule.quorum
    stored.require_sector_coverage = rule.require_sector_coverage
    stored.broad_support_share = rule.broad_support_share
    stored.requires_rounds = rule.requires_rounds
    twin = Conflict(
        _("The rule was changed by someone else at the same moment: reload it and try again.")
    )
    with unique_or(session, twin):  # the draft's first rule, set twice at once
        session.add(stored)
    audit.record(
        session,
        actor_of(actor),
        "consensus.rule_changed",
        f"draft:{draft.slug}",
        draft_id=draft.id,
        details={"before": before.__dict__, "after": rule.__dict__},
    )
