"""A day of activity in what a member follows becomes one digest, grouped by draft and article,
sent when the day has passed and not again."""

from datetime import timedelta

from sqlmodel import Session, select

from app.amendments import service as amendments
from app.comments import service as comments
from app.core.models import utcnow
from app.drafts import editing
from app.drafts import service as drafts
from app.members.models import Member
from app.notifications import service, worker
from app.notifications.models import Notification
from tests.factories import entry_of, make_draft, make_member, uid_of
from tests.notifications.conftest import SmtpServer, deliver, html_part, text_part


def a_day_of_activity(db: Session) -> tuple[Member, Member]:
    """`follower` follows article 2 and commented on article 3; `weekly` follows article 2
    with a weekly digest."""
    draft = make_draft(db)
    follower = make_member(db, name="Ana Huamán", email="ana@mesa.example")
    weekly = make_member(db, name="Pedro Ríos", email="pedro@mesa.example")
    author = make_member(db, name="Rosa Mamani")
    secretariat = make_member(db, role="secretariat", name="Lucía Quispe")
    second, third = uid_of(db, draft, "Artículo 2."), uid_of(db, draft, "Artículo 3.")
    readable = lambda _draft: True  # noqa: E731
    service.follow(db, follower, f"provision:{second}", readable=readable)
    service.follow(db, weekly, f"provision:{second}", readable=readable)
    service.update_mail_settings(db, weekly, email="weekly")
    own = comments.add_comment(
        db, follower, draft, entry_of(db, draft, "Artículo 3."), body="¿Quién es minero artesanal?"
    )
    db.commit()
    for n in range(3):
        amendments.submit_amendment(
            db,
            author,
            draft,
            kind="modify",
            target_uid=second,
            rationale=f"Propuesta {n}.",
            base_version=1,
            text=f"2.1 Se aplica en todo el territorio nacional ({n}).",
        )
    comments.add_comment(
        db,
        author,
        draft,
        entry_of(db, draft, "Artículo 3."),
        body="Quien trabaja en forma personal.",
        parent_id=own.id,
    )
    for uid in (second, third):
        entry = drafts.load_outline(db, draft).get(uid)
        editing.revise(
            db,
            secretariat,
            draft,
            uid=uid,
            expected_version=entry.version,
            text=f"Texto revisado de {entry.label.text}",
            heading=None,
            reason="Consolidación de la sesión.",
        )
        db.commit()
    db.commit()
    return follower, weekly


def test_a_day_of_activity_is_one_digest_grouped_by_draft_and_article(
    db: Session, smtp: SmtpServer, sessions: worker.Sessions
) -> None:
    follower, _weekly = a_day_of_activity(db)
    # Not before the day has passed.
    assert worker.run_digests(sessions) == 0
    tomorrow = utcnow() + timedelta(days=1, minutes=1)
    worker.run_digests(sessions, now=tomorrow)
    deliver(sessions, smtp, now=tomorrow)
    mails = smtp.inbox.to("ana@mesa.example")
    assert len(mails) == 1
    digest = mails[0]
    assert digest["Subject"] == "Mesa: 6 novedades en lo que sigue"
    text = text_part(digest)
    assert (
        "3 enmiendas nuevas en artículos que sigue; 2 artículos cambiaron; 1 comentario nuevo."
        in text
    )
    # Grouped: the draft once, each article once, in its group what happened there.
    assert text.count("Ley de prueba") == 1
    assert text.count("Artículo 2. Ámbito") == 1 and text.count("Artículo 3. Definiciones") == 1
    second = text.index("Artículo 2. Ámbito")
    third = text.index("Artículo 3. Definiciones")
    proposals = [i for i in range(len(text)) if text.startswith("propuso la enmienda", i)]
    assert len(proposals) == 3 and all(second < at < third for at in proposals)
    assert "Rosa Mamani respondió a su comentario sobre el artículo 3" in text
    assert "el artículo 2 tiene un nuevo texto (versión 2)".lower() in text.lower()
    assert "<h3>Artículo 2. Ámbito</h3>" in html_part(digest)
    assert digest["List-Unsubscribe"]
    # Sent once: a later run finds nothing new for her.
    assert worker.run_digests(sessions, now=tomorrow + timedelta(days=2)) == 0
    pending = db.exec(
        select(Notification).where(
            Notification.member_id == follower.id,
            Notification.mailed_at == None,  # noqa: E711
        )
    ).all()
    assert pending == []
    # The weekly reader hears nothing after a day, everything after a week.
    assert smtp.inbox.to("pedro@mesa.example") == []
    next_week = utcnow() + timedelta(days=7, minutes=1)
    worker.run_digests(sessions, now=next_week)
    deliver(sessions, smtp, now=next_week)
    weekly_mail = smtp.inbox.to("pedro@mesa.example")
    assert len(weekly_mail) == 1
    assert "3 enmiendas nuevas en artículos que sigue; 1 artículo cambió." in text_part(
        weekly_mail[0]
    )
