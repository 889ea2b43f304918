"""Summaries over HTTP: the API and the secretariat's form on the article page."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from app.audit.service import utc_iso
from app.core.db import SessionDep
from app.core.errors import DomainError
from app.core.forms import refused
from app.core.http import see_other
from app.drafts import service as drafts
from app.drafts.deps import DraftDep, Editor
from app.pages.article import render_article_page
from app.summaries import service
from app.summaries.models import Summary
from app.summaries.schemas import SummaryBody, SummaryPublic

api = APIRouter(prefix="/api/v1", tags=["summaries"])
pages = APIRouter(include_in_schema=False)


def _public(summary: Summary) -> SummaryPublic:
    return SummaryPublic(
        language=summary.language,
        version=summary.number,
        text=summary.text,
        translator=summary.translator,
        created_at=utc_iso(summary.created_at),
    )


@api.put("/drafts/{slug}/provisions/{uid}/summary")
def put_summary(
    draft: DraftDep, uid: str, body: SummaryBody, secretariat: Editor, session: SessionDep
) -> SummaryPublic:
    entry = drafts.load_outline(session, draft).get(uid)
    summary = service.write_summary(
        session, secretariat, draft, entry,
        language=body.language, text=body.text, translator=body.translator,
    )  # fmt: skip
    session.commit()
    return _public(summary)


@api.get("/drafts/{slug}/provisions/{uid}/summary")
def get_summaries(draft: DraftDep, uid: str, session: SessionDep) -> list[SummaryPublic]:
    """The current summary in each language it has."""
    entry = drafts.load_outline(session, draft).get(uid)
    written = service.current_summaries(session, [entry.id]).get(entry.id, {})
    return [_public(s) for s in written.values()]


@pages.post("/drafts/{slug}/provisions/{uid}/summary", response_model=None)
def summary_submit(
    request: Request,
    draft: DraftDep,
    uid: str,
    secretariat: Editor,
    session: SessionDep,
    language: Annotated[str, Form(max_length=2)] = "es",
    text: Annotated[str, Form()] = "",
    translator: Annotated[str, Form()] = "",
) -> Response:
    typed = {"language": language, "text": text, "translator": translator}
    entry = drafts.load_outline(session, draft).get(uid)
    try:
        service.write_summary(
            session, secretariat, draft, entry, language=language, text=text, translator=translator
        )
    except DomainError as error:
        return refused(session, error, lambda e: render_article_page(
            request, draft, uid, session, status=e.status_code,
            summary_form=typed | {"error": e.message},
        ))  # fmt: skip
    session.commit()
    url = request.app.url_path_for("provision_page", slug=draft.slug, uid=uid)
    return see_other(f"{url}#summary-heading")
