"""The exposición de motivos: versioned, audited, and carried by the exports."""

import io
import json

import docx
import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from app.audit.models import AuditEvent
from app.core.db import write_session
from app.core.errors import InvalidInput
from app.drafts import motives, snapshots
from app.drafts.editing import StaleVersion
from app.drafts.models import Draft, Motives
from app.export import service as exports
from tests.factories import csrf_token, make_draft, make_member, sign_in, token_headers
from tests.races import committed, meeting_at_first_write, real_client, together


def test_each_save_is_a_version_and_a_stale_one_is_refused(db: Session) -> None:
    draft = make_draft(db)
    secretariat = make_member(db, role="secretariat")
    first = motives.revise(
        db,
        secretariat,
        draft,
        expected_version=0,
        fundamentos="Fundamentos.",
        efecto_vigencia="Efecto.",
        costo_beneficio="Costo.",
        reason="Primera",
    )
    second = motives.revise(
        db,
        secretariat,
        draft,
        expected_version=1,
        fundamentos="Fundamentos ampliados.",
        efecto_vigencia="Efecto.",
        costo_beneficio="Costo.",
        reason="Ajuste",
    )
    assert (first.number, second.number) == (1, 2)
    assert motives.current(db, draft).fundamentos == "Fundamentos ampliados."  # type: ignore[union-attr]
    with pytest.raises(StaleVersion):
        motives.revise(
            db,
            secretariat,
            draft,
            expected_version=1,
            fundamentos="Otro.",
            efecto_vigencia="",
            costo_beneficio="",
            reason="Tarde",
        )
    with pytest.raises(InvalidInput):
        motives.revise(
            db,
            secretariat,
            draft,
            expected_version=2,
            fundamentos="Otro.",
            efecto_vigencia="",
            costo_beneficio="",
            reason=" ",
        )
    actions = db.exec(select(AuditEvent.action).order_by(col(AuditEvent.seq).desc())).all()
    assert list(actions[:2]) == ["motives.revised", "motives.revised"]


def test_exports_carry_the_motives_as_they_stood(db: Session) -> None:
    draft = make_draft(db)
    secretariat = make_member(db, role="secretariat")
    motives.revise(
        db,
        secretariat,
        draft,
        expected_version=0,
        fundamentos="Versión del borrador 1.",
        efecto_vigencia="Efecto.",
        costo_beneficio="Costo.",
        reason="x",
    )
    db.commit()
    frozen = snapshots.freeze_snapshot(db, secretariat, draft, "Borrador 1")
    db.commit()
    motives.revise(
        db,
        secretariat,
        draft,
        expected_version=1,
        fundamentos="Versión posterior.",
        efecto_vigencia="Efecto.",
        costo_beneficio="Costo.",
        reason="y",
    )
    db.commit()
    then = exports.render(db, draft, "html", str(frozen.id)).content.decode()
    now = json.loads(exports.render(db, draft, "json").content)
    assert "EXPOSICIÓN DE MOTIVOS" in then and "Versión del borrador 1." in then
    assert now["motives"]["fundamentos"] == "Versión posterior."


def test_the_secretariat_edits_them_through_the_page(client: TestClient, db: Session) -> None:
    make_draft(db)
    sign_in(client, make_member(db, role="secretariat"))
    page = "/drafts/ley-de-prueba/motives"
    data = {
        "csrf_token": csrf_token(client, page),
        "expected_version": "0",
        "fundamentos": "La formalización es un proceso de derechos.",
        "efecto_vigencia": "",
        "costo_beneficio": "",
        "reason": "Primera redacción",
    }
    assert client.post(page, data=data, follow_redirects=False).status_code == 303
    assert "La formalización es un proceso de derechos." in client.get(page).text
    stale = client.post(page, data={**data, "csrf_token": csrf_token(client, page)})
    assert stale.status_code == 409 and 'role="alert"' in stale.text


def test_the_word_document_carries_the_motives_after_the_articles(db: Session) -> None:
    import io

    from docx import Document

    draft = make_draft(db)
    secretariat = make_member(db, role="secretariat")
    motives.revise(
        db,
        secretariat,
        draft,
        expected_version=0,
        fundamentos="La formalización es un derecho.",
        efecto_vigencia="Deroga normas.",
        costo_beneficio="Beneficios.",
        reason="x",
    )
    db.commit()
    paragraphs = [
        p.text for p in Document(io.BytesIO(exports.render(db, draft, "docx").content)).paragraphs
    ]
    start = paragraphs.index("EXPOSICIÓN DE MOTIVOS")
    assert start > next(i for i, text in enumerate(paragraphs) if text.startswith("ÚNICA."))
    assert "La formalización es un derecho." in paragraphs[start:]


def test_two_saves_of_the_same_version_at_once_one_is_refused_with_409(engine: Engine) -> None:
    """Two secretaries save version 0 at the same moment: one writes version 1, the other is
    told the text changed meanwhile (409), never a 500."""
    with committed(engine):
        with write_session(engine) as session:
            draft = make_draft(session, slug="carrera-motivos")
            headers = token_headers(session, "secretariat")
            url, draft_id = f"/drafts/{draft.slug}/motives", draft.id
        with real_client(engine) as client, meeting_at_first_write(engine):
            responses = together(
                *(
                    lambda text=text: client.post(
                        url,
                        data={"expected_version": 0, "fundamentos": text, "reason": "Primera"},
                        headers=headers,
                        follow_redirects=False,
                    )
                    for text in ("Fundamentos de A.", "Fundamentos de B.")
                )
            )
        assert sorted(getattr(r, "status_code", r) for r in responses) == [303, 409]
        with write_session(engine) as session:
            saved = session.exec(select(Motives.number).where(Motives.draft_id == draft_id)).all()
        assert saved == [1]


def presented(db: Session) -> Draft:
    """A draft whose exposición de motivos has its cover, its four sections and one added."""
    draft = make_draft(db)
    motives.revise(
        db,
        make_member(db, role="secretariat"),
        draft,
        expected_version=0,
        fundamentos="La formalización es un derecho.",
        efecto_vigencia="Modifica el TUO de la Ley General de Minería.",
        costo_beneficio="Beneficios mayores que los costos; impacto ambiental positivo.",
        agenda="Política de Estado 19: desarrollo sostenible y gestión ambiental.",
        more_sections=[("Antecedentes", "Mesa técnica de 2025."), ("", "")],
        sumilla="Ley que ordena la minería artesanal y de pequeña escala",
        proponent="Comisión de Energía y Minas",
        place="Arequipa",
        reason="Presentación",
    )
    db.commit()
    return draft


class TestProyectoDeLey:
    """The parts a Peruvian proyecto de ley has (Reglamento del Congreso, art. 75–76)."""

    def test_the_pdf_first_page_has_number_sumilla_proposer_place_date_formula_and_title(
        self, db: Session
    ) -> None:
        draft = presented(db)
        reader = PdfReader(io.BytesIO(exports.render(db, draft, "pdf").content))
        first = " ".join(reader.pages[0].extract_text().split())
        order = [
            "PROYECTO DE LEY N.° ____________",
            "Ley que ordena la minería artesanal y de pequeña escala",
            "Comisión de Energía y Minas",
            "Arequipa, ",
            "EL CONGRESO DE LA REPÚBLICA; Ha dado la Ley siguiente:",
            "LEY DE PRUEBA",
        ]
        positions = [first.find(part) for part in order]
        assert -1 not in positions and positions == sorted(positions), first

    def test_the_word_document_has_them_a_signature_block_and_every_section(
        self, db: Session
    ) -> None:
        draft = presented(db)
        content = exports.render(db, draft, "docx").content
        texts = [p.text for p in docx.Document(io.BytesIO(content)).paragraphs]
        assert texts[0] == "PROYECTO DE LEY N.° ____________"
        assert "Ley que ordena la minería artesanal y de pequeña escala" in texts[:5]
        title = texts.index("LEY DE PRUEBA")
        assert texts[title - 2 : title] == [
            "EL CONGRESO DE LA REPÚBLICA;",
            "Ha dado la Ley siguiente:",
        ]
        motives_at = texts.index("EXPOSICIÓN DE MOTIVOS")
        signature = next(i for i, t in enumerate(texts) if t.strip().startswith("____"))
        assert texts.index("Se deroga toda norma que se oponga a la presente Ley.") < signature
        assert signature < motives_at and texts[signature + 1] == "Comisión de Energía y Minas"
        assert texts[signature - 1].startswith("Arequipa, ")
        headings = [t for t in texts[motives_at:] if t[:3] in ("I. ", "II.", "III", "IV.", "V. ")]
        assert headings == [
            "I. FUNDAMENTOS",
            "II. EFECTO DE LA VIGENCIA DE LA NORMA SOBRE LA LEGISLACIÓN NACIONAL",
            "III. ANÁLISIS COSTO-BENEFICIO",
            "IV. RELACIÓN CON LA AGENDA LEGISLATIVA Y LAS POLÍTICAS DE ESTADO DEL ACUERDO NACIONAL",
            "V. ANTECEDENTES",
        ]
        assert "Política de Estado 19: desarrollo sostenible y gestión ambiental." in texts

    def test_an_added_section_needs_a_title(self, db: Session) -> None:
        draft = make_draft(db)
        with pytest.raises(InvalidInput):
            motives.revise(
                db,
                make_member(db, role="secretariat"),
                draft,
                expected_version=0,
                fundamentos="",
                efecto_vigencia="",
                costo_beneficio="",
                more_sections=[("", "Un texto sin título.")],
                reason="x",
            )

    def test_the_page_saves_the_cover_and_the_added_sections(
        self, client: TestClient, db: Session
    ) -> None:
        draft = presented(db)
        sign_in(client, make_member(db, role="secretariat"))
        page = f"/drafts/{draft.slug}/motives"
        form = client.get(page).text
        assert 'value="Antecedentes"' in form and 'value="Arequipa"' in form
        data = {
            "csrf_token": csrf_token(client, page),
            "expected_version": "1",
            "fundamentos": "Fundamentos.",
            "agenda": "Política de Estado 19.",
            "sumilla": "Ley que ordena la minería",
            "proponent": "Comisión de Energía y Minas",
            "place": "Lima",
            "section_title": ["Antecedentes", "Derecho comparado"],
            "section_text": ["Mesa técnica.", "Bolivia y Colombia."],
            "reason": "Ampliación",
        }
        assert client.post(page, data=data, follow_redirects=False).status_code == 303
        saved = motives.current(db, draft)
        assert saved is not None and saved.agenda == "Política de Estado 19."
        assert [s["title"] for s in saved.more_sections] == ["Antecedentes", "Derecho comparado"]
        assert (saved.sumilla, saved.place) == ("Ley que ordena la minería", "Lima")
