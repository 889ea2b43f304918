"""The structure inside a clause's text: which references bind, and how bound text reads after a
renumbering. Pure: a law of known numbers, no database."""

import pytest

from app.drafts import structure
from app.drafts.numbering import Kind
from app.drafts.structure import Numbering, Target


def law(offset: int = 0, **numbers: str) -> Numbering:
    """A small law: título preliminar article I; títulos I–III (capítulos I–II in título I);
    articles 1–45 (an inserted article shifts them by `offset`); 12-A; dispositions."""
    targets = [
        Target("prel", Kind.TITULO_PRELIMINAR, "", None),
        Target("art-I", Kind.ARTICULO, "I", "prel", 1),
        *(
            Target(f"tit-{n}", Kind.TITULO, roman, None, n)
            for n, roman in ((1, "I"), (2, "II"), (3, "III"))
        ),
        Target("cap-1-1", Kind.CAPITULO, "I", "tit-1", 1),
        Target("cap-1-2", Kind.CAPITULO, "II", "tit-1", 2),
        Target("cap-2-1", Kind.CAPITULO, "I", "tit-2", 1),
        *(
            Target(f"art-{n}", Kind.ARTICULO, numbers.get(f"a{n}", str(n + offset)), "cap-1-1", n)
            for n in range(1, 46)
        ),
        Target("art-12A", Kind.ARTICULO, "12-A", "cap-1-1", 12),
        Target("finales", Kind.FINALES, "", None),
        *(
            Target(f"fin-{n}", Kind.DISPOSICION, word, "finales", n)
            for n, word in ((1, "PRIMERA"), (2, "SEGUNDA"), (11, "DÉCIMA PRIMERA"))
        ),
        Target("derogatorias", Kind.DEROGATORIAS, "", None),
        Target("der-1", Kind.DISPOSICION, "ÚNICA", "derogatorias", 1),
    ]
    return Numbering(targets)


def bound_to(text: str, own: str | None = "art-3") -> list[tuple[str, str]]:
    return [(r.to, r.written) for r in structure.bind(text, law(), own_uid=own).references]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("conforme al artículo 40", [("art-40", "artículo 40")]),
        ("según el articulo 40", [("art-40", "artículo 40")]),  # without its accent
        ("ARTÍCULO 40 de la presente Ley", [("art-40", "artículo 40")]),
        ("los artículos 19 y 21", [("art-19", "artículo 19"), ("art-21", "artículo 21")]),
        (
            "los artículos 19, 20 y 21",
            [("art-19", "artículo 19"), ("art-20", "artículo 20"), ("art-21", "artículo 21")],
        ),
        ("los artículos 19 al 21", [("art-19", "artículo 19"), ("art-21", "artículo 21")]),
        (
            "el numeral 26.3 del artículo 26",
            [("art-26", "numeral 26.3"), ("art-26", "artículo 26")],
        ),
        (
            "el literal d) del numeral 16.1 del artículo 16",
            [("art-16", "numeral 16.1"), ("art-16", "artículo 16")],
        ),
        ("los numerales 9.1 y 9.2", [("art-9", "numeral 9.1"), ("art-9", "numeral 9.2")]),
        ("el numeral 10.1.3", [("art-10", "numeral 10.1.3")]),
        ("el artículo 12-A", [("art-12A", "artículo 12-A")]),
        ("el artículo IV del Título Preliminar", []),  # no article IV: listed, never guessed
        ("el artículo I del Título Preliminar", [("art-I", "artículo I")]),
        (
            "la Primera Disposición Complementaria Final",
            [("fin-1", "Primera Disposición Complementaria Final")],
        ),
        (
            "la Décimo Primera Disposición Complementaria Final",
            [("fin-11", "Décimo Primera Disposición Complementaria Final")],
        ),
        (
            "la ÚNICA DISPOSICIÓN COMPLEMENTARIA DEROGATORIA",
            [("der-1", "ÚNICA DISPOSICIÓN COMPLEMENTARIA DEROGATORIA")],
        ),
        ("el Título III", [("tit-3", "título III")]),
        ("el capítulo II del título I", [("cap-1-2", "capítulo II del título I")]),
        ("en el presente artículo", []),  # always right: nothing to bind
        ("en la presente Ley", []),
        ("el artículo 5 de la misma Ley", [("art-5", "artículo 5")]),
    ],
)
def test_references_to_this_law_bind(text: str, expected: list[tuple[str, str]]) -> None:
    assert bound_to(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "el artículo 91 del Texto Único Ordenado de la Ley General de Minería",
        "el artículo 91 del TUO de la Ley General de Minería",
        "el artículo 5 de la Ley N° 27651",
        "el artículo 5 de la Ley Nº 27651, Ley de Formalización",
        "el artículo 2 de la Ley 28611",
        "el artículo 3 del Decreto Legislativo 1105",
        "el artículo 3 del Decreto Supremo N.º 018-2017-EM",
        "el artículo 20 de su Reglamento",
        "el artículo 1 del Código Civil",
        "el numeral 5.4 del artículo 5 de la Ley N° 27444",
        "el artículo 2 de la Constitución Política del Perú",
        # A modificatoria's new text, in quotes, is the other law's: its numbers are its own.
        "Modifícase el artículo 91 del TUO, con el texto siguiente: «Artículo 91.- Conforme al "
        "artículo 5, …»",
        "el Título II de la Ley N° 29783",
        # Seen in the corpus of real laws (tests/drafts/data/real):
        "el artículo 146 de la Ley del Procedimiento Administrativo General",
        "el artículo 22 del mismo reglamento",
        "el artículo 20 del Reglamento de Pasivos Ambientales de la Actividad Minera",
    ],
)
def test_references_to_other_laws_stay_text(text: str) -> None:
    bound = structure.bind(text, law(), own_uid="art-3")
    assert bound.references == [] and bound.unresolved == []
    assert bound.text == text


def test_a_reference_to_nothing_is_listed_and_kept_as_written() -> None:
    bound = structure.bind("según el artículo 400 y el Título IX", law(), own_uid="art-3")
    assert bound.unresolved == ["artículo 400", "título IX"]
    assert bound.text == "según el artículo 400 y el Título IX"


@pytest.mark.parametrize(
    ("text", "after"),
    [
        ("conforme al artículo 40", "conforme al artículo 41"),
        ("los artículos 19 y 21", "los artículos 20 y 22"),
        ("el numeral 26.3 del artículo 26", "el numeral 27.3 del artículo 27"),
        (
            "el literal d) del numeral 16.1 del artículo 16",
            "el literal d) del numeral 17.1 del artículo 17",
        ),
    ],
)
def test_bound_references_read_with_the_current_numbers(text: str, after: str) -> None:
    stored = structure.bind(text, law(), own_uid="art-3").text
    assert structure.render(stored, law(), own_uid="art-3") == text
    assert structure.render(stored, law(offset=1), own_uid="art-3") == after


def test_numerales_carry_their_articles_number() -> None:
    text = "35.1 El titular…\n35.2 La autoridad, conforme al numeral 35.1…\na) primero\n35.2.1 sub"
    stored = structure.bind(text, law(), own_uid="art-35").text
    assert structure.render(stored, law(offset=1), own_uid="art-35") == (
        "36.1 El titular…\n36.2 La autoridad, conforme al numeral 36.1…\na) primero\n36.2.1 sub"
    )
    assert [r.to for r in structure.references(stored)] == ["art-35"]  # the numeral reference


def test_a_paragraph_with_another_articles_number_is_not_a_numeral_of_this_one() -> None:
    # A modificatoria quoting "91.1" of another law, or a typo: left as written.
    stored = structure.bind("91.1 Texto del otro artículo.", law(), own_uid="art-35").text
    assert structure.render(stored, law(offset=1), own_uid="art-35") == (
        "91.1 Texto del otro artículo."
    )


def test_ordinals_follow_their_disposition_in_the_case_they_were_written() -> None:
    text = (
        "la Primera Disposición Complementaria Final y la SEGUNDA DISPOSICIÓN COMPLEMENTARIA FINAL"
    )
    stored = structure.bind(text, law(), own_uid="art-3").text
    moved = Numbering(
        [
            *law().targets.values(),
            Target("fin-1", Kind.DISPOSICION, "SEGUNDA", "finales", 2),
            Target("fin-2", Kind.DISPOSICION, "TERCERA", "finales", 3),
        ]
    )
    assert structure.render(stored, moved, own_uid="art-3") == (
        "la Segunda Disposición Complementaria Final y la TERCERA DISPOSICIÓN COMPLEMENTARIA FINAL"
    )


def test_a_reference_whose_provision_is_gone_reads_as_written_and_is_marked() -> None:
    stored = structure.bind("según el artículo 40.", law(), own_uid="art-3").text
    gone = Numbering(t for t in law().targets.values() if t.uid != "art-40")
    assert structure.render(stored, gone, own_uid="art-3") == "según el artículo 40."
    pieces = structure.pieces(stored, gone, own_uid="art-3")
    assert [(p.text, p.to, p.dangling) for p in pieces] == [
        ("según el artículo ", None, False),
        ("40", "art-40", True),
        (".", None, False),
    ]


def test_suffixed_articles_keep_their_suffix() -> None:
    stored = structure.bind("según el artículo 12-A", law(), own_uid="art-3").text
    assert structure.render(stored, law(offset=1), own_uid="art-3") == "según el artículo 12-A"


def test_nobody_can_type_a_token() -> None:
    typed = "texto \ue000art-40|an|40\ue001 falso"
    bound = structure.bind(typed, law(), own_uid="art-3")
    assert bound.text == "texto art-40|an|40 falso" and bound.references == []


@pytest.mark.parametrize(
    ("number", "key"),
    [
        ("12", "12"),
        ("12-A", "12-A"),
        ("12-a", "12-A"),
        ("12 A", "12-A"),
        ("012", "12"),
        ("3 bis", "3-BIS"),
    ],
)
def test_article_numbers_have_one_spelling(number: str, key: str) -> None:
    assert structure.article_key(number) == key
