"""Two Mesa processes on one PostgreSQL database behind Debian's nginx with the repository's own
deploy/nginx.conf: what one writes the other shows on the next read, a session opened through one
works on the other, writes spread over both leave the audit record one chain, and nginx keeps
anonymous pages briefly but never members'. Runs on PostgreSQL only (CI)."""

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2
import pytest
from sqlalchemy import create_engine, text
from sqlmodel import Session

from app.core import migrate
from app.core.config import ROOT
from app.core.db import create_db_engine, normalize_url
from app.members import service as members
from app.members.permissions import Role
from tests.conftest import POSTGRES_URL
from tests.factories import _CSRF_INPUT, PASSWORD, make_draft, make_member, uid_of

pytestmark = pytest.mark.skipif(
    not POSTGRES_URL or shutil.which("nginx") is None,
    reason="needs MESA_TEST_DATABASE_URL (PostgreSQL) and nginx",
)

NGINX_MAIN = """
worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/error.log;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {root}/body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;
    include {root}/mesa.conf;
}}
"""


def shipped_nginx_conf(a: int, b: int, port: int, root: Path) -> str:
    """The repository's own deploy/nginx.conf, with only its ports and folders moved here."""
    shipped = (ROOT / "deploy" / "nginx.conf").read_text()
    return (
        shipped.replace("listen 80;", f"listen 127.0.0.1:{port};")
        .replace("server 127.0.0.1:8000;", f"server 127.0.0.1:{a}; server 127.0.0.1:{b};")
        .replace("/var/cache/nginx/mesa", str(root / "cache"))
        .replace("/srv/mesa/static/", f"{ROOT / 'static'}/")
    )


def own_database(url: str) -> str:
    """A database of this module's own beside the test database, which other tests are using."""
    name = url.rsplit("/", 1)[1] + "_processes"
    admin = create_engine(normalize_url(url), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.rsplit("/", 1)[0] + "/" + name


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(url: str) -> None:
    for _ in range(150):
        try:
            if httpx2.get(url, timeout=1).status_code == 200:
                return
        except httpx2.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer")


@pytest.fixture(scope="module")
def deployment() -> Iterator[dict[str, object]]:
    assert POSTGRES_URL
    url = own_database(POSTGRES_URL)
    migrate.upgrade(url)
    engine = create_db_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        draft = make_draft(session)
        uid = uid_of(session, draft, "Artículo 1.")
        secretary = make_member(session, role=Role.SECRETARIAT)
        _token, raw = members.create_api_token(session, secretary, "procesos")
        session.commit()
    engine.dispose()
    # Its own folder, readable by nginx's workers (another user when nginx starts as root).
    root = Path(tempfile.mkdtemp(prefix="mesa-nginx-"))
    root.chmod(0o755)
    a, b, port = free_port(), free_port(), free_port()
    env = {**os.environ, "MESA_DATABASE_URL": url}
    servers = [
        subprocess.Popen(  # noqa: S603 (our own command line)
            [sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory", "--port", str(p)],
            env=env,
        )
        for p in (a, b)
    ]
    (root / "mesa.conf").write_text(shipped_nginx_conf(a, b, port, root))
    (root / "nginx.conf").write_text(NGINX_MAIN.format(root=root))
    nginx = subprocess.Popen(  # noqa: S603
        [
            str(shutil.which("nginx")),
            "-p",
            str(root),
            "-c",
            str(root / "nginx.conf"),
            "-g",
            "daemon off;",
        ]
    )
    try:
        for p in (a, b, port):
            wait_for(f"http://127.0.0.1:{p}/healthz")
        yield {
            "a": f"http://127.0.0.1:{a}",
            "b": f"http://127.0.0.1:{b}",
            "nginx": f"http://127.0.0.1:{port}",
            "article": f"/drafts/{draft.slug}/provisions/{uid}",
            "api": f"/api/v1/drafts/{draft.slug}/provisions/{uid}",
            "token": {"Authorization": f"Bearer {raw}"},
            "secretary": secretary,
        }
    finally:
        for process in (nginx, *servers):
            process.terminate()
            process.wait(timeout=20)


def revise(base: str, deployment: dict[str, object], text: str) -> None:
    headers = deployment["token"]
    assert isinstance(headers, dict)
    current = httpx2.get(f"{base}{deployment['api']}", headers=headers).json()
    response = httpx2.post(
        f"{base}{deployment['api']}/revise",
        json={"expected_version": current["version"], "text": text, "reason": "Procesos"},
        headers=headers,
    )
    assert response.status_code == 200, response.text


class TestTwoProcesses:
    def test_a_write_through_one_is_read_through_the_other(
        self, deployment: dict[str, object]
    ) -> None:
        a, b = str(deployment["a"]), str(deployment["b"])
        before = httpx2.get(f"{b}{deployment['article']}")
        assert before.status_code == 200 and "ETag" in before.headers
        revise(a, deployment, "El texto escrito por el primer proceso.")
        after = httpx2.get(
            f"{b}{deployment['article']}", headers={"If-None-Match": before.headers["ETag"]}
        )
        assert after.status_code == 200
        assert "El texto escrito por el primer proceso." in after.text
        assert httpx2.get(f"{b}{deployment['api']}").json()["text"] == (
            "El texto escrito por el primer proceso."
        )
        same = httpx2.get(
            f"{b}{deployment['article']}", headers={"If-None-Match": after.headers["ETag"]}
        )
        assert same.status_code == 304

    def test_a_session_opened_through_one_works_on_the_other(
        self, deployment: dict[str, object]
    ) -> None:
        secretary = deployment["secretary"]
        with httpx2.Client(base_url=str(deployment["a"])) as first:
            page = first.get("/sign-in").text
            match = _CSRF_INPUT.search(page)
            assert match
            signed_in = first.post(
                "/sign-in",
                data={"csrf_token": match.group(1), "email": secretary.email, "password": PASSWORD},  # type: ignore[attr-defined]
            )
            assert signed_in.status_code == 303
            cookies = first.cookies
        with httpx2.Client(base_url=str(deployment["b"]), cookies=cookies) as second:
            account = second.get("/account")
            assert account.status_code == 200
            assert secretary.name in account.text  # type: ignore[attr-defined]

    def test_writes_spread_over_both_and_nginx_keep_one_audit_chain(
        self, deployment: dict[str, object]
    ) -> None:
        bases = [str(deployment[name]) for name in ("a", "b", "nginx")]
        headers = deployment["token"]
        assert isinstance(headers, dict)

        def comment(n: int) -> int:
            response = httpx2.post(
                f"{bases[n % 3]}{deployment['api']}/comments",
                json={"body": f"Comentario {n} por otro proceso."},
                headers=headers,
            )
            return response.status_code

        with ThreadPoolExecutor(6) as pool:
            assert set(pool.map(comment, range(18))) == {201}
        for base in bases:
            verified = httpx2.get(f"{base}/api/v1/audit/verify", headers=headers).json()
            assert verified["ok"] is True


class TestBehindTheShippedNginx:
    def test_anonymous_pages_are_kept_briefly_and_members_always_reach_mesa(
        self, deployment: dict[str, object]
    ) -> None:
        proxy = str(deployment["nginx"])
        page = f"{proxy}{deployment['article']}"
        first, second = httpx2.get(page), httpx2.get(page)
        assert second.status_code == 200 and second.text == first.text
        assert second.headers["x-cache"] == "HIT"
        headers = deployment["token"]
        assert isinstance(headers, dict)
        for _ in range(2):
            assert httpx2.get(page, headers=headers).headers["x-cache"] != "HIT"
        # After the micro-cache's two seconds, a change made meanwhile is read. nginx counts
        # them in whole seconds of its clock: a page kept at 10.0 s is still fresh at 12.9 s
        # (this waited 2.5 s once, and failed on CI).
        revise(str(deployment["a"]), deployment, "El texto leído a través de nginx.")
        time.sleep(3.2)
        assert "El texto leído a través de nginx." in httpx2.get(page).text

    def test_static_files_are_served_by_nginx_and_kept_when_named_by_content(
        self, deployment: dict[str, object]
    ) -> None:
        proxy = str(deployment["nginx"])
        page = httpx2.get(f"{proxy}{deployment['article']}").text
        match = re.search(r'href="(/static/css/mesa\.css\?v=[0-9a-f]{12})"', page)
        assert match
        named = httpx2.get(f"{proxy}{match.group(1)}")
        assert named.status_code == 200 and "max-age=315360000" in named.headers["cache-control"]
