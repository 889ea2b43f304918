"""The exposición de motivos: each save is a new version, named by the version it replaces."""

from sqlmodel import Session, col, select

from app.audit import service as audit
from app.core.db import unique_or
from app.core.i18n import N_, _
from app.core.text import TextField, required_reason
from app.drafts import service as drafts
from app.drafts.editing import StaleVersion
from app.drafts.models import Draft, Motives
from app.members.models import Member

SECTIONS = {
    name: TextField(name, label, 100_000)
    for name, label in [
        ("fundamentos", N_("I. Grounds")),
        ("efecto_vigencia", N_("II. Effect of the law on national legislation")),
        ("costo_beneficio", N_("III. Cost-benefit analysis, including environmental impact")),
    ]
}


def current(session: Session, draft: Draft) -> Motives | None:
    return session.exec(
        select(Motives).where(Motives.draft_id == draft.id).order_by(col(Motives.number).desc())
    ).first()


def revise(
    session: Session,
    author: Member,
    draft: Draft,
    *,
    expected_version: int,
    fundamentos: str,
    efecto_vigencia: str,
    costo_beneficio: str,
    reason: str,
) -> Motives:
    drafts.ensure_open(draft)
    latest = current(session, draft)
    number = latest.number if latest else 0
    if expected_version != number:
        raise StaleVersion(
            _("The exposición de motivos changed meanwhile: it is now at version %(n)s.", n=number),
            current_version=number,
        )
    written = {
        "fundamentos": fundamentos,
        "efecto_vigencia": efecto_vigencia,
        "costo_beneficio": costo_beneficio,
    }
    sections = [SECTIONS[name].clean(text) for name, text in written.items()]
    reason = required_reason(reason)
    assert draft.id is not None
    motives = Motives(
        draft_id=draft.id,
        number=number + 1,
        fundamentos=sections[0],
        efecto_vigencia=sections[1],
        costo_beneficio=sections[2],
        reason=reason,
        author_id=author.id,
    )
    twin = StaleVersion(
        _("The exposición de motivos changed meanwhile: it is now at version %(n)s.", n=number + 1),
        current_version=number + 1,
    )
    with unique_or(session, twin):  # a concurrent save of the same version got there first
        session.add(motives)
    audit.record(
        session,
        audit.actor_of(author),
        "motives.revised",
        f"draft:{draft.slug}",
        draft_id=draft.id,
        details={"version": motives.number, "reason": reason},
    )
    return motives
