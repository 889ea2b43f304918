"""The printable packet a workshop works from: one page per article (its plain-language
summary first, its current text, a QR code to its page, ruled space to write), then a sheet to
transcribe what was said. Black on white, large type: it must survive a photocopier."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import segno
from sqlmodel import Session

from app.core.templating import environment
from app.drafts import service as drafts
from app.drafts.models import Draft
from app.summaries import service as summaries
from app.summaries.models import Summary, SummaryLanguage

# Lines to write on under each article, and rows of the transcription sheet.
WRITING_LINES = 9
TRANSCRIPTION_ROWS = 11


@dataclass(frozen=True)
class PacketArticle:
    label: str
    heading: str
    paragraphs: list[str]
    summaries: list[Summary]  # Spanish first, then Quechua and Aymara where entered
    url: str
    qr_svg: str  # a data: URI, made here: nothing is fetched from elsewhere


def qr_data_uri(url: str) -> str:
    # Error correction "Q" (25%): a photocopied, folded or stained code still reads.
    return str(segno.make(url, error="q", micro=False).svg_data_uri(scale=4, border=4))


def packet_articles(
    session: Session, draft: Draft, uids: Sequence[str], page_url: Callable[[str], str]
) -> list[PacketArticle]:
    """The chosen clauses, in the draft's order (all of them when none is chosen);
    `page_url(uid)`: the absolute address of an article's page, for its QR code."""
    outline = drafts.load_outline(session, draft)
    chosen = {outline.get(uid).uid for uid in uids}
    entries = [e for e in outline.clauses if not chosen or e.uid in chosen]
    written = summaries.current_summaries(session, [e.id for e in entries])
    order = list(SummaryLanguage)
    articles = []
    for entry in entries:
        version = drafts.current_version(session, entry)
        url = page_url(entry.uid)
        by_language = written.get(entry.id, {})
        articles.append(
            PacketArticle(
                label=entry.label.text,
                heading=version.heading,
                paragraphs=[p for p in version.text.splitlines() if p.strip()],
                summaries=[by_language[code] for code in order if code in by_language],
                url=url,
                qr_svg=qr_data_uri(url),
            )
        )
    return articles


def render_html(draft: Draft, region: str, articles: list[PacketArticle]) -> str:
    template = environment.get_template("workshops/packet.html")
    return template.render(
        draft=draft,
        region=region,
        articles=articles,
        writing_lines=WRITING_LINES,
        transcription_rows=TRANSCRIPTION_ROWS,
        languages=summaries.language_names(),
    )


def render_pdf(draft: Draft, region: str, articles: list[PacketArticle]) -> bytes:
    # Imported here: WeasyPrint needs Pango, which only printing should require.
    from weasyprint import HTML

    pdf: bytes = HTML(string=render_html(draft, region, articles)).write_pdf()
    return pdf
