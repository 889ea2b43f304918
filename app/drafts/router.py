"""Drafts over HTTP: the JSON API and the pages. HTTP only; rules live in the service modules."""

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Form, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from app.amendments import lists as amendment_lists
from app.audit.service import actor_of, utc_iso
from app.consensus import reports, rules
from app.core.bounds import MAX_INT
from app.core.db import SessionDep
from app.core.errors import DomainError
from app.core.forms import refused
from app.core.http import see_other
from app.core.pagination import Page, PageParams, set_list_headers
from app.core.templating import render
from app.drafts import diffing, editing, motives, service, snapshots, structure
from app.drafts.deps import DraftDep, Editor, Freezer, Revalidated, readable_drafts
from app.drafts.models import Draft, Phase
from app.drafts.schemas import (
    ChangePublic,
    ComparePublic,
    ConsensusSummary,
    CrossReferencePublic,
    DiffPublic,
    DraftDetail,
    DraftSummary,
    InsertBody,
    ModifiesBody,
    MoveBody,
    ProvisionDetail,
    ProvisionSummary,
    ReferencePublic,
    ReviseBody,
    SnapshotBody,
    SnapshotPublic,
    StructuralPublic,
    VersionPublic,
)
from app.members.deps import OptionalMember, require
from app.members.models import Member
from app.members.permissions import Permission
from app.pages.contents import render_contents_page

api = APIRouter(prefix="/api/v1", tags=["drafts"])
pages = APIRouter(include_in_schema=False)
Merger = Annotated[Member, Depends(require(Permission.MERGE))]


def _snapshot_public(snapshot: Any) -> SnapshotPublic:
    return SnapshotPublic(
        id=snapshot.id, label=snapshot.label, created_at=utc_iso(snapshot.created_at)
    )


def _structural_public(result: editing.StructuralResult) -> StructuralPublic:
    def public(references: list[editing.CrossReference]) -> list[CrossReferencePublic]:
        return [
            CrossReferencePublic(from_=r.uid, label=r.label, mentions=r.mentions)
            for r in references
        ]

    return StructuralPublic(
        uid=result.uid,
        label=result.label,
        renumbered_references=public(result.renumbered_references),
        references=public(result.references),
    )


# API: reading -------------------------------------------------------------------------------


@api.get("/drafts")
def list_drafts(
    request: Request,
    response: Response,
    paging: PageParams,
    session: SessionDep,
    member: OptionalMember,
) -> list[DraftSummary]:
    readable = [
        DraftSummary(slug=d.slug, title=d.title, phase=d.phase)
        for d in readable_drafts(session, member)
    ]
    page = Page.of(readable, paging)
    set_list_headers(request, response, page)
    return page.items


@api.get("/drafts/{slug}", dependencies=[Revalidated])
def read_draft(draft: DraftDep, session: SessionDep) -> DraftDetail:
    outline = service.load_outline(session, draft)
    return DraftDetail(
        slug=draft.slug,
        title=draft.title,
        phase=draft.phase,
        numbering=draft.numbering,
        provisions=[
            ProvisionSummary(
                uid=entry.uid,
                kind=entry.kind,
                label=entry.label.text,
                heading=entry.heading,
                parent=entry.parent.uid if entry.parent else None,
                version=entry.version,
            )
            for entry in outline.entries
        ],
    )


@api.get("/drafts/{slug}/provisions/{uid}", dependencies=[Revalidated])
def read_provision(draft: DraftDep, uid: str, session: SessionDep) -> ProvisionDetail:
    outline = service.load_outline(session, draft)
    entry = outline.get(uid)
    version = service.current_version(session, entry)
    summary = None
    if entry.is_clause:
        outcome = reports.outcome(session, draft, entry)
        summary = ConsensusSummary(status=outcome.status, explanation=rules.explain(outcome))
    return ProvisionDetail(
        uid=entry.uid,
        kind=entry.kind,
        label=entry.label.text,
        heading=version.heading,
        text=version.text,
        version=version.number,
        parent=entry.parent.uid if entry.parent else None,
        consensus=summary,
        modifies=ModifiesBody(law=m.law_slug, uid=m.uid)
        if (m := editing.modified(session, entry.id))
        else None,
        references=[
            ReferencePublic(
                to=reference.to,
                as_=structure.phrase(outline.numbering, reference),
                dangling=reference.to not in outline.by_uid,
            )
            for reference in structure.references(version.stored)
        ],
    )


@api.put("/drafts/{slug}/provisions/{uid}/modifies")
def set_modifies(
    draft: DraftDep,
    uid: str,
    editor: Editor,
    session: SessionDep,
    body: Annotated[ModifiesBody | None, Body()] = None,
) -> ModifiesBody | None:
    """Which article of a law in force this provision modifies (null: none)."""
    found = editing.set_modifies(
        session, editor, draft, uid=uid, law_slug=body.law if body else None,
        law_uid=body.uid if body else None,
    )  # fmt: skip
    session.commit()
    return ModifiesBody(law=found.law_slug, uid=found.uid) if found else None


@api.get("/drafts/{slug}/provisions/{uid}/versions")
def list_versions(
    request: Request,
    response: Response,
    paging: PageParams,
    draft: DraftDep,
    uid: str,
    session: SessionDep,
) -> list[VersionPublic]:
    entry = service.load_outline(session, draft).get(uid)
    page = Page.of(editing.versions(session, entry), paging)
    set_list_headers(request, response, page)
    return [
        VersionPublic(
            version=v.number,
            text=v.text,
            heading=v.heading,
            author=v.author,
            created_at=utc_iso(v.created_at),
            amendment=v.amendment_id,
            source=v.source,
            reason=v.reason,
        )
        for v in page.items
    ]


@api.get("/drafts/{slug}/provisions/{uid}/diff", response_model_by_alias=True)
def diff_versions(
    draft: DraftDep,
    uid: str,
    session: SessionDep,
    from_: Annotated[int, Query(alias="from", ge=1, le=MAX_INT)],
    to: Annotated[int, Query(ge=1, le=MAX_INT)],
) -> DiffPublic:
    entry = service.load_outline(session, draft).get(uid)
    old, new = service.version(session, entry, from_), service.version(session, entry, to)
    return DiffPublic(
        from_=from_,
        to=to,
        ops=diffing.word_diff(old.text, new.text),
        heading_ops=diffing.word_diff(old.heading, new.heading),
    )


# API: secretariat edits ---------------------------------------------------------------------


@api.post("/drafts/{slug}/provisions/{uid}/revise")
def revise(
    draft: DraftDep, uid: str, body: ReviseBody, editor: Editor, session: SessionDep
) -> dict[str, int]:
    version = editing.revise(
        session,
        editor,
        draft,
        uid=uid,
        expected_version=body.expected_version,
        text=body.text,
        heading=body.heading,
        reason=body.reason,
    )
    session.commit()
    return {"version": version.number}


@api.post("/drafts/{slug}/provisions", status_code=201)
def insert_provision(
    draft: DraftDep, body: InsertBody, editor: Editor, session: SessionDep
) -> StructuralPublic:
    result = editing.insert_provision(
        session,
        editor,
        draft,
        kind=body.kind,
        after_uid=body.after,
        heading=body.heading,
        text=body.text,
        reason=body.reason,
    )
    session.commit()
    return _structural_public(result)


@api.delete("/drafts/{slug}/provisions/{uid}")
def delete_provision(
    draft: DraftDep, uid: str, editor: Editor, session: SessionDep, reason: str = ""
) -> StructuralPublic:
    result = editing.delete_provision(session, editor, draft, uid=uid, reason=reason)
    session.commit()
    return _structural_public(result)


@api.post("/drafts/{slug}/provisions/{uid}/move")
def move_provision(
    draft: DraftDep, uid: str, body: MoveBody, editor: Editor, session: SessionDep
) -> StructuralPublic:
    result = editing.move_provision(
        session, editor, draft, uid=uid, after_uid=body.after, reason=body.reason
    )
    session.commit()
    return _structural_public(result)


# API: snapshots -----------------------------------------------------------------------------


@api.post("/drafts/{slug}/snapshots", status_code=201)
def freeze_snapshot(
    draft: DraftDep, body: SnapshotBody, member: Freezer, session: SessionDep
) -> SnapshotPublic:
    snapshot = snapshots.freeze_snapshot(session, member, draft, body.label)
    session.commit()
    return _snapshot_public(snapshot)


@api.get("/drafts/{slug}/snapshots")
def list_snapshots(
    request: Request, response: Response, paging: PageParams, draft: DraftDep, session: SessionDep
) -> list[SnapshotPublic]:
    page = Page.of(snapshots.list_snapshots(session, draft), paging)
    set_list_headers(request, response, page)
    return [_snapshot_public(s) for s in page.items]


@api.get("/drafts/{slug}/compare", response_model_exclude_none=True)
def compare(
    draft: DraftDep,
    session: SessionDep,
    from_: Annotated[str, Query(alias="from")],
    to: str = "current",
) -> ComparePublic:
    _first, _second, changes = snapshots.compare(session, draft, from_id=from_, to_id=to)
    return ComparePublic(
        changes=[
            ChangePublic(
                uid=c.uid,
                change=c.change,
                from_label=c.from_label,
                to_label=c.to_label,
                ops=c.ops if c.change == "modified" else None,
            )
            for c in changes
        ]
    )


# Pages: reading ------------------------------------------------------------------------------


@pages.get("/", response_class=HTMLResponse)
def drafts_page(request: Request, session: SessionDep, member: OptionalMember) -> HTMLResponse:
    # templates/drafts/list.html: drafts
    return render(request, "drafts/list.html", {"drafts": readable_drafts(session, member)})


@pages.get("/drafts/{slug}/provisions/{uid}/history", response_class=HTMLResponse)
def history_page(request: Request, draft: DraftDep, uid: str, session: SessionDep) -> HTMLResponse:
    entry = service.load_outline(session, draft).get(uid)
    context = {"draft": draft, "entry": entry, "versions": editing.versions(session, entry)}
    return render(request, "drafts/history.html", context)


@pages.get("/drafts/{slug}/provisions/{uid}/diff", response_class=HTMLResponse)
def diff_page(
    request: Request,
    draft: DraftDep,
    uid: str,
    session: SessionDep,
    from_: Annotated[int, Query(alias="from", ge=1, le=MAX_INT)],
    to: Annotated[int, Query(ge=1, le=MAX_INT)],
    view: str = "inline",
) -> HTMLResponse:
    entry = service.load_outline(session, draft).get(uid)
    old, new = service.version(session, entry, from_), service.version(session, entry, to)
    context = {
        "draft": draft,
        "entry": entry,
        "old": old,
        "new": new,
        "ops": diffing.word_diff(old.text, new.text),
        "heading_ops": diffing.word_diff(old.heading, new.heading),
        "view": "side" if view == "side" else "inline",
        "versions": editing.versions(session, entry),
    }
    return render(request, "drafts/diff.html", context)


# Pages: secretariat edits --------------------------------------------------------------------


def _edit_form(
    request: Request, session: SessionDep, draft: Any, uid: str, status: int = 200, **extra: Any
) -> HTMLResponse:
    outline = service.load_outline(session, draft)
    entry = outline.get(uid)
    current = service.current_version(session, entry)
    context = {
        "draft": draft,
        "entry": entry,
        "current": current,
        "outline": outline,
        "referring": editing.referring_clauses(session, outline, {uid}),
        "form": {"text": current.text, "heading": current.heading, "reason": ""},
        **extra,
    }
    return render(request, "drafts/edit.html", context, status_code=status)


@pages.get("/drafts/{slug}/provisions/{uid}/edit", response_class=HTMLResponse)
def edit_page(
    request: Request, draft: DraftDep, uid: str, _editor: Editor, session: SessionDep
) -> HTMLResponse:
    return _edit_form(request, session, draft, uid)


@pages.post("/drafts/{slug}/provisions/{uid}/edit", response_model=None)
def edit_submit(
    request: Request,
    draft: DraftDep,
    uid: str,
    editor: Editor,
    session: SessionDep,
    expected_version: Annotated[int, Form(ge=0, le=MAX_INT)],
    text: Annotated[str, Form()] = "",
    heading: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    try:
        editing.revise(
            session,
            editor,
            draft,
            uid=uid,
            expected_version=expected_version,
            text=text,
            heading=heading,
            reason=reason,
        )
    except DomainError as error:
        form = {"text": text, "heading": heading, "reason": reason}
        return refused(session, error, lambda e: _edit_form(
            request, session, draft, uid, status=e.status_code, error=e.message, form=form,
            submitted_version=expected_version,
        ))  # fmt: skip
    session.commit()
    url = request.app.url_path_for("provision_page", slug=draft.slug, uid=uid)
    return see_other(url + "?notice=revised")


def _change_structure(
    request: Request,
    session: SessionDep,
    draft: Any,
    uid: str,
    change: Callable[[], editing.StructuralResult],
    *,
    action: str,
    refused_as: str,
    **kept: Any,
) -> Response:
    """Insert, delete and move answer alike: what changed (labels included), or the edit page
    again with the error beside the refused form."""
    try:
        result = change()
    except DomainError as error:
        return refused(session, error, lambda e: _edit_form(
            request, session, draft, uid, status=e.status_code, **{refused_as: e.message}, **kept
        ))  # fmt: skip
    session.commit()
    context = {"draft": draft, "result": result, "action": action}
    return render(request, "drafts/structure_done.html", context)


@pages.post("/drafts/{slug}/provisions/{uid}/insert", response_model=None)
def insert_submit(
    request: Request,
    draft: DraftDep,
    uid: str,
    editor: Editor,
    session: SessionDep,
    kind: Annotated[str, Form()] = "articulo",
    text: Annotated[str, Form()] = "",
    heading: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    def insert() -> editing.StructuralResult:
        return editing.insert_provision(
            session, editor, draft, kind=kind, after_uid=uid, heading=heading, text=text,
            reason=reason,
        )  # fmt: skip

    form = {"text": text, "heading": heading, "reason": reason, "kind": kind}
    return _change_structure(
        request, session, draft, uid, insert, action="inserted", refused_as="insert_error",
        insert_form=form,
    )  # fmt: skip


@pages.post("/drafts/{slug}/provisions/{uid}/delete", response_model=None)
def delete_submit(
    request: Request,
    draft: DraftDep,
    uid: str,
    editor: Editor,
    session: SessionDep,
    reason: Annotated[str, Form()] = "",
) -> Response:
    def delete() -> editing.StructuralResult:
        return editing.delete_provision(session, editor, draft, uid=uid, reason=reason)

    return _change_structure(
        request, session, draft, uid, delete, action="deleted", refused_as="delete_error"
    )


@pages.post("/drafts/{slug}/provisions/{uid}/move", response_model=None)
def move_submit(
    request: Request,
    draft: DraftDep,
    uid: str,
    editor: Editor,
    session: SessionDep,
    after: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    def move() -> editing.StructuralResult:
        return editing.move_provision(
            session, editor, draft, uid=uid, after_uid=after, reason=reason
        )

    return _change_structure(
        request, session, draft, uid, move, action="moved", refused_as="move_error"
    )


@pages.post("/drafts/{slug}/phase")
def change_phase(
    request: Request,
    draft: DraftDep,
    merger: Merger,
    session: SessionDep,
    phase: Annotated[str, Form()] = Phase.OPEN,
) -> Response:
    try:
        service.set_phase(session, actor_of(merger), draft, phase)
    except DomainError as error:
        return refused(session, error, lambda e: render_contents_page(
            request, session, draft, status=e.status_code, phase_error=e.message
        ))  # fmt: skip
    session.commit()
    return see_other(request.app.url_path_for("contents_page", slug=draft.slug))


@pages.post("/drafts/{slug}/numbering")
def change_numbering(
    request: Request,
    draft: DraftDep,
    editor: Editor,
    session: SessionDep,
    numbering: Annotated[str, Form()] = "",
    confirmed: Annotated[bool, Form()] = False,
) -> Response:
    try:
        editing.set_numbering(
            session,
            editor,
            draft,
            numbering=numbering,
            pending_amendments=amendment_lists.pending_count(session, draft),
            confirmed=confirmed,
        )
    except DomainError as error:
        return refused(session, error, lambda e: render_contents_page(
            request, session, draft, status=e.status_code, numbering_error=e.message,
            numbering_asked=numbering,
        ))  # fmt: skip
    session.commit()
    return see_other(request.app.url_path_for("contents_page", slug=draft.slug) + "#numbering")


# Pages: the exposición de motivos ---------------------------------------------------------


@pages.get("/drafts/{slug}/motives", response_class=HTMLResponse)
def motives_page(request: Request, draft: DraftDep, session: SessionDep) -> HTMLResponse:
    return _motives_page(request, session, draft)


def _motives_page(
    request: Request, session: SessionDep, draft: Draft, *, status: int = 200, **kept: Any
) -> HTMLResponse:
    context = {"draft": draft, "motives": motives.current(session, draft), **kept}
    return render(request, "drafts/motives.html", context, status_code=status)


@pages.post("/drafts/{slug}/motives", response_model=None)
def motives_submit(
    request: Request,
    draft: DraftDep,
    editor: Editor,
    session: SessionDep,
    expected_version: Annotated[int, Form(ge=0, le=MAX_INT)] = 0,
    fundamentos: Annotated[str, Form()] = "",
    efecto_vigencia: Annotated[str, Form()] = "",
    costo_beneficio: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
    agenda: Annotated[str, Form()] = "",
    sumilla: Annotated[str, Form()] = "",
    proponent: Annotated[str, Form()] = "",
    place: Annotated[str, Form()] = "",
    section_title: Annotated[list[str] | None, Form()] = None,
    section_text: Annotated[list[str] | None, Form()] = None,
) -> Response:
    more = list(zip(section_title or [], section_text or [], strict=False))
    cover = {"agenda": agenda, "sumilla": sumilla, "proponent": proponent, "place": place}
    try:
        motives.revise(
            session,
            editor,
            draft,
            expected_version=expected_version,
            fundamentos=fundamentos,
            efecto_vigencia=efecto_vigencia,
            costo_beneficio=costo_beneficio,
            reason=reason,
            more_sections=more,
            **cover,
        )
    except DomainError as error:
        typed = {
            "fundamentos": fundamentos,
            "efecto_vigencia": efecto_vigencia,
            "costo_beneficio": costo_beneficio,
            "reason": reason,
            **cover,
            "more_sections": [{"title": t, "text": x} for t, x in more],
        }
        return refused(session, error, lambda e: _motives_page(
            request, session, draft, status=e.status_code, typed=typed, error=e.message
        ))  # fmt: skip
    session.commit()
    return see_other(request.app.url_path_for("motives_page", slug=draft.slug) + "?notice=saved")


# Pages: snapshots ----------------------------------------------------------------------------


def _snapshots_page(
    request: Request, session: SessionDep, draft: Any, status: int = 200, **extra: Any
) -> HTMLResponse:
    context = {"draft": draft, "snapshots": snapshots.list_snapshots(session, draft), **extra}
    return render(request, "drafts/snapshots.html", context, status_code=status)


@pages.get("/drafts/{slug}/snapshots", response_class=HTMLResponse)
def snapshots_page(request: Request, draft: DraftDep, session: SessionDep) -> HTMLResponse:
    return _snapshots_page(request, session, draft)


@pages.post("/drafts/{slug}/snapshots", response_model=None)
def freeze_submit(
    request: Request,
    draft: DraftDep,
    member: Freezer,
    session: SessionDep,
    label: Annotated[str, Form()] = "",
) -> Response:
    try:
        snapshot = snapshots.freeze_snapshot(session, member, draft, label)
    except DomainError as error:
        return refused(session, error, lambda e: _snapshots_page(
            request, session, draft, e.status_code, error=e.message, label=label
        ))  # fmt: skip
    session.commit()
    url = request.app.url_path_for("snapshot_page", slug=draft.slug, snapshot_id=snapshot.id)
    return see_other(url)


@pages.get("/drafts/{slug}/snapshots/{snapshot_id}", response_class=HTMLResponse)
def snapshot_page(
    request: Request, draft: DraftDep, snapshot_id: str, session: SessionDep
) -> HTMLResponse:
    snapshot = snapshots.get_snapshot(session, draft, snapshot_id)
    context = {
        "draft": draft,
        "snapshot": snapshot,
        "entries": snapshots.snapshot_state(session, snapshot),
    }
    return render(request, "drafts/snapshot.html", context)


@pages.get("/drafts/{slug}/snapshots/{snapshot_id}/provisions/{uid}", response_class=HTMLResponse)
def snapshot_provision_page(
    request: Request, draft: DraftDep, snapshot_id: str, uid: str, session: SessionDep
) -> HTMLResponse:
    snapshot = snapshots.get_snapshot(session, draft, snapshot_id)
    entry, heading, text = snapshots.snapshot_provision(session, snapshot, uid)
    context = {
        "draft": draft,
        "snapshot": snapshot,
        "entry": entry,
        "heading": heading,
        "text": text,
    }
    return render(request, "drafts/snapshot_provision.html", context)


@pages.get("/drafts/{slug}/compare", response_model=None)
def compare_page(
    request: Request,
    draft: DraftDep,
    session: SessionDep,
    from_: Annotated[str, Query(alias="from")] = "",
    to: str = "current",
    show: str = "changed",
) -> HTMLResponse | RedirectResponse:
    if not from_:
        return see_other(request.app.url_path_for("snapshots_page", slug=draft.slug))
    first, second, changes = snapshots.compare(session, draft, from_id=from_, to_id=to)
    counts: dict[str, int] = {}
    for change in changes:
        counts[change.change] = counts.get(change.change, 0) + 1
    visible = changes if show == "all" else [c for c in changes if c.change != "unchanged"]
    context = {
        "draft": draft,
        "first": first,
        "second": second,
        "changes": visible,
        "counts": counts,
        "show": show,
        "snapshots": snapshots.list_snapshots(session, draft),
    }
    return render(request, "drafts/compare.html", context)
