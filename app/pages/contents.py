"""The contents page: the draft's structure, what changed since a snapshot, and beside each
article its pending amendments, its comments and its consensus letter, for the whole draft in a
handful of queries (never one per article)."""

from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session, col, func, select

from app.amendments import lists as amendments
from app.comments.models import Comment
from app.consensus import reports
from app.consensus.chart import STATUS_CODES
from app.core.cache import RevisionCache
from app.core.templating import render
from app.drafts import editing, snapshots
from app.drafts import service as drafts
from app.drafts.models import Draft
from app.members.permissions import Permission, can
from app.notifications import service as notifications


@dataclass(frozen=True)
class Signals:
    pending: int  # amendments awaiting a decision
    comments: int  # visible comments, replies included
    status: str  # the consensus status, lettered by chart.STATUS_CODES

    @property
    def code(self) -> str:
        return STATUS_CODES[self.status]


_signals: RevisionCache[dict[int, Signals]] = RevisionCache()


def contents_signals(session: Session, draft: Draft, outline: drafts.Outline) -> dict[int, Signals]:
    """Each clause's signals by provision id, once per revision of the draft in each process."""
    return _signals.get(session, draft.cache_key, lambda: _count_signals(session, draft, outline))


def _count_signals(session: Session, draft: Draft, outline: drafts.Outline) -> dict[int, Signals]:
    """Two counting queries and the consensus outcomes."""
    pending = amendments.pending_by_clause(session, draft)
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


def render_contents_page(
    request: Request,
    session: Session,
    draft: Draft,
    *,
    since: str = "",
    status: int = 200,
    phase_error: str = "",
    numbering_error: str = "",
    numbering_asked: str = "",
) -> HTMLResponse:
    """templates/drafts/contents.html; the phase and numbering forms re-render it refused."""
    outline = drafts.load_outline(session, draft)
    all_snapshots = snapshots.list_snapshots(session, draft)
    changed: dict[str, str] | None = None
    since_snapshot = None
    if since:
        since_snapshot, _to, changes = snapshots.compare(
            session, draft, from_id=since, to_id="current"
        )
        changed = {c.uid: c.change for c in changes if c.change in ("added", "modified")}
    member = request.state.member
    context = {
        "draft": draft,
        "outline": outline,
        # For the secretariat: references that name nothing, or a deleted provision.
        "reference_problems": (
            editing.reference_problems(session, outline)
            if member and can(member.role, Permission.EDIT)
            else []
        ),
        "signals": contents_signals(session, draft, outline),
        "snapshots": all_snapshots,
        "since": since_snapshot,
        "changed": changed,
        "phase_error": phase_error,
        "numbering_error": numbering_error,
        "numbering_asked": numbering_asked or draft.numbering,
        "follow": notifications.follow_state(session, member, f"draft:{draft.slug}"),
    }
    return render(request, "drafts/contents.html", context, status_code=status)
