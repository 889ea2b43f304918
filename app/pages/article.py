"""The article page: a clause's text, where it stands, its comments and amendments. The comment
and position forms re-render it, with what was typed and the problem, when they are refused."""

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session

from app.amendments import lists as amendments
from app.comments import service as comments
from app.comments.anchoring import passages
from app.consensus import positions, reports, rules
from app.core.i18n import reading_language
from app.core.pagination import PageRequest
from app.core.templating import render
from app.drafts import notes as editorial_notes
from app.drafts import service as drafts
from app.drafts import snapshots, structure
from app.drafts.models import Draft
from app.drafts.text import mark_of
from app.members.permissions import Permission, can
from app.notifications import service as notifications
from app.summaries import service as summaries
from app.workshops import service as workshops


def render_article_page(
    request: Request,
    draft: Draft,
    uid: str,
    session: Session,
    *,
    page: int = 1,
    status: int = 200,
    comment_form: dict[str, str] | None = None,
    position_form: dict[str, str] | None = None,
    refused_on_comment: dict[str, Any] | None = None,
    received_form: dict[str, Any] | None = None,
    summary_form: dict[str, Any] | None = None,
    stance_form: dict[str, Any] | None = None,
) -> HTMLResponse:
    """templates/drafts/provision.html. A fixed number of queries whatever the size of the
    draft or of the thread."""
    outline = drafts.load_outline(session, draft)
    entry = outline.get(uid)
    version = drafts.current_version(session, entry)
    previous, following = outline.neighbours(uid) if entry.is_clause else (None, None)
    member = request.state.member
    context = {
        "draft": draft,
        "entry": entry,
        "version": version,
        "previous": previous,
        "following": following,
        "latest_snapshot": snapshots.latest_snapshot_version(session, draft, entry),
        "thread": (
            comments.thread(session, draft, entry, PageRequest(page, comments.PAGE_SIZE), member)
            if entry.is_clause
            else None
        ),
        "passages": passages(version.text),
        "editorial_notes": editorial_notes.notes_of(session, entry.id),
        # The text a paragraph a line, its references to other provisions as links.
        "text_lines": [
            (mark.kind if (mark := mark_of("".join(p.text for p in line))) else "paragraph", line)
            for line in structure.lines(version.stored, entry.numbering, own_uid=entry.uid)
        ],
        "amendments": amendments.list_amendments(
            session, draft, provision_id=entry.id, paging=PageRequest(per_page=10)
        ),
        "comment_form": comment_form or {"body": "", "quote": "", "error": ""},
        # An edit or a hiding refused: {"comment_id", "action", "value", "error"}.
        "refused_on_comment": refused_on_comment,
        # The secretariat's form of a contribution received outside Mesa, refused: what was typed.
        "received_form": received_form,
        "follow": notifications.follow_state(session, member, f"provision:{entry.uid}"),
    }
    if entry.is_clause:
        written = summaries.current_summaries(session, [entry.id]).get(entry.id, {})
        receiver = bool(member and can(member.role, Permission.RECEIVE))
        context |= {
            # The plain-language summary comes first, in the language the reader chose.
            "summary": summaries.for_reader(written, reading_language.get()),
            "summaries": written,
            "summary_languages": summaries.language_names(),
            "summary_form": summary_form,
            "workshop_stances": workshops.stances_on(session, entry),
            "workshops": workshops.list_workshops(session, draft) if receiver else [],
            "workshop_label": workshops.public_label,
            "stance_form": stance_form,
            "outcome": reports.outcome(session, draft, entry),
            "explain": rules.explain,
            "positions": positions.positions_by_sector(session, draft, entry),
            "my_position": positions.my_position(session, member, entry) if member else None,
            "position_form": position_form or {"stance": "", "reason": "", "error": ""},
            "stances": list(rules.Stance),
        }
    return render(request, "drafts/provision.html", context, status_code=status)
