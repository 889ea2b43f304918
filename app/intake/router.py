"""A contribution received outside Mesa, entered by the secretariat from the article page."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from app.amendments import service as amendments
from app.amendments.models import AmendmentKind
from app.comments import service as comments
from app.core.db import SessionDep
from app.core.errors import DomainError, InvalidInput
from app.core.forms import refused
from app.core.http import see_other
from app.core.i18n import _
from app.drafts import service as drafts
from app.drafts.deps import DraftDep
from app.intake import service
from app.intake.deps import Receiver
from app.pages.article import render_article_page
from app.workshops import service as workshops

pages = APIRouter(include_in_schema=False)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            _("Write the date received, as on a calendar."), field="received_on"
        ) from None


@pages.post("/drafts/{slug}/provisions/{uid}/received", response_model=None)
def received_submit(
    request: Request,
    draft: DraftDep,
    uid: str,
    secretariat: Receiver,
    session: SessionDep,
    channel: Annotated[str, Form(max_length=20)] = "",
    received_on: Annotated[str, Form(max_length=20)] = "",
    contributor: Annotated[str, Form()] = "",
    organization: Annotated[str, Form()] = "",
    sector: Annotated[str, Form(max_length=30)] = "other",
    region: Annotated[str, Form(max_length=40)] = "",
    reserved: Annotated[bool, Form()] = False,
    body: Annotated[str, Form()] = "",
    text: Annotated[str, Form()] = "",
    workshop: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    """A comment, or with a proposed text an amendment, credited to who sent it."""
    typed = {
        "channel": channel, "received_on": received_on, "contributor": contributor,
        "organization": organization, "sector": sector, "region": region,
        "reserved": reserved, "body": body, "text": text, "workshop": workshop,
    }  # fmt: skip
    entry = drafts.load_outline(session, draft).get(uid)
    try:
        if workshop:
            receipt = workshops.workshop_receipt(
                session, secretariat, draft, workshops.chosen_workshop(workshop),
                sector=sector, organization=organization,
            )  # fmt: skip
        else:
            received = service.Received(
                channel, contributor, _date(received_on), organization, sector, region, reserved
            )
            receipt = service.record_receipt(session, secretariat, draft, received)
        if text.strip():
            amendment = amendments.submit_amendment(
                session, secretariat, draft, kind=AmendmentKind.MODIFY, target_uid=uid,
                rationale=body, base_version=entry.version, text=text, receipt=receipt,
            )  # fmt: skip
            url = request.app.url_path_for("amendment_page", amendment_id=amendment.id)
            session.commit()
            return see_other(str(url))
        comment = comments.add_comment(
            session, secretariat, draft, entry, body=body, receipt=receipt
        )
    except DomainError as error:
        return refused(session, error, lambda e: render_article_page(
            request, draft, uid, session, status=e.status_code,
            received_form=typed | {"error": e.message, "field": e.details.get("field", "")},
        ))  # fmt: skip
    session.commit()
    anchor = f"comment-{comment.id}"
    url = request.app.url_path_for("provision_page", slug=draft.slug, uid=uid)
    return see_other(f"{url}#{anchor}")
