"""The drafts/ format (drafts/README.md): importing an export gives back the same structure
and text."""

from app.drafts.numbering import Kind
from app.export.document import ExportDocument

# Heading marks as drafts/README.md suggests; the importer reads the words, not the marks.
_MARKS = {
    Kind.TITULO_PRELIMINAR: "#",
    Kind.TITULO: "#",
    Kind.CAPITULO: "##",
    Kind.SUBCAPITULO: "###",
    Kind.SECCION: "###",
    Kind.ARTICULO: "####",
    Kind.DISPOSICION: "####",
}


def render(document: ExportDocument) -> str:
    lines = ["---", f"slug: {document.slug}", f"title: {document.title}", "---", ""]
    for provision in document.provisions:
        mark = _MARKS.get(provision.kind, "#")
        if provision.kind is Kind.TITULO_PRELIMINAR or not provision.heading:
            lines.append(f"{mark} {provision.label}")
        elif provision.is_clause:
            lines.append(f"{mark} {provision.label} {provision.heading}")
        else:
            lines.append(f"{mark} {provision.label}. {provision.heading}")
        lines.append("")
        for paragraph in provision.text.split("\n"):
            if paragraph.strip():
                lines += [paragraph, ""]
    return "\n".join(lines)
