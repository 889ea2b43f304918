"""Print-ready HTML of the bill, and the PDF printed from it (WeasyPrint, fonts embedded)."""

from app.core.templating import environment
from app.export.document import ExportDocument


def render(document: ExportDocument) -> str:
    return environment.get_template("export/bill.html").render(document=document)


def render_pdf(document: ExportDocument) -> bytes:
    # Imported here: WeasyPrint needs Pango, which only exporting a PDF should require.
    from weasyprint import HTML

    pdf: bytes = HTML(string=render(document)).write_pdf()
    return pdf
