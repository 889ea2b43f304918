"""The article page: a clause's text, where it stands, its comments and amendments. The comment
and position forms re-render it, with what was typed and the problem, when they are refused."""

from dataclasses import dataclass, replace
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlmodel import Session

from app.amendments import lists as amendments
from app.amendments.models import Amendment
from app.comments import service as comments
from app.comments.anchoring import passages
from app.consensus import positions, reports, rules
from app.core.cache import RevisionCache
from app.core.i18n import reading_language
from app.core.pagination import Page, PageRequest
from app.core.templating import render
from app.drafts import notes as editorial_notes
from app.drafts import service as drafts
from app.drafts import snapshots, structure
from app.drafts.models import Draft, Snapshot
from app.drafts.notes import EditorialNote
from app.drafts.structure import Piece
from app.drafts.text import mark_of
from app.members.permissions import Permission, can
from app.notifications import service as notifications
from app.summaries import service as summaries
from app.summaries.models import Summary
from app.workshops import service as workshops


@dataclass(frozen=True)
class Shared:
    """What every reader of a provision sees at one revision of its draft: copies, bound to
    no session, so that each process reads them once per revision."""

    version: drafts.ShownVersion
    latest_snapshot: tuple[Snapshot, int] | None
    editorial_notes: list[EditorialNote]
    # The text a paragraph a line, its references to other provisions as links.
    text_lines: list[tuple[str, list[Piece]]]
    amendments: Page[amendments.AmendmentRow]
    summaries: dict[str, Summary]  # the plain-language summary in each language written
    workshop_stances: list[workshops.StanceView]


_shared: RevisionCache[Shared] = RevisionCache(size=512)


def _read_shared(session: Session, draft: Draft, entry: drafts.OutlineEntry) -> Shared:
    version = drafts.current_version(session, entry)
    snapshot = snapshots.latest_snapshot_version(session, draft, entry)
    listed = amendments.list_amendments(
        session, draft, provision_id=entry.id, paging=PageRequest(per_page=10)
    )
    return Shared(
        version=version,
        latest_snapshot=(Snapshot.model_validate(snapshot[0]), snapshot[1]) if snapshot else None,
        editorial_notes=[
            EditorialNote.model_validate(note)
            for note in editorial_notes.notes_of(session, entry.id)
        ],
        text_lines=[
            (mark.kind if (mark := mark_of("".join(p.text for p in line))) else "paragraph", line)
            for line in structure.lines(version.stored, entry.numbering, own_uid=entry.uid)
        ],
        amendments=Page(
            [
                replace(row, amendment=Amendment.model_validate(row.amendment))
                for row in listed.items
            ],
            listed.total,
            listed.page,
            listed.per_page,
        ),
        summaries={
            language: Summary.model_validate(summary)
            for language, summary in summaries.current_summaries(session, [entry.id])
            .get(entry.id, {})
            .items()
        },
        workshop_stances=workshops.stances_on(session, entry) if entry.is_clause else [],
    )


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
    shared = _shared.get(
        session, (draft.cache_key, entry.uid), lambda: _read_shared(session, draft, entry)
    )
    previous, following = outline.neighbours(uid) if entry.is_clause else (None, None)
    member = request.state.member
    context = {
        "draft": draft,
        "entry": entry,
        "version": shared.version,
        "previous": previous,
        "following": following,
        "latest_snapshot": shared.latest_snapshot,
        "thread": (
            comments.thread(session, draft, entry, PageRequest(page, comments.PAGE_SIZE), member)
            if entry.is_clause
            else None
        ),
        "passages": passages(shared.version.text) if member else [],
        "editorial_notes": shared.editorial_notes,
        "text_lines": shared.text_lines,
        "amendments": shared.amendments,
        "comment_form": comment_form or {"body": "", "quote": "", "error": ""},
        # An edit or a hiding refused: {"comment_id", "action", "value", "error"}.
        "refused_on_comment": refused_on_comment,
        # The secretariat's form of a contribution received outside Mesa, refused: what was typed.
        "received_form": received_form,
        "follow": notifications.follow_state(session, member, f"provision:{entry.uid}"),
    }
    if entry.is_clause:
        receiver = bool(member and can(member.role, Permission.RECEIVE))
        context |= {
            # The plain-language summary comes first, in the language the reader chose.
            "summary": summaries.for_reader(shared.summaries, reading_language.get()),
            "summaries": shared.summaries,
            "summary_languages": summaries.language_names(),
            "summary_form": summary_form,
            "workshop_stances": shared.workshop_stances,
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
