"""What each kind of change tells whom: in their language, with a link, never to the person
who made the change."""

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.amendments import service as amendments
from app.amendments import support
from app.comments import service as comments
from app.consensus import positions, rounds
from app.core.models import utcnow
from app.drafts import editing, snapshots
from app.drafts.models import Draft
from app.intake import service as intake
from app.members.models import Member
from app.notifications import service, worker
from app.notifications.models import Follow, Notification, OutboxMessage
from tests.factories import (
    csrf_token,
    entry_of,
    make_draft,
    make_member,
    post_form,
    sign_in,
    uid_of,
)
from tests.notifications.conftest import SmtpServer, deliver, text_part


def notices(db: Session, member: Member, kind: str | None = None) -> list[Notification]:
    query = select(Notification).where(Notification.member_id == member.id)
    if kind:
        query = query.where(Notification.kind == kind)
    return list(db.exec(query.order_by(Notification.id)).all())


def revise(db: Session, actor: Member, draft: Draft, label: str) -> None:
    entry = entry_of(db, draft, label)
    editing.revise(
        db,
        actor,
        draft,
        uid=entry.uid,
        expected_version=entry.version,
        text=f"Nuevo texto de {label}",
        heading=None,
        reason="Consolidación.",
    )
    db.commit()


class TestHiddenComment:
    def test_its_author_hears_at_once_with_the_reason(
        self, db: Session, smtp: SmtpServer, sessions: worker.Sessions
    ) -> None:
        draft = make_draft(db)
        author = make_member(db, email="autor@mesa.example")
        moderator = make_member(db, role="secretariat")
        comment = comments.add_comment(
            db,
            author,
            draft,
            entry_of(db, draft, "Artículo 1."),
            body="Un comentario fuera de lugar.",
        )
        comments.hide_comment(db, moderator, comment, "Contiene datos personales de terceros.")
        db.commit()
        deliver(sessions, smtp)
        [mail] = smtp.inbox.to("autor@mesa.example")
        assert "Contiene datos personales de terceros." in text_part(mail)
        assert f"#comment-{comment.id}" in text_part(mail)
        assert notices(db, moderator) == []


class TestStalePosition:
    def test_the_member_is_asked_to_reconfirm_and_one_click_does(
        self, client: TestClient, db: Session
    ) -> None:
        draft = make_draft(db)
        voter = make_member(db)
        secretariat = make_member(db, role="secretariat")
        entry = entry_of(db, draft, "Artículo 4.")
        positions.record_position(
            db, voter, draft, entry, stance="support", reason=None, version=entry.version
        )
        db.commit()
        revise(db, secretariat, draft, "Artículo 4.")
        [stale] = notices(db, voter)
        assert stale.kind == service.Kind.POSITION_STALE
        assert "«A favor»" in stale.text and "versión 2" in stale.text
        assert stale.link.endswith(f"/provisions/{entry.uid}#position")
        sign_in(client, voter)
        confirmed = post_form(client, stale.link.split("#")[0] + "/position/confirm")
        assert confirmed.status_code == 303
        assert positions.my_position(db, voter, entry_of(db, draft, "Artículo 4.")).version == 2  # type: ignore[union-attr]


class TestRounds:
    def test_opening_tells_followers_and_the_reminder_reaches_voters_without_a_position(
        self, db: Session
    ) -> None:
        draft = make_draft(db)
        follower, voter, observer = (
            make_member(db),
            make_member(db),
            make_member(db, role="observer"),
        )
        secretariat = make_member(db, role="secretariat")
        first, second = entry_of(db, draft, "Artículo 1."), entry_of(db, draft, "Artículo 2.")
        service.follow(db, follower, f"provision:{first.uid}", readable=lambda _d: True)
        positions.record_position(
            db, voter, draft, first, stance="support", reason=None, version=first.version
        )
        db.commit()
        deadline = utcnow() + timedelta(days=3)
        round_ = rounds.open_round(
            db, secretariat, draft, "Ronda de agosto", deadline, [first.uid, second.uid]
        )
        db.commit()
        [opened] = notices(db, follower, service.Kind.ROUND_OPENED)
        assert "Ronda de agosto" in opened.text and "artículo 1" in opened.text
        assert opened.link == f"/drafts/{draft.slug}/rounds/{round_.id}"

        sessions = lambda: Session(  # noqa: E731
            bind=db.connection(), join_transaction_mode="create_savepoint", expire_on_commit=False
        )
        assert worker.remind_rounds(sessions) == 0  # three days before: not yet
        near = deadline - timedelta(hours=2)
        reminded = worker.remind_rounds(sessions, now=near)
        assert reminded >= 2
        [to_voter] = notices(db, voter, service.Kind.ROUND_REMINDER)
        assert "artículo 2" in to_voter.text and "artículo 1" not in to_voter.text
        assert notices(db, observer, service.Kind.ROUND_REMINDER) == []  # observers do not vote
        # Urgent: mailed at once, though the voter reads digests.
        assert db.exec(select(OutboxMessage).where(OutboxMessage.member_id == voter.id)).all()
        assert worker.remind_rounds(sessions, now=near) == 0  # once per round


class TestDraftFollowers:
    def test_a_snapshot_and_a_new_version_reach_who_follows_the_draft(self, db: Session) -> None:
        draft = make_draft(db)
        reader = make_member(db)
        secretariat = make_member(db, role="secretariat")
        service.follow(db, reader, f"draft:{draft.slug}", readable=lambda _d: True)
        snapshots.freeze_snapshot(db, secretariat, draft, "Borrador 2")
        revise(db, secretariat, draft, "Artículo 3.")
        kinds = [n.kind for n in notices(db, reader)]
        assert kinds == [service.Kind.SNAPSHOT, service.Kind.NEW_VERSION]
        assert "«Borrador 2»" in notices(db, reader)[0].text
        assert notices(db, secretariat) == []


class TestFollowing:
    def test_contributing_follows_and_one_click_stops_for_good(
        self, client: TestClient, db: Session
    ) -> None:
        draft = make_draft(db)
        member = make_member(db)
        other = make_member(db)
        entry = entry_of(db, draft, "Artículo 1.")
        comments.add_comment(db, member, draft, entry, body="Primera observación.")
        db.commit()
        object = f"provision:{entry.uid}"
        assert service.is_following(db, member, object)
        sign_in(client, member)
        page = client.get("/me/notifications")
        assert "Artículo 1. Objeto de la Ley" in page.text
        stopped = post_form(
            client, "/follows/stop", {"object": object, "next": "/me/notifications"}
        )
        assert stopped.status_code == 303
        assert not service.is_following(db, member, object)
        comments.add_comment(db, member, draft, entry, body="Segunda observación.")
        comments.add_comment(db, other, draft, entry, body="Otra persona comenta.")
        db.commit()
        assert not service.is_following(db, member, object)  # not followed again behind her back
        assert notices(db, member, service.Kind.COMMENT_NEW) == []

    def test_the_api_follows_and_stops(self, client: TestClient, db: Session) -> None:
        draft = make_draft(db)
        member = make_member(db)
        sign_in(client, member)
        headers = {"X-CSRF-Token": _csrf(client)}
        uid = uid_of(db, draft, "Artículo 2.")
        made = client.post("/api/v1/follows", json={"object": f"provision:{uid}"}, headers=headers)
        assert made.status_code == 201 and made.json()["following"] is True
        assert service.is_following(db, member, f"provision:{uid}")
        gone = client.delete(f"/api/v1/follows?object=provision:{uid}", headers=headers)
        assert gone.status_code == 204
        assert not service.is_following(db, member, f"provision:{uid}")
        missing = client.post("/api/v1/follows", json={"object": "provision:nada"}, headers=headers)
        assert missing.status_code == 404
        assert missing.json()["error"]["code"] == "not_found"
        bad = client.post("/api/v1/follows", json={"object": "member:1"}, headers=headers)
        assert bad.status_code == 422
        assert client.post(
            "/api/v1/follows", json={"object": "amendment:99999999999"}, headers=headers
        ).status_code in (404, 422)

    def test_a_private_draft_cannot_be_followed_by_a_stranger(
        self, client: TestClient, db: Session
    ) -> None:
        draft = make_draft(db)
        draft.is_public = False
        db.add(draft)
        db.commit()
        assert service.followers(db, [f"draft:{draft.slug}"]) == set()
        # Observers may read members-only drafts; the anonymous API may not follow at all.
        answer = client.post("/api/v1/follows", json={"object": f"draft:{draft.slug}"})
        assert answer.status_code in (401, 403)
        assert db.exec(select(Follow)).all() == []


def _csrf(client: TestClient) -> str:
    return csrf_token(client, "/me/notifications")


class TestSettingsAndFeed:
    def test_settings_are_validated_and_the_feed_is_paged(
        self, client: TestClient, db: Session
    ) -> None:
        draft = make_draft(db)
        member = make_member(db)
        secretariat = make_member(db, role="secretariat")
        service.follow(db, member, f"draft:{draft.slug}", readable=lambda _d: True)
        for label in ("Artículo 1.", "Artículo 2.", "Artículo 3."):
            revise(db, secretariat, draft, label)
        sign_in(client, member)
        headers = {"X-CSRF-Token": _csrf(client)}
        put = client.put(
            "/api/v1/me/notification-settings", json={"email": "weekly"}, headers=headers
        )
        assert put.status_code == 200 and put.json()["email"] == "weekly"
        wrong = client.put(
            "/api/v1/me/notification-settings", json={"email": "hourly"}, headers=headers
        )
        assert wrong.status_code == 422 and wrong.json()["error"]["code"] == "invalid_input"
        listed = client.get("/api/v1/me/notifications?per_page=2")
        assert listed.status_code == 200
        assert listed.headers["X-Total-Count"] == "3"
        assert 'rel="next"' in listed.headers["Link"]
        body = listed.json()
        assert [n["read"] for n in body] == [False, False]
        assert {"id", "kind", "object", "text", "created_at", "read"} <= set(body[0])
        assert client.get("/api/v1/me/notifications?page=3&per_page=2").json() == []
        # Opening one marks it read and leads to its page.
        opened = post_form(client, f"/me/notifications/{body[0]['id']}/open")
        assert opened.status_code == 303 and opened.headers["location"].startswith("/drafts/")
        assert "(2 sin leer)" in client.get("/me/notifications").text
        assert post_form(client, "/me/notifications/99999/open").status_code == 404
        refused = post_form(
            client,
            "/me/notification-settings",
            {"email": "nunca", "decisions": "immediate", "language": "es"},
        )
        assert refused.status_code == 422 and "Elija en el momento" in refused.text

    def test_signed_out_people_have_no_feed(self, client: TestClient) -> None:
        assert client.get("/api/v1/me/notifications").status_code == 401
        assert client.get("/me/notifications", follow_redirects=False).status_code == 303


class TestInvitations:
    def test_an_invitation_and_a_password_reset_go_by_mail(
        self, client: TestClient, db: Session, smtp: SmtpServer, sessions: worker.Sessions
    ) -> None:
        admin = make_member(db, role="admin")
        sign_in(client, admin)
        invited = post_form(
            client,
            "/members/invite",
            {"email": "nueva@mesa.example", "name": "Nueva Persona", "role": "member",
             "sector": "labour", "region": "Cusco"},
        )  # fmt: skip
        assert invited.status_code == 200, invited.text
        joined = make_member(db, email="olvido@mesa.example")
        assert post_form(client, f"/members/{joined.id}/reinvite").status_code == 200
        deliver(sessions, smtp)
        [invitation] = smtp.inbox.to("nueva@mesa.example")
        assert invitation["Subject"] == "Está invitado a Mesa"
        link = next(w for w in text_part(invitation).split() if "/invitations/" in w)
        path = "/" + link.split("://", 1)[1].partition("/")[2]
        assert client.get(path).status_code == 200  # the link works
        assert "List-Unsubscribe" not in invitation  # account mail, not a notice
        [reset] = smtp.inbox.to("olvido@mesa.example")
        assert reset["Subject"] == "Elija una nueva contraseña para Mesa"
        # The single-use link is not kept in the outbox once delivered.
        sent = db.exec(select(OutboxMessage).where(OutboxMessage.kind == "invitation")).one()
        db.refresh(sent)
        assert sent.body_text == "" and sent.sent_at is not None


def test_an_english_reader_is_told_in_english(db: Session) -> None:
    draft = make_draft(db)
    author = make_member(db)
    service.update_mail_settings(db, author, email="daily", language="en")
    other = make_member(db)
    entry = entry_of(db, draft, "Artículo 1.")
    parent = comments.add_comment(db, author, draft, entry, body="Una pregunta.")
    comments.add_comment(db, other, draft, entry, body="Una respuesta.", parent_id=parent.id)
    db.commit()
    [reply] = notices(db, author, service.Kind.REPLY)
    assert reply.text.endswith("replied to your comment on article 1.")


def test_the_article_page_follows_in_one_click(client: TestClient, db: Session) -> None:
    draft = make_draft(db)
    member = make_member(db)
    path = f"/drafts/{draft.slug}/provisions/{uid_of(db, draft, 'Artículo 1.')}"
    sign_in(client, member)
    assert ">Seguir</button>" in client.get(path).text
    followed = post_form(
        client,
        "/follows",
        {"object": f"provision:{uid_of(db, draft, 'Artículo 1.')}", "next": path},
    )
    assert followed.status_code == 303 and followed.headers["location"] == path
    assert "Dejar de seguir" in client.get(path).text
    contents = client.get(f"/drafts/{draft.slug}").text
    assert ">Seguir</button>" in contents  # the draft itself is not followed yet


class TestAdhesionsProposalsAndAnswers:
    """Those who co-sign an amendment hear its decision as its author does; the author hears
    each adhesion and the secretariat's proposal; a commenter hears what became of the comment."""

    def test_from_the_first_adhesion_to_the_decision(self, db: Session) -> None:
        draft = make_draft(db)
        author = make_member(db, organization="Federación de Mineros")
        supporter = make_member(db, organization="Defensoría del Pueblo", sector="ombudsman")
        secretariat = make_member(db, role="secretariat")
        entry = entry_of(db, draft, "Artículo 1.")
        amendment = amendments.submit_amendment(
            db, author, draft, kind="modify", target_uid=entry.uid, base_version=1,
            text="La presente Ley tiene por objeto ordenar la formalización.", rationale="Claridad",
        )  # fmt: skip
        support.adhere(db, supporter, amendment)
        db.commit()
        [adhered] = notices(db, author, service.Kind.SUPPORTED)
        assert supporter.name in adhered.text and "se adhirió" in adhered.text
        support.publish_proposal(
            db, secretariat, amendment, proposal="reject", note="Ya lo recoge el artículo 3."
        )
        db.commit()
        for member in (author, supporter):
            [proposed] = notices(db, member, service.Kind.PROPOSAL)
            assert "Ya lo recoge el artículo 3." in proposed.text
        amendments.reject(db, secretariat, amendment, "Ya lo recoge el artículo 3.")
        db.commit()
        [decided] = notices(db, supporter, service.Kind.DECISION)
        assert "Ya lo recoge el artículo 3." in decided.text

    def test_a_commenter_hears_what_became_of_the_comment(self, db: Session) -> None:
        draft = make_draft(db)
        author = make_member(db)
        secretariat = make_member(db, role="secretariat")
        comment = comments.add_comment(
            db, author, draft, entry_of(db, draft, "Artículo 2."), body="Incluir la pesca."
        )
        comments.dispose_comment(
            db, secretariat, comment, disposition="out_of_scope", reason="No es materia de la Ley."
        )
        db.commit()
        [answered] = notices(db, author, service.Kind.ANSWERED)
        assert "Fuera del ámbito de la Ley" in answered.text
        assert "No es materia de la Ley." in answered.text


def test_a_contribution_received_outside_mesa_is_told_as_its_senders(db: Session) -> None:
    draft = make_draft(db)
    entry = entry_of(db, draft, "Artículo 1.")
    reader = make_member(db)
    service.follow(db, reader, f"provision:{entry.uid}", readable=lambda _draft: True)
    secretariat = make_member(db, role="secretariat", name="Rosa de la Secretaría")
    receipt = intake.record_receipt(db, secretariat, draft, intake.Received(
        "email", "Eulogia Quispe", intake.today_in_peru(), reserved=True,
    ))  # fmt: skip
    comments.add_comment(db, secretariat, draft, entry, body="Plazo mayor.", receipt=receipt)
    db.commit()
    [told] = notices(db, reader, service.Kind.COMMENT_NEW)
    assert told.text.startswith("Reservado") and "Rosa" not in told.text
