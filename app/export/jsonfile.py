"""JSON with everything: the text, each clause's amendments and their decisions, consensus."""

import json
from typing import Any

from sqlmodel import Session

from app.amendments import lists as amendment_lists
from app.amendments.models import Amendment
from app.amendments.service import proposed_text
from app.audit.service import utc_iso
from app.consensus import reports, rules
from app.drafts import service as drafts
from app.drafts.models import Draft
from app.export.document import ExportDocument


def _proposed(amendment: Amendment, target: drafts.OutlineEntry | None) -> str | None:
    if amendment.text is None or target is None:
        return amendment.text
    return proposed_text(amendment, target)


def render(session: Session, draft: Draft, document: ExportDocument) -> str:
    outline = drafts.load_outline(session, draft)
    decided = reports.outcomes(session, draft, outline)
    outcomes = {entry.uid: decided[entry.id] for entry in outline.clauses}
    rows = amendment_lists.with_authors(session, draft)
    amendments: dict[str, list[dict[str, Any]]] = {}
    for amendment, author, uid in rows:
        amendments.setdefault(uid, []).append(
            {
                "id": amendment.id,
                "kind": amendment.kind,
                "status": amendment.status,
                "base_version": amendment.base_version,
                "text": _proposed(amendment, outline.by_uid.get(uid)),
                "heading": amendment.heading,
                "rationale": amendment.rationale,
                "author": author.name,
                "organization": author.organization,
                "sector": author.sector,
                "channel": author.channel,
                "decision_reason": amendment.decision_reason,
                "result_version": amendment.result_version,
            }
        )
    snapshot = document.snapshot
    body = {
        "draft": {"slug": document.slug, "title": document.title, "phase": draft.phase},
        "snapshot": {
            "id": snapshot.id,
            "label": snapshot.label,
            "created_at": utc_iso(snapshot.created_at),
        }
        if snapshot
        else None,
        "base": {"id": document.compared_with.id, "label": document.compared_with.label}
        if document.compared_with
        else None,
        "generated_at": utc_iso(document.generated_at),
        # The audit record's head when the file was made: compare it with /registro.
        "audit_head_hash": document.audit_head,
        "motives": {
            "version": document.motives.number,
            "fundamentos": document.motives.fundamentos,
            "efecto_vigencia": document.motives.efecto_vigencia,
            "costo_beneficio": document.motives.costo_beneficio,
            "agenda": document.motives.agenda,
            "more_sections": document.motives.more_sections,
            "sumilla": document.motives.sumilla,
            "proponent": document.motives.proponent,
            "place": document.motives.place,
        }
        if document.motives
        else None,
        "provisions": [
            {
                "uid": p.uid,
                "kind": p.kind,
                "label": p.label,
                "heading": p.heading,
                "text": p.text,
                "version": p.version,
                "parent": p.parent_uid,
                "amendments": amendments.get(p.uid, []),
                "consensus": {
                    "status": outcomes[p.uid].status,
                    "explanation": rules.explain(outcomes[p.uid]),
                    "counts": {s.value: n for s, n in outcomes[p.uid].counts.items()},
                }
                if p.uid in outcomes
                else None,
            }
            for p in document.provisions
        ],
    }
    return json.dumps(body, ensure_ascii=False, indent=2)
