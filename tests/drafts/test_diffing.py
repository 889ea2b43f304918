"""Word diffs of clause versions: whole words only, invisible typography ignored, exact rebuilds."""

import random
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.drafts import diffing
from app.drafts.diffing import (
    Op,
    changed,
    diff_stats,
    new_text,
    normalize,
    old_text,
    side_by_side,
    word_diff,
)
from app.drafts.text import changed_paragraphs

Ops = list[tuple[Op, str]]

# (old, new, the ops a reader is shown)
CASES = [
    pytest.param(
        "Artículo 1. Objeto de la Ley",
        "Artículo 1. Objeto de la Ley",
        [("=", "Artículo 1. Objeto de la Ley")],
        id="identical",
    ),
    pytest.param(
        "minero artesanal",
        "minero informal",
        [("=", "minero "), ("-", "artesanal"), ("+", "informal")],
        id="last-word-replaced",
    ),
    pytest.param(
        "El minero artesanal inscrito en el registro",
        "El minero informal inscrito en el registro",
        [
            ("=", "El minero "),
            ("-", "artesanal"),
            ("+", "informal"),
            ("=", " inscrito en el registro"),
        ],
        id="word-replaced-mid-sentence",
    ),
    pytest.param(
        "la pequeña minería",
        "la pequeño minería",
        [("=", "la "), ("-", "pequeña"), ("+", "pequeño"), ("=", " minería")],
        id="one-letter-changes-whole-word",
    ),
    pytest.param(
        "Articulo 5. Del registro",
        "Artículo 5. Del registro",
        [("-", "Articulo"), ("+", "Artículo"), ("=", " 5. Del registro")],
        id="accent-only",
    ),
    pytest.param(
        "se aplica multa grave",
        "se impone sanción leve",
        [("=", "se "), ("-", "aplica multa grave"), ("+", "impone sanción leve")],
        id="phrase-replaced-as-one-block",
    ),
    pytest.param(
        "Art\u0131\u0300culo 5",
        "Art\u0131\u0301culo 5",
        [("-", "Art\u0131\u0300culo"), ("+", "Art\u0131\u0301culo"), ("=", " 5")],
        id="accent-nfc-cannot-compose",
    ),
    pytest.param(
        "El titular presenta la declaración anual",
        "El concesionario presenta la declaración jurada",
        [
            ("=", "El "),
            ("-", "titular"),
            ("+", "concesionario"),
            ("=", " presenta la declaración "),
            ("-", "anual"),
            ("+", "jurada"),
        ],
        id="two-words-replaced",
    ),
    pytest.param(
        "a) primer supuesto;\nb) segundo supuesto.",
        "a) primer supuesto;\nc) nuevo supuesto;\nb) segundo supuesto.",
        [
            ("=", "a) primer supuesto;\n"),
            ("+", "c) nuevo supuesto;\n"),
            ("=", "b) segundo supuesto."),
        ],
        id="literal-inserted",
    ),
    pytest.param(
        "a) primer supuesto;\nb) segundo supuesto.",
        "a) primer supuesto;\nb) segundo supuesto;\nc) tercer supuesto.",
        [
            ("=", "a) primer supuesto;\nb) segundo supuesto"),
            ("+", ";\nc) tercer supuesto"),
            ("=", "."),
        ],
        id="literal-appended",
    ),
    pytest.param(
        "12.1 Primero.\n12.2 Segundo.\n12.3 Tercero.",
        "12.1 Primero.\n12.3 Tercero.",
        [("=", "12.1 Primero.\n"), ("-", "12.2 Segundo.\n"), ("=", "12.3 Tercero.")],
        id="numeral-paragraph-deleted",
    ),
    pytest.param(
        "según los numerales 12.1, 12.2 y 12.3",
        "según los numerales 12.1 y 12.3",
        [("=", "según los numerales 12.1"), ("-", ", 12.2"), ("=", " y 12.3")],
        id="numeral-deleted",
    ),
    pytest.param(
        "conforme al numeral 12.1",
        "conforme al numeral 12.3",
        [("=", "conforme al numeral "), ("-", "12.1"), ("+", "12.3")],
        id="numeral-renumbered",
    ),
    pytest.param(
        "",
        "Artículo 7. Vigencia",
        [("+", "Artículo 7. Vigencia")],
        id="empty-old",
    ),
    pytest.param(
        "Artículo 7. Vigencia",
        "",
        [("-", "Artículo 7. Vigencia")],
        id="empty-new",
    ),
    pytest.param("", "", [], id="both-empty"),
]

# Texts a reader sees as the same: (old, new)
SAME_TEXT = [
    pytest.param("el re\u0301gimen especial", "el régimen especial", id="decomposed-accent"),
    pytest.param("la pequen\u0303a minería", "la pequeña minería", id="decomposed-enye"),
    pytest.param("Artículo\u00a012", "Artículo 12", id="no-break-space"),
    pytest.param("S/\u202f1,000", "S/ 1,000", id="narrow-no-break-space"),
    pytest.param("1\u2007000", "1 000", id="figure-space"),
    pytest.param("el “minero artesanal”", 'el "minero artesanal"', id="curly-double-quotes"),
    pytest.param("el „minero″", 'el "minero"', id="low-and-prime-double-quotes"),
    pytest.param("la ‘Ley’ y el ‚acto′", "la 'Ley' y el 'acto'", id="single-quotes"),
    pytest.param("primero;\r\nsegundo;\rtercero", "primero;\nsegundo;\ntercero", id="line-ends"),
]


def mirrored(ops: Ops) -> Ops:
    """The ops of the reverse diff: deletions become insertions, a replacement still reads
    deletion first."""
    swapped: Ops = [("+" if k == "-" else "-" if k == "+" else "=", text) for k, text in ops]
    for i in range(len(swapped) - 1):
        if swapped[i][0] == "+" and swapped[i + 1][0] == "-":
            swapped[i], swapped[i + 1] = swapped[i + 1], swapped[i]
    return swapped


@pytest.mark.parametrize(("old", "new", "expected"), CASES)
def test_word_diff_shows_whole_words(old: str, new: str, expected: Ops) -> None:
    ops = word_diff(old, new)
    assert ops == expected
    assert (old_text(ops), new_text(ops)) == (old, new)


@pytest.mark.parametrize(("old", "new", "expected"), CASES)
def test_swapping_the_versions_mirrors_the_diff(old: str, new: str, expected: Ops) -> None:
    assert word_diff(new, old) == mirrored(expected)


@pytest.mark.parametrize(("old", "new"), SAME_TEXT)
def test_invisible_differences_are_no_change(old: str, new: str) -> None:
    assert not changed(old, new)
    assert word_diff(old, new) == [("=", new)]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        pytest.param("Articulo 5", "Artículo 5", id="accent"),
        pytest.param("Ley", "ley", id="case"),
        pytest.param("la  Ley", "la Ley", id="double-space"),
        pytest.param("«Ley»", '"Ley"', id="guillemets-are-not-quotes"),
        pytest.param("primero\n\nsegundo", "primero\nsegundo", id="blank-line"),
        pytest.param("Artículo 12.", "Artículo 12. ", id="trailing-space"),
    ],
)
def test_visible_differences_are_changes(old: str, new: str) -> None:
    assert changed(old, new)
    assert any(kind != "=" for kind, _text in word_diff(old, new))


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        pytest.param("Art\u0131\u0301culo", "Art\u0131\u0301culo", id="nothing-to-compose"),
        pytest.param("e\u0301 «a»  B\t", "é «a»  B\t", id="only-nfc"),
        pytest.param("“a” ‘b’ „c″ ‚d′", "\"a\" 'b' \"c\" 'd'", id="quotes"),
        pytest.param("a\r\n\r\nb\rc", "a\n\nb\nc", id="line-ends"),
    ],
)
def test_normalize_changes_only_what_readers_cannot_see(raw: str, normalized: str) -> None:
    assert normalize(raw) == normalized


@pytest.mark.parametrize(
    ("old", "new", "left", "right"),
    [
        pytest.param(
            "El minero artesanal inscrito",
            "El minero informal inscrito",
            [("=", "El minero "), ("-", "artesanal"), ("=", " inscrito")],
            [("=", "El minero "), ("+", "informal"), ("=", " inscrito")],
            id="replacement",
        ),
        pytest.param(
            "12.1 Primero.\n12.2 Segundo.",
            "12.1 Primero.\n12.1-A Nuevo.\n12.2 Segundo.",
            [("=", "12.1 Primero.\n12.2 Segundo.")],
            [("=", "12.1 Primero.\n"), ("+", "12.1-A Nuevo.\n"), ("=", "12.2 Segundo.")],
            id="insertion-leaves-old-column-whole",
        ),
        pytest.param("", "", [], [], id="empty"),
    ],
)
def test_side_by_side_columns(old: str, new: str, left: Ops, right: Ops) -> None:
    assert side_by_side(word_diff(old, new)) == (left, right)


@pytest.mark.parametrize(
    ("old", "new", "stats"),
    [
        pytest.param("minero artesanal", "minero informal", (1, 1), id="replacement"),
        pytest.param("12.1 Primero.\n12.2 Segundo.\n", "12.1 Primero.\n", (0, 2), id="numeral"),
        pytest.param("supuesto.", "supuesto;", (0, 0), id="punctuation-only"),
        pytest.param("la Ley", "la  Ley", (0, 0), id="spaces-only"),
        pytest.param("", "a) el pago de 1,000 soles;", (6, 0), id="all-inserted"),
    ],
)
def test_diff_stats_count_words_only(old: str, new: str, stats: tuple[int, int]) -> None:
    assert diff_stats(word_diff(old, new)) == stats


@pytest.mark.parametrize("words", [60_000, 140_000])
def test_many_distinct_words(words: int) -> None:
    """More distinct words than the private-use area holds, and than planes 15 and 16 add."""
    text = [f"w{i}" for i in range(words)]
    old = " ".join(text)
    text[words // 2] = "cambio"
    ops = word_diff(old, " ".join(text))
    assert [(kind, segment) for kind, segment in ops if kind != "="] == [
        ("-", f"w{words // 2}"),
        ("+", "cambio"),
    ]
    assert old_text(ops) == old


# Properties --------------------------------------------------------------------------------------

# Pieces joined with nothing between them, so they also make words such as "12.1a" or "añoel".
PIECES = [
    "el",
    "la",
    "de",
    "Ley",
    "ley",
    "minería",
    "pequeña",
    "señor",
    "año",
    "régimen",
    "Artículo",
    "artículo",
    "ÚNICA",
    "N.º",
    "¿",
    "¡",
    "?",
    "!",
    "12",
    "12.1",
    "12.2",
    "1,000",
    "3.",
    "a)",
    "b)",
    "c)",
    ",",
    ".",
    ";",
    ":",
    "-",
    "(",
    ")",
    "«",
    "»",
    "“",
    "”",
    '"',
    "‘",
    "’",
    "'",
    " ",
    " ",
    " ",
    "  ",
    "\n",
    "\n\n",
    "\r\n",
    "\t",
    "\u00a0",
    "\u202f",
    "e\u0301",
    "n\u0303",
    "\u0301",
    "_",
]
spanish = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


def is_word_char(char: str) -> bool:
    return char.isalnum() or "\u0300" <= char <= "\u036f"


def inside_word(text: str, at: int) -> bool:
    """Whether a cut at `at` would split a word, a numeral such as "12.1" being one word."""
    if not 0 < at < len(text):
        return False
    before, after = text[at - 1], text[at]
    if is_word_char(before) and is_word_char(after):
        return True
    # "12|.1" and "12.|1"
    digit_after = at + 1 < len(text) and text[at + 1].isdecimal()
    if after in ".," and before.isdecimal() and digit_after:
        return True
    return before in ".," and after.isdecimal() and at >= 2 and text[at - 2].isdecimal()


def assert_whole_words(old: str, new: str, ops: Ops) -> None:
    """Every segment shown on each side starts and ends between words of that side's text."""
    for side, hidden in ((normalize(old), "+"), (normalize(new), "-")):
        at = 0
        for kind, segment in ops:
            if kind == hidden:
                continue
            assert not inside_word(side, at), (side[:at], side[at:])
            at += len(segment)


def check_diff(old: str, new: str) -> None:
    ops = word_diff(old, new)
    assert old_text(ops) == normalize(old)
    assert new_text(ops) == normalize(new)
    assert all(segment for _kind, segment in ops)
    assert all(a[0] != b[0] for a, b in pairwise(ops))
    assert changed(old, new) == any(kind != "=" for kind, _segment in ops)
    assert_whole_words(old, new, ops)


@settings(max_examples=200, deadline=None)
@given(spanish, spanish)
def test_spanish_text_diffs_rebuild_both_sides_in_whole_words(old: str, new: str) -> None:
    check_diff(old, new)


@settings(max_examples=200, deadline=None)
@given(st.text(), st.text())
def test_any_text_diffs_rebuild_both_sides_in_whole_words(old: str, new: str) -> None:
    check_diff(old, new)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_normalize_is_idempotent(text: str) -> None:
    assert normalize(normalize(text)) == normalize(text)


# The work budget ---------------------------------------------------------------------------------


def amended_clause(words: int, rate: float) -> tuple[str, str]:
    """A clause of `words` words and a version with `rate` of them replaced, at random places."""
    rng = random.Random(7)
    old = rng.choices(["el", "la", "de", "minero", "registro", "plazo", "12.1", ";"], k=words)
    new = [rng.choice(["titular", "Estado"]) if rng.random() < rate else w for w in old]
    return " ".join(old), " ".join(new)


def test_a_diff_past_its_budget_shows_the_rest_replaced(monkeypatch: pytest.MonkeyPatch) -> None:
    old, new = amended_clause(300, 0.1)
    exact = word_diff(old, new)
    monkeypatch.setattr(diffing, "_STEPS", 500)
    cut_short = word_diff(old, new)
    assert len(cut_short) < len(exact)
    assert (old_text(cut_short), new_text(cut_short)) == (old, new)
    assert_whole_words(old, new, cut_short)


def test_without_budget_the_diff_is_one_replacement(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(diffing, "_STEPS", 0)
    old = "El titular presenta la declaración anual"
    new = "El concesionario presenta la declaración jurada"
    assert word_diff(old, new) == [
        ("=", "El "),
        ("-", "titular presenta la declaración anual"),
        ("+", "concesionario presenta la declaración jurada"),
    ]


def test_budget_leaves_a_long_amended_clause_exact(monkeypatch: pytest.MonkeyPatch) -> None:
    """5,000 words, a tenth of them changed: the diff is the one an unlimited budget gives."""
    old, new = amended_clause(5000, 0.1)
    within_budget = word_diff(old, new)
    monkeypatch.setattr(diffing, "_STEPS", 10**12)
    assert within_budget == word_diff(old, new)


def test_changed_paragraphs_keep_one_around_each_change_and_elide_the_rest() -> None:
    old = "\n".join(f"{n}.1 Párrafo {n}." for n in range(1, 8))
    new = old.replace("4.1 Párrafo 4.", "4.1 Párrafo cuatro.")
    shown = changed_paragraphs(word_diff(old, new))
    texts = [None if p is None else "".join(t for op, t in p if op != "-") for p in shown]
    assert texts == [None, "3.1 Párrafo 3.", "4.1 Párrafo cuatro.", "5.1 Párrafo 5.", None]
