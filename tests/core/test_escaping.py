"""The helpers every XML and CSV writer uses."""

import csv
import io

import pytest
from lxml import etree

from app.core.escaping import csv_text, spreadsheet_cell, xml_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Artículo 1. Objeto", "Artículo 1. Objeto"),
        ("tab\tand\nlines\r", "tab\tand\nlines\r"),
        ("a\x00b\x08c\x0bd\x0ce\x1ff", "abcdef"),
        ("non\ufffe\uffffchars", "nonchars"),
        ("lone \ud800surrogate", "lone surrogate"),
        ("astral 𝔸 and \ufffd stay", "astral 𝔸 and \ufffd stay"),
    ],
)
def test_xml_text_drops_only_what_xml_forbids(text: str, expected: str) -> None:
    assert xml_text(text) == expected
    etree.fromstring(f"<p>{xml_text(text)}</p>".encode())  # what is left parses


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Artículo 1.", "Artículo 1."),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (3, "3"),
    ],
)
def test_spreadsheet_cell_neutralizes_formulas(value: object, expected: str) -> None:
    assert spreadsheet_cell(value) == expected


def test_csv_text_quotes_and_neutralizes_every_cell() -> None:
    content = csv_text([["heading", "n"], ['=1+1, "x"', 2]])
    assert list(csv.reader(io.StringIO(content))) == [["heading", "n"], ['\'=1+1, "x"', "2"]]
