"""Kinds of provisions and the labels computed from their position. Pure: no DB, no HTTP.

Labels follow Peruvian legislative technique: articles are numbered continuously through the
whole law (those of the título preliminar in Roman numerals, on their own count); títulos are
numbered through the law, capítulos within their título, subcapítulos and secciones within their
parent; the items of each group of disposiciones complementarias are PRIMERA, SEGUNDA… or ÚNICA
when alone, and the group's own heading turns singular then.
"""

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    LIBRO = "libro"
    TITULO_PRELIMINAR = "titulo_preliminar"
    TITULO = "titulo"
    CAPITULO = "capitulo"
    SUBCAPITULO = "subcapitulo"
    SECCION = "seccion"
    # An unnumbered sub-heading that groups the articles after it ("De las concesiones").
    EPIGRAFE = "epigrafe"
    ARTICULO = "articulo"
    # The groups of disposiciones complementarias (Manual de Técnica Legislativa)...
    FINALES = "disposiciones_finales"
    TRANSITORIAS = "disposiciones_transitorias"
    MODIFICATORIAS = "disposiciones_modificatorias"
    DEROGATORIAS = "disposiciones_derogatorias"
    # ...and the groups as older laws name them, each kept as what it is.
    COMPLEMENTARIAS = "disposiciones_complementarias"
    SOLO_FINALES = "disposiciones_solo_finales"
    SOLO_TRANSITORIAS = "disposiciones_solo_transitorias"
    COMPLEMENTARIAS_Y_FINALES = "disposiciones_complementarias_y_finales"
    FINALES_Y_TRANSITORIAS = "disposiciones_finales_y_transitorias"
    TRANSITORIAS_Y_FINALES = "disposiciones_transitorias_y_finales"
    TRANSITORIAS_COMPLEMENTARIAS_Y_FINALES = "disposiciones_transitorias_complementarias_y_finales"
    COMPLEMENTARIAS_TRANSITORIAS_Y_FINALES = "disposiciones_complementarias_transitorias_y_finales"
    DISPOSICION = "disposicion"


# Clauses carry text and are what members comment on, amend and take positions on.
CLAUSE_KINDS = frozenset({Kind.ARTICULO, Kind.DISPOSICION})
# The groups the Manual de Técnica Legislativa names; references to their dispositions are bound.
MODERN_GROUPS = (Kind.FINALES, Kind.TRANSITORIAS, Kind.MODIFICATORIAS, Kind.DEROGATORIAS)
DISPOSITION_GROUPS = (
    *MODERN_GROUPS,
    Kind.COMPLEMENTARIAS,
    Kind.SOLO_FINALES,
    Kind.SOLO_TRANSITORIAS,
    Kind.COMPLEMENTARIAS_Y_FINALES,
    Kind.FINALES_Y_TRANSITORIAS,
    Kind.TRANSITORIAS_Y_FINALES,
    Kind.TRANSITORIAS_COMPLEMENTARIAS_Y_FINALES,
    Kind.COMPLEMENTARIAS_TRANSITORIAS_Y_FINALES,
)
_HOLDERS_OF_ARTICLES = frozenset(
    {
        None,
        Kind.LIBRO,
        Kind.TITULO_PRELIMINAR,
        Kind.TITULO,
        Kind.CAPITULO,
        Kind.SUBCAPITULO,
        Kind.SECCION,
    }
)
# Which kinds may contain which; None stands for the top level of the law.
ALLOWED_PARENTS: dict[Kind, frozenset[Kind | None]] = {
    Kind.LIBRO: frozenset({None}),
    Kind.TITULO_PRELIMINAR: frozenset({None}),
    Kind.TITULO: frozenset({None, Kind.LIBRO}),
    Kind.CAPITULO: frozenset({None, Kind.TITULO}),
    Kind.SUBCAPITULO: frozenset({Kind.CAPITULO}),
    Kind.SECCION: frozenset({None, Kind.TITULO, Kind.CAPITULO, Kind.SUBCAPITULO}),
    Kind.EPIGRAFE: _HOLDERS_OF_ARTICLES,
    Kind.ARTICULO: _HOLDERS_OF_ARTICLES | {Kind.EPIGRAFE},
    **{group: frozenset({None}) for group in DISPOSITION_GROUPS},
    Kind.DISPOSICION: frozenset(DISPOSITION_GROUPS),
}
# Group headings: (plural, singular), the singular used when the group holds one disposition.
GROUP_HEADINGS = {
    Kind.FINALES: ("DISPOSICIONES COMPLEMENTARIAS FINALES", "DISPOSICIÓN COMPLEMENTARIA FINAL"),
    Kind.TRANSITORIAS: (
        "DISPOSICIONES COMPLEMENTARIAS TRANSITORIAS",
        "DISPOSICIÓN COMPLEMENTARIA TRANSITORIA",
    ),
    Kind.MODIFICATORIAS: (
        "DISPOSICIONES COMPLEMENTARIAS MODIFICATORIAS",
        "DISPOSICIÓN COMPLEMENTARIA MODIFICATORIA",
    ),
    Kind.DEROGATORIAS: (
        "DISPOSICIONES COMPLEMENTARIAS DEROGATORIAS",
        "DISPOSICIÓN COMPLEMENTARIA DEROGATORIA",
    ),
    Kind.COMPLEMENTARIAS: ("DISPOSICIONES COMPLEMENTARIAS", "DISPOSICIÓN COMPLEMENTARIA"),
    Kind.SOLO_FINALES: ("DISPOSICIONES FINALES", "DISPOSICIÓN FINAL"),
    Kind.SOLO_TRANSITORIAS: ("DISPOSICIONES TRANSITORIAS", "DISPOSICIÓN TRANSITORIA"),
    Kind.COMPLEMENTARIAS_Y_FINALES: (
        "DISPOSICIONES COMPLEMENTARIAS Y FINALES",
        "DISPOSICIÓN COMPLEMENTARIA Y FINAL",
    ),
    Kind.FINALES_Y_TRANSITORIAS: (
        "DISPOSICIONES FINALES Y TRANSITORIAS",
        "DISPOSICIÓN FINAL Y TRANSITORIA",
    ),
    Kind.TRANSITORIAS_Y_FINALES: (
        "DISPOSICIONES TRANSITORIAS Y FINALES",
        "DISPOSICIÓN TRANSITORIA Y FINAL",
    ),
    Kind.TRANSITORIAS_COMPLEMENTARIAS_Y_FINALES: (
        "DISPOSICIONES TRANSITORIAS, COMPLEMENTARIAS Y FINALES",
        "DISPOSICIÓN TRANSITORIA, COMPLEMENTARIA Y FINAL",
    ),
    Kind.COMPLEMENTARIAS_TRANSITORIAS_Y_FINALES: (
        "DISPOSICIONES COMPLEMENTARIAS, TRANSITORIAS Y FINALES",
        "DISPOSICIÓN COMPLEMENTARIA, TRANSITORIA Y FINAL",
    ),
}
assert set(GROUP_HEADINGS) == set(DISPOSITION_GROUPS)
STRUCTURE_WORDS = {
    Kind.LIBRO: "LIBRO",
    Kind.TITULO: "TÍTULO",
    Kind.CAPITULO: "CAPÍTULO",
    Kind.SUBCAPITULO: "SUBCAPÍTULO",
    Kind.SECCION: "SECCIÓN",
}

_ROMAN = (
    (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
    (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
)  # fmt: skip
_UNITS = ("", "PRIMERA", "SEGUNDA", "TERCERA", "CUARTA", "QUINTA", "SEXTA", "SÉPTIMA",
          "OCTAVA", "NOVENA")  # fmt: skip
_TENS = ("", "DÉCIMA", "VIGÉSIMA", "TRIGÉSIMA", "CUADRAGÉSIMA", "QUINCUAGÉSIMA",
         "SEXAGÉSIMA", "SEPTUAGÉSIMA", "OCTOGÉSIMA", "NONAGÉSIMA")  # fmt: skip
MAX_ORDINAL = 99


def to_roman(number: int) -> str:
    if not 0 < number < 4000:
        raise ValueError(f"no Roman numeral for {number}")
    parts = []
    for value, symbol in _ROMAN:
        count, number = divmod(number, value)
        parts.append(symbol * count)
    return "".join(parts)


def from_roman(text: str) -> int | None:
    """The value of a well-formed Roman numeral, or None."""
    text = text.upper()
    if not text or set(text) - set("MDCLXVI"):
        return None
    total, rest = 0, text
    for value, symbol in _ROMAN:
        while rest.startswith(symbol):
            total += value
            rest = rest[len(symbol) :]
    return total if not rest and to_roman(total) == text else None


def ordinal(number: int) -> str:
    """Feminine ordinal in capitals, as dispositions go: 1 → PRIMERA, 21 → VIGÉSIMA PRIMERA."""
    if not 0 < number <= MAX_ORDINAL:
        raise ValueError(f"no ordinal for {number}")
    tens, units = divmod(number, 10)
    return " ".join(word for word in (_TENS[tens], _UNITS[units]) if word)


def _fold(text: str) -> str:
    """Upper case without accents or spaces, to match ordinals however they were typed."""
    decomposed = unicodedata.normalize("NFD", text.upper())
    return "".join(c for c in decomposed if c.isalpha())


def _ordinal_spellings() -> dict[str, int]:
    spellings = {_fold(ordinal(n)): n for n in range(1, MAX_ORDINAL + 1)}
    # Variants found in published Peruvian laws.
    for n in range(11, 20):
        spellings[_fold("DÉCIMO " + _UNITS[n - 10])] = n
    spellings.update({_fold("SÉTIMA"): 7, _fold("UNDÉCIMA"): 11, _fold("DUODÉCIMA"): 12})
    for tens in range(1, 10):
        spellings[_fold(_TENS[tens] + " SÉTIMA")] = tens * 10 + 7
    # Libros, títulos and capítulos count in the masculine: PRIMERO, DÉCIMO SEGUNDO, TERCERO.
    masculine = {_fold(re.sub(r"A\b", "O", ordinal(n))): n for n in range(1, MAX_ORDINAL + 1)}
    for n in range(11, 20):
        masculine[_fold("DÉCIMO " + _UNITS[n - 10][:-1] + "O")] = n
    masculine.update({"SETIMO": 7, "UNDECIMO": 11, "DUODECIMO": 12, "PRIMER": 1, "TERCER": 3})
    spellings.update(masculine)
    return spellings


_ORDINAL_SPELLINGS = _ordinal_spellings()


def parse_ordinal(text: str) -> int | None:
    """1 for "PRIMERA", 0 for "ÚNICA" (a disposition alone in its group), None otherwise."""
    folded = _fold(text)
    if folded in ("UNICA", "UNICO"):
        return 0
    return _ORDINAL_SPELLINGS.get(folded)


@dataclass(frozen=True)
class Node:
    """A provision as numbering sees it: its identity, kind and parent, in document order."""

    key: object
    kind: Kind
    parent: object | None
    # The number an article of a law in force keeps ("12", "12-A"); None where position decides.
    fixed: str | None = None


@dataclass(frozen=True)
class Label:
    text: str  # "Artículo 12.", "TÍTULO II", "TERCERA.", "DISPOSICIONES COMPLEMENTARIAS FINALES"
    number: int | None  # 12 for "Artículo 12.", 2 for "TÍTULO II", None where there is no number
    written: str = ""  # the number as the label writes it: "12", "12-A", "IV", "II", "TERCERA"

    @property
    def name(self) -> str:
        """The label inside a sentence: "Artículo 12", without the period that ends a heading."""
        return self.text.rstrip(".")


def _leading_number(written: str) -> int | None:
    digits = re.match(r"[0-9]+", written)
    return int(digits[0]) if digits else None


def next_suffixed(after: str | None, taken: set[str]) -> str:
    """The number an article inserted into a law in force takes after article `after`:
    12 → 12-A, 12-A → 12-B (Peruvian technique never renumbers a law in force)."""
    base = after or "0"
    match = re.fullmatch(r"([0-9]+)(?:-([A-Z]))?", base)
    digits, letter = (match[1], match[2]) if match else (str(_leading_number(base) or 0), None)
    index = ord(letter) - ord("A") + 1 if letter else 0
    for candidate in range(index, 26):
        number = f"{digits}-{chr(ord('A') + candidate)}"
        if number not in taken:
            return number
    raise ValueError(f"no suffix left after article {after}")


def compute_labels(nodes: Sequence[Node]) -> dict[object, Label]:
    """Labels for every node, given all the nodes of a law in document order."""
    kinds = {node.key: node.kind for node in nodes}
    children_of_kind = Counter((node.parent, node.kind) for node in nodes)
    preliminary = {node.key for node in nodes if node.kind is Kind.TITULO_PRELIMINAR}
    in_preliminary: set[object] = set()
    seen: defaultdict[tuple[object, Kind], int] = defaultdict(int)
    articles = 0
    labels: dict[object, Label] = {}

    for node in nodes:
        if node.parent in preliminary or node.parent in in_preliminary:
            in_preliminary.add(node.key)
        seen[(node.parent, node.kind)] += 1
        position = seen[(node.parent, node.kind)]

        if node.kind is Kind.TITULO_PRELIMINAR:
            labels[node.key] = Label("TÍTULO PRELIMINAR", None)
        elif node.kind is Kind.ARTICULO and node.key in in_preliminary:
            # Counted among the articles of the preliminary title only, wherever they sit in it.
            number = 1 + sum(
                1 for key in labels if key in in_preliminary and kinds[key] is Kind.ARTICULO
            )
            labels[node.key] = Label(f"Artículo {to_roman(number)}.", number, to_roman(number))
        elif node.kind is Kind.ARTICULO and node.fixed:
            articles = _leading_number(node.fixed) or articles
            labels[node.key] = Label(f"Artículo {node.fixed}.", articles, node.fixed)
        elif node.kind is Kind.ARTICULO:
            articles += 1
            labels[node.key] = Label(f"Artículo {articles}.", articles, str(articles))
        elif node.kind in STRUCTURE_WORDS and node.fixed:
            # As a law in force wrote it: "CAPÍTULO ÚNICO".
            labels[node.key] = Label(
                f"{STRUCTURE_WORDS[node.kind]} {node.fixed}", position, node.fixed
            )
        elif node.kind in STRUCTURE_WORDS:
            roman = to_roman(position)
            labels[node.key] = Label(f"{STRUCTURE_WORDS[node.kind]} {roman}", position, roman)
        elif node.kind is Kind.EPIGRAFE:
            labels[node.key] = Label("", None)  # unnumbered: its heading is all it shows
        elif node.kind in GROUP_HEADINGS:
            plural, singular = GROUP_HEADINGS[node.kind]
            alone = children_of_kind[(node.key, Kind.DISPOSICION)] == 1
            labels[node.key] = Label(singular if alone else plural, None)
        elif node.kind is Kind.DISPOSICION:
            alone = children_of_kind[(node.parent, Kind.DISPOSICION)] == 1
            written = "ÚNICA" if alone else ordinal(position)
            labels[node.key] = Label(f"{written}.", position, written)
    return labels


def written_in(kind: Kind, label: str) -> tuple[str, int]:
    """The number a label writes, and the provision's place for a disposition ("PRIMERA." →
    ("PRIMERA", 1)): read back from a label kept as text, as snapshots keep theirs."""
    text = label.strip().rstrip(".")
    if kind is Kind.ARTICULO:
        written = text.removeprefix("Artículo").strip()
        return written, _leading_number(written) or from_roman(written) or 0
    if kind is Kind.DISPOSICION:
        position = parse_ordinal(text)
        return text, position or 1
    if kind in STRUCTURE_WORDS:
        written = text.removeprefix(STRUCTURE_WORDS[kind]).strip()
        return written, from_roman(written) or 0
    return "", 0
