"""`mesa serve --workers 2` as it is run (app/serving.py): each worker listens on its own socket
of the port, so that connections opened together are spread over both; a worker that ends is
replaced; the port taken is said at once; stopping Mesa stops every worker."""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx2
import pytest

from app.core import migrate
from tests.core.test_processes import free_port, wait_for

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="SO_REUSEPORT")

CONNECTIONS = 40


def command(port: int) -> list[str]:
    return [sys.executable, "-m", "app.cli", "serve", "--workers", "2", "--port", str(port)]


def environment(tmp_path: Path) -> dict[str, str]:
    url = f"sqlite:///{tmp_path / 'mesa.db'}"
    migrate.upgrade(url)
    return {**os.environ, "MESA_DATABASE_URL": url, "MESA_MAIL_DIR": str(tmp_path / "mail")}


@pytest.fixture
def mesa(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], int, dict[str, str]]]:
    port = free_port()
    env = environment(tmp_path)
    process = subprocess.Popen(command(port), env=env, start_new_session=True)  # noqa: S603
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz")
        yield process, port, env
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def sockets_of(pid: int) -> set[int]:
    """The inodes of the sockets a process holds open."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:  # closed meanwhile
            continue
        if target.startswith("socket:["):
            inodes.add(int(target[len("socket:[") : -1]))
    return inodes


def tcp_sockets(port: int, state: str) -> set[int]:
    """Inodes of the TCP sockets on local `port` in `state` (0A listening, 01 established)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == state:
                found.add(int(fields[9]))
    return found


def workers_of(parent: int, port: int) -> dict[int, int]:
    """Each worker's pid, with the inode of the socket it listens on."""
    listening = tcp_sockets(port, "0A")
    workers = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdecimal():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            held = sockets_of(int(entry.name)) & listening
        except OSError:  # ended meanwhile
            continue
        if ppid == parent and held:
            workers[int(entry.name)] = held.pop()
    return workers


def until(condition: Callable[[], bool], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError("not within the time allowed")


def test_each_worker_listens_on_its_own_socket_and_connections_are_spread_over_both(
    mesa: tuple[subprocess.Popen[bytes], int, dict[str, str]],
) -> None:
    process, port, env = mesa
    until(lambda: len(workers_of(process.pid, port)) == 2)
    workers = workers_of(process.pid, port)
    assert len(set(workers.values())) == 2  # uvicorn's own --workers share one socket

    # Forty readers arriving together, their connections kept open.
    clients = [socket.create_connection(("127.0.0.1", port)) for _ in range(CONNECTIONS)]
    try:
        for client in clients:
            client.sendall(b"GET /healthz HTTP/1.1\r\nHost: mesa\r\n\r\n")
        for client in clients:
            assert client.recv(4096).startswith(b"HTTP/1.1 200")
        established = tcp_sockets(port, "01")
        held = [len(sockets_of(pid) & established) for pid in workers]
        assert sum(held) == CONNECTIONS
        # Spread by the kernel's hash: one worker with fewer than 8 of 40 is a one-in-a-
        # hundred-thousand draw. With one shared socket the first worker awake took 47 of 50.
        assert min(held) >= 8, held
    finally:
        for client in clients:
            client.close()

    # A second Mesa on the same port is refused, rather than quietly sharing it.
    second = subprocess.run(command(port), env=env, capture_output=True, timeout=60)  # noqa: S603
    assert second.returncode == 1
    assert b"cannot listen" in second.stderr


def test_a_worker_that_ends_is_replaced_and_stopping_mesa_stops_them_all(
    mesa: tuple[subprocess.Popen[bytes], int, dict[str, str]],
) -> None:
    process, port, _env = mesa
    until(lambda: len(workers_of(process.pid, port)) == 2)
    time.sleep(0.5)  # each listens at the end of its start-up: let both say they have started
    ended, kept = list(workers_of(process.pid, port))
    os.kill(ended, signal.SIGKILL)
    # The other worker answers meanwhile; then a new one takes the place of the one that ended.
    assert httpx2.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200
    until(lambda: sorted(workers_of(process.pid, port)) != sorted([ended, kept]))
    until(lambda: len(workers_of(process.pid, port)) == 2)
    workers = list(workers_of(process.pid, port))
    assert kept in workers

    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=40) == 0
    for pid in workers:
        assert (
            not Path(f"/proc/{pid}").exists()
            or "Z" in (Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0])
        )
    with socket.socket() as probe:  # the port is free again
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(("127.0.0.1", port))


def test_a_port_taken_by_another_program_is_said_at_once(tmp_path: Path) -> None:
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        started = time.monotonic()
        refused = subprocess.run(  # noqa: S603
            command(port), env=environment(tmp_path), capture_output=True, timeout=60
        )
    assert refused.returncode == 1
    assert b"cannot listen" in refused.stderr
    assert time.monotonic() - started < 30  # no worker was started, none restarted
