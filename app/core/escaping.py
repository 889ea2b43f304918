"""Text made safe for the files Mesa writes for other programs: XML and spreadsheets. Pure.

Every writer of XML (the consensus SVG, Akoma Ntoso, DOCX) and of CSV goes through these, so a
character typed into a heading can neither break the file nor run as a formula.
"""

import csv
import io
import re
from collections.abc import Iterable

# What XML 1.0 cannot carry at all (Char, section 2.2): controls other than tab and line ends,
# lone surrogates, U+FFFE and U+FFFF. Escaping cannot help: a parser refuses them.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets (OWASP,
# "CSV Injection"); a leading apostrophe makes it text and is not shown.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def xml_text(text: str) -> str:
    """`text` without the characters XML 1.0 forbids; everything else as written."""
    return _NOT_XML.sub("", text)


def spreadsheet_cell(value: object) -> str:
    """The cell's text, quoted with an apostrophe when a spreadsheet would run it."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_text(rows: Iterable[Iterable[object]]) -> str:
    """A CSV file whose every cell is neutralized: the one way Mesa writes CSV."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([spreadsheet_cell(cell) for cell in row])
    return buffer.getvalue()
