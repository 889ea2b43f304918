"""`mesa serve` with several worker processes, each with its own listening socket.

uvicorn's own `--workers` gives every worker one shared socket, and the worker that wakes first
accepts every connection waiting: fifty readers arriving together were split 32/18 between two
workers, once 47/3, and with keep-alive they stay where they landed, those on the busier worker
waiting twice as long. Here each worker binds its own socket on the same port (SO_REUSEPORT)
and Linux spreads new connections over them by a hash of their addresses, whatever worker is
awake first: of fifty, 25 to 33 on the busier. The price: connections still waiting in the
queue of a worker that crashes are dropped, where a shared queue would hand them to another.
"""

import logging
import multiprocessing
import signal
import socket
import sys
import threading
import time
from multiprocessing.process import BaseProcess
from multiprocessing.synchronize import Event as EventType
from types import FrameType
from typing import Any

import uvicorn

logger = logging.getLogger("uvicorn.error")

# How long workers are given to finish the requests under way when Mesa is stopped (seconds).
STOP_GRACE = 20

_spawn = multiprocessing.get_context("spawn")


def balancing_supported() -> bool:
    """Linux spreads connections over sockets sharing a port; other systems give them all to
    one socket, where uvicorn's shared socket is the better choice."""
    return sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def bound_socket(host: str, port: int, *, shared: bool = True) -> socket.socket:
    """A socket bound to host:port, not listening yet; `shared`, other workers may bind the
    port too (SO_REUSEPORT)."""
    family, kind, proto, _name, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if shared:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind(address)
    except OSError:
        sock.close()
        raise
    return sock


class _Worker(uvicorn.Server):
    """uvicorn in a worker process, which says when it has started serving."""

    def __init__(self, config: uvicorn.Config, started: EventType) -> None:
        super().__init__(config)
        self.serving = started

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started:
            self.serving.set()


def _run_worker(config: uvicorn.Config, started: EventType) -> None:
    """In the worker process: its own socket, then uvicorn until it is told to stop. uvicorn
    listens on it once the application has started: connections the kernel gives this
    worker meanwhile would wait for it, while the other workers are ready."""
    config.configure_logging()  # the process was spawned: logging is set up again
    _Worker(config, started).run(sockets=[bound_socket(config.host, config.port)])


class Workers:
    """Starts `count` workers, starts another when one ends, and stops them all on SIGINT or
    SIGTERM, each finishing the requests under way."""

    def __init__(self, config: uvicorn.Config, count: int) -> None:
        self.config = config
        self.count = count
        self.stopping = threading.Event()
        self.failed = False
        self.processes: list[tuple[BaseProcess, EventType]] = []

    def _start(self) -> tuple[BaseProcess, EventType]:
        started = _spawn.Event()
        process = _spawn.Process(target=_run_worker, args=(self.config, started), name="mesa-web")
        process.start()
        return process, started

    def _stop(self, _signal: int, _frame: FrameType | None) -> None:
        self.stopping.set()

    def run(self) -> int:
        # Not shared, to find the port taken by another program or by a Mesa still running,
        # which the workers' sockets would otherwise join: said once, not once per worker.
        config = self.config
        try:
            bound_socket(config.host, config.port, shared=False).close()
        except OSError as error:
            logger.error("Mesa cannot listen on %s:%s: %s", config.host, config.port, error)
            return 1
        for stop in (signal.SIGINT, signal.SIGTERM):
            signal.signal(stop, self._stop)
        self.processes = [self._start() for _ in range(self.count)]
        while not self.stopping.wait(0.5):
            self._replace_ended()
        for process, _started in self.processes:
            if process.is_alive():
                process.terminate()  # SIGTERM: uvicorn finishes what is under way
        deadline = time.monotonic() + STOP_GRACE
        for process, _started in self.processes:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join()
        return 1 if self.failed else 0

    def _replace_ended(self) -> None:
        for index, (process, started) in enumerate(self.processes):
            if process.is_alive():
                continue
            if not started.is_set():  # the setup is wrong (the database...): it would fail again
                logger.error(
                    "A Mesa worker could not start (exit code %s): stopping.", process.exitcode
                )
                self.failed = True
                self.stopping.set()
                return
            logger.warning(
                "Mesa worker %s ended (exit code %s): starting another.",
                process.pid,
                process.exitcode,
            )
            self.processes[index] = self._start()


def serve(options: dict[str, Any], workers: int) -> int:
    """Runs Mesa with uvicorn's `options` until it is stopped; the exit status."""
    if workers <= 1 or not balancing_supported():
        uvicorn.run(**options, workers=workers)
        return 0
    return Workers(uvicorn.Config(**options), workers).run()
