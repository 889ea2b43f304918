"""Print-ready HTML of the bill, and the PDF printed from it (WeasyPrint, fonts embedded)."""

from app.core.templating import environment
from app.export.annexes import Annexes
from app.export.document import ExportDocument


def render(document: ExportDocument, annexes: Annexes | None = None) -> str:
    return environment.get_template("export/bill.html").render(document=document, annexes=annexes)


def render_pdf(document: ExportDocument, annexes: Annexes | None = None) -> bytes:
    # Imported here: WeasyPrint needs Pango, which only exporting a PDF should require.
    from weasyprint import HTML

    pdf: bytes = HTML(string=render(document, annexes)).write_pdf()
    return pdf
