"""Words, queries and snippets (pure)."""

import pytest

from app.search.text import fts5_match, parse, snippet, stem, stemmed


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("formalizar", "formalización"),
        ("formalizacion", "Formalización"),
        ("minería", "MINERIA"),
        ("mineros", "minero"),
        ("plazos", "plazo"),
        ("pequeña", "pequena"),
    ],
)
def test_words_of_one_family_share_a_stem(one: str, other: str) -> None:
    assert stem(one) == stem(other)


def test_words_of_different_families_do_not() -> None:
    assert stem("mercurio") != stem("minería")


def test_stemmed_text_keeps_every_word_in_order() -> None:
    assert stemmed("El plazo de formalización, 12.1") == "el plaz de formaliz 12 1"


@pytest.mark.parametrize(
    ("query", "expression"),
    [
        ("mineria", '"mineri"'),
        ('"plazo de formalización" mercurio', '"plaz de formaliz" AND "mercuri"'),
        ("de la minería", '"mineri"'),  # words that mean nothing alone are left out
        ('"sin cerrar', '"sin cerr"'),  # an unclosed quote runs to the end
        ("minería MINERÍA", '"mineri"'),  # each part once
        ("col:mercurio* OR (", '"col" AND "mercuri" AND "or"'),  # no syntax gets through
    ],
)
def test_queries_become_fts5_expressions_of_quoted_stems(query: str, expression: str) -> None:
    assert fts5_match(parse(query)) == expression


@pytest.mark.parametrize("query", ["", "  ", "de la", '""', "¿?!", '" "'])
def test_a_query_of_nothing_is_empty(query: str) -> None:
    assert not parse(query)


def test_a_snippet_is_cut_around_the_words_found_and_escaped() -> None:
    text = " ".join(f"palabra{n}" for n in range(100)) + " el <b>mercurio</b> & fin"
    shown = str(snippet(text, parse("mercurio"), size=8))
    assert (
        shown
        == "…palabra97 palabra98 palabra99 el &lt;b&gt;<mark>mercurio</mark>&lt;/b&gt; &amp; fin"
    )


def test_a_short_text_is_shown_whole() -> None:
    shown = str(snippet("¿Y la Minería?", parse("mineria")))
    assert shown == "¿Y la <mark>Minería</mark>?"
