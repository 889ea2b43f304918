"""The draft law Mesa ships in drafts/: what the working group reads first must hold together."""

import pytest

from app.core.config import ROOT
from app.drafts.importing import ParsedDraft, parse_draft
from app.drafts.numbering import Kind

DRAFT = ROOT / "drafts" / "mineria-artesanal.md"


@pytest.fixture(scope="module")
def law() -> ParsedDraft:
    return parse_draft(DRAFT.read_bytes(), markdown=True, default_slug=DRAFT.stem)


def articles(law: ParsedDraft) -> list[str]:
    """The text of the numbered articles (not the título preliminar's), in order."""
    preliminary = {
        id(c) for p in law.provisions if p.kind is Kind.TITULO_PRELIMINAR for c in p.children
    }
    return [p.text for p in law.walk() if p.kind is Kind.ARTICULO and id(p) not in preliminary]


def test_has_the_structure_of_a_peruvian_bill(law: ParsedDraft) -> None:
    kinds = [p.kind for p in law.walk()]
    assert law.title == "Ley de la Minería Artesanal y de Pequeña Escala"
    assert law.provisions[0].kind is Kind.TITULO_PRELIMINAR
    assert len(articles(law)) >= 40
    for group in (Kind.FINALES, Kind.TRANSITORIAS, Kind.MODIFICATORIAS, Kind.DEROGATORIAS):
        assert group in kinds


@pytest.mark.parametrize(
    "subject",
    [
        "REINFO",
        "Defensoría del Pueblo",
        "mercurio",
        "trabajo infantil",
        "mujeres",
        "trazabilidad",
        "gobiernos regionales",
        "remediación",
        "seguridad social",
        "debido procedimiento",
    ],
)
def test_covers_the_working_groups_subjects(law: ParsedDraft, subject: str) -> None:
    assert subject.lower() in " ".join(p.text for p in law.walk()).lower()


# That every cross-reference names a provision that exists is checked on the bindings:
# tests/drafts/test_structure_in_use.py::test_every_reference_in_the_shipped_draft_is_bound.
