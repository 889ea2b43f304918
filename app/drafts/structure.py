"""Numbers inside a clause's text that belong to the structure: its own numerales ("12.1") and
references to other provisions of the same law ("el artículo 40", "el numeral 26.3 del artículo
26", "la Primera Disposición Complementaria Final", "el Título III"). Pure: no DB, no HTTP.

Text is stored with each such number as a token bound to the uid of the provision it names, and
shown with that provision's current number: a renumbering changes no stored text, so it is
nobody's edit and makes no position stale. A token keeps the number as written, shown when its
provision is gone (a dangling reference) or when text is read outside any numbering.

    stored:  "\ue000.|n|12\ue001.1 Conforme al artículo \ue000<uid>|n|40\ue001, …"
    shown:   "13.1 Conforme al artículo 41, …"     (after an article was inserted before both)
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from app.drafts.numbering import (
    GROUP_HEADINGS,
    MODERN_GROUPS,
    Kind,
    from_roman,
    ordinal,
    parse_ordinal,
)

START, END = "\ue000", "\ue001"  # private-use characters: nobody types them
SELF = "."  # a numeral's own article, whatever its uid
# uid | what | as written. What: the kind of provision named (a article, p article of the título
# preliminar, t título, c capítulo, d disposition), then how its number is written: n as its
# label writes it; u, t, l a disposition's ordinal in capitals, title case or lower case.
_TOKEN = re.compile(START + r"([^|" + END + r"]*)\|([aptcd][nutl])\|([^" + END + r"]*)" + END)
_TOKEN_CHARS = re.compile("[" + START + END + "]")


@dataclass(frozen=True)
class Target:
    """A provision as references see it."""

    uid: str
    kind: Kind
    number: str  # as its label writes it: "12", "12-A", "IV", "III", "PRIMERA", "ÚNICA"; or ""
    parent_uid: str | None
    position: int = 0  # a disposition's place in its group, from 1


@dataclass(frozen=True)
class Reference:
    """A reference found in text: which provision, and the words that name it as written."""

    to: str  # uid
    written: str  # "artículo 40", "numeral 26.3", "Primera Disposición Complementaria Final"


@dataclass(frozen=True)
class Bound:
    text: str  # with tokens
    references: list[Reference]
    unresolved: list[str]  # references to provisions of this law that do not exist, as written


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.upper())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def article_key(number: str) -> str:
    """One spelling for an article number: "12-a", "12 A", "12-A" and "12A" are all "12-A";
    "3 bis" stays "3-BIS"."""
    folded = re.sub(r"[\s\-]+", "", _fold(number))
    match = re.fullmatch(r"([0-9]+)([A-Z]*)", folded)
    if not match:
        return folded
    digits, suffix = match.groups()
    return f"{int(digits)}-{suffix}" if suffix else str(int(digits))


class Numbering:
    """The numbers of a law's provisions now: how to write each, and which provision a number
    written in a reference names."""

    def __init__(self, targets: Iterable[Target]) -> None:
        self.targets = {target.uid: target for target in targets}
        self._articles: dict[str, str] = {}
        self._preliminary: dict[int, str] = {}
        self._titulos: dict[int, str] = {}
        self._capitulos: dict[tuple[str | None, int], str] = {}
        self._dispositions: dict[tuple[Kind, int], str] = {}
        for target in self.targets.values():
            if target.kind is Kind.ARTICULO and target.number:
                roman = from_roman(target.number)
                if roman is not None and not target.number.isdigit():
                    self._preliminary[roman] = target.uid
                else:
                    self._articles[article_key(target.number)] = target.uid
            elif target.kind is Kind.TITULO and (value := from_roman(target.number)):
                self._titulos[value] = target.uid
            elif target.kind is Kind.CAPITULO and (value := from_roman(target.number)):
                self._capitulos[(target.parent_uid, value)] = target.uid
            elif target.kind is Kind.DISPOSICION and target.parent_uid in self.targets:
                group = self.targets[target.parent_uid].kind
                self._dispositions[(group, target.position)] = target.uid
                if target.number == "ÚNICA":
                    self._dispositions[(group, 0)] = target.uid

    def number_of(self, uid: str) -> str | None:
        target = self.targets.get(uid)
        return target.number if target else None

    def article(self, written: str) -> str | None:
        return self._articles.get(article_key(written))

    def preliminary_article(self, roman: str) -> str | None:
        value = from_roman(roman.upper())
        return self._preliminary.get(value) if value else None

    def titulo(self, roman: str) -> str | None:
        value = from_roman(roman.upper())
        return self._titulos.get(value) if value else None

    def capitulo(self, roman: str, titulo_uid: str | None) -> str | None:
        value = from_roman(roman.upper())
        return self._capitulos.get((titulo_uid, value)) if value else None

    def disposition(self, group: Kind, position: int) -> str | None:
        return self._dispositions.get((group, position))

    def titulo_of(self, uid: str | None) -> str | None:
        """The título a provision sits in, if any."""
        while uid is not None and uid in self.targets:
            target = self.targets[uid]
            if target.kind is Kind.TITULO:
                return uid
            uid = target.parent_uid
        return None


# Recognizing references -------------------------------------------------------------------

_NUMBER = r"[0-9]+(?:\s*-\s*[A-Z]\b|\s+bis\b)?"
_LIST_SEPARATOR = r"\s*(?:,|\by\b|\be\b|\bo\b|\bal\b|\ba\b|\bhasta(?:\s+el)?\b)\s*"
_ARTICLES = re.compile(
    r"\bart[íi]culos?\s+(?P<list>" + _NUMBER + r"(?:" + _LIST_SEPARATOR + _NUMBER + r")*)",
    re.I,
)
_ONE_NUMBER = re.compile(_NUMBER, re.I)
_PRELIMINARY_ARTICLE = re.compile(
    r"\bart[íi]culos?\s+(?P<roman>(?-i:[IVXLC]+))\b(?=[^.;]{0,40}?\bt[íi]tulo\s+preliminar\b)", re.I
)
_NUMERALS = re.compile(
    r"\bnumeral(?:es)?\s+(?P<list>[0-9]+(?:\.[0-9]+)+(?:"
    + _LIST_SEPARATOR
    + r"[0-9]+(?:\.[0-9]+)+)*)",
    re.I,
)
_OF_ARTICLE = re.compile(r"\s+del\s+art[íi]culo\s+" + _NUMBER, re.I)
_ONE_NUMERAL = re.compile(r"([0-9]+)((?:\.[0-9]+)+)")
_ORDINAL_WORD = r"[A-Za-zÁÉÍÓÚáéíóúÉé]+"
_DISPOSITION = re.compile(
    r"\b(?P<ordinal>" + _ORDINAL_WORD + r"(?:\s+" + _ORDINAL_WORD + r")?)\s+"
    r"(?P<noun>Disposici[óo]n(?:es)?\s+Complementarias?\s+"
    r"(?P<group>Finale?s?|Transitorias?|Modificatorias?|Derogatorias?))\b",
    re.I,
)
_GROUP_WORDS = {
    "FINAL": Kind.FINALES,
    "TRANSITORIA": Kind.TRANSITORIAS,
    "MODIFICATORIA": Kind.MODIFICATORIAS,
    "DEROGATORIA": Kind.DEROGATORIAS,
}
assert set(_GROUP_WORDS.values()) == set(MODERN_GROUPS)
_CAPITULO_OF_TITULO = re.compile(
    r"\bcap[íi]tulo\s+(?P<cap>(?-i:[IVXLC]+))\s+del\s+t[íi]tulo\s+(?P<tit>(?-i:[IVXLC]+))\b", re.I
)
_CAPITULO = re.compile(r"\bcap[íi]tulo\s+(?P<cap>(?-i:[IVXLC]+))\b", re.I)
_TITULO = re.compile(r"\bt[íi]tulo\s+(?P<tit>(?-i:[IVXLC]+))\b", re.I)
# What follows a reference to another law's provision: "… del Texto Único Ordenado …",
# "… de la Ley N.º 27651", "… del Decreto Legislativo 1105", "… de su Reglamento".
_OTHER_LAW = re.compile(
    r"\s*,?\s*(?:del?|de\s+la|de\s+los|de\s+su)\s+(?!presente\b|t[íi]tulo\b|"
    r"cap[íi]tulo\b|art[íi]culo\b|numeral\b|literal\b)(?:mism[oa]\s+)?"
    r"(?:Texto|T\.?\s?U\.?\s?O\b|[Dd]ecreto|D\.\s?S|D\.\s?Leg|"
    r"[Ll]ey\s*(?:N|n|[0-9]|(?:de(?:l|\s+la|\s+los)?\s+)?[A-ZÁÉÍÓÚ])|"
    r"[Rr]eglamento|C[óo]digo|Constituci[óo]n|[Rr]esoluci[óo]n|Ordenanza|Convenio|Norma|Directiva|"
    r"[A-ZÁÉÍÓÚ]{2,})",
)
# Quoted text in a law is usually another law's wording (a modificatoria's new text): its
# numbers are that law's, not ours.
_QUOTED = re.compile(r"“[^”]*”|«[^»]*»|\"[^\"]*\"", re.S)
_OWN_NUMERAL = re.compile(r"^(?P<indent>\s*)(?P<article>[0-9]+)(?P<rest>(?:\.[0-9]+)+\.?\s)")


@dataclass
class _Finder:
    numbering: Numbering
    own_uid: str | None
    spans: list[tuple[int, int, str, str, str]] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)

    def taken(self, start: int, end: int) -> bool:
        return any(start < e and s < end for s, e, *_rest in self.spans)

    def bind(self, start: int, end: int, uid: str, style: str, written: str) -> None:
        if not self.taken(start, end):
            self.spans.append((start, end, uid, style, written))

    def found(self, uid: str | None, phrase: str) -> None:
        if uid is None:
            if phrase not in self.unresolved:
                self.unresolved.append(phrase)
        elif Reference(uid, phrase) not in self.references:
            self.references.append(Reference(uid, phrase))


def _case_style(written: str) -> str:
    letters = [c for c in written if c.isalpha()]
    if letters and all(c.isupper() for c in letters):
        return "u"
    return "t" if written[:1].isupper() else "l"


def bind(text: str, numbering: Numbering, *, own_uid: str | None) -> Bound:
    """Text as a person wrote it (current numbers), with its structural numbers bound."""
    text = _TOKEN_CHARS.sub("", text)
    finder = _Finder(numbering, own_uid)
    quoted = [(m.start(), m.end()) for m in _QUOTED.finditer(text)]

    def in_quotes(position: int) -> bool:
        return any(start <= position < end for start, end in quoted)

    def other_law(end: int) -> bool:
        return _OTHER_LAW.match(text, end) is not None

    _own_numerals(text, finder)
    for match in _NUMERALS.finditer(text):
        of_article = _OF_ARTICLE.match(text, match.end())
        if in_quotes(match.start()) or other_law(of_article.end() if of_article else match.end()):
            continue
        # "el numeral 26.3 del artículo 26": 26.3's article here, "artículo 26" below.
        for numeral in _ONE_NUMERAL.finditer(match["list"]):
            start = match.start("list") + numeral.start(1)
            uid = numbering.article(numeral[1])
            finder.found(uid, f"numeral {numeral[0]}")
            if uid:
                finder.bind(start, start + len(numeral[1]), uid, "an", numeral[1])
    for match in _PRELIMINARY_ARTICLE.finditer(text):
        if in_quotes(match.start()):
            continue
        uid = numbering.preliminary_article(match["roman"])
        finder.found(uid, f"artículo {match['roman']}")
        if uid:
            finder.bind(match.start("roman"), match.end("roman"), uid, "pn", match["roman"])
    for match in _ARTICLES.finditer(text):
        if in_quotes(match.start()) or other_law(match.end()):
            continue
        for number in _ONE_NUMBER.finditer(match["list"]):
            start, end = match.start("list") + number.start(), match.start("list") + number.end()
            if finder.taken(start, end):
                continue
            uid = numbering.article(number[0])
            finder.found(uid, f"artículo {number[0]}")
            if uid:
                finder.bind(start, end, uid, "an", number[0])
    for match in _DISPOSITION.finditer(text):
        if in_quotes(match.start()):
            continue
        words = match["ordinal"].split()
        # "la Primera Disposición…", "la Décimo Primera Disposición…": the ordinal may be one
        # word or two; a first word that is no ordinal ("la", "señala") is not part of it.
        for first in range(len(words)):
            written = " ".join(words[first:])
            position = parse_ordinal(written)
            if position is not None:
                break
        else:
            continue
        start = match.start("ordinal") + match["ordinal"].index(written)
        group = _GROUP_WORDS[_fold(match["group"]).rstrip("S").removesuffix("E")]
        uid = numbering.disposition(group, position)
        finder.found(uid, f"{written} {match['noun']}")
        if uid:
            finder.bind(start, start + len(written), uid, "d" + _case_style(written), written)
    for match in _CAPITULO_OF_TITULO.finditer(text):
        if in_quotes(match.start()) or other_law(match.end()):
            continue
        titulo = numbering.titulo(match["tit"])
        capitulo = numbering.capitulo(match["cap"], titulo) if titulo else None
        finder.found(capitulo, f"capítulo {match['cap']} del título {match['tit']}")
        if capitulo and titulo:
            finder.bind(match.start("cap"), match.end("cap"), capitulo, "cn", match["cap"])
            finder.bind(match.start("tit"), match.end("tit"), titulo, "tn", match["tit"])
    for match in _CAPITULO.finditer(text):
        if in_quotes(match.start()) or other_law(match.end()):
            continue
        if finder.taken(match.start("cap"), match.end("cap")):
            continue
        # A capítulo named alone is one of the título the clause sits in (or of the law).
        uid = numbering.capitulo(match["cap"], numbering.titulo_of(own_uid))
        finder.found(uid, f"capítulo {match['cap']}")
        if uid:
            finder.bind(match.start("cap"), match.end("cap"), uid, "cn", match["cap"])
    for match in _TITULO.finditer(text):
        if in_quotes(match.start()) or other_law(match.end()):
            continue
        if finder.taken(match.start("tit"), match.end("tit")):
            continue
        uid = numbering.titulo(match["tit"])
        finder.found(uid, f"título {match['tit']}")
        if uid:
            finder.bind(match.start("tit"), match.end("tit"), uid, "tn", match["tit"])

    pieces, last = [], 0
    for start, end, uid, style, written in sorted(finder.spans):
        pieces.append(text[last:start])
        pieces.append(f"{START}{uid}|{style}|{written}{END}")
        last = end
    pieces.append(text[last:])
    return Bound("".join(pieces), finder.references, finder.unresolved)


def _own_numerals(text: str, finder: _Finder) -> None:
    """A paragraph that starts with the clause's own article number ("12.1 …") is a numeral of
    that article: bound to it, it follows the article when it is renumbered."""
    own = finder.numbering.number_of(finder.own_uid) if finder.own_uid else None
    target = finder.numbering.targets.get(finder.own_uid or "")
    if not own or target is None or target.kind is not Kind.ARTICULO:
        return
    offset = 0
    for line in text.split("\n"):
        match = _OWN_NUMERAL.match(line)
        if match and article_key(match["article"]) == article_key(own):
            start = offset + match.start("article")
            finder.bind(start, start + len(match["article"]), SELF, "an", match["article"])
        offset += len(line) + 1


# Showing text -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Piece:
    """A stretch of shown text; `to` is the provision a reference in it names."""

    text: str
    to: str | None = None
    dangling: bool = False  # the provision it named is gone


def _shown(
    uid: str, style: str, written: str, numbering: Numbering | None, own_uid: str | None
) -> Piece:
    to = None if uid == SELF else uid
    key = own_uid if uid == SELF else uid
    target = numbering.targets.get(key) if numbering and key else None
    if target is None or not target.number:
        # Outside any numbering the text reads as written; inside one, the provision is gone.
        return Piece(written, to, dangling=numbering is not None and to is not None)
    if style[1] == "n":
        return Piece(target.number, to)
    words = target.number if target.number == "ÚNICA" else ordinal(target.position)
    cased = {"u": words.upper(), "l": words.lower()}.get(style[1])
    # Title case word by word: "Décima Primera", as committees write it.
    return Piece(cased or " ".join(word.capitalize() for word in words.split()), to)


def pieces(text: str, numbering: Numbering | None, *, own_uid: str | None) -> list[Piece]:
    """Stored text as it reads now, cut where references are, for pages that link them."""
    found: list[Piece] = []
    last = 0
    for match in _TOKEN.finditer(text):
        if match.start() > last:
            found.append(Piece(text[last : match.start()]))
        found.append(_shown(match[1], match[2], match[3], numbering, own_uid))
        last = match.end()
    if last < len(text):
        found.append(Piece(text[last:]))
    return found


def lines(text: str, numbering: Numbering | None, *, own_uid: str | None) -> list[list[Piece]]:
    """`pieces`, a list per line of the text (a paragraph each)."""
    found: list[list[Piece]] = [[]]
    for piece in pieces(text, numbering, own_uid=own_uid):
        for index, part in enumerate(piece.text.split("\n")):
            if index:
                found.append([])
            if part:
                found[-1].append(Piece(part, piece.to, piece.dangling))
    return [line for line in found if line]


def render(text: str, numbering: Numbering | None, *, own_uid: str | None) -> str:
    """Stored text as it reads now: every structural number the current one. With no
    numbering, as it was written."""
    if START not in text:
        return text
    return "".join(piece.text for piece in pieces(text, numbering, own_uid=own_uid))


# How the law itself names provisions: Spanish whatever the interface language, as the text is.
_KIND_WORDS = {"a": "artículo", "p": "artículo", "t": "título", "c": "capítulo"}
_GROUP_NAMES = {
    Kind.FINALES: "Disposición Complementaria Final",
    Kind.TRANSITORIAS: "Disposición Complementaria Transitoria",
    Kind.MODIFICATORIAS: "Disposición Complementaria Modificatoria",
    Kind.DEROGATORIAS: "Disposición Complementaria Derogatoria",
}


def _group_name(kind: Kind) -> str:
    """ "Disposición Complementaria Final"; an older group as its heading reads, in the singular:
    "Disposición Final y Transitoria"."""
    if kind in _GROUP_NAMES:
        return _GROUP_NAMES[kind]
    singular = GROUP_HEADINGS[kind][1]
    return " ".join(w if w == "Y" else w.capitalize() for w in singular.split()).replace(
        " Y ", " y "
    )


def references(text: str) -> list[Reference]:
    """The references bound in stored text, in order, once each (a numeral's own article is
    not a reference), each written as its token was: "artículo 40", "título II", "Primera"."""
    found: list[Reference] = []
    for match in _TOKEN.finditer(text):
        word = _KIND_WORDS.get(match[2][0])
        reference = Reference(match[1], f"{word} {match[3]}" if word else match[3])
        if match[1] != SELF and reference not in found:
            found.append(reference)
    return found


def phrase(numbering: Numbering, reference: Reference) -> str:
    """How a reference reads now ("artículo 41", "Segunda Disposición Complementaria Final");
    as written if its provision is gone."""
    target = numbering.targets.get(reference.to)
    if target is None or not target.number:
        return reference.written
    if target.kind is Kind.DISPOSICION:
        group = numbering.targets.get(target.parent_uid or "")
        words = target.number if target.number == "ÚNICA" else ordinal(target.position)
        name = " ".join(word.capitalize() for word in words.split())
        return f"{name} {_group_name(group.kind)}" if group else name
    word = {Kind.TITULO: "título", Kind.CAPITULO: "capítulo"}.get(target.kind, "artículo")
    return f"{word} {target.number}"


def refers_to(text: str) -> set[str]:
    return {match[1] for match in _TOKEN.finditer(text) if match[1] != SELF}
