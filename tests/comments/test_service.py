"""Comments: on a clause or a quoted passage, threaded, re-anchored, edited briefly, hidden."""

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from app.comments import service
from app.comments.anchoring import passages, reanchor
from app.comments.models import CommentRevision
from app.core.errors import Forbidden, InvalidInput
from app.core.pagination import PageRequest
from app.drafts import editing
from app.drafts import service as drafts
from app.drafts.models import Draft, Phase
from app.members.models import Member
from tests.factories import entry_of, make_draft, make_member


@pytest.fixture
def draft(db: Session) -> Draft:
    return make_draft(db)


@pytest.fixture
def member(db: Session) -> Member:
    return make_member(db, name="Juana Mamani", sector="miners_organization")


class TestAdd:
    def test_on_a_quoted_passage_records_the_version(
        self, db: Session, draft: Draft, member: Member
    ) -> None:
        entry = entry_of(db, draft, "Artículo 2.")
        comment = service.add_comment(
            db,
            member,
            draft,
            entry,
            body="¿Incluye a Madre de Dios?",
            quote="Se aplica en todo el territorio",
        )
        assert (comment.version, comment.quote, comment.quote_start) == (
            1,
            "Se aplica en todo el territorio",
            4,
        )

    def test_a_quote_that_is_not_in_the_clause_is_refused(
        self, db: Session, draft: Draft, member: Member
    ) -> None:
        entry = entry_of(db, draft, "Artículo 2.")
        with pytest.raises(service.QuoteNotFound) as error:
            service.add_comment(db, member, draft, entry, body="Texto", quote="una frase inventada")
        assert error.value.status_code == 422

    def test_replies_stay_one_level_deep(self, db: Session, draft: Draft, member: Member) -> None:
        entry = entry_of(db, draft, "Artículo 1.")
        first = service.add_comment(db, member, draft, entry, body="Primero")
        reply = service.add_comment(db, member, draft, entry, body="Respuesta", parent_id=first.id)
        deeper = service.add_comment(db, member, draft, entry, body="Otra", parent_id=reply.id)
        assert reply.parent_id == deeper.parent_id == first.id
        thread = service.thread(db, draft, entry)
        assert [len(view.replies) for view in thread.items] == [2]

    def test_a_closed_draft_takes_no_comments(
        self, db: Session, draft: Draft, member: Member
    ) -> None:
        draft.phase = Phase.CLOSED
        with pytest.raises(drafts.PhaseClosed):
            service.add_comment(db, member, draft, entry_of(db, draft, "Artículo 1."), body="Hola")

    @pytest.mark.parametrize("body", ["", "   \n ", "x" * 5001])
    def test_empty_or_oversized_bodies_are_form_errors(
        self, db: Session, draft: Draft, member: Member, body: str
    ) -> None:
        with pytest.raises(InvalidInput):
            service.add_comment(db, member, draft, entry_of(db, draft, "Artículo 1."), body=body)


class TestAnchoring:
    def test_the_passage_follows_edits_elsewhere_in_the_clause(
        self, db: Session, draft: Draft, member: Member
    ) -> None:
        entry = entry_of(db, draft, "Artículo 2.")
        service.add_comment(
            db, member, draft, entry, body="Bien", quote="No comprende a la gran minería"
        )
        secretariat = make_member(db, role="secretariat")
        editing.revise(
            db,
            secretariat,
            draft,
            uid=entry.uid,
            expected_version=1,
            text="2.1 Se aplica en todo el territorio de la República.\n"
            "2.2 No comprende a la gran minería.",
            heading=None,
            reason="Precisión",
        )
        [view] = service.thread(db, draft, entry_of(db, draft, "Artículo 2.")).items
        assert view.anchored

    def test_a_passage_that_changed_refers_to_earlier_text(
        self, db: Session, draft: Draft, member: Member
    ) -> None:
        entry = entry_of(db, draft, "Artículo 2.")
        service.add_comment(
            db, member, draft, entry, body="¿Por qué?", quote="No comprende a la gran minería"
        )
        editing.revise(
            db,
            make_member(db, role="secretariat"),
            draft,
            uid=entry.uid,
            expected_version=1,
            text="2.1 Se aplica en todo el territorio nacional.\n"
            "2.2 Comprende a la mediana minería.",
            heading=None,
            reason="Acuerdo",
        )
        [view] = service.thread(db, draft, entry_of(db, draft, "Artículo 2.")).items
        assert not view.anchored
        assert view.comment.quote == "No comprende a la gran minería"

    def test_a_deleted_passage_is_not_reanchored_on_a_twin(self) -> None:
        original = "5.1 Presenta el informe.\n5.2 Presenta el informe.\n5.3 Presenta el informe."
        current = "5.1 Presenta el informe.\n5.3 Presenta el informe."
        start = original.index("5.2 Presenta el informe.")
        assert reanchor(original, start, "5.2 Presenta el informe.", current) is None
        quote = "Presenta el informe."
        assert reanchor(original, original.index(quote, start), quote, current) is None

    def test_passages_offer_numerales_literales_and_sentences(self) -> None:
        text = "10.1 El plazo es de treinta días. Se prorroga una vez.\na) Primer supuesto."
        assert [p.text for p in passages(text)] == [
            "10.1 El plazo es de treinta días. Se prorroga una vez.",
            "10.1 El plazo es de treinta días.",
            "Se prorroga una vez.",
            "a) Primer supuesto.",
        ]


class TestEditAndHide:
    def test_the_author_edits_within_the_window_and_history_is_kept(
        self, db: Session, draft: Draft, member: Member
    ) -> None:
        comment = service.add_comment(
            db, member, draft, entry_of(db, draft, "Artículo 1."), body="Hola"
        )
        service.edit_comment(db, member, comment, "Hola, corrijo")
        assert comment.body == "Hola, corrijo" and comment.edited_at is not None
        assert [r.body for r in db.exec(select(CommentRevision)).all()] == ["Hola"]

    def test_after_the_window_editing_is_refused(
        self, db: Session, draft: Draft, member: Member
    ) -> None:
        comment = service.add_comment(
            db, member, draft, entry_of(db, draft, "Artículo 1."), body="Hola"
        )
        comment.created_at = comment.created_at - service.EDIT_WINDOW - timedelta(minutes=1)
        with pytest.raises(Forbidden):
            service.edit_comment(db, member, comment, "Tarde")

    def test_the_thread_says_which_comments_its_viewer_may_still_edit(
        self, db: Session, draft: Draft, member: Member
    ) -> None:
        entry = entry_of(db, draft, "Artículo 1.")
        fresh = service.add_comment(db, member, draft, entry, body="Reciente")
        old = service.add_comment(db, member, draft, entry, body="Antiguo")
        old.created_at = old.created_at - service.EDIT_WINDOW - timedelta(minutes=1)
        hidden = service.add_comment(db, member, draft, entry, body="Oculto")
        service.hide_comment(db, make_member(db, role="secretariat"), hidden, "Fuera de tema")
        reply = service.add_comment(db, member, draft, entry, body="Respuesta", parent_id=fresh.id)

        def editable(viewer: Member | None) -> dict[str, bool]:
            views = service.thread(db, draft, entry, viewer=viewer).items
            views += [r for v in views for r in v.replies]
            return {v.comment.body: v.editable for v in views}

        assert editable(member) == {
            "Reciente": True, "Antiguo": False, "Oculto": False, "Respuesta": True
        }  # fmt: skip
        assert not any(editable(make_member(db)).values())
        assert not any(editable(None).values())
        assert reply.parent_id == fresh.id

    def test_nobody_else_edits_it(self, db: Session, draft: Draft, member: Member) -> None:
        comment = service.add_comment(
            db, member, draft, entry_of(db, draft, "Artículo 1."), body="Hola"
        )
        with pytest.raises(Forbidden):
            service.edit_comment(db, make_member(db), comment, "Ajeno")

    def test_hidden_with_a_reason_never_deleted(
        self, db: Session, draft: Draft, member: Member
    ) -> None:
        entry = entry_of(db, draft, "Artículo 1.")
        comment = service.add_comment(db, member, draft, entry, body="Insulto")
        with pytest.raises(InvalidInput):
            service.hide_comment(db, make_member(db, role="secretariat"), comment, " ")
        service.hide_comment(db, make_member(db, role="secretariat"), comment, "Lenguaje ofensivo")
        [view] = service.thread(db, draft, entry).items
        assert view.comment.hidden_reason == "Lenguaje ofensivo" and view.comment.body == "Insulto"


def test_threads_are_paginated_with_a_fixed_number_of_queries(
    db: Session, draft: Draft, member: Member
) -> None:
    from sqlalchemy import event

    entry = entry_of(db, draft, "Artículo 1.")
    for n in range(service.PAGE_SIZE + 5):
        parent = service.add_comment(db, member, draft, entry, body=f"Comentario {n}")
        service.add_comment(db, member, draft, entry, body="Respuesta", parent_id=parent.id)
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append("q")

    event.listen(db.get_bind(), "before_cursor_execute", count)
    try:
        first = service.thread(db, draft, entry, PageRequest(1, service.PAGE_SIZE))
        queries_first = len(statements)
        statements.clear()
        second = service.thread(db, draft, entry, PageRequest(2, service.PAGE_SIZE))
    finally:
        event.remove(db.get_bind(), "before_cursor_execute", count)
    assert (len(first.items), len(second.items), first.pages) == (service.PAGE_SIZE, 5, 2)
    assert queries_first == len(statements) <= 6


def test_control_characters_are_dropped_not_stored(
    db: Session, draft: Draft, member: Member
) -> None:
    """Found by the stateful test: a NUL in a comment made PostgreSQL fail with a 500."""
    entry = entry_of(db, draft, "Artículo 1.")
    comment = service.add_comment(db, member, draft, entry, body="Hola\x00 mundo\x07")
    db.commit()
    assert comment.body == "Hola mundo"
    with pytest.raises(InvalidInput):
        service.add_comment(db, member, draft, entry, body="\x00\x00")
