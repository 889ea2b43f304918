"""What the contents page shows beside each article: its pending amendments, its comments and
its consensus letter, for the whole draft in a handful of queries (never one per article)."""

from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from app.amendments.models import Amendment, AmendmentStatus
from app.comments.models import Comment
from app.consensus import reports
from app.consensus.chart import STATUS_CODES
from app.drafts import service as drafts
from app.drafts.models import Draft


@dataclass(frozen=True)
class Signals:
    pending: int  # amendments awaiting a decision
    comments: int  # visible comments, replies included
    status: str  # the consensus status, lettered by chart.STATUS_CODES

    @property
    def code(self) -> str:
        return STATUS_CODES[self.status]


def contents_signals(session: Session, draft: Draft, outline: drafts.Outline) -> dict[int, Signals]:
    """Each clause's signals by provision id: two counting queries and the consensus outcomes."""
    pending = dict(
        session.exec(
            select(Amendment.provision_id, func.count())
            .where(Amendment.draft_id == draft.id, Amendment.status == AmendmentStatus.SUBMITTED)
            .group_by(col(Amendment.provision_id))
        ).all()
    )
    comments = dict(
        session.exec(
            select(Comment.provision_id, func.count())
            .where(Comment.draft_id == draft.id, col(Comment.hidden_at).is_(None))
            .group_by(col(Comment.provision_id))
        ).all()
    )
    outcomes = reports.outcomes(session, draft, outline)
    return {
        entry.id: Signals(
            pending.get(entry.id, 0), comments.get(entry.id, 0), outcomes[entry.id].status
        )
        for entry in outline.clauses
    }
