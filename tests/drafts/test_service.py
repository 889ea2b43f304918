import pytest
from sqlmodel import Session, func, select

from app.drafts import service
from app.drafts.importing import parse_draft
from app.drafts.models import Draft, Provision, ProvisionVersion
from tests.factories import SMALL_LAW, make_draft


class TestImportDraft:
    def test_every_provision_gets_a_uid_and_a_first_version(self, db: Session) -> None:
        draft = make_draft(db)
        outline = service.load_outline(db, draft)
        assert len(outline.entries) == 15
        assert len({entry.uid for entry in outline.entries}) == 15
        versions = db.exec(
            select(ProvisionVersion).join(Provision).where(Provision.draft_id == draft.id)
        ).all()
        assert {v.number for v in versions} == {1}
        assert len(versions) == 15

    def test_labels_and_headings_in_document_order(self, db: Session) -> None:
        outline = service.load_outline(db, make_draft(db))
        assert [(e.label.text, e.heading) for e in outline.entries] == [
            ("TÍTULO PRELIMINAR", ""),
            ("Artículo I.", "Principios"),
            ("TÍTULO I", "DISPOSICIONES GENERALES"),
            ("CAPÍTULO I", "OBJETO"),
            ("Artículo 1.", "Objeto de la Ley"),
            ("Artículo 2.", "Ámbito"),
            ("CAPÍTULO II", "DEFINICIONES"),
            ("Artículo 3.", "Definiciones"),
            ("TÍTULO II", "FORMALIZACIÓN"),
            ("Artículo 4.", "Registro"),
            ("DISPOSICIONES COMPLEMENTARIAS FINALES", ""),
            ("PRIMERA.", "Reglamentación"),
            ("SEGUNDA.", "Vigencia"),
            ("DISPOSICIÓN COMPLEMENTARIA DEROGATORIA", ""),
            ("ÚNICA.", "Derogación"),
        ]

    def test_a_taken_slug_is_refused_and_nothing_is_written(self, db: Session) -> None:
        make_draft(db, slug="ley")
        before = db.exec(select(func.count()).select_from(Provision)).one()
        with pytest.raises(service.SlugTaken):
            service.import_draft(
                db, parse_draft(SMALL_LAW.format(slug="ley").encode(), markdown=True)
            )
        db.rollback()
        assert db.exec(select(func.count()).select_from(Draft)).one() == 1
        assert db.exec(select(func.count()).select_from(Provision)).one() == before
