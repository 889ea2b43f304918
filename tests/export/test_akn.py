"""Akoma Ntoso: valid against the official OASIS schema, every provision present in order with its
uid as GUID, eIds unique and following the naming convention, FRBR identification for Peru."""

from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from sqlmodel import Session, col, select

from app.audit.models import AuditEvent
from app.core.config import ROOT
from app.drafts import service, snapshots
from app.drafts.importing import parse_draft
from app.drafts.models import Snapshot
from app.drafts.numbering import Kind
from app.export import akn
from app.export import document as documents
from app.export import service as exports
from app.export.document import ExportDocument, ExportProvision
from tests.factories import make_draft, make_member

SHIPPED = ROOT / "drafts" / "mineria-artesanal.md"
SCHEMA = Path(__file__).parent / "data" / "akomantoso30.xsd"
NS = {"a": akn.NAMESPACE}


@pytest.fixture(scope="module")
def schema() -> Any:
    return etree.XMLSchema(etree.parse(str(SCHEMA)))


def valid(schema: Any, content: bytes) -> Any:
    """The parsed document, failing with the schema's own errors when it does not validate."""
    tree = etree.fromstring(content)
    assert schema.validate(tree), "\n".join(str(error) for error in schema.error_log)
    return tree


def one(tree: Any, path: str) -> Any:
    found = tree.findall(path, NS)
    assert len(found) == 1, f"{len(found)} matches for {path}"
    return found[0]


def eids(tree: Any) -> list[str]:
    return [element.get("eId") for element in tree.iter() if element.get("eId") is not None]


def text_of(tree: Any, path: str) -> str:
    return "".join(one(tree, path).itertext()).strip()


class TestShippedDraft:
    @pytest.fixture
    def exported(self, db: Session, schema: Any) -> tuple[ExportDocument, Any]:
        draft = service.import_file(db, SHIPPED)
        document = documents.build(db, draft)
        return document, valid(schema, akn.render(document))

    def test_every_article_appears_in_document_order_with_its_uid_and_number(
        self, exported: tuple[ExportDocument, Any]
    ) -> None:
        document, tree = exported
        in_xml = [
            (article.get("GUID"), article.findtext("a:num", namespaces=NS))
            for article in tree.iterfind(".//a:article", NS)
        ]
        expected = [(p.uid, p.label) for p in document.provisions if p.kind is Kind.ARTICULO]
        assert in_xml == expected
        shipped = parse_draft(SHIPPED.read_bytes(), markdown=True)
        assert len(in_xml) == sum(1 for p in shipped.walk() if p.kind is Kind.ARTICULO) == 58

    def test_every_provision_is_there_once_in_order(
        self, exported: tuple[ExportDocument, Any]
    ) -> None:
        document, tree = exported
        guids = [element.get("GUID") for element in tree.iter() if element.get("GUID")]
        assert guids == [p.uid for p in document.provisions]

    def test_eids_are_unique_and_follow_the_naming_convention(
        self, exported: tuple[ExportDocument, Any]
    ) -> None:
        _document, tree = exported
        repeated = [eid for eid, count in Counter(eids(tree)).items() if count > 1]
        assert not repeated
        assert not [eid for eid in eids(tree) if "_inst" in eid]  # no fallback was needed
        assert text_of(tree, ".//a:title[@eId='title_prel']/a:num") == "TÍTULO PRELIMINAR"
        assert text_of(tree, ".//a:article[@eId='title_prel__art_2']/a:num") == "Artículo II."
        chapter = ".//a:title[@eId='title_1']/a:chapter[@eId='title_1__chp_1']"
        assert text_of(tree, f"{chapter}/a:heading").startswith("OBJETO, FINALIDAD")
        assert text_of(tree, f"{chapter}/a:article[@eId='art_1']/a:heading") == "Objeto de la Ley"
        assert text_of(tree, ".//a:article[@eId='art_50']/a:num") == "Artículo 50."

    def test_numerales_are_numbered_paragraphs_and_literales_their_points(
        self, exported: tuple[ExportDocument, Any]
    ) -> None:
        _document, tree = exported
        numeral = one(tree, ".//a:article[@eId='art_5']/a:paragraph[@eId='art_5__para_1']")
        assert numeral.findtext("a:num", namespaces=NS) == "5.1"
        assert text_of(numeral, "a:intro").startswith("Es productor minero artesanal")
        points = numeral.findall("a:point", NS)
        assert [p.get("eId") for p in points] == [
            "art_5__para_1__point_a",
            "art_5__para_1__point_b",
        ]
        assert [p.findtext("a:num", namespaces=NS) for p in points] == ["a)", "b)"]
        assert text_of(points[0], "a:content").startswith("Posee, por cualquier título")
        listed = one(tree, ".//a:paragraph[@eId='art_4__para_1']")
        assert listed.find("a:num", NS) is None
        assert [p.findtext("a:num", namespaces=NS) for p in listed.findall("a:point", NS)] == [
            f"{letter})" for letter in "abcdefghijklm"
        ]
        assert text_of(tree, ".//a:paragraph[@eId='art_1__para_1']/a:content").startswith(
            "La presente Ley tiene por objeto"
        )

    def test_dispositions_are_grouped_hcontainers(
        self, exported: tuple[ExportDocument, Any]
    ) -> None:
        _document, tree = exported
        groups = tree.findall("a:bill/a:body/a:hcontainer", NS)
        assert [(g.get("name"), g.findtext("a:heading", namespaces=NS)) for g in groups] == [
            ("disposicionesComplementariasFinales", "DISPOSICIONES COMPLEMENTARIAS FINALES"),
            (
                "disposicionesComplementariasTransitorias",
                "DISPOSICIONES COMPLEMENTARIAS TRANSITORIAS",
            ),
            (
                "disposicionesComplementariasModificatorias",
                "DISPOSICIÓN COMPLEMENTARIA MODIFICATORIA",
            ),
            ("disposicionesComplementariasDerogatorias", "DISPOSICIÓN COMPLEMENTARIA DEROGATORIA"),
        ]
        third = one(
            tree,
            ".//a:hcontainer[@eId='hcontainer_disposicionesComplementariasFinales__hcontainer_3']",
        )
        assert third.get("name") == "disposicion"
        assert third.findtext("a:num", namespaces=NS) == "TERCERA."
        assert third.findtext("a:heading", namespaces=NS).startswith("Protocolo de actuación")
        assert [len(g.findall("a:hcontainer[@name='disposicion']", NS)) for g in groups] == [
            6,
            5,
            1,
            1,
        ]
        assert (
            text_of(
                tree,
                ".//a:hcontainer[@eId='hcontainer_disposicionesComplementariasModificatorias"
                "__hcontainer_1']/a:num",
            )
            == "ÚNICA."
        )

    def test_identifies_a_peruvian_bill_in_spanish(
        self, exported: tuple[ExportDocument, Any]
    ) -> None:
        document, tree = exported
        work = "a:bill/a:meta/a:identification/a:FRBRWork"
        expression = "a:bill/a:meta/a:identification/a:FRBRExpression"
        year = document.generated_at.year
        assert one(tree, "a:bill").get("name") == "ley"
        assert one(tree, f"{work}/a:FRBRcountry").get("value") == "pe"
        assert one(tree, f"{expression}/a:FRBRlanguage").get("language") == "spa"
        assert (
            one(tree, f"{work}/a:FRBRuri").get("value") == f"/akn/pe/bill/{year}/mineria-artesanal"
        )
        assert one(tree, f"{expression}/a:FRBRuri").get("value") == (
            f"/akn/pe/bill/{year}/mineria-artesanal/spa@{document.generated_at.date().isoformat()}"
        )
        authors = {a.get("href") for a in tree.iterfind(".//a:FRBRauthor", NS)}
        assert authors == {"#secretaria"}
        assert one(tree, "a:bill/a:meta/a:references/a:TLCOrganization").get("eId") == "secretaria"
        assert text_of(tree, "a:bill/a:preface/a:longTitle/a:p/a:docTitle") == document.title
        assert one(tree, "a:bill/a:preface/a:longTitle/a:p").text is None  # no indent inside
        formula = one(tree, "a:bill/a:preamble/a:formula[@name='enactingFormula']")
        assert [p.text for p in formula.findall("a:p", NS)] == [
            "EL CONGRESO DE LA REPÚBLICA;",
            "Ha dado la Ley siguiente:",
        ]


def test_the_test_law_validates_with_its_structure(db: Session, schema: Any) -> None:
    draft = make_draft(db)
    document = documents.build(db, draft)
    tree = valid(schema, akn.render(document))
    principles = one(tree, ".//a:article[@eId='title_prel__art_1']/a:paragraph")
    assert (
        text_of(principles, "a:intro") == "La presente Ley se rige por los principios siguientes:"
    )
    assert [p.get("eId") for p in principles.findall("a:point", NS)] == [
        "title_prel__art_1__para_1__point_a",
        "title_prel__art_1__para_1__point_b",
    ]
    assert [p.text for p in tree.iterfind(".//a:article/a:num", NS)] == [
        "Artículo I.",
        "Artículo 1.",
        "Artículo 2.",
        "Artículo 3.",
        "Artículo 4.",
    ]
    assert one(tree, ".//a:title[@eId='title_2']/a:article").get("eId") == "art_4"
    assert text_of(tree, ".//a:paragraph[@eId='art_2__para_2']/a:num") == "2.2"
    assert len(eids(tree)) == len(set(eids(tree)))


def test_a_snapshot_is_its_own_expression(db: Session, schema: Any) -> None:
    draft = make_draft(db)
    frozen = snapshots.freeze_snapshot(db, make_member(db, role="secretariat"), draft, "Borrador 1")
    db.commit()
    document = documents.build(db, draft, str(frozen.id))
    tree = valid(schema, akn.render(document, work_date=draft.created_at.date()))
    uri = one(tree, "a:bill/a:meta/a:identification/a:FRBRExpression/a:FRBRuri").get("value")
    assert uri == f"/akn/pe/bill/{draft.created_at.year}/ley-de-prueba/spa@borrador-{frozen.id}"
    assert text_of(tree, "a:bill/a:preface/a:p/a:docStage") == "Borrador 1"


def provision(uid: str, kind: Kind, label: str, text: str = "", parent: str | None = None) -> Any:
    return ExportProvision(uid, kind, label, "", text, 1, 0 if parent is None else 1, parent)


def test_awkward_texts_still_validate_with_unique_eids(schema: Any) -> None:
    """Text typed by people: chapeaus, repeated numerales, lists after a closing line, control
    characters, empty articles; the export must stay valid whatever the drafting."""
    document = ExportDocument(
        "rara",
        "Ley\x0b rara",
        Snapshot(id=7, draft_id=1, label="Borrador 7", created_at=datetime(2026, 3, 1, tzinfo=UTC)),
        [
            provision("u-t", Kind.TITULO, "TÍTULO I"),
            provision(
                "u-1",
                Kind.ARTICULO,
                "Artículo 1.",
                "Disposiciones:\n1.1 Uno.\nsigue uno\n1.1 Repetido.\na) letra\nb) otra\ncierre\n"
                "a) lista tras el cierre\n\n1.2 Con \x01 control.",
                "u-t",
            ),
            provision(
                "u-2", Kind.ARTICULO, "Artículo 2.", "a) sin entradilla\n2.1 Después.", "u-t"
            ),
            provision("u-3", Kind.ARTICULO, "Artículo 3.", "", "u-t"),
            provision("u-g", Kind.FINALES, "DISPOSICIÓN COMPLEMENTARIA FINAL"),
            provision("u-d", Kind.DISPOSICION, "ÚNICA.", "Primero.\nSegundo.", "u-g"),
        ],
        datetime(2026, 3, 2, tzinfo=UTC),
    )
    content = akn.render(document)
    tree = valid(schema, content)
    assert b"\x0b" not in content and b"\x01" not in content
    assert len(eids(tree)) == len(set(eids(tree)))
    article = one(tree, ".//a:article[@eId='art_1']")
    assert text_of(article, "a:intro") == "Disposiciones:"
    assert [p.get("eId") for p in article.findall("a:paragraph", NS)] == [
        "art_1__para_1",
        "art_1__para_1_inst2",
        "art_1__para_3",
        "art_1__para_2",
    ]
    assert [p.text for p in article.findall("a:paragraph[1]/a:content/a:p", NS)] == [
        "Uno.",
        "sigue uno",
    ]
    assert [p.get("GUID") for p in tree.iterfind(".//*[@GUID]")] == [
        p.uid for p in document.provisions
    ]
    empty = one(tree, ".//a:article[@eId='art_3']")
    assert [child.tag for child in empty] == [f"{{{akn.NAMESPACE}}}num"]


def test_an_invalid_document_is_caught(schema: Any) -> None:
    """The schema check is real: a bill without its required name attribute does not pass."""
    document = ExportDocument(
        "x",
        "X",
        None,
        [provision("u-1", Kind.ARTICULO, "Artículo 1.", "Texto.")],
        datetime(2026, 1, 1, tzinfo=UTC),
    )
    tree = etree.fromstring(akn.render(document))
    assert schema.validate(tree)
    del tree.find("a:bill", NS).attrib["name"]
    assert not schema.validate(tree)
    broken = replace(document.provisions[0], uid="con espacio")
    assert not schema.validate(etree.fromstring(akn.render(replace(document, provisions=[broken]))))


def test_names_its_snapshot_base_and_the_audit_head_and_still_validates(
    db: Session, schema: Any
) -> None:
    draft = make_draft(db)
    secretariat = make_member(db, role="secretariat")
    base = snapshots.freeze_snapshot(db, secretariat, draft, "Borrador 1")
    target = snapshots.freeze_snapshot(db, secretariat, draft, "Borrador 2")
    db.commit()
    file = exports.render(db, draft, "akn", str(target.id), str(base.id))
    tree = valid(schema, file.content)
    (mark,) = tree.iterfind("a:bill/a:meta/a:proprietary/{urn:mesa:export}provenance", NS)
    head = db.exec(select(AuditEvent.hash).order_by(col(AuditEvent.seq).desc())).first()
    assert (mark.get("snapshot"), mark.get("base"), mark.get("auditHead")) == (
        str(target.id),
        str(base.id),
        head,
    )
