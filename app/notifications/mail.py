"""Mail: what a message says (a Letter), its plain-text and HTML parts, the MIME message built
with the standard library, and the transports that deliver it (SMTP, or .eml files in
development). No database here."""

import contextlib
import os
import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

from markupsafe import Markup, escape

from app.core.config import Settings

SMTP_TIMEOUT_SECONDS = 15


@dataclass(frozen=True)
class Item:
    text: str
    url: str | None = None


@dataclass(frozen=True)
class Section:
    heading: str
    items: Sequence[Item]
    level: int = 2


@dataclass
class Letter:
    """What a mail says, in the recipient's language, before it becomes text and HTML."""

    subject: str
    greeting: str
    paragraphs: list[str] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    action: Item | None = None  # the one link the mail is about, as a button in HTML
    footer: list[Item] = field(default_factory=list)


def as_text(letter: Letter) -> str:
    lines = [letter.greeting, ""]
    for paragraph in letter.paragraphs:
        lines += [paragraph, ""]
    for section in letter.sections:
        underline = "=" if section.level == 2 else "-"
        lines += [section.heading, underline * min(len(section.heading), 72)]
        for item in section.items:
            lines.append(f"- {item.text}")
            if item.url:
                lines.append(f"  {item.url}")
        lines.append("")
    if letter.action and letter.action.url:
        lines += [f"{letter.action.text}: {letter.action.url}", ""]
    if letter.footer:
        lines.append("-- ")
        for item in letter.footer:
            lines.append(f"{item.text}: {item.url}" if item.url else item.text)
    return "\n".join(lines).rstrip() + "\n"


def _link(item: Item) -> Markup:
    if not item.url:
        return escape(item.text)
    return Markup('<a href="{}">{}</a>').format(item.url, item.text)


def as_html(letter: Letter, language: str) -> str:
    """Plain, readable HTML: no images, no styles from elsewhere, links that say where they go."""
    parts = [Markup("<p>{}</p>").format(letter.greeting)]
    parts += [Markup("<p>{}</p>").format(paragraph) for paragraph in letter.paragraphs]
    for section in letter.sections:
        tag = Markup("h2") if section.level == 2 else Markup("h3")
        parts.append(Markup("<{0}>{1}</{0}>").format(tag, section.heading))
        items = Markup("").join(Markup("<li>{}</li>").format(_link(i)) for i in section.items)
        parts.append(Markup("<ul>{}</ul>").format(items))
    if letter.action and letter.action.url:
        parts.append(Markup("<p><strong>{}</strong></p>").format(_link(letter.action)))
    if letter.footer:
        footer = Markup(" · ").join(_link(item) for item in letter.footer)
        parts.append(Markup('<hr><p style="font-size:small">{}</p>').format(footer))
    body = Markup("\n").join(parts)
    return str(
        Markup(
            '<!doctype html>\n<html lang="{}"><head><meta charset="utf-8"><title>{}</title>'
            '</head>\n<body style="font-family:sans-serif;line-height:1.5;max-width:40em">\n{}\n'
            "</body></html>\n"
        ).format(language, letter.subject, body)
    )


def new_message_id(mail_from: str) -> str:
    domain = parseaddr(mail_from)[1].rpartition("@")[2] or "mesa.localhost"
    return make_msgid(idstring="mesa", domain=domain)


@dataclass(frozen=True)
class Outgoing:
    """What the outbox stores of a message: everything the MIME message is rebuilt from, the
    same bytes each time it is tried."""

    message_id: str
    to_address: str
    subject: str
    body_text: str
    body_html: str
    language: str
    created_at: datetime
    unsubscribe_url: str | None = None


def build_message(outgoing: Outgoing, mail_from: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = mail_from
    message["To"] = outgoing.to_address
    message["Subject"] = outgoing.subject
    message["Date"] = format_datetime(outgoing.created_at)
    message["Message-ID"] = outgoing.message_id
    # Not a person writing: no auto-replies, no vacation notices (RFC 3834).
    message["Auto-Submitted"] = "auto-generated"
    if outgoing.unsubscribe_url:
        # One-click unsubscribe (RFC 8058): the mail client POSTs "List-Unsubscribe=One-Click".
        message["List-Unsubscribe"] = f"<{outgoing.unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(outgoing.body_text)
    message.add_alternative(outgoing.body_html, subtype="html")
    message["Content-Language"] = outgoing.language  # after set_content, which clears Content-*
    return message


class Transport(Protocol):
    """Delivers messages; `open` before a batch, `close` after it."""

    def open(self) -> None: ...

    def send(self, message: EmailMessage) -> None: ...

    def close(self) -> None: ...


class SmtpTransport:
    """smtp://host:port, smtp+starttls://user:pass@host:587, smtps://user:pass@host:465."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtp+starttls", "smtps") or not parts.hostname:
            raise ValueError(f"MESA_SMTP_URL must be smtp://, smtp+starttls:// or smtps://: {url}")
        self.scheme = parts.scheme
        self.host = parts.hostname
        self.port = parts.port or {"smtp": 25, "smtp+starttls": 587, "smtps": 465}[parts.scheme]
        self.user = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self._client: smtplib.SMTP | None = None

    def open(self) -> None:
        self.close()
        client: smtplib.SMTP
        if self.scheme == "smtps":
            context = ssl.create_default_context()
            client = smtplib.SMTP_SSL(
                self.host, self.port, timeout=SMTP_TIMEOUT_SECONDS, context=context
            )
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=SMTP_TIMEOUT_SECONDS)
            if self.scheme == "smtp+starttls":
                client.starttls(context=ssl.create_default_context())
        if self.user:
            client.login(self.user, self.password or "")
        self._client = client

    def send(self, message: EmailMessage) -> None:
        if self._client is None:
            self.open()
        assert self._client is not None
        try:
            self._client.send_message(message)
        except (smtplib.SMTPServerDisconnected, OSError):
            self._client = None  # the next message opens a new connection
            raise

    def close(self) -> None:
        if self._client is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self._client.quit()
            self._client = None


class FileTransport:
    """Development without a mail server: each message is a .eml file to open in a mail client."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def open(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)

    def send(self, message: EmailMessage) -> None:
        name = str(message["Message-ID"]).strip("<>").replace("/", "_") + ".eml"
        partial = self.folder / (name + ".part")
        partial.write_bytes(message.as_bytes())
        os.replace(partial, self.folder / name)  # a reader never sees half a message

    def close(self) -> None:
        return None


def transport_for(settings: Settings) -> Transport:
    if settings.smtp_url:
        return SmtpTransport(settings.smtp_url)
    if settings.production:
        raise RuntimeError("MESA_SMTP_URL must be set when MESA_ENV=production")
    return FileTransport(settings.mail_dir)
