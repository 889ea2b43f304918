"""Search on both engines: stems, accents, phrases, ranking, visibility, and an index that
follows every write in its own transaction."""

from datetime import date

import pytest
from sqlmodel import Session

from app.amendments import service as amendments
from app.comments import service as comments
from app.core.pagination import PageRequest
from app.drafts import editing, motives
from app.drafts.models import Draft
from app.intake import service as intake
from app.members.models import Member
from app.search import service
from app.search.models import Kind
from app.search.service import Filters, Results
from tests.factories import entry_of, make_draft, make_member


@pytest.fixture
def draft(db: Session) -> Draft:
    return make_draft(db)


@pytest.fixture
def member(db: Session) -> Member:
    return make_member(db, name="Juana Mamani", sector="miners_organization")


@pytest.fixture
def secretariat(db: Session) -> Member:
    return make_member(db, role="secretariat", name="Rosa Secretaria", sector="executive")


def find(
    db: Session, draft: Draft, text: str, member: Member | None = None, **filters: object
) -> Results:
    return service.search(db, member, text, within=[draft], filters=Filters(**filters))  # type: ignore[arg-type]


def labels(results: Results) -> list[str]:
    return [hit.label for hit in results.page.items]


class TestWords:
    def test_a_verb_finds_the_noun_of_the_same_stem(self, db: Session, draft: Draft) -> None:
        # Artículo 1 says "promover la formalización"; TÍTULO II is "FORMALIZACIÓN".
        for written in ["formalizar", "formalización", "formalizacion", "Formalizaciones"]:
            found = labels(find(db, draft, written))
            assert "Artículo 1" in found, written
            assert "TÍTULO II" in found, written

    def test_accents_and_case_are_ignored(self, db: Session, draft: Draft) -> None:
        # Artículo 2 says "la gran minería"; nobody writes "MINERIA" like that.
        assert labels(find(db, draft, "MINERIA")) == ["Artículo 2"]
        assert labels(find(db, draft, "minería")) == ["Artículo 2"]

    def test_every_word_must_be_found(self, db: Session, draft: Draft) -> None:
        assert labels(find(db, draft, "registro público")) == ["Artículo 4"]
        assert find(db, draft, "registro mercurio").page.total == 0

    def test_a_phrase_in_quotes_must_appear_in_that_order(self, db: Session, draft: Draft) -> None:
        # "entra en vigencia" is in SEGUNDA; "vigencia entra" is nowhere in that order.
        assert labels(find(db, draft, '"entra en vigencia"')) == ["SEGUNDA"]
        assert find(db, draft, '"vigencia entra"').page.total == 0
        # The same words unquoted are found wherever they are.
        assert labels(find(db, draft, "vigencia entra")) == ["SEGUNDA"]

    def test_a_query_of_nothing_finds_nothing(self, db: Session, draft: Draft) -> None:
        for text in ["", "   ", "de la", '""', "¿?!"]:
            assert find(db, draft, text).page.total == 0

    def test_the_snippet_marks_the_words_and_escapes_the_text(
        self, db: Session, draft: Draft, member: Member
    ) -> None:
        entry = entry_of(db, draft, "Artículo 4.")
        comments.add_comment(
            db, member, draft, entry, body="<script>alert(1)</script> el mercurio & la salud"
        )
        db.commit()
        [hit] = find(db, draft, "mercurio").page.items
        assert str(hit.snippet) == (
            "&lt;script&gt;alert(1)&lt;/script&gt; el <mark>mercurio</mark> &amp; la salud"
        )


class TestRanking:
    def test_an_article_whose_heading_matches_comes_before_one_that_says_it_once(
        self, db: Session, draft: Draft, secretariat: Member
    ) -> None:
        four, two = entry_of(db, draft, "Artículo 4."), entry_of(db, draft, "Artículo 2.")
        editing.revise(
            db, secretariat, draft, uid=four.uid, expected_version=1,
            text="La inscripción es pública y gratuita.", heading="Registro", reason="Claridad.",
        )  # fmt: skip
        editing.revise(
            db, secretariat, draft, uid=two.uid, expected_version=1,
            text="Se aplica en todo el territorio nacional, a quien figure en el registro.",
            heading="Ámbito", reason="Claridad.",
        )  # fmt: skip
        db.commit()
        assert labels(find(db, draft, "registro")) == ["Artículo 4", "Artículo 2"]

    def test_an_article_whose_heading_matches_comes_before_a_comment_that_mentions_it(
        self, db: Session, draft: Draft, member: Member
    ) -> None:
        # A comment written before, on another article, that uses the word once.
        entry = entry_of(db, draft, "Artículo 1.")
        comments.add_comment(db, member, draft, entry, body="Falta hablar de la reglamentación.")
        db.commit()
        found = labels(find(db, draft, "reglamentación"))
        assert found[0] == "PRIMERA"  # its heading is "Reglamentación"
        assert found[1].startswith("Comentario de Juana Mamani") or found[1].startswith(
            "Comment by Juana Mamani"
        )


class TestVisibility:
    def test_a_hidden_comment_is_found_by_the_secretariat_only(
        self, db: Session, draft: Draft, member: Member, secretariat: Member
    ) -> None:
        entry = entry_of(db, draft, "Artículo 4.")
        comment = comments.add_comment(db, member, draft, entry, body="Los pallaqueros olvidados")
        db.commit()
        assert find(db, draft, "pallaqueros").page.total == 1
        comments.hide_comment(db, secretariat, comment, "Ofensivo para terceros")
        db.commit()
        assert find(db, draft, "pallaqueros").page.total == 0
        assert find(db, draft, "pallaqueros", member).page.total == 0
        [hit] = find(db, draft, "pallaqueros", secretariat).page.items
        assert hit.hidden

    def test_a_private_draft_is_searched_only_when_the_caller_may_read_it(
        self, db: Session, draft: Draft
    ) -> None:
        # The caller passes the drafts the reader may read; none means nothing is searched.
        assert service.search(db, None, "registro", within=[]).page.total == 0

    def test_a_withdrawn_amendment_is_found_and_marked(
        self, db: Session, draft: Draft, member: Member
    ) -> None:
        entry = entry_of(db, draft, "Artículo 4.")
        amendment = amendments.submit_amendment(
            db, member, draft, kind="modify", target_uid=entry.uid, base_version=1,
            text="El registro es público y gratuito.", rationale="Gratuidad para las pallaqueras.",
        )  # fmt: skip
        db.commit()
        [hit] = find(db, draft, "gratuidad").page.items
        assert hit.kind is Kind.AMENDMENT and hit.uid == entry.uid and hit.id == amendment.id
        assert "(retirada)" not in hit.label and "(withdrawn)" not in hit.label
        amendments.withdraw(db, member, amendment)
        db.commit()
        [hit] = find(db, draft, "gratuidad").page.items
        assert hit.label.endswith(("(retirada)", "(withdrawn)"))

    def test_a_deleted_clause_is_no_longer_found(self, db: Session, draft: Draft) -> None:
        secretariat = make_member(db, role="secretariat")
        entry = entry_of(db, draft, "Artículo 4.")
        editing.delete_provision(db, secretariat, draft, uid=entry.uid, reason="Se fusiona.")
        db.commit()
        assert "Artículo 4" not in labels(find(db, draft, "registro"))


class TestIndexFollowsWrites:
    def test_a_revised_article_is_found_by_its_new_words_only(
        self, db: Session, draft: Draft, secretariat: Member
    ) -> None:
        entry = entry_of(db, draft, "Artículo 4.")
        editing.revise(
            db, secretariat, draft, uid=entry.uid, expected_version=1,
            text="El registro incluye a las pallaqueras.", heading="Registro", reason="Inclusión.",
        )  # fmt: skip
        db.commit()
        assert labels(find(db, draft, "pallaquera")) == ["Artículo 4"]
        assert "Artículo 4" not in labels(find(db, draft, "público"))

    def test_a_write_rolled_back_leaves_no_trace_in_the_index(
        self, db: Session, draft: Draft, member: Member
    ) -> None:
        entry = entry_of(db, draft, "Artículo 4.")
        comments.add_comment(db, member, draft, entry, body="Sobre el mercurio")
        db.flush()
        assert find(db, draft, "mercurio").page.total == 1  # the same transaction sees it
        db.rollback()
        assert find(db, draft, "mercurio").page.total == 0

    def test_an_edited_comment_is_found_by_its_new_words(
        self, db: Session, draft: Draft, member: Member
    ) -> None:
        entry = entry_of(db, draft, "Artículo 4.")
        comment = comments.add_comment(db, member, draft, entry, body="Sobre el mercurio")
        comments.edit_comment(db, member, comment, "Sobre el cianuro")
        db.commit()
        assert find(db, draft, "mercurio").page.total == 0
        assert find(db, draft, "cianuro").page.total == 1

    def test_the_exposicion_de_motivos_is_found(
        self, db: Session, draft: Draft, secretariat: Member
    ) -> None:
        motives.revise(
            db, secretariat, draft, expected_version=0, reason="Primera versión.",
            fundamentos="Más de 30 000 mineros siguen en el REINFO.", efecto_vigencia="Ninguno.",
            costo_beneficio="Beneficia a las comunidades.",
        )  # fmt: skip
        db.commit()
        [hit] = find(db, draft, "reinfo").page.items
        assert hit.kind is Kind.MOTIVES
        assert "<mark>REINFO</mark>" in hit.snippet


class TestFilters:
    def test_kind_article_and_sector(
        self, db: Session, draft: Draft, member: Member, secretariat: Member
    ) -> None:
        four, one = entry_of(db, draft, "Artículo 4."), entry_of(db, draft, "Artículo 1.")
        comments.add_comment(db, member, draft, four, body="El registro de mineros")
        comments.add_comment(db, secretariat, draft, one, body="El registro nacional")
        db.commit()
        everything = find(db, draft, "registro")
        assert everything.counts == {"provision": 1, "comment": 2}
        assert find(db, draft, "registro", kind=Kind.COMMENT).page.total == 2
        by_article = find(db, draft, "registro", article=four.uid)
        assert {(h.kind, h.uid) for h in by_article.page.items} == {
            (Kind.PROVISION, four.uid),
            (Kind.COMMENT, four.uid),
        }
        [hit] = find(db, draft, "registro", sector="miners_organization").page.items
        assert hit.kind is Kind.COMMENT and hit.uid == four.uid

    def test_a_contribution_received_outside_mesa_is_of_its_senders_sector(
        self, db: Session, draft: Draft, secretariat: Member
    ) -> None:
        """The secretariat (executive) typed in a miners' organization's letter: the sector
        filter finds it as the miners' contribution, not the executive's."""
        letter = intake.Received(
            channel="front_desk",
            contributor="Asociación de Pallaqueras",
            received_on=date(2026, 11, 20),
            sector="miners_organization",
        )
        receipt = intake.record_receipt(db, secretariat, draft, letter)
        entry = entry_of(db, draft, "Artículo 4.")
        comments.add_comment(
            db, secretariat, draft, entry, body="El registro de pallaqueras", receipt=receipt
        )
        db.commit()
        [hit] = find(db, draft, "pallaqueras", sector="miners_organization").page.items
        assert hit.kind is Kind.COMMENT
        assert find(db, draft, "pallaqueras", sector="executive").page.total == 0

    def test_results_are_paged(self, db: Session, draft: Draft, member: Member) -> None:
        entry = entry_of(db, draft, "Artículo 4.")
        for n in range(5):
            comments.add_comment(db, member, draft, entry, body=f"Mercurio, otra vez ({n})")
        db.commit()
        first = service.search(db, None, "mercurio", within=[draft], paging=PageRequest(1, 2))
        third = service.search(db, None, "mercurio", within=[draft], paging=PageRequest(3, 2))
        past = service.search(db, None, "mercurio", within=[draft], paging=PageRequest(4, 2))
        assert (first.page.total, len(first.page.items), len(third.page.items)) == (5, 2, 1)
        assert past.page.items == []
        assert {h.id for h in first.page.items}.isdisjoint({h.id for h in third.page.items})
