"""A real SMTP server (aiosmtpd) started by the test, and the worker's sessions on the test's
own transaction (what the requests committed there is what the worker sees)."""

import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import Session

from app.core.config import get_settings
from app.notifications import service, worker
from app.notifications.mail import SmtpTransport

service.install()


@dataclass
class Inbox:
    """What the SMTP server received, parsed as a mail client would."""

    messages: list[EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        return "250 Message accepted"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class SmtpServer:
    def __init__(self) -> None:
        self.inbox = Inbox()
        self.port = free_port()
        self.controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def sessions(db: Session) -> worker.Sessions:
    return lambda: Session(
        bind=db.connection(), join_transaction_mode="create_savepoint", expire_on_commit=False
    )


def text_part(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def html_part(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("html",))
    assert part is not None
    return str(part.get_content())


def deliver(sessions: worker.Sessions, smtp: SmtpServer, **kwargs: Any) -> worker.Delivery:
    return worker.deliver_due(
        sessions, SmtpTransport(smtp.url), mail_from=get_settings().mail_from, **kwargs
    )
