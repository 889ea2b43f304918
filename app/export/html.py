"""Print-ready HTML of the bill, and the PDF printed from it (WeasyPrint, fonts embedded)."""

from app.core.templating import environment
from app.drafts.text import paragraphs
from app.export.annexes import Annexes
from app.export.cuadro import base_paragraphs, legend, noted
from app.export.document import BILL_NUMBER, ExportDocument


def render(document: ExportDocument, annexes: Annexes | None = None) -> str:
    # Given here, not left to create_app's template helpers: the command line renders it too.
    template = environment.get_template("export/bill.html")
    return template.render(
        document=document,
        annexes=annexes,
        paragraphs=paragraphs,
        noted=noted,
        base_paragraphs=base_paragraphs,
        legend=legend,
        bill_number=BILL_NUMBER,
    )


def render_pdf(document: ExportDocument, annexes: Annexes | None = None) -> bytes:
    # Imported here: WeasyPrint needs Pango, which only exporting a PDF should require.
    from weasyprint import HTML

    pdf: bytes = HTML(string=render(document, annexes)).write_pdf()
    return pdf
