"""A member submits an amendment, the secretariat rejects it with a reason: the member receives
one mail naming the article and the reason, with both parts and a working unsubscribe link,
and the Novedades page shows it."""

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.members import service as members
from app.members.models import Member
from app.notifications.models import MailSettings
from tests.factories import make_draft, make_member, sign_in, uid_of
from tests.notifications.conftest import SmtpServer, deliver, html_part, text_part

REASON = "La propuesta excede el objeto de la Ley."


def bearer(db: Session, member: Member) -> dict[str, str]:
    _token, raw = members.create_api_token(db, member, "pruebas")
    db.commit()
    return {"Authorization": f"Bearer {raw}"}


def test_a_rejected_amendment_reaches_its_author_by_mail_and_in_news(
    client: TestClient, db: Session, smtp: SmtpServer, sessions
) -> None:
    draft = make_draft(db)
    uid = uid_of(db, draft, "Artículo 2.")
    author = make_member(db, name="Rosa Mamani", email="rosa@mesa.example")
    secretariat = make_member(db, role="secretariat", name="Lucía Quispe")
    submitted = client.post(
        f"/api/v1/drafts/{draft.slug}/amendments",
        json={
            "kind": "modify",
            "target": uid,
            "base_version": 1,
            "text": "2.1 Se aplica en todo el territorio nacional, incluida la frontera.",
            "rationale": "Precisar el ámbito.",
        },
        headers=bearer(db, author),
    )
    assert submitted.status_code == 201, submitted.text
    amendment_id = submitted.json()["id"]
    rejected = client.post(
        f"/api/v1/amendments/{amendment_id}/reject",
        json={"reason": REASON},
        headers=bearer(db, secretariat),
    )
    assert rejected.status_code == 200, rejected.text

    report = deliver(sessions, smtp)
    assert report.sent >= 1 and report.failed == 0
    mails = smtp.inbox.to("rosa@mesa.example")
    assert len(mails) == 1
    mail = mails[0]
    text = text_part(mail)
    assert "artículo 2" in text and REASON in text and "No acogida" in text
    assert f"/amendments/{amendment_id}" in text
    assert REASON in html_part(mail)
    assert "No acogida" in mail["Subject"]
    assert mail["Message-ID"].startswith("<") and mail["Auto-Submitted"] == "auto-generated"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mail["Content-Language"] == "es"
    # Nothing else was mailed to anyone for this: the secretariat is not told its own decision.
    assert [m["To"] for m in smtp.inbox.messages] == ["rosa@mesa.example"]
    # A second pass sends nothing again.
    assert deliver(sessions, smtp).sent == 0

    # The one-click unsubscribe, posted as a mail client does (RFC 8058): no cookie, no token.
    link = mail["List-Unsubscribe"].strip("<>")
    path = link.split("://", 1)[1].partition("/")[2]
    anonymous = TestClient(client.app)
    answer = anonymous.post("/" + path, data={"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 200
    assert (
        db.exec(select(MailSettings).where(MailSettings.member_id == author.id)).one().email
        == "off"
    )
    assert anonymous.post("/" + path[:-3] + "abc", data={}).status_code == 404

    sign_in(client, author)
    news = client.get("/me/notifications")
    assert news.status_code == 200
    assert REASON in news.text and "artículo 2" in news.text
    header = client.get("/").text
    assert "(1 sin leer)" in header
