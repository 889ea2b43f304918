"""Signing in and out, lockout, sessions, CSRF, second factor, invitations and API tokens."""

import re
import time
from datetime import timedelta

import argon2
import pyotp
import pytest
import segno
from fastapi.testclient import TestClient
from sqlmodel import Session, col, func, select

from app.audit.models import AuditEvent
from app.core import security
from app.core.models import utcnow
from app.members import service, signin
from app.members.models import Invitation, Member, SignInFailure
from tests.conftest import TEST_HASHER
from tests.factories import PASSWORD, csrf_token, make_member, post_form, sign_in


def actions(db: Session) -> list[str]:
    return list(db.exec(select(AuditEvent.action).order_by(col(AuditEvent.seq))).all())


class TestSignIn:
    def test_a_stored_password_is_hashed_with_production_argon2_parameters(
        self, client: TestClient, db: Session
    ) -> None:
        """The other tests hash with cheap parameters (tests/conftest.py); Mesa itself must not."""
        security.configure_hasher(security.PRODUCTION_HASHER)
        try:
            member = make_member(db)
        finally:
            security.configure_hasher(TEST_HASHER)
        assert member.password_hash is not None
        stored = argon2.extract_parameters(member.password_hash)
        assert stored == argon2.profiles.RFC_9106_LOW_MEMORY  # argon2id, 64 MiB, 3 passes
        assert sign_in(client, member).status_code == 303

    def test_right_password_signs_in_and_is_recorded(self, client: TestClient, db: Session) -> None:
        member = make_member(db, name="Juana Mamani")
        response = sign_in(client, member)
        cookie = response.headers["set-cookie"]
        assert (
            "mesa_session=" in cookie and "HttpOnly" in cookie and "samesite=lax" in cookie.lower()
        )
        assert "Juana Mamani" in client.get("/account").text
        assert actions(db)[-1] == "sign_in"

    def test_wrong_password_and_unknown_email_get_the_same_message(
        self, client: TestClient, db: Session
    ) -> None:
        member = make_member(db)
        wrong_password = post_form(
            client, "/sign-in", {"email": member.email, "password": "x" * 12}
        )
        unknown = post_form(
            client, "/sign-in", {"email": "nadie@mesa.example", "password": "x" * 12}
        )
        assert wrong_password.status_code == unknown.status_code == 401
        message = "El correo electrónico o la contraseña no son correctos."
        assert message in wrong_password.text and message in unknown.text
        assert "mesa_session" not in client.cookies
        assert actions(db)[-2:] == ["sign_in.failed", "sign_in.failed"]

    def test_repeated_failures_slow_down_then_lock_the_account(
        self, client: TestClient, db: Session
    ) -> None:
        member = make_member(db)
        for _ in range(signin.SLOW_AFTER):
            post_form(client, "/sign-in", {"email": member.email, "password": "equivocada!"})
        slowed = post_form(client, "/sign-in", {"email": member.email, "password": PASSWORD})
        assert slowed.status_code == 429
        assert "Inténtelo de nuevo en" in slowed.text

        # Failures from this address spread over minutes (each after its wait) reach the lock.
        earlier = utcnow() - timedelta(minutes=5)
        for _ in range(signin.LOCK_AFTER - signin.SLOW_AFTER):
            db.add(SignInFailure(email=member.email, address="testclient", at=earlier))
        db.commit()
        locked = post_form(client, "/sign-in", {"email": member.email, "password": PASSWORD})
        assert locked.status_code == 429
        assert "El inicio de sesión está bloqueado" in locked.text

    def test_failures_from_other_addresses_never_lock_the_member_out(
        self, client: TestClient, db: Session
    ) -> None:
        """Strangers guessing from many addresses cannot keep the member out of their account."""
        member = make_member(db)
        recent = utcnow() - timedelta(seconds=1)
        for n in range(signin.LOCK_AFTER * 4):
            db.add(SignInFailure(email=member.email, address=f"198.51.100.{n}", at=recent))
        db.commit()
        sign_in(client, member)  # from an address that has not failed: it is let in
        assert client.get("/account").status_code == 200

    def test_many_failures_on_an_account_slow_every_address_that_failed(
        self, client: TestClient, db: Session
    ) -> None:
        member = make_member(db)
        recent = utcnow() - timedelta(seconds=1)
        for n in range(signin.ACCOUNT_SLOW_AFTER):
            db.add(SignInFailure(email=member.email, address=f"198.51.100.{n}", at=recent))
        db.add(SignInFailure(email=member.email, address="testclient", at=recent))
        db.commit()
        slowed = post_form(client, "/sign-in", {"email": member.email, "password": PASSWORD})
        assert slowed.status_code == 429
        assert "Inténtelo de nuevo en" in slowed.text

    def test_a_throttled_unknown_email_gets_the_same_answer(
        self, client: TestClient, db: Session
    ) -> None:
        member = make_member(db)
        answers = []
        for email in (member.email, "nadie@mesa.example"):
            for _ in range(signin.LOCK_AFTER + 1):
                last = post_form(client, "/sign-in", {"email": email, "password": "equivocada!"})
            # The seconds left may differ by one: the words may not.
            answers.append((last.status_code, re.sub(r"\d+", "N", last.text.replace(email, "E"))))
        assert answers[0] == answers[1]
        assert answers[0][0] == 429

    def test_the_lock_ends_after_the_window(self, client: TestClient, db: Session) -> None:
        member = make_member(db)
        long_ago = utcnow() - signin.FAILURE_WINDOW - timedelta(minutes=1)
        for _ in range(signin.LOCK_AFTER):
            db.add(SignInFailure(email=member.email, address="testclient", at=long_ago))
        db.commit()
        sign_in(client, member)

    def test_one_address_guessing_many_accounts_is_locked(
        self, client: TestClient, db: Session
    ) -> None:
        member = make_member(db)
        recent = utcnow() - timedelta(minutes=10)
        for n in range(signin.ADDRESS_LIMIT):
            db.add(SignInFailure(email=f"otro{n}@mesa.example", address="testclient", at=recent))
        db.commit()
        response = post_form(client, "/sign-in", {"email": member.email, "password": PASSWORD})
        assert response.status_code == 429

    def test_next_is_followed_only_within_mesa(self, client: TestClient, db: Session) -> None:
        member = make_member(db)
        data = {"email": member.email, "password": PASSWORD, "next": "https://evil.example/"}
        assert post_form(client, "/sign-in", data).headers["location"] == "/"


class TestSessions:
    def test_sign_out_ends_the_session(self, client: TestClient, db: Session) -> None:
        member = make_member(db)
        sign_in(client, member)
        session_cookie = client.cookies["mesa_session"]
        response = client.post(
            "/sign-out", data={"csrf_token": csrf_token(client, "/account")}, follow_redirects=False
        )
        assert response.status_code == 303
        client.cookies.set("mesa_session", session_cookie)  # a copy of the old cookie is useless
        assert client.get("/account", follow_redirects=False).status_code == 303
        assert actions(db)[-1] == "sign_out"

    def test_sign_out_everywhere_ends_every_session(self, app: object, db: Session) -> None:
        member = make_member(db)
        with TestClient(app) as phone, TestClient(app) as desktop:  # type: ignore[arg-type]
            sign_in(phone, member)
            sign_in(desktop, member)
            response = desktop.post(
                "/account/sign-out-everywhere",
                data={"csrf_token": csrf_token(desktop, "/account")},
                follow_redirects=False,
            )
            assert response.status_code == 303
            assert phone.get("/account", follow_redirects=False).status_code == 303

    def test_one_session_is_signed_out_from_another_by_its_name(
        self, app: object, db: Session
    ) -> None:
        member = make_member(db)
        android = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126.0 Mobile Safari"
        with (
            TestClient(app, headers={"User-Agent": android}) as phone,  # type: ignore[arg-type]
            TestClient(app) as desktop,  # type: ignore[arg-type]
        ):
            sign_in(phone, member)
            sign_in(desktop, member)
            page = desktop.get("/account").text
            assert "Chrome en Android" in page
            [phone_session] = [
                s for s in signin.list_sessions(db, member) if "Android" in s.user_agent
            ]
            response = desktop.post(
                f"/account/sessions/{phone_session.id}/sign-out",
                data={"csrf_token": csrf_token(desktop, "/account")},
                follow_redirects=False,
            )
            assert response.status_code == 303
            assert phone.get("/account", follow_redirects=False).status_code == 303
            assert desktop.get("/account", follow_redirects=False).status_code == 200
            assert actions(db)[-1] == "sign_out.session"

    def test_nobody_signs_out_someone_elses_session(self, app: object, db: Session) -> None:
        owner, other = make_member(db), make_member(db)
        with TestClient(app) as theirs, TestClient(app) as mine:  # type: ignore[arg-type]
            sign_in(theirs, owner)
            sign_in(mine, other)
            [their_session] = signin.list_sessions(db, owner)
            response = mine.post(
                f"/account/sessions/{their_session.id}/sign-out",
                data={"csrf_token": csrf_token(mine, "/account")},
            )
            assert response.status_code == 404
            assert theirs.get("/account", follow_redirects=False).status_code == 200

    def test_deactivation_ends_sessions_and_tokens(
        self, client: TestClient, app: object, db: Session
    ) -> None:
        admin = make_member(db, role="admin")
        member = make_member(db)
        _token, raw = service.create_api_token(db, member, "script")
        db.commit()
        with TestClient(app) as theirs:  # type: ignore[arg-type]
            sign_in(theirs, member)
            sign_in(client, admin)
            response = client.post(
                f"/members/{member.id}/deactivate",
                data={"csrf_token": csrf_token(client, "/members")},
                follow_redirects=False,
            )
            assert response.status_code == 303
            assert theirs.get("/account", follow_redirects=False).status_code == 303
        response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "not_authenticated"


class TestCsrf:
    def test_a_form_without_the_token_is_refused_and_changes_nothing(
        self, client: TestClient, db: Session
    ) -> None:
        member = make_member(db)
        sign_in(client, member)
        response = client.post("/sign-out", follow_redirects=False)
        assert response.status_code == 403
        assert "no proviene de Mesa" in response.text
        assert client.get("/account").status_code == 200  # still signed in

    def test_a_forged_token_is_refused(self, client: TestClient, db: Session) -> None:
        member = make_member(db)
        sign_in(client, member)
        response = client.post("/account/tokens", data={"csrf_token": "0" * 64, "name": "x"})
        assert response.status_code == 403
        assert service.list_api_tokens(db, member) == []

    def test_a_token_from_another_browser_is_refused(self, app: object, db: Session) -> None:
        member = make_member(db)
        with TestClient(app) as attacker, TestClient(app) as victim:  # type: ignore[arg-type]
            stolen_token = csrf_token(attacker)
            sign_in(victim, member)
            response = victim.post(
                "/account/tokens", data={"csrf_token": stolen_token, "name": "x"}
            )
            assert response.status_code == 403

    def test_another_visitors_cookie_and_token_do_not_work_with_a_session(
        self, app: object, db: Session
    ) -> None:
        """An attacker plants their own CSRF cookie in the victim's browser and uses its token."""
        member = make_member(db)
        with TestClient(app) as attacker, TestClient(app) as victim:  # type: ignore[arg-type]
            planted_token = csrf_token(attacker)
            planted_cookie = attacker.cookies["mesa_csrf"]
            sign_in(victim, member)
            victim.cookies.delete("mesa_csrf")
            victim.cookies.set("mesa_csrf", planted_cookie)
            response = victim.post(
                "/account/tokens", data={"csrf_token": planted_token, "name": "x"}
            )
            assert response.status_code == 403
        assert service.list_api_tokens(db, member) == []

    def test_signing_in_changes_the_token(self, client: TestClient, db: Session) -> None:
        before = csrf_token(client)
        sign_in(client, make_member(db))
        assert csrf_token(client, "/account") != before
        response = client.post("/account/tokens", data={"csrf_token": before, "name": "x"})
        assert response.status_code == 403

    def test_the_header_works_for_a_signed_in_browser(
        self, client: TestClient, db: Session
    ) -> None:
        member = make_member(db)
        sign_in(client, member)
        token = csrf_token(client, "/account")
        response = client.post(
            "/account/tokens", data={"name": "x"}, headers={"X-CSRF-Token": token}
        )
        assert response.status_code == 200
        assert len(service.list_api_tokens(db, member)) == 1


class TestSecondFactor:
    def enable(self, client: TestClient, db: Session, member: Member) -> list[str]:
        page = client.post(
            "/account/second-factor/start", data={"csrf_token": csrf_token(client, "/account")}
        )
        secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', page.text)
        assert secret
        code = pyotp.TOTP(secret.group(1)).now()
        page = client.post(
            "/account/second-factor/enable",
            data={"csrf_token": csrf_token(client, "/account"), "code": code},
        )
        assert page.status_code == 200
        return re.findall(r"<li><code>([0-9a-f-]+)</code></li>", page.text)

    def code(self, member: Member, steps_ahead: int = 1) -> str:
        """A valid code not yet used: the one that turned the factor on was `now()`."""
        assert member.totp_secret
        return pyotp.TOTP(member.totp_secret).at(time.time() + 30 * steps_ahead)

    def test_the_set_up_shows_the_key_as_a_qr_code_drawn_by_mesa(
        self, client: TestClient, db: Session
    ) -> None:
        member = make_member(db)
        sign_in(client, member)
        page = client.post(
            "/account/second-factor/start", data={"csrf_token": csrf_token(client, "/account")}
        ).text
        secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', page)
        assert secret
        figure = re.search(r'<figure class="qr"[^>]*>(<svg.*?</svg>)</figure>', page, re.S)
        assert figure, "an inline SVG beside the key"
        # The QR code carries the otpauth link with this very key, and loads nothing.
        uri = security.totp_uri(secret.group(1), member.email)
        assert figure.group(1) == segno.make(uri, error="m").svg_inline(
            scale=4, border=2, dark="#1d1b19", light="#ffffff"
        )
        assert "http" not in figure.group(1).replace("http://www.w3.org/2000/svg", "")

    def test_sign_in_asks_for_the_code_once_it_is_on(
        self, client: TestClient, app: object, db: Session
    ) -> None:
        member = make_member(db)
        sign_in(client, member)
        recovery = self.enable(client, db, member)
        assert len(recovery) == 10
        db.refresh(member)
        with TestClient(app) as other:  # type: ignore[arg-type]
            response = sign_in(other, member)
            assert response.headers["location"].startswith("/sign-in/code")
            assert other.get("/account", follow_redirects=False).status_code == 303  # not yet in
            wrong = other.post(
                "/sign-in/code", data={"csrf_token": csrf_token(other), "code": "000000"}
            )
            assert wrong.status_code == 401
            good = other.post(
                "/sign-in/code",
                data={"csrf_token": csrf_token(other), "code": self.code(member)},
                follow_redirects=False,
            )
            assert good.status_code == 303
            assert other.get("/account").status_code == 200

    def test_a_recovery_code_works_once(self, client: TestClient, app: object, db: Session) -> None:
        member = make_member(db)
        sign_in(client, member)
        recovery = self.enable(client, db, member)
        for attempt, expected in ((1, 303), (2, 401)):
            with TestClient(app) as other:  # type: ignore[arg-type]
                sign_in(other, member)
                response = other.post(
                    "/sign-in/code",
                    data={"csrf_token": csrf_token(other), "code": recovery[0]},
                    follow_redirects=False,
                )
                assert response.status_code == expected, attempt

    def test_guessing_codes_is_throttled(
        self, client: TestClient, app: object, db: Session
    ) -> None:
        member = make_member(db)
        sign_in(client, member)
        self.enable(client, db, member)
        db.refresh(member)
        with TestClient(app) as other:  # type: ignore[arg-type]
            sign_in(other, member)
            token = csrf_token(other)
            for guess in range(40):
                other.post("/sign-in/code", data={"csrf_token": token, "code": f"{guess:06d}"})
            right = other.post(
                "/sign-in/code",
                data={"csrf_token": token, "code": self.code(member)},
                follow_redirects=False,
            )
            assert right.status_code == 429
            assert "Demasiados intentos fallidos" in right.text
            assert other.get("/account", follow_redirects=False).status_code == 303

    def test_a_code_cannot_be_used_twice(
        self, client: TestClient, app: object, db: Session
    ) -> None:
        member = make_member(db)
        sign_in(client, member)
        self.enable(client, db, member)
        db.refresh(member)
        code = self.code(member)
        for expected in (303, 401):
            with TestClient(app) as other:  # type: ignore[arg-type]
                sign_in(other, member)
                response = other.post(
                    "/sign-in/code",
                    data={"csrf_token": csrf_token(other), "code": code},
                    follow_redirects=False,
                )
                assert response.status_code == expected

    def test_an_api_token_cannot_touch_the_second_factor(
        self, client: TestClient, db: Session
    ) -> None:
        member = make_member(db)
        sign_in(client, member)
        self.enable(client, db, member)
        _token, raw = service.create_api_token(db, member, "script")
        db.commit()
        db.refresh(member)
        bearer = {"Authorization": f"Bearer {raw}"}
        with TestClient(client.app) as script:
            for action in ("disable", "start", "recovery-codes"):
                response = script.post(
                    f"/account/second-factor/{action}",
                    data={"code": self.code(member)},
                    headers=bearer,
                    follow_redirects=False,
                )
                assert response.status_code == 403, action
        db.refresh(member)
        assert member.totp_enabled

    def test_turning_it_off_needs_the_current_code(self, client: TestClient, db: Session) -> None:
        member = make_member(db)
        sign_in(client, member)
        recovery = self.enable(client, db, member)
        db.refresh(member)
        for code in ("", "123456"):
            refused = client.post(
                "/account/second-factor/disable",
                data={"csrf_token": csrf_token(client, "/account"), "code": code},
                follow_redirects=False,
            )
            assert refused.status_code == 422
            assert 'role="alert"' in refused.text
        db.refresh(member)
        assert member.totp_enabled
        done = client.post(
            "/account/second-factor/disable",
            data={"csrf_token": csrf_token(client, "/account"), "code": recovery[0]},
            follow_redirects=False,
        )
        assert done.status_code == 303
        db.refresh(member)
        assert not member.totp_enabled

    def test_new_recovery_codes_need_the_current_code(
        self, client: TestClient, db: Session
    ) -> None:
        member = make_member(db)
        sign_in(client, member)
        old = self.enable(client, db, member)
        db.refresh(member)
        refused = client.post(
            "/account/second-factor/recovery-codes",
            data={"csrf_token": csrf_token(client, "/account"), "code": "000000"},
        )
        assert refused.status_code == 422
        page = client.post(
            "/account/second-factor/recovery-codes",
            data={"csrf_token": csrf_token(client, "/account"), "code": self.code(member)},
        )
        assert page.status_code == 200
        new = re.findall(r"<li><code>([0-9a-f-]+)</code></li>", page.text)
        assert len(new) == 10 and not set(new) & set(old)
        with TestClient(client.app) as other:
            sign_in(other, member)
            response = other.post(
                "/sign-in/code",
                data={"csrf_token": csrf_token(other), "code": old[0]},
                follow_redirects=False,
            )
            assert response.status_code == 401  # the old codes no longer work

    def test_setting_it_up_again_needs_the_current_code(
        self, client: TestClient, db: Session
    ) -> None:
        member = make_member(db)
        sign_in(client, member)
        self.enable(client, db, member)
        db.refresh(member)
        first_secret = member.totp_secret
        refused = client.post(
            "/account/second-factor/start",
            data={"csrf_token": csrf_token(client, "/account"), "code": "000000"},
        )
        assert refused.status_code == 422
        page = client.post(
            "/account/second-factor/start",
            data={"csrf_token": csrf_token(client, "/account"), "code": self.code(member)},
        )
        assert page.status_code == 200
        secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', page.text)
        assert secret and secret.group(1) != first_secret


class TestInvitations:
    def invite(self, client: TestClient, db: Session) -> str:
        admin = make_member(db, role="admin")
        sign_in(client, admin)
        page = client.post(
            "/members/invite",
            data={
                "csrf_token": csrf_token(client, "/members"),
                "email": "Nueva@Mesa.example",
                "name": "Nueva Integrante",
                "role": "member",
                "sector": "labour",
                "region": "Cusco",
            },
        )
        assert page.status_code == 200, page.text
        link = re.search(
            r'<code class="secret">http://testserver(/invitations/[^<]+)</code>', page.text
        )
        assert link
        post_form(client, "/sign-out")
        return link.group(1)

    def test_the_invitee_sets_a_password_and_signs_in(
        self, client: TestClient, db: Session
    ) -> None:
        link = self.invite(client, db)
        assert "Nueva Integrante" in client.get(link).text
        token = csrf_token(client, link)
        response = client.post(
            link,
            data={"csrf_token": token, "password": PASSWORD, "password_again": PASSWORD},
            follow_redirects=False,
        )
        assert response.status_code == 303
        member = service.get_member_by_email(db, "nueva@mesa.example")
        sign_in(client, member)

    def reinvite(self, client: TestClient, db: Session) -> str:
        admin = make_member(db, role="admin")
        sign_in(client, admin)
        invitee = service.get_member_by_email(db, "nueva@mesa.example")
        page = client.post(
            f"/members/{invitee.id}/reinvite", data={"csrf_token": csrf_token(client, "/members")}
        )
        link = re.search(
            r'<code class="secret">http://testserver(/invitations/[^<]+)</code>', page.text
        )
        assert link
        post_form(client, "/sign-out")
        return link.group(1)

    def accept(self, client: TestClient, link: str) -> int:
        data = {
            "csrf_token": csrf_token(client),
            "password": PASSWORD,
            "password_again": PASSWORD,
        }
        return client.post(link, data=data, follow_redirects=False).status_code

    def test_only_the_newest_link_works(self, client: TestClient, db: Session) -> None:
        first = self.invite(client, db)
        newest = self.reinvite(client, db)
        assert client.get(first).status_code == 410
        assert self.accept(client, first) == 410
        assert self.accept(client, newest) == 303

    def test_a_new_password_from_a_link_ends_every_session(
        self, client: TestClient, app: object, db: Session
    ) -> None:
        first = self.invite(client, db)
        assert self.accept(client, first) == 303
        member = service.get_member_by_email(db, "nueva@mesa.example")
        with TestClient(app) as theirs:  # type: ignore[arg-type]
            sign_in(theirs, member)
            reset = self.reinvite(client, db)
            assert self.accept(client, reset) == 303
            assert theirs.get("/account", follow_redirects=False).status_code == 303

    def test_a_used_link_gets_a_clear_page(self, client: TestClient, db: Session) -> None:
        link = self.invite(client, db)
        data = {
            "csrf_token": csrf_token(client, link),
            "password": PASSWORD,
            "password_again": PASSWORD,
        }
        client.post(link, data=data)
        again = client.get(link)
        assert again.status_code == 410
        assert "Este enlace de invitación no es válido o ya fue utilizado." in again.text

    def test_an_expired_link_gets_a_clear_page(self, client: TestClient, db: Session) -> None:
        link = self.invite(client, db)
        for invitation in db.exec(select(Invitation)).all():
            invitation.expires_at = utcnow() - timedelta(minutes=1)
            db.add(invitation)
        db.commit()
        response = client.get(link)
        assert response.status_code == 410
        assert "Este enlace de invitación ha vencido. Solicite uno nuevo." in response.text

    def test_short_password_is_a_form_error(self, client: TestClient, db: Session) -> None:
        link = self.invite(client, db)
        data = {
            "csrf_token": csrf_token(client, link),
            "password": "corta",
            "password_again": "corta",
        }
        response = client.post(link, data=data)
        assert response.status_code == 422
        assert 'role="alert"' in response.text


class TestApiTokens:
    def test_create_use_and_revoke(self, client: TestClient, db: Session) -> None:
        member = make_member(db, name="Script Runner")
        sign_in(client, member)
        page = client.post(
            "/account/tokens", data={"csrf_token": csrf_token(client, "/account"), "name": "cargas"}
        )
        raw = re.search(r'<code class="secret">(mesa_[^<]+)</code>', page.text)
        assert raw
        headers = {"Authorization": f"Bearer {raw.group(1)}"}
        assert client.get("/api/v1/me", headers=headers).json()["name"] == "Script Runner"
        [token] = service.list_api_tokens(db, member)
        assert token.token_hash != raw.group(1)  # only the hash is stored
        client.post(
            f"/account/tokens/{token.id}/revoke",
            data={"csrf_token": csrf_token(client, "/account")},
        )
        assert client.get("/api/v1/me", headers=headers).status_code == 401

    def test_nobody_revokes_anothers_token(self, client: TestClient, db: Session) -> None:
        owner = make_member(db)
        token, _raw = service.create_api_token(db, owner, "mío")
        db.commit()
        sign_in(client, make_member(db))
        response = client.post(
            f"/account/tokens/{token.id}/revoke",
            data={"csrf_token": csrf_token(client, "/account")},
        )
        assert response.status_code == 404
        assert service.list_api_tokens(db, owner) != []

    def test_oversized_name_is_a_form_error(self, client: TestClient, db: Session) -> None:
        sign_in(client, make_member(db))
        response = client.post(
            "/account/tokens",
            data={"csrf_token": csrf_token(client, "/account"), "name": "x" * 500},
        )
        assert response.status_code == 422
        assert 'role="alert"' in response.text


def test_failed_sign_ins_never_name_the_account_in_the_record(
    client: TestClient, db: Session
) -> None:
    member = make_member(db)
    post_form(client, "/sign-in", {"email": member.email, "password": "incorrecta!"})
    event = db.exec(select(AuditEvent).order_by(col(AuditEvent.seq).desc())).first()
    assert event is not None and event.action == "sign_in.failed"
    assert event.object == "" and member.email not in str(event.details)
    assert db.exec(select(func.count()).select_from(SignInFailure)).one() == 1


@pytest.mark.parametrize(
    "secret", ["", "corta", "development-only-secret-do-not-use-in-production"]
)
def test_production_refuses_a_weak_secret(secret: str) -> None:
    from pydantic import ValidationError

    from app.core.config import Settings

    with pytest.raises(ValidationError, match="MESA_SECRET_KEY"):
        Settings(env="production", secret_key=secret)


def test_production_requires_a_second_factor_for_admins(engine: object, db: Session) -> None:
    from app.core.config import Settings
    from app.core.db import get_session
    from app.main import create_app

    settings = Settings(env="production", secret_key="s" * 40, database_url="sqlite://")
    app = create_app(settings, engine=engine)  # type: ignore[arg-type]

    def test_session() -> object:
        try:
            yield db
        finally:
            db.rollback()

    app.dependency_overrides[get_session] = test_session
    admin = make_member(db, role="admin")
    with TestClient(app, base_url="https://testserver") as client:
        response = sign_in(client, admin)
        assert "secure" in response.headers["set-cookie"].lower()
        refused = client.get("/members", follow_redirects=False)
        assert refused.status_code == 403
        assert "Active la verificación en dos pasos" in refused.text
        assert "Su rol requiere verificación en dos pasos" in client.get("/account").text
        assert client.get("/").headers["strict-transport-security"].startswith("max-age=")

        TestSecondFactor().enable(client, db, admin)
        assert client.get("/members").status_code == 200
