import pytest

from app.drafts.numbering import (
    Kind,
    Node,
    compute_labels,
    from_roman,
    ordinal,
    parse_ordinal,
    to_roman,
)


@pytest.mark.parametrize(
    ("number", "roman"),
    [
        (1, "I"),
        (4, "IV"),
        (9, "IX"),
        (14, "XIV"),
        (40, "XL"),
        (49, "XLIX"),
        (90, "XC"),
        (2026, "MMXXVI"),
    ],
)
def test_roman_numerals_both_ways(number: int, roman: str) -> None:
    assert to_roman(number) == roman
    assert from_roman(roman) == number


@pytest.mark.parametrize("text", ["IIII", "VX", "", "ABC", "IC"])
def test_malformed_roman_numerals_are_refused(text: str) -> None:
    assert from_roman(text) is None


@pytest.mark.parametrize(
    ("number", "word"),
    [
        (1, "PRIMERA"),
        (7, "SÉPTIMA"),
        (10, "DÉCIMA"),
        (11, "DÉCIMA PRIMERA"),
        (20, "VIGÉSIMA"),
        (23, "VIGÉSIMA TERCERA"),
        (99, "NONAGÉSIMA NOVENA"),
    ],
)
def test_dispositions_are_numbered_with_feminine_ordinals(number: int, word: str) -> None:
    assert ordinal(number) == word
    assert parse_ordinal(word) == number


@pytest.mark.parametrize(
    ("written", "number"),
    [
        ("Primera", 1),
        ("SETIMA", 7),
        ("SÉTIMA", 7),
        ("DÉCIMO PRIMERA", 11),
        ("UNDÉCIMA", 11),
        ("DECIMOSEGUNDA", 12),
        ("ÚNICA", 0),
        ("UNICA", 0),
        # Libros, títulos and capítulos count in the masculine ("TÍTULO PRIMERO").
        ("PRIMERO", 1),
        ("Décimo Segundo", 12),
        ("ÚNICO", 0),
        ("TITULO", None),
    ],
)
def test_ordinals_as_published_laws_spell_them(written: str, number: int | None) -> None:
    assert parse_ordinal(written) == number


def labels_of(*nodes: tuple[str, Kind, str | None]) -> list[str]:
    labels = compute_labels([Node(key, kind, parent) for key, kind, parent in nodes])
    return [labels[key].text for key, _kind, _parent in nodes]


LABEL_CASES = {
    "articles run on across títulos and capítulos": (
        [
            ("t1", Kind.TITULO, None),
            ("c1", Kind.CAPITULO, "t1"),
            ("a1", Kind.ARTICULO, "c1"),
            ("a2", Kind.ARTICULO, "c1"),
            ("c2", Kind.CAPITULO, "t1"),
            ("a3", Kind.ARTICULO, "c2"),
            ("t2", Kind.TITULO, None),
            ("c3", Kind.CAPITULO, "t2"),
            ("a4", Kind.ARTICULO, "c3"),
        ],
        [
            "TÍTULO I",
            "CAPÍTULO I",
            "Artículo 1.",
            "Artículo 2.",
            "CAPÍTULO II",
            "Artículo 3.",
            "TÍTULO II",
            "CAPÍTULO I",
            "Artículo 4.",
        ],
    ),
    "the título preliminar has its own Roman count and does not count as a título": (
        [
            ("tp", Kind.TITULO_PRELIMINAR, None),
            ("p1", Kind.ARTICULO, "tp"),
            ("p2", Kind.ARTICULO, "tp"),
            ("p3", Kind.ARTICULO, "tp"),
            ("t1", Kind.TITULO, None),
            ("a1", Kind.ARTICULO, "t1"),
        ],
        [
            "TÍTULO PRELIMINAR",
            "Artículo I.",
            "Artículo II.",
            "Artículo III.",
            "TÍTULO I",
            "Artículo 1.",
        ],
    ),
    "a lone disposition is ÚNICA and its group singular": (
        [("g", Kind.DEROGATORIAS, None), ("d", Kind.DISPOSICION, "g")],
        ["DISPOSICIÓN COMPLEMENTARIA DEROGATORIA", "ÚNICA."],
    ),
    "dispositions restart in each group": (
        [
            ("f", Kind.FINALES, None),
            ("f1", Kind.DISPOSICION, "f"),
            ("f2", Kind.DISPOSICION, "f"),
            ("t", Kind.TRANSITORIAS, None),
            ("t1", Kind.DISPOSICION, "t"),
            ("t2", Kind.DISPOSICION, "t"),
            ("t3", Kind.DISPOSICION, "t"),
        ],
        [
            "DISPOSICIONES COMPLEMENTARIAS FINALES",
            "PRIMERA.",
            "SEGUNDA.",
            "DISPOSICIONES COMPLEMENTARIAS TRANSITORIAS",
            "PRIMERA.",
            "SEGUNDA.",
            "TERCERA.",
        ],
    ),
    "subcapítulos and secciones count within their parent": (
        [
            ("c1", Kind.CAPITULO, None),
            ("s1", Kind.SUBCAPITULO, "c1"),
            ("x1", Kind.SECCION, "s1"),
            ("x2", Kind.SECCION, "s1"),
            ("s2", Kind.SUBCAPITULO, "c1"),
            ("x3", Kind.SECCION, "s2"),
            ("a1", Kind.ARTICULO, "x3"),
        ],
        [
            "CAPÍTULO I",
            "SUBCAPÍTULO I",
            "SECCIÓN I",
            "SECCIÓN II",
            "SUBCAPÍTULO II",
            "SECCIÓN I",
            "Artículo 1.",
        ],
    ),
    "a law without títulos numbers its articles from 1": (
        [("a1", Kind.ARTICULO, None), ("a2", Kind.ARTICULO, None)],
        ["Artículo 1.", "Artículo 2."],
    ),
}


@pytest.mark.parametrize(("nodes", "expected"), LABEL_CASES.values(), ids=LABEL_CASES.keys())
def test_labels_come_from_position(
    nodes: list[tuple[str, Kind, str | None]], expected: list[str]
) -> None:
    assert labels_of(*nodes) == expected


def test_inserting_an_article_renumbers_the_ones_after_it() -> None:
    before = [("t", Kind.TITULO, None), ("a", Kind.ARTICULO, "t"), ("b", Kind.ARTICULO, "t")]
    after = [before[0], before[1], ("new", Kind.ARTICULO, "t"), before[2]]
    assert labels_of(*before)[2] == "Artículo 2."
    assert labels_of(*after)[2:] == ["Artículo 2.", "Artículo 3."]
