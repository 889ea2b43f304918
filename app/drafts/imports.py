"""Importing a file as the secretariat does: read it, show what was recognized (the preview),
then write it. Previews write nothing; an import is one transaction (the route commits)."""

from collections import Counter
from dataclasses import dataclass

from sqlmodel import Session, select

from app.audit.service import Actor
from app.core.i18n import N_, _
from app.drafts import service
from app.drafts.importing import (
    MAX_SLUG_LENGTH,
    MAX_TITLE_LENGTH,
    SLUG_PATTERN,
    ImportProblem,
    ParsedDraft,
    SourceLine,
    parse_draft,
    parse_file,
    parse_published,
)
from app.drafts.models import Draft, Numbering
from app.drafts.numbering import GROUP_HEADINGS, Kind

# The largest file the secretariat may upload: a long law as SPIJ text is well under 1 MB, a
# Word file with images somewhat more. The text re-posted by the preview's form is bounded by
# the form parser's 1 MiB per field.
MAX_IMPORT_BYTES = 4 * 1024 * 1024
MAX_IMPORT_TEXT_BYTES = 1000 * 1000
FORMATS = ("text", "md")


@dataclass(frozen=True)
class ImportSummary:
    """What an import recognized: the API's and the preview's answer."""

    slug: str
    title: str
    counts: dict[str, int]
    notes: int
    unrecognized: list[SourceLine]
    warnings: list[tuple[int, str]]

    def public(self) -> dict[str, object]:
        return {
            "slug": self.slug,
            "title": self.title,
            "counts": self.counts,
            "notes": self.notes,
            "unrecognized": [
                {"line": line.number, "text": line.text} for line in self.unrecognized
            ],
            "warnings": [{"line": line, "text": text} for line, text in self.warnings],
        }


def summarize(parsed: ParsedDraft, slug: str) -> ImportSummary:
    counts = Counter(node.kind.value for node in parsed.walk())
    return ImportSummary(
        slug=slug,
        title=parsed.title,
        counts=dict(counts),
        notes=len(parsed.all_notes()),
        unrecognized=parsed.unrecognized,
        warnings=parsed.warnings,
    )


def default_numbering(filename: str) -> Numbering:
    """A law as published is a law in force: it keeps its numbers. A drafts/ file is a bill."""
    return Numbering.RENUMBER if filename.lower().endswith(".md") else Numbering.FIXED


def read_upload(raw: bytes, filename: str, *, slug: str, title: str | None) -> ParsedDraft:
    """Parse an uploaded file, with the slug and (if given) the title the secretariat chose."""
    if len(raw) > MAX_IMPORT_BYTES:
        raise ImportProblem(
            _(
                "The file is too large to import (at most %(size)s MB).",
                size=MAX_IMPORT_BYTES // 2**20,
            )
        )
    parsed = parse_file(raw, filename or "law.txt", default_slug=slug)
    return _with_names(parsed, slug, title)


def read_text(content: str, text_format: str, *, slug: str, title: str | None) -> ParsedDraft:
    """Parse the text a preview re-posts (a Word file's paragraphs are re-posted as lines)."""
    if len(content.encode()) > MAX_IMPORT_TEXT_BYTES:
        raise ImportProblem(
            _("The text is too large to import from the browser: use «mesa import».")
        )
    if text_format == "md":
        parsed = parse_draft(content.encode(), markdown=True, default_slug=slug)
    else:
        parsed = parse_published(content.splitlines(), slug)
    return _with_names(parsed, slug, title)


def source_text(raw: bytes, filename: str) -> tuple[str, str]:
    """The text and format a preview re-posts for the import: what was read, as lines."""
    parsed_lines = [line.text for line in parse_file(raw, filename).lines]
    text_format = "md" if filename.lower().endswith(".md") else "text"
    if text_format == "md":
        return raw.decode("utf-8-sig"), text_format
    return "\n".join(parsed_lines), text_format


def _with_names(parsed: ParsedDraft, slug: str, title: str | None) -> ParsedDraft:
    slug = slug.strip()
    if not SLUG_PATTERN.match(slug) or len(slug) > MAX_SLUG_LENGTH:
        raise ImportProblem(
            _(
                "the identifier «%(slug)s» may have only lower-case letters, digits and hyphens",
                slug=slug,
            )
        )
    parsed.slug = slug
    if title and title.strip():
        parsed.title = title.strip()[:MAX_TITLE_LENGTH]
    return parsed


def check_slug_free(session: Session, slug: str) -> None:
    if session.exec(select(Draft.id).where(Draft.slug == slug)).first() is not None:
        raise service.SlugTaken(
            _("A draft with the identifier «%(slug)s» already exists.", slug=slug)
        )


def import_parsed(
    session: Session, actor: Actor, parsed: ParsedDraft, *, numbering: Numbering
) -> Draft:
    return service.import_draft(session, parsed, parsed.slug, actor, numbering=numbering)


# What each kind is called where a person reads a count of them.
KIND_NAMES = {
    "libro": N_("Books"),
    "titulo_preliminar": N_("Preliminary title"),
    "titulo": N_("Titles"),
    "capitulo": N_("Chapters"),
    "subcapitulo": N_("Subchapters"),
    "seccion": N_("Sections"),
    "epigrafe": N_("Unnumbered sub-headings"),
    "articulo": N_("Articles"),
    "disposicion": N_("Dispositions"),
}


def kind_name(kind: str) -> str:
    """A kind's name for people: a group of dispositions is named by its own heading."""
    if kind in set(Kind) and Kind(kind) in GROUP_HEADINGS:
        return GROUP_HEADINGS[Kind(kind)][0]
    return _(KIND_NAMES.get(kind, kind))


ROLE_NAMES = {
    "preamble": N_("Before the law"),
    "heading": N_("Heading"),
    "text": N_("Law text"),
    "note": N_("Editorial note"),
    "caption": N_("SPIJ caption"),
    "furniture": N_("Page header or number"),
    "contents": N_("Table of contents"),
    "closing": N_("Promulgation and signatures"),
    "unplaced": N_("Not placed"),
    "blank": N_("Blank"),
}


def role_name(role: str) -> str:
    return _(ROLE_NAMES.get(role, role))
