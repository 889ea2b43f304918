"""Print-ready HTML of the bill, and the PDF printed from it (WeasyPrint, fonts embedded)."""

import io
from dataclasses import dataclass, field

from app.core.templating import environment
from app.drafts.text import paragraphs
from app.export.annexes import Annexes
from app.export.cuadro import base_paragraphs, legend, noted
from app.export.document import BILL_NUMBER, ExportDocument

# Rows of the matriz de aportes printed at a time: WeasyPrint lays a table out whole, in time
# and memory that grow faster than its rows (13,000 rows took 13 minutes and 3.5 GB at once).
ROWS_PER_PART = 400


@dataclass(frozen=True)
class Part:
    """Which part of the bill a page holds: the HTML holds all of it; the PDF is printed part by
    part, each numbered on from the pages before it."""

    bill: bool = True  # cover, text, signatures, motives and the cuadro
    # These rows of the matriz de aportes (None: none of it).
    contributions: slice | None = field(default_factory=lambda: slice(0, None))
    after: bool = True  # what follows the matriz: positions by article, the consensus report
    first_page: int = 1


def render(document: ExportDocument, annexes: Annexes | None = None, part: Part = Part()) -> str:
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
        part=part,
    )


def render_pdf(document: ExportDocument, annexes: Annexes | None = None) -> bytes:
    """One PDF, printed part by part when the matriz de aportes is long, so its time and memory
    grow with its rows, not faster."""
    # Imported here: WeasyPrint needs Pango, which only exporting a PDF should require.
    from pypdf import PdfReader, PdfWriter
    from weasyprint import HTML

    rows = len(annexes.contributions) if annexes and annexes.contributions is not None else 0
    if rows <= ROWS_PER_PART:
        whole: bytes = HTML(string=render(document, annexes)).write_pdf()
        return whole
    parts = [Part(contributions=None, after=False)]
    parts += [
        Part(bill=False, contributions=slice(start, start + ROWS_PER_PART), after=False)
        for start in range(0, rows, ROWS_PER_PART)
    ]
    parts.append(Part(bill=False, contributions=None))
    writer = PdfWriter()
    pages = 0
    for part in parts:
        numbered = Part(part.bill, part.contributions, part.after, first_page=pages + 1)
        printed = PdfReader(
            io.BytesIO(HTML(string=render(document, annexes, numbered)).write_pdf())
        )
        if pages == 0 and printed.metadata:
            writer.add_metadata(dict(printed.metadata))
        writer.append(printed)
        pages += len(printed.pages)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
