"""The exposición de motivos: each save is a new version, named by the version it replaces."""

from collections.abc import Sequence

from sqlmodel import Session, col, select

from app.audit import service as audit
from app.core.db import unique_or
from app.core.errors import InvalidInput
from app.core.i18n import N_, _
from app.core.text import TextField, required_reason
from app.drafts import service as drafts
from app.drafts.editing import StaleVersion
from app.drafts.models import Draft, Motives
from app.members.models import Member

# The sections art. 75 of the Reglamento del Congreso requires, in their order.
SECTIONS = {
    name: TextField(name, label, 100_000)
    for name, label in [
        ("fundamentos", N_("I. Grounds")),
        ("efecto_vigencia", N_("II. Effect of the law on national legislation")),
        ("costo_beneficio", N_("III. Cost-benefit analysis, including environmental impact")),
        (
            "agenda",
            N_(
                "IV. Relation to the Agenda Legislativa and the Políticas de Estado del "
                "Acuerdo Nacional"
            ),
        ),
    ]
}
# The bill's first page.
SUMILLA = TextField("sumilla", N_("Sumilla"), 2_000)
PROPONENT = TextField("proponent", N_("Proposed by"), 300, one_line=True)
PLACE = TextField("place", N_("Place"), 100, one_line=True)
SECTION_TITLE = TextField("section_title", N_("Section title"), 300, one_line=True)
SECTION_TEXT = TextField("section_text", N_("Section text"), 100_000)
MAX_MORE_SECTIONS = 20


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
    agenda: str = "",
    more_sections: Sequence[tuple[str, str]] = (),
    sumilla: str = "",
    proponent: str = "",
    place: str = "",
) -> Motives:
    """A new version. `more_sections`: (title, text) of sections after the required ones; a
    pair left blank is dropped, a text without a title refused."""
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
        "agenda": agenda,
    }
    sections = [SECTIONS[name].clean(text) for name, text in written.items()]
    more = _more_sections(more_sections)
    reason = required_reason(reason)
    assert draft.id is not None
    motives = Motives(
        draft_id=draft.id,
        number=number + 1,
        fundamentos=sections[0],
        efecto_vigencia=sections[1],
        costo_beneficio=sections[2],
        agenda=sections[3],
        more_sections=more,
        sumilla=SUMILLA.clean(sumilla),
        proponent=PROPONENT.clean(proponent),
        place=PLACE.clean(place),
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


def _more_sections(pairs: Sequence[tuple[str, str]]) -> list[dict[str, str]]:
    sections = []
    for title, text in pairs:
        title, text = SECTION_TITLE.clean(title), SECTION_TEXT.clean(text)
        if not (title or text):
            continue
        if not title:
            raise InvalidInput(_("Give each added section a title."), field="section_title")
        sections.append({"title": title, "text": text})
    if len(sections) > MAX_MORE_SECTIONS:
        raise InvalidInput(
            _("At most %(n)s added sections.", n=MAX_MORE_SECTIONS), field="section_title"
        )
    return sections
