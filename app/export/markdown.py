"""The drafts/ format (drafts/README.md): importing an export gives back the same structure
and text. What the importer would read as structure is escaped (drafts/README.md, "Escapes")."""

from app.drafts.importing import EPIGRAFE_MARK, normalize_heading
from app.drafts.numbering import Kind
from app.export.document import ExportDocument, ExportProvision

# Heading marks as drafts/README.md suggests; the importer reads the words, not the marks.
_MARKS = {
    Kind.LIBRO: "#",
    Kind.TITULO_PRELIMINAR: "#",
    Kind.TITULO: "#",
    Kind.CAPITULO: "##",
    Kind.SUBCAPITULO: "###",
    Kind.SECCION: "###",
    Kind.EPIGRAFE: EPIGRAFE_MARK,  # unnumbered: the mark says what it is
    Kind.ARTICULO: "####",
    Kind.DISPOSICION: "####",
}


def render(document: ExportDocument) -> str:
    lines = ["---", f"slug: {document.slug}", f"title: {document.title}"]
    # Where it comes from, to check against /registro; the importer reads only slug and title.
    if document.snapshot:
        lines.append(
            f"snapshot: {document.snapshot.id} ({normalize_heading(document.snapshot.label)})"
        )
    if document.compared_with:
        base = document.compared_with
        lines.append(f"base: {base.id} ({normalize_heading(base.label)})")
    if document.audit_head:
        lines.append(f"audit_head: {document.audit_head}")
    lines += ["---", ""]
    for provision in document.provisions:
        lines += [_heading_line(provision), ""]
        for paragraph in provision.text.split("\n"):
            if paragraph.strip():
                lines += [_text_line(paragraph.strip()), ""]
    return "\n".join(lines)


def _heading_line(provision: ExportProvision) -> str:
    mark = _MARKS.get(provision.kind, "#")
    # Older versions may hold a line break in a heading; it must not start a line here.
    heading = normalize_heading(provision.heading)
    if not heading:
        return f"{mark} {provision.label}"
    if not provision.label:
        return f"{mark} {heading}"
    if heading.startswith(("-", "\\")):
        heading = "\\" + heading  # "Artículo 1. -x" would read as the separator ".-"
    if heading.endswith("#"):
        heading += " #"  # a closing sequence, so the heading's own "#" is not taken for one
    separator = " " if provision.is_clause else ". "  # clause labels end in "."
    return f"{mark} {provision.label}{separator}{heading}"


def _text_line(line: str) -> str:
    """A line of text that could be read as a heading, or that starts with the escape itself."""
    return "\\" + line if line.startswith(("#", "\\")) else line
