"""Writing a plain-language summary of an article, and which one a reader is shown. Summaries
in Quechua and Aymara are written by people and entered by the secretariat: Mesa never
machine-translates law."""

from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from app.audit import service as audit
from app.audit.service import actor_of
from app.core.errors import Forbidden, InvalidInput
from app.core.i18n import N_, _
from app.core.text import TextField
from app.drafts import service as drafts
from app.drafts.models import Draft
from app.members.models import Member
from app.members.permissions import Permission, can
from app.summaries.models import Summary, SummaryLanguage

TEXT = TextField("text", N_("Summary"), 3_000, required=N_("Write the summary."))
TRANSLATOR = TextField("translator", N_("Written or translated by"), 200, one_line=True)


def language_names() -> dict[str, str]:
    return {
        SummaryLanguage.SPANISH: _("Spanish"),
        SummaryLanguage.QUECHUA: _("Quechua"),
        SummaryLanguage.AYMARA: _("Aymara"),
    }


def write_summary(
    session: Session,
    actor: Member,
    draft: Draft,
    entry: drafts.OutlineEntry,
    *,
    language: str,
    text: str,
    translator: str = "",
) -> Summary:
    """A new version of the article's summary in one language; earlier ones are kept."""
    if not can(actor.role, Permission.EDIT):
        raise Forbidden(_("Only the secretariat writes the summaries."))
    drafts.ensure_open(draft)
    if language not in set(SummaryLanguage):
        raise InvalidInput(_("Choose Spanish, Quechua or Aymara."), field="language")
    if not entry.is_clause:
        raise InvalidInput(_("Only articles and dispositions have summaries."), field="text")
    text = TEXT.clean(text)
    translator = TRANSLATOR.clean(translator)
    if language != SummaryLanguage.SPANISH and not translator:
        raise InvalidInput(_("Say who translated it."), field="translator")
    last = session.exec(
        select(func.max(Summary.number)).where(
            Summary.provision_id == entry.id, Summary.language == language
        )
    ).one()
    assert draft.id is not None and actor.id is not None
    summary = Summary(
        draft_id=draft.id,
        provision_id=entry.id,
        language=language,
        number=(last or 0) + 1,
        text=text,
        translator=translator or actor.name,
        entered_by_id=actor.id,
    )
    session.add(summary)
    session.flush()
    audit.record(
        session,
        actor_of(actor),
        "summary.written",
        f"provision:{entry.uid}",
        draft_id=draft.id,
        details={"label": entry.label.text, "language": language, "version": summary.number},
    )
    return summary


def current_summaries(
    session: Session, provision_ids: Iterable[int]
) -> dict[int, dict[str, Summary]]:
    """Each article's latest summary in each language, in one query."""
    wanted = set(provision_ids)
    if not wanted:
        return {}
    rows = session.exec(
        select(Summary)
        .where(col(Summary.provision_id).in_(wanted))
        .order_by(col(Summary.provision_id), col(Summary.language), col(Summary.number))
    ).all()
    found: dict[int, dict[str, Summary]] = {}
    for summary in rows:
        found.setdefault(summary.provision_id, {})[summary.language] = summary  # later wins
    return found


@dataclass(frozen=True)
class ShownSummary:
    summary: Summary
    wanted: str  # the language the reader chose
    # The reader chose Quechua or Aymara and there is no such translation: Spanish, and says so.
    fell_back: bool


def for_reader(summaries: dict[str, Summary], reading: str) -> ShownSummary | None:
    """The summary in the reader's language (Spanish for Spanish and English readers), else
    the Spanish one, marked as a fallback."""
    wanted = reading if reading in (SummaryLanguage.QUECHUA, SummaryLanguage.AYMARA) else "es"
    if wanted in summaries:
        return ShownSummary(summaries[wanted], wanted, False)
    if SummaryLanguage.SPANISH in summaries:
        return ShownSummary(summaries[SummaryLanguage.SPANISH], wanted, True)
    return None
