"""The Markdown export reads back as exactly the provisions and texts that were exported, whatever
the texts and headings hold: a line starting with "#", a heading with a line break, "#" or "-"."""

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import Session

from app.amendments import service as amendments
from app.core.errors import InvalidInput
from app.drafts import editing, service
from app.drafts.importing import normalize_heading, parse_draft
from app.drafts.numbering import Kind
from app.export import markdown
from app.export import service as exports
from app.export.document import ExportDocument, ExportProvision
from tests.factories import make_draft, make_member, uid_of

# Texts as people type them, with what is structure in the format made likely.
PIECES = st.sampled_from(
    ["#", "####", " ", "\n", "\r", "\\", "-", ".", ".-", ":", "Artículo 999. ", "PRIMERA. "]
)
TYPED = st.lists(st.one_of(PIECES, st.text(max_size=8)), max_size=12).map("".join)


def stored(text: str, heading: str) -> tuple[str, str] | None:
    """(text, heading) as the services keep them, or None where they refuse them."""
    try:
        text, clean_heading = editing.clean_text(text, heading=heading)
    except InvalidInput:
        return None
    return text, clean_heading or ""


def provision(kind: Kind, label: str, heading: str = "", text: str = "") -> ExportProvision:
    return ExportProvision(label, kind, label, heading, text, 1, 0, None)


def read_back(document: ExportDocument) -> list[tuple[Kind, str, str]]:
    parsed = parse_draft(markdown.render(document).encode(), markdown=True)
    return [(p.kind, p.heading, p.text) for p in parsed.walk()]


@given(clauses=st.lists(st.tuples(TYPED, TYPED), min_size=3, max_size=3), title_heading=TYPED)
def test_export_then_import_gives_back_every_provision_and_text(
    clauses: list[tuple[str, str]], title_heading: str
) -> None:
    kept = [stored(text, heading) for text, heading in clauses]
    (first, second, disposition) = [k or ("Texto.", "") for k in kept]
    provisions = [
        provision(Kind.TITULO_PRELIMINAR, "TÍTULO PRELIMINAR", normalize_heading(title_heading)),
        provision(Kind.ARTICULO, "Artículo I.", "Principios", "Legalidad."),
        provision(Kind.TITULO, "TÍTULO I", normalize_heading(title_heading)),
        provision(Kind.ARTICULO, "Artículo 1.", first[1], first[0]),
        provision(Kind.ARTICULO, "Artículo 2.", second[1], second[0]),
        provision(Kind.FINALES, "DISPOSICIONES COMPLEMENTARIAS FINALES"),
        provision(Kind.DISPOSICION, "PRIMERA.", disposition[1], disposition[0]),
    ]
    document = ExportDocument("ley", "Ley de prueba", None, provisions, datetime.now(UTC))
    assert read_back(document) == [(p.kind, p.heading, p.text) for p in provisions]


class TestThroughTheServices:
    def test_a_text_line_starting_with_a_heading_mark_stays_text(self, db: Session) -> None:
        draft = make_draft(db)
        secretariat = make_member(db, role="secretariat")
        text = "Primer párrafo.\n#### Artículo 999. Fantasma\n# TÍTULO IX. Otro"
        uid = uid_of(db, draft, "Artículo 1.")
        editing.revise(
            db,
            secretariat,
            draft,
            uid=uid,
            expected_version=1,
            text=text,
            heading="Objeto",
            reason="Prueba",
        )
        db.commit()
        parsed = parse_draft(exports.render(db, draft, "md").content, markdown=True)
        articles = [p for p in parsed.walk() if p.kind is Kind.ARTICULO]
        assert len(articles) == 5  # Artículo I and 1 to 4, as in the draft: no Artículo 999
        assert articles[1].text == text

    def test_an_amended_heading_is_one_line(self, db: Session) -> None:
        draft = make_draft(db)
        author = make_member(db)
        uid = uid_of(db, draft, "Artículo 2.")
        amendment = amendments.submit_amendment(
            db,
            author,
            draft,
            kind="modify",
            target_uid=uid,
            rationale="Claridad",
            base_version=1,
            text="Se aplica en todo el territorio nacional.",
            heading="Ámbito\n#### Artículo 999. Fantasma",
        )
        assert amendment.heading == "Ámbito #### Artículo 999. Fantasma"

    def test_an_inserted_heading_is_one_line(self, db: Session) -> None:
        draft = make_draft(db)
        secretariat = make_member(db, role="secretariat")
        editing.insert_provision(
            db,
            secretariat,
            draft,
            kind="articulo",
            after_uid=uid_of(db, draft, "Artículo 4."),
            heading="Nuevo\r\nartículo",
            text="Texto del nuevo artículo.",
            reason="Prueba",
        )
        db.commit()
        headings = [e.heading for e in service.load_outline(db, draft).clauses]
        assert "Nuevo artículo" in headings
