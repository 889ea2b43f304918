"""Who sees what in the record: the law is public, a member's account activity is not."""

import pyotp
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.members import signin
from app.members.models import Member
from tests.factories import csrf_token, make_draft, make_member, post_form, sign_in

ACCOUNT_ACTIONS = {"sign_in", "sign_out", "second_factor.enabled", "token.created"}


def account_activity(client: TestClient, db: Session, name: str) -> Member:
    """A member signs in, turns on the second factor, makes a token and signs out."""
    member = make_member(db, name=name)
    sign_in(client, member)
    secret = signin.start_second_factor(db, member, code="", address="testclient")
    signin.enable_second_factor(db, member, pyotp.TOTP(secret).now())
    db.commit()
    client.post(
        "/account/tokens", data={"csrf_token": csrf_token(client, "/account"), "name": "cargas-ana"}
    )
    post_form(client, "/sign-out")
    return member


def listed(client: TestClient, after: int = 0) -> list[dict[str, object]]:
    response = client.get(f"/api/v1/audit?after={after}")
    assert response.status_code == 200
    return list(response.json())


def test_anonymous_visitors_see_the_law_not_account_activity(
    client: TestClient, db: Session
) -> None:
    make_draft(db)
    account_activity(client, db, "Ana Quispe")
    events = listed(client)
    assert "draft.imported" in {e["action"] for e in events}
    assert not ACCOUNT_ACTIONS & {e["action"] for e in events}
    page = client.get("/registro").text
    assert "draft.imported" in page
    assert "cargas-ana" not in page and "sign_in</code>" not in page
    assert "second_factor" not in page
    # Verification still covers every event, listed or not.
    verified = client.get("/api/v1/audit/verify").json()
    assert verified["ok"] is True and verified["events"] > len(events)


def test_a_member_sees_their_own_account_activity_only(app: FastAPI, db: Session) -> None:
    with TestClient(app) as ana_browser, TestClient(app) as luis_browser:
        ana = account_activity(ana_browser, db, "Ana Quispe")
        luis = make_member(db, name="Luis Huamán")
        sign_in(luis_browser, luis)
        mine = listed(luis_browser)
        assert {"sign_in"} <= {e["action"] for e in mine}
        assert all(e["actor"] != "Ana Quispe" for e in mine if e["action"] in ACCOUNT_ACTIONS)
        page = luis_browser.get(f"/registro?actor={ana.id}").text
        assert "cargas-ana" not in page and "second_factor" not in page


def test_admins_see_all_account_activity(app: FastAPI, db: Session) -> None:
    with TestClient(app) as ana_browser, TestClient(app) as admin_browser:
        account_activity(ana_browser, db, "Ana Quispe")
        sign_in(admin_browser, make_member(db, role="admin"))
        actions = {e["action"] for e in listed(admin_browser)}
        assert actions >= ACCOUNT_ACTIONS
        assert "cargas-ana" in admin_browser.get("/registro").text


def test_paging_after_a_sequence_number_skips_hidden_events(
    client: TestClient, db: Session
) -> None:
    make_draft(db)
    account_activity(client, db, "Ana Quispe")
    make_draft(db, slug="otra-ley")
    events = listed(client)
    hidden_gap = [e for e in events if e["action"] == "draft.imported"]
    later = listed(client, after=int(hidden_gap[0]["seq"]))  # type: ignore[call-overload]
    assert [e["seq"] for e in later] == [
        e["seq"] for e in events if e["seq"] > hidden_gap[0]["seq"]
    ]  # type: ignore[operator]
    assert any(e["action"] == "draft.imported" for e in later)
