"""Akoma Ntoso 3.0 (OASIS LegalDocML): the bill as XML that legislative information systems read,
valid against the official schema, every provision carrying its stable uid as GUID.

eIds follow the Akoma Ntoso Naming Convention 1.0: the element's abbreviation and number, prefixed
by the context that restarts the numbering ("title_1__chp_2"); articles are numbered through the
whole law, so they carry no prefix ("art_12"), except those of the título preliminar, which restarts
the count ("title_prel__art_2" for "Artículo II."). Numerales become numbered paragraphs
("art_12__para_1" for "12.1"), literales points ("art_12__para_1__point_a").

Only the standard library builds the tree: nothing here parses XML, and lxml has no type stubs.
"""

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import date

from app.core.escaping import xml_text
from app.drafts.numbering import DISPOSITION_GROUPS, Kind
from app.drafts.text import mark_of
from app.export.document import ExportDocument, ExportProvision

NAMESPACE = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
COUNTRY = "pe"
LANGUAGE = "spa"
AUTHOR = "secretaria"
AUTHOR_NAME = "Secretaría del grupo de trabajo"
ENACTING_FORMULA = ("EL CONGRESO DE LA REPÚBLICA;", "Ha dado la Ley siguiente:")

# Element and eId abbreviation (Naming Convention 5.4.2) of each kind.
_ELEMENTS: dict[Kind, tuple[str, str]] = {
    Kind.LIBRO: ("book", "book"),
    Kind.TITULO_PRELIMINAR: ("title", "title"),
    Kind.TITULO: ("title", "title"),
    Kind.CAPITULO: ("chapter", "chp"),
    Kind.SUBCAPITULO: ("subchapter", "subchp"),
    Kind.SECCION: ("section", "sec"),
    Kind.EPIGRAFE: ("division", "dvs"),
    Kind.ARTICULO: ("article", "art"),
    **dict.fromkeys(DISPOSITION_GROUPS, ("hcontainer", "hcontainer")),
    Kind.DISPOSICION: ("hcontainer", "hcontainer"),
}
# hcontainer's required name; the groups' names also stand for their number in the eId, so that
# "…Transitorias" keeps its eId whether or not the law has final dispositions.
GROUP_NAMES = {
    Kind.FINALES: "disposicionesComplementariasFinales",
    Kind.TRANSITORIAS: "disposicionesComplementariasTransitorias",
    Kind.MODIFICATORIAS: "disposicionesComplementariasModificatorias",
    Kind.DEROGATORIAS: "disposicionesComplementariasDerogatorias",
    # The groups of older laws, named by their own headings.
    Kind.COMPLEMENTARIAS: "disposicionesComplementarias",
    Kind.SOLO_FINALES: "disposicionesFinales",
    Kind.SOLO_TRANSITORIAS: "disposicionesTransitorias",
    Kind.COMPLEMENTARIAS_Y_FINALES: "disposicionesComplementariasYFinales",
    Kind.FINALES_Y_TRANSITORIAS: "disposicionesFinalesYTransitorias",
    Kind.TRANSITORIAS_Y_FINALES: "disposicionesTransitoriasYFinales",
    Kind.TRANSITORIAS_COMPLEMENTARIAS_Y_FINALES: "disposicionesTransitoriasComplementariasYFinales",
    Kind.COMPLEMENTARIAS_TRANSITORIAS_Y_FINALES: "disposicionesComplementariasTransitoriasYFinales",
}
assert set(GROUP_NAMES) == set(DISPOSITION_GROUPS)
DISPOSITION_NAME = "disposicion"
PROVENANCE_NAMESPACE = "urn:mesa:export"


def render(document: ExportDocument, *, work_date: date | None = None) -> bytes:
    """The bill as an Akoma Ntoso document. `work_date` dates the Work (the bill itself, in its
    URI): pass the draft's creation date so the Work keeps one URI; it defaults to the export's."""
    # Unqualified names and an xmlns attribute: ElementTree's default_namespace option refuses
    # unqualified attributes, and register_namespace() would change every caller's output.
    root = ET.Element("akomaNtoso", xmlns=NAMESPACE)
    bill = _sub(root, "bill", name="ley")
    _meta(_sub(bill, "meta"), document, work_date or document.generated_at.date())
    preface = _sub(bill, "preface")
    _sub(_sub(_sub(preface, "longTitle", eId="longTitle"), "p"), "docTitle").text = _clean(
        document.title
    )
    if document.snapshot:
        _sub(_sub(preface, "p"), "docStage").text = _clean(document.snapshot.label)
    formula = _sub(_sub(bill, "preamble"), "formula", name="enactingFormula", eId="formula_1")
    for line in ENACTING_FORMULA:
        _sub(formula, "p").text = line
    _Body(_sub(bill, "body")).build(document.provisions)
    ET.indent(root)
    for inline_holder in root.iter("p"):  # indenting inside a p would add spaces to its text
        if len(inline_holder):
            inline_holder.text = None
            for child in inline_holder:
                child.tail = None
    # typeshed types tostring() with an encoding other than "unicode" as Any.
    content: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return content


def _meta(meta: ET.Element, document: ExportDocument, work_date: date) -> None:
    work = f"/akn/{COUNTRY}/bill/{work_date.year}/{document.slug}"
    snapshot = document.snapshot
    if snapshot:
        version, expression_date = f"borrador-{snapshot.id}", snapshot.created_at.date()
    else:
        expression_date = document.generated_at.date()
        version = expression_date.isoformat()
    expression = f"{work}/{LANGUAGE}@{version}"
    author = f"#{AUTHOR}"
    identification = _sub(meta, "identification", source=author)

    frbr = _sub(identification, "FRBRWork")
    _sub(frbr, "FRBRthis", value=f"{work}/!main")
    _sub(frbr, "FRBRuri", value=work)
    _sub(frbr, "FRBRdate", date=work_date.isoformat(), name="draft")
    _sub(frbr, "FRBRauthor", href=author)
    _sub(frbr, "FRBRcountry", value=COUNTRY)
    _sub(frbr, "FRBRname", value=_clean(document.title))

    frbr = _sub(identification, "FRBRExpression")
    _sub(frbr, "FRBRthis", value=f"{expression}/!main")
    _sub(frbr, "FRBRuri", value=expression)
    _sub(
        frbr, "FRBRdate", date=expression_date.isoformat(), name="snapshot" if snapshot else "text"
    )
    _sub(frbr, "FRBRauthor", href=author)
    _sub(frbr, "FRBRlanguage", language=LANGUAGE)

    frbr = _sub(identification, "FRBRManifestation")
    _sub(frbr, "FRBRthis", value=f"{expression}/!main.xml")
    _sub(frbr, "FRBRuri", value=f"{expression}.akn")
    _sub(frbr, "FRBRdate", date=document.generated_at.date().isoformat(), name="export")
    _sub(frbr, "FRBRauthor", href=author)
    _sub(frbr, "FRBRformat", value="application/akn+xml")

    references = _sub(meta, "references", source=author)
    _sub(
        references,
        "TLCOrganization",
        eId=AUTHOR,
        href=f"/akn/ontology/organization/{COUNTRY}/{AUTHOR}",
        showAs=AUTHOR_NAME,
    )
    # Where the file comes from, to check against /registro: Akoma Ntoso leaves such data to
    # a namespace of the producer's own.
    if document.audit_head:
        compared = document.compared_with
        provenance = {
            "xmlns:mesa": PROVENANCE_NAMESPACE,
            "snapshot": str(snapshot.id) if snapshot else "",
            "base": str(compared.id) if compared else "",
            "auditHead": document.audit_head,
        }
        _sub(_sub(meta, "proprietary", source=author), "mesa:provenance", **provenance)


@dataclass
class _Block:
    """A paragraph of a clause's text: a numeral ("12.1") or not, with its literales."""

    num: str | None
    lines: list[str] = field(default_factory=list)
    points: list[tuple[str, str]] = field(default_factory=list)
    after: list[str] = field(default_factory=list)  # text closing the literales


def _blocks(text: str) -> list[_Block]:
    blocks: list[_Block] = []
    for raw in text.split("\n"):
        line = _clean(raw).strip()
        if not line:
            continue
        current = blocks[-1] if blocks else None
        mark = mark_of(line)
        if mark and mark.rest and mark.kind == "numeral":
            blocks.append(_Block(mark.mark, [mark.rest]))
        elif mark and mark.rest:
            if current is None or current.after:
                current = _Block(None)
                blocks.append(current)
            current.points.append((mark.mark, mark.rest))
        elif current is not None and current.points:
            current.after.append(line)
        elif current is not None and current.num is not None:
            current.lines.append(line)  # a numeral running to a second paragraph
        else:
            blocks.append(_Block(None, [line]))
    return blocks


class _Body:
    """Builds the body in document order, handing out unique eIds."""

    def __init__(self, body: ET.Element) -> None:
        self.body = body
        self.elements: dict[str, tuple[ET.Element, str]] = {}  # uid → element, eId
        self.counts: dict[tuple[str, str], int] = {}
        self.used: set[str] = set()
        self.preliminary: set[str] = set()  # uids inside the título preliminar

    def build(self, provisions: list[ExportProvision]) -> None:
        for provision in provisions:
            parent = self.elements.get(provision.parent_uid) if provision.parent_uid else None
            container, prefix = (parent[0], parent[1]) if parent else (self.body, "")
            preliminary = provision.parent_uid in self.preliminary
            if preliminary or provision.kind is Kind.TITULO_PRELIMINAR:
                self.preliminary.add(provision.uid)
            self.elements[provision.uid] = self._element(container, prefix, provision, preliminary)

    def _element(
        self, container: ET.Element, prefix: str, provision: ExportProvision, preliminary: bool
    ) -> tuple[ET.Element, str]:
        kind = provision.kind
        tag, ref = _ELEMENTS[kind]
        if kind is Kind.TITULO_PRELIMINAR:
            eid = self._claim("title_prel")
        elif kind is Kind.ARTICULO:
            # Numbered through the law, or through the título preliminar, whatever the nesting.
            context = "title_prel" if preliminary else ""
            eid = self._claim(_join(context, f"art_{self._count(context, ref)}"))
        elif kind in GROUP_NAMES:
            eid = self._claim(f"hcontainer_{GROUP_NAMES[kind]}")
        else:
            eid = self._claim(_join(prefix, f"{ref}_{self._count(prefix, ref)}"))

        attributes = {"eId": eid, "GUID": provision.uid}
        if kind in GROUP_NAMES:
            attributes["name"] = GROUP_NAMES[kind]
        elif kind is Kind.DISPOSICION:
            attributes["name"] = DISPOSITION_NAME
        element = _sub(container, tag, **attributes)
        if kind in GROUP_NAMES:
            _sub(element, "heading").text = _clean(provision.label)
        else:
            if provision.label:  # an unnumbered sub-heading has none
                _sub(element, "num").text = _clean(provision.label)
            if provision.heading.strip():
                _sub(element, "heading").text = _clean(provision.heading.strip())
        if provision.is_clause:
            self._text(element, eid, provision.text)
        return element, eid

    def _text(self, clause: ET.Element, prefix: str, text: str) -> None:
        blocks = _blocks(text)
        first_numeral = next((i for i, block in enumerate(blocks) if block.num), None)
        if first_numeral is not None and first_numeral > 0:
            leading = blocks[:first_numeral]
            if not any(block.points for block in leading):
                # The chapeau before the numerales: the clause's intro, not an unnumbered paragraph.
                intro = _sub(clause, "intro", eId=self._claim(f"{prefix}__intro"))
                for block in leading:
                    _paragraphs(intro, block.lines)
                blocks = blocks[first_numeral:]
        for position, block in enumerate(blocks, start=1):
            number = block.num.split(".", 1)[1] if block.num else str(position)
            self._paragraph(clause, self._claim(f"{prefix}__para_{number}"), block)

    def _paragraph(self, clause: ET.Element, eid: str, block: _Block) -> None:
        paragraph = _sub(clause, "paragraph", eId=eid)
        if block.num:
            _sub(paragraph, "num").text = block.num
        if not block.points:
            _paragraphs(_sub(paragraph, "content", eId=f"{eid}__content"), block.lines)
            return
        if block.lines:
            _paragraphs(_sub(paragraph, "intro", eId=f"{eid}__intro"), block.lines)
        for letter, text in block.points:
            point_eid = self._claim(f"{eid}__point_{letter}")
            point = _sub(paragraph, "point", eId=point_eid)
            _sub(point, "num").text = f"{letter})"
            _paragraphs(_sub(point, "content", eId=f"{point_eid}__content"), [text])
        if block.after:
            _paragraphs(_sub(paragraph, "wrapUp", eId=f"{eid}__wrapup"), block.after)

    def _count(self, context: str, ref: str) -> int:
        self.counts[(context, ref)] = self.counts.get((context, ref), 0) + 1
        return self.counts[(context, ref)]

    def _claim(self, eid: str) -> str:
        """The eId, or its "_instN" variant when a malformed text already used it."""
        candidate, instance = eid, 1
        while candidate in self.used:
            instance += 1
            candidate = f"{eid}_inst{instance}"
        self.used.add(candidate)
        return candidate


def _paragraphs(container: ET.Element, lines: list[str]) -> None:
    for line in lines:
        _sub(container, "p").text = line


def _join(prefix: str, eid: str) -> str:
    return f"{prefix}__{eid}" if prefix else eid


def _sub(parent: ET.Element, element: str, /, **attributes: str) -> ET.Element:
    return ET.SubElement(parent, element, attributes)


def _clean(text: str) -> str:
    """ElementTree writes any character, even those that make the file unreadable."""
    return xml_text(text)
