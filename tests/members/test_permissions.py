"""The permission matrix: every route, every role. A new route must be declared here."""

import re

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.members.permissions import PERMISSIONS, Permission, Role, can
from tests.factories import csrf_token, make_draft, make_member, sign_in

ANONYMOUS = "anonymous"
WHO = [ANONYMOUS, *(role.value for role in Role)]
# Routes that need no permission beyond being signed in, or none at all.
SIGNED_IN = "signed in"
PUBLIC = "public"
ROUTES: dict[tuple[str, str], str] = {
    ("GET", "/healthz"): PUBLIC,
    ("GET", "/api/docs"): PUBLIC,
    ("GET", "/language/{language}"): PUBLIC,
    ("GET", "/"): PUBLIC,
    ("GET", "/api/v1/drafts"): PUBLIC,
    ("GET", "/api/v1/search"): PUBLIC,  # finds only what the reader may read
    ("GET", "/search"): PUBLIC,
    ("GET", "/api/v1/drafts/{slug}"): PUBLIC,
    ("GET", "/api/v1/drafts/{slug}/provisions/{uid}"): PUBLIC,
    ("GET", "/drafts/{slug}"): PUBLIC,
    ("GET", "/drafts/{slug}/provisions/{uid}"): PUBLIC,
    ("GET", "/sign-in"): PUBLIC,
    ("POST", "/sign-in"): PUBLIC,
    ("GET", "/sign-in/code"): PUBLIC,
    ("POST", "/sign-in/code"): PUBLIC,
    ("GET", "/invitations/{token}"): PUBLIC,
    ("POST", "/invitations/{token}"): PUBLIC,
    ("GET", "/api/v1/audit"): PUBLIC,
    ("GET", "/api/v1/audit/verify"): PUBLIC,
    ("GET", "/registro"): PUBLIC,
    ("GET", "/api/v1/drafts/{slug}/provisions/{uid}/versions"): PUBLIC,
    ("GET", "/api/v1/drafts/{slug}/provisions/{uid}/diff"): PUBLIC,
    ("GET", "/api/v1/drafts/{slug}/snapshots"): PUBLIC,
    ("GET", "/api/v1/drafts/{slug}/compare"): PUBLIC,
    ("GET", "/drafts/{slug}/provisions/{uid}/history"): PUBLIC,
    ("GET", "/drafts/{slug}/provisions/{uid}/diff"): PUBLIC,
    ("GET", "/drafts/{slug}/snapshots"): PUBLIC,
    ("GET", "/drafts/{slug}/snapshots/{snapshot_id}"): PUBLIC,
    ("GET", "/drafts/{slug}/snapshots/{snapshot_id}/provisions/{uid}"): PUBLIC,
    ("GET", "/drafts/{slug}/compare"): PUBLIC,
    ("POST", "/api/v1/drafts/{slug}/provisions/{uid}/revise"): Permission.EDIT,
    ("PUT", "/api/v1/drafts/{slug}/provisions/{uid}/modifies"): Permission.EDIT,
    ("POST", "/api/v1/drafts/{slug}/provisions"): Permission.EDIT,
    ("DELETE", "/api/v1/drafts/{slug}/provisions/{uid}"): Permission.EDIT,
    ("POST", "/api/v1/drafts/{slug}/provisions/{uid}/move"): Permission.EDIT,
    ("GET", "/drafts/{slug}/provisions/{uid}/edit"): Permission.EDIT,
    ("POST", "/drafts/{slug}/provisions/{uid}/edit"): Permission.EDIT,
    ("POST", "/drafts/{slug}/provisions/{uid}/insert"): Permission.EDIT,
    ("POST", "/drafts/{slug}/provisions/{uid}/delete"): Permission.EDIT,
    ("POST", "/drafts/{slug}/provisions/{uid}/move"): Permission.EDIT,
    ("POST", "/api/v1/drafts/{slug}/snapshots"): Permission.SNAPSHOT,
    ("POST", "/drafts/{slug}/snapshots"): Permission.SNAPSHOT,
    ("GET", "/api/v1/drafts/{slug}/provisions/{uid}/comments"): PUBLIC,
    ("GET", "/api/v1/drafts/{slug}/amendments"): PUBLIC,
    ("GET", "/api/v1/amendments/{amendment_id}"): PUBLIC,
    ("GET", "/amendments/{amendment_id}"): PUBLIC,
    ("GET", "/drafts/{slug}/amendments"): PUBLIC,
    ("POST", "/api/v1/drafts/{slug}/provisions/{uid}/comments"): Permission.COMMENT,
    ("POST", "/drafts/{slug}/provisions/{uid}/comments"): Permission.COMMENT,
    ("POST", "/comments/{comment_id}/edit"): Permission.COMMENT,
    ("POST", "/comments/{comment_id}/hide"): Permission.MODERATE,
    ("PUT", "/api/v1/comments/{comment_id}/disposition"): Permission.MERGE,
    ("POST", "/comments/{comment_id}/disposition"): Permission.MERGE,
    ("POST", "/drafts/{slug}/provisions/{uid}/received"): Permission.RECEIVE,
    ("GET", "/api/v1/drafts/{slug}/workshops"): PUBLIC,
    ("POST", "/api/v1/drafts/{slug}/workshops"): Permission.RECEIVE,
    ("GET", "/drafts/{slug}/workshops"): PUBLIC,
    ("POST", "/drafts/{slug}/workshops"): Permission.RECEIVE,
    ("POST", "/drafts/{slug}/provisions/{uid}/workshop-stance"): Permission.RECEIVE,
    ("GET", "/drafts/{slug}/packet"): PUBLIC,
    ("GET", "/drafts/{slug}/coverage"): PUBLIC,
    ("POST", "/drafts/{slug}/coverage"): Permission.RUN_ROUNDS,
    ("GET", "/api/v1/drafts/{slug}/provisions/{uid}/summary"): PUBLIC,
    ("PUT", "/api/v1/drafts/{slug}/provisions/{uid}/summary"): Permission.EDIT,
    ("POST", "/drafts/{slug}/provisions/{uid}/summary"): Permission.EDIT,
    ("POST", "/api/v1/drafts/{slug}/amendments"): Permission.AMEND,
    ("GET", "/drafts/{slug}/provisions/{uid}/amend"): Permission.AMEND,
    ("POST", "/drafts/{slug}/provisions/{uid}/amend"): Permission.AMEND,
    ("POST", "/api/v1/amendments/{amendment_id}/withdraw"): Permission.AMEND,
    ("POST", "/amendments/{amendment_id}/withdraw"): Permission.AMEND,
    ("POST", "/api/v1/amendments/{amendment_id}/accept"): Permission.MERGE,
    ("POST", "/api/v1/amendments/{amendment_id}/reject"): Permission.MERGE,
    ("POST", "/amendments/{amendment_id}/accept"): Permission.MERGE,
    ("POST", "/amendments/{amendment_id}/reject"): Permission.MERGE,
    ("GET", "/drafts/{slug}/queue"): Permission.MERGE,
    ("POST", "/drafts/{slug}/queue/support-rule"): Permission.MERGE,
    ("GET", "/api/v1/drafts/{slug}/support-rule"): PUBLIC,
    ("PUT", "/api/v1/drafts/{slug}/support-rule"): Permission.MERGE,
    ("POST", "/api/v1/amendments/{amendment_id}/support"): Permission.AMEND,
    ("DELETE", "/api/v1/amendments/{amendment_id}/support"): Permission.AMEND,
    ("POST", "/amendments/{amendment_id}/support"): Permission.AMEND,
    ("POST", "/amendments/{amendment_id}/support/withdraw"): Permission.AMEND,
    ("PUT", "/api/v1/amendments/{amendment_id}/proposal"): Permission.MERGE,
    ("POST", "/amendments/{amendment_id}/proposal"): Permission.MERGE,
    ("POST", "/drafts/{slug}/phase"): Permission.MERGE,
    ("POST", "/drafts/{slug}/numbering"): Permission.EDIT,
    ("POST", "/api/v1/imports"): Permission.EDIT,
    ("GET", "/imports/new"): Permission.EDIT,
    ("POST", "/imports/preview"): Permission.EDIT,
    ("POST", "/imports"): Permission.EDIT,
    ("GET", "/me/contributions"): SIGNED_IN,
    ("GET", "/api/v1/drafts/{slug}/export"): Permission.EXPORT,
    ("GET", "/drafts/{slug}/export"): Permission.EXPORT,
    ("GET", "/drafts/{slug}/motives"): PUBLIC,
    ("POST", "/drafts/{slug}/motives"): Permission.EDIT,
    ("GET", "/api/v1/drafts/{slug}/consensus"): PUBLIC,
    ("GET", "/drafts/{slug}/consensus"): PUBLIC,
    ("GET", "/drafts/{slug}/consensus.svg"): PUBLIC,
    ("GET", "/drafts/{slug}/consensus.csv"): PUBLIC,
    ("GET", "/drafts/{slug}/participation"): PUBLIC,
    ("GET", "/drafts/{slug}/rounds/{round_id}"): PUBLIC,
    ("PUT", "/api/v1/drafts/{slug}/provisions/{uid}/position"): Permission.TAKE_POSITION,
    ("POST", "/drafts/{slug}/provisions/{uid}/position"): Permission.TAKE_POSITION,
    ("POST", "/drafts/{slug}/provisions/{uid}/position/confirm"): Permission.TAKE_POSITION,
    ("POST", "/drafts/{slug}/consensus/rule"): Permission.RUN_ROUNDS,
    ("POST", "/drafts/{slug}/rounds"): Permission.RUN_ROUNDS,
    ("POST", "/drafts/{slug}/rounds/{round_id}/close"): Permission.RUN_ROUNDS,
    ("POST", "/api/v1/drafts/{slug}/sessions"): Permission.RUN_SESSIONS,
    ("GET", "/api/v1/drafts/{slug}/sessions"): PUBLIC,
    ("GET", "/api/v1/sessions/{meeting_id}"): PUBLIC,
    ("GET", "/api/v1/sessions/{meeting_id}/minutes"): PUBLIC,
    ("POST", "/api/v1/sessions/{meeting_id}/status"): Permission.RUN_SESSIONS,
    ("PUT", "/api/v1/sessions/{meeting_id}/agenda"): Permission.RUN_SESSIONS,
    ("POST", "/api/v1/sessions/{meeting_id}/agenda/from-queue"): Permission.RUN_SESSIONS,
    ("PUT", "/api/v1/sessions/{meeting_id}/attendance"): Permission.RUN_SESSIONS,
    ("POST", "/api/v1/sessions/{meeting_id}/decisions"): Permission.RUN_SESSIONS,
    ("POST", "/api/v1/sessions/{meeting_id}/positions"): Permission.RUN_SESSIONS,
    ("PUT", "/api/v1/sessions/{meeting_id}/minutes"): Permission.RUN_SESSIONS,
    ("POST", "/api/v1/sessions/{meeting_id}/snapshot"): Permission.RUN_SESSIONS,
    ("GET", "/drafts/{slug}/sessions"): PUBLIC,
    ("POST", "/drafts/{slug}/sessions"): Permission.RUN_SESSIONS,
    ("GET", "/sessions/{meeting_id}"): PUBLIC,
    ("POST", "/sessions/{meeting_id}/status"): Permission.RUN_SESSIONS,
    ("POST", "/sessions/{meeting_id}/agenda"): Permission.RUN_SESSIONS,
    ("POST", "/sessions/{meeting_id}/agenda/from-queue"): Permission.RUN_SESSIONS,
    ("POST", "/sessions/{meeting_id}/attendance"): Permission.RUN_SESSIONS,
    ("POST", "/sessions/{meeting_id}/decisions"): Permission.RUN_SESSIONS,
    ("POST", "/sessions/{meeting_id}/positions"): Permission.RUN_SESSIONS,
    ("POST", "/sessions/{meeting_id}/minutes"): Permission.RUN_SESSIONS,
    ("POST", "/sessions/{meeting_id}/snapshot"): Permission.RUN_SESSIONS,
    ("GET", "/api/v1/members"): Permission.LIST_MEMBERS,
    ("GET", "/api/v1/me"): SIGNED_IN,
    ("POST", "/sign-out"): SIGNED_IN,
    ("GET", "/account"): SIGNED_IN,
    ("POST", "/account/sign-out-everywhere"): SIGNED_IN,
    ("POST", "/account/sessions/{session_id}/sign-out"): SIGNED_IN,
    ("POST", "/account/tokens"): SIGNED_IN,
    ("POST", "/account/tokens/{token_id}/revoke"): SIGNED_IN,
    ("POST", "/account/second-factor/start"): SIGNED_IN,
    ("POST", "/account/second-factor/enable"): SIGNED_IN,
    ("POST", "/account/second-factor/disable"): SIGNED_IN,
    ("POST", "/account/second-factor/recovery-codes"): SIGNED_IN,
    ("GET", "/members"): Permission.MANAGE_MEMBERS,
    ("POST", "/members/invite"): Permission.MANAGE_MEMBERS,
    ("POST", "/members/{member_id}/reinvite"): Permission.MANAGE_MEMBERS,
    ("POST", "/members/{member_id}/role"): Permission.MANAGE_MEMBERS,
    ("POST", "/members/{member_id}/deactivate"): Permission.MANAGE_MEMBERS,
    ("POST", "/members/{member_id}/activate"): Permission.MANAGE_MEMBERS,
    ("POST", "/api/v1/follows"): SIGNED_IN,
    ("DELETE", "/api/v1/follows"): SIGNED_IN,
    ("GET", "/api/v1/me/notifications"): SIGNED_IN,
    ("POST", "/api/v1/me/notifications/read"): SIGNED_IN,
    ("GET", "/api/v1/me/notification-settings"): SIGNED_IN,
    ("PUT", "/api/v1/me/notification-settings"): SIGNED_IN,
    ("GET", "/me/notifications"): SIGNED_IN,
    ("POST", "/me/notifications/read"): SIGNED_IN,
    ("POST", "/me/notifications/{notification_id}/open"): SIGNED_IN,
    ("POST", "/me/notification-settings"): SIGNED_IN,
    ("POST", "/follows"): SIGNED_IN,
    ("POST", "/follows/stop"): SIGNED_IN,
    ("GET", "/unsubscribe/{member_id}/{token}"): PUBLIC,
    ("POST", "/unsubscribe/{member_id}/{token}"): PUBLIC,
    ("GET", "/admin/mail"): Permission.MANAGE_MEMBERS,
    ("POST", "/admin/mail/{message_id}/retry"): Permission.MANAGE_MEMBERS,
}


def app_routes(app: FastAPI) -> set[tuple[str, str]]:
    """Every (method, path) the app answers, including those of included routers (which this
    FastAPI version keeps nested rather than copying into app.routes)."""
    found = set()
    for route in app.routes:
        contexts = getattr(route, "effective_route_contexts", None)
        for each in contexts() if contexts else [route]:
            if isinstance(each, APIRoute) or hasattr(each, "original_route"):
                found |= {(method, each.path) for method in each.methods}
    return found


def test_every_route_is_in_the_matrix(app: FastAPI) -> None:
    assert app_routes(app) == set(ROUTES), "declare new routes (and their permission) in ROUTES"


def test_the_table_grows_with_the_role() -> None:
    assert PERMISSIONS[Role.OBSERVER] < PERMISSIONS[Role.MEMBER] < PERMISSIONS[Role.SECRETARIAT]
    assert PERMISSIONS[Role.SECRETARIAT] < PERMISSIONS[Role.ADMIN]
    assert not can(None, Permission.READ)
    assert can(Role.MEMBER, Permission.AMEND) and not can(Role.OBSERVER, Permission.AMEND)
    assert can(Role.SECRETARIAT, Permission.MERGE) and not can(Role.MEMBER, Permission.MERGE)
    assert can(Role.ADMIN, Permission.MANAGE_MEMBERS)
    assert not can(Role.SECRETARIAT, Permission.MANAGE_MEMBERS)


def allowed(requirement: str, who: str) -> bool:
    if requirement == PUBLIC:
        return True
    if who == ANONYMOUS:
        return False
    return requirement == SIGNED_IN or can(who, Permission(requirement))


def concrete(path: str, values: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), "1"), path)


@pytest.mark.parametrize("who", WHO)
def test_each_role_reaches_exactly_what_the_table_allows(
    app: FastAPI, db: Session, who: str
) -> None:
    make_draft(db)
    values = {"slug": "ley-de-prueba", "uid": "x", "token": "x", "language": "es"}
    target = make_member(db, email="objetivo@mesa.example")
    values["member_id"] = str(target.id)
    with TestClient(app) as client:
        if who != ANONYMOUS:
            sign_in(client, make_member(db, role=who))
        for (method, path), requirement in sorted(ROUTES.items()):
            if path in (
                "/sign-out",
                "/account/sign-out-everywhere",
                "/account/sessions/{session_id}/sign-out",
            ):
                continue  # they end the session the rest of the walk needs; tested elsewhere
            url = concrete(path, values)
            headers = {"X-CSRF-Token": csrf_token(client)} if method != "GET" else {}
            response = client.request(method, url, headers=headers, follow_redirects=False)
            error = response.headers.get("x-mesa-error")
            assert error != "csrf_invalid", f"{who} {method} {path}: refused before any rule ran"
            refused = error in ("not_authenticated", "forbidden")
            assert refused != allowed(requirement, who), (
                f"{who} {method} {path}: {response.status_code}"
            )
