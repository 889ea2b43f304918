"""The `mesa` command: database, import, serve. Each command is one transaction, except an
export: rendered in a read transaction, then recorded in a short write."""

import argparse
import logging
import os
import sys
import threading
from pathlib import Path

from app.audit import service as audit
from app.core import migrate
from app.core.config import get_settings
from app.core.db import create_db_engine, read_session, write_session
from app.core.errors import DomainError
from app.core.i18n import _
from app.drafts import service as drafts
from app.drafts.importing import parse_file
from app.drafts.imports import ImportSummary, default_numbering, kind_name, summarize
from app.drafts.models import Numbering
from app.export import service as exports
from app.members import demo
from app.members import service as members
from app.members.models import Sector
from app.members.permissions import Role
from app.notifications import service as notifications
from app.notifications import worker
from app.notifications.mail import transport_for


def cmd_db(args: argparse.Namespace) -> int:
    url = get_settings().database_url
    if args.action == "upgrade":
        migrate.upgrade(url)
    else:
        migrate.downgrade(url, args.revision)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if not path.is_file():
        print(_("No such file: %(path)s", path=path), file=sys.stderr)
        return 2
    numbering = Numbering(args.numbering) if args.numbering else default_numbering(path.name)
    parsed = parse_file(path.read_bytes(), path.name, default_slug=args.slug or path.stem)
    summary = summarize(parsed, args.slug or parsed.slug or path.stem)
    _print_summary(summary)
    if args.dry_run:
        print(_("Dry run: nothing was written."))
        return 0
    engine = create_db_engine(get_settings().database_url)
    with write_session(engine) as session:
        draft = drafts.import_draft(session, parsed, args.slug, numbering=numbering)
        outline = drafts.load_outline(session, draft)
        session.commit()
    print(
        _(
            "Imported «%(title)s» as %(slug)s: %(count)s articles and dispositions.",
            title=draft.title,
            slug=draft.slug,
            count=len(outline.clauses),
        )
    )
    return 0


def _print_summary(summary: ImportSummary) -> None:
    """What the importer recognized, so that no import is silent."""
    print(_("Recognized in «%(title)s»:", title=summary.title))
    for kind, count in summary.counts.items():
        print(f"  {kind_name(kind)}: {count}")
    print("  " + _("Editorial notes (SPIJ)") + f": {summary.notes}")
    for unplaced in summary.unrecognized:
        print(_("  line %(line)s not placed: %(text)s", line=unplaced.number, text=unplaced.text))
    for line, problem in summary.warnings:
        print(_("  line %(line)s: %(problem)s", line=line, problem=problem))


def cmd_seed(args: argparse.Namespace) -> int:
    """What `make run` does before serving: loads drafts/ into an empty database and, in
    development, creates the demo accounts and says how to sign in."""
    settings = get_settings()
    engine = create_db_engine(settings.database_url)
    with write_session(engine) as session:
        if drafts.has_drafts(session):
            print(_("The database already holds drafts; nothing imported."))
        else:
            for path in sorted(settings.drafts_dir.glob("*.md")):
                if path.name.lower() == "readme.md":
                    continue
                draft = drafts.import_file(session, path)
                print(_("Imported «%(title)s» (%(slug)s).", title=draft.title, slug=draft.slug))
        if not settings.production:
            demo.create_demo_accounts(session)
        session.commit()
        if not settings.production:
            print(demo.sign_in_help(settings.port))
    return 0


def cmd_member_add(args: argparse.Namespace) -> int:
    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else None
    details = members.MemberDetails(
        email=args.email,
        name=args.name,
        role=args.role,
        organization=args.organization or "",
        sector=args.sector or Sector.OTHER,
        region=args.region or "Lima Metropolitana",
    )
    engine = create_db_engine(get_settings().database_url)
    with write_session(engine) as session:
        member = members.add_member(session, None, details, password)
        link = None
        if password is None:
            # Mailed (through the outbox) and printed, for whoever runs the command.
            token = members.new_invitation(session, None, member=member)
            link = f"{get_settings().base_url.rstrip('/')}/invitations/{token}"
            notifications.send_invitation(session, member=member, link=link)
        session.commit()
    print(_("Member %(email)s added with the role %(role)s.", email=member.email, role=member.role))
    if link:
        print(_("Invitation link (single use, valid for 7 days): %(link)s", link=link))
    return 0


def cmd_token_create(args: argparse.Namespace) -> int:
    engine = create_db_engine(get_settings().database_url)
    with write_session(engine) as session:
        member = members.get_member_by_email(session, args.email)
        _token, raw = members.create_api_token(session, member, args.name)
        session.commit()
    print(raw)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    engine = create_db_engine(get_settings().database_url)
    # Rendered in a read transaction, recorded in a short write: see app/export/service.py.
    with read_session(engine) as session:
        draft = drafts.get_draft(session, args.slug)
        annexes = set(args.annexes.split(",")) if args.annexes else None
        file = exports.render(
            session,
            draft,
            args.format,
            args.snapshot,
            args.base,
            annexes,
            every_row=args.cuadro == "all",
        )
    with write_session(engine) as session:
        exports.record(session, None, draft, file)
        session.commit()
    Path(args.output).write_bytes(file.content)
    if file.note:
        print(file.note)
    print(
        _(
            "Wrote %(path)s (%(bytes)s bytes, SHA-256 %(sha)s).",
            path=args.output,
            bytes=len(file.content),
            sha=file.sha256,
        )
    )
    return 0


def cmd_audit_verify(args: argparse.Namespace) -> int:
    engine = create_db_engine(get_settings().database_url)
    with read_session(engine) as session:
        result = audit.verify_chain(session)
    if result.ok:
        print(
            _(
                "The record is intact: %(n)s events, last hash %(hash)s.",
                n=result.events,
                hash=result.head_hash,
            )
        )
        return 0
    print(_("The record is broken at event %(seq)s.", seq=result.first_bad), file=sys.stderr)
    return 1


def cmd_worker(args: argparse.Namespace) -> int:
    """Delivers the outbox, the digests and the rounds' reminders until stopped."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    settings = get_settings()
    engine = create_db_engine(settings.database_url)
    try:
        transport = transport_for(settings)
    except (RuntimeError, ValueError) as error:
        print(_("Error: %(message)s", message=str(error)), file=sys.stderr)
        return 2
    if args.once:
        report = worker.run_once(worker.sessions_of(engine), transport, settings)
        print(
            _("Mail: %(sent)s sent, %(failed)s to retry.", sent=report.sent, failed=report.failed)
        )
        return 0
    stop = threading.Event()
    try:
        worker.run_forever(
            worker.sessions_of(engine), transport, settings, stop, interval=args.interval
        )
    except KeyboardInterrupt:
        stop.set()
    return 0


def _start_worker_in_process() -> None:
    """Development: `make run` delivers mail (as .eml files under var/mail/ without
    MESA_SMTP_URL) with nothing else to start."""
    settings = get_settings()
    engine = create_db_engine(settings.database_url)
    transport = transport_for(settings)
    thread = threading.Thread(
        target=worker.run_forever,
        args=(worker.sessions_of(engine), transport, settings, threading.Event()),
        name="mesa-worker",
        daemon=True,
    )
    thread.start()


def cmd_serve(args: argparse.Namespace) -> int:
    from app import serving

    settings = get_settings()
    port = args.port or settings.port
    if not settings.production:
        _start_worker_in_process()
    print(_("Mesa is at http://%(host)s:%(port)s/", host=args.host, port=port), flush=True)
    options = {
        "app": "app.main:create_app",
        "factory": True,
        "host": args.host,
        "port": port,
        "proxy_headers": True,
        "forwarded_allow_ips": args.forwarded_allow_ips,
        "log_level": args.log_level,
    }
    # One process per core: every derived cache is keyed by the draft's revision, which lives
    # in the database, so processes never serve each other's stale data.
    return serving.serve(options, args.workers)


def _at_least_one(text: str) -> int:
    if not text.isascii() or not text.isdecimal() or int(text) < 1:
        raise argparse.ArgumentTypeError(_("Write a whole number, 1 or more."))
    return int(text)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mesa", description="Mesa")
    commands = parser.add_subparsers(dest="command", required=True)

    db = commands.add_parser("db", help="database migrations")
    db.add_argument("action", choices=["upgrade", "downgrade"])
    db.add_argument("revision", nargs="?", default="base")
    db.set_defaults(handler=cmd_db)

    imp = commands.add_parser(
        "import", help="import a draft (drafts/ format .md, published text .txt, Word .docx)"
    )
    imp.add_argument("file")
    imp.add_argument("--slug")
    imp.add_argument(
        "--numbering",
        choices=[mode.value for mode in Numbering],
        default=None,
        help="renumber (a new bill) or fixed (a law in force keeps its numbers); by default "
        "fixed for a published law (.txt, .docx) and renumber for the drafts/ format (.md)",
    )
    imp.add_argument(
        "--dry-run", action="store_true", help="print what was recognized and write nothing"
    )
    imp.set_defaults(handler=cmd_import)

    seed = commands.add_parser("seed", help="load drafts/ into an empty database")
    seed.set_defaults(handler=cmd_seed)

    member = commands.add_parser("member", help="members").add_subparsers(
        dest="action", required=True
    )
    add = member.add_parser(
        "add", help="add a member (prints an invitation link without a password)"
    )
    add.add_argument("--email", required=True)
    add.add_argument("--name", required=True)
    add.add_argument("--role", required=True, choices=[role.value for role in Role])
    add.add_argument("--organization")
    add.add_argument("--sector", choices=[sector.value for sector in Sector])
    add.add_argument("--region")
    add.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    add.set_defaults(handler=cmd_member_add)

    token = commands.add_parser("token", help="API tokens").add_subparsers(
        dest="action", required=True
    )
    create = token.add_parser("create", help="print a new personal API token for a member")
    create.add_argument("--email", required=True)
    create.add_argument("--name", default="mesa token create")
    create.set_defaults(handler=cmd_token_create)

    export = commands.add_parser("export", help="export a draft (or a snapshot of it) to a file")
    export.add_argument("slug")
    export.add_argument("--format", required=True)
    export.add_argument("--snapshot")
    export.add_argument(
        "--base", help="a snapshot to compare with (comparative table, tracked changes)"
    )
    export.add_argument("--annexes", help="comma-separated: cuadro, aportes, consenso")
    export.add_argument(
        "--cuadro",
        choices=("changed", "all"),
        default="changed",
        help="the cuadro comparativo's rows: the clauses that changed (default), or all",
    )
    export.add_argument("-o", "--output", required=True)
    export.set_defaults(handler=cmd_export)

    audit_parser = commands.add_parser("audit", help="the record of changes")
    audit_parser.add_argument("action", choices=["verify"])
    audit_parser.set_defaults(handler=cmd_audit_verify)

    work = commands.add_parser("worker", help="deliver queued mail, digests and reminders")
    work.add_argument("--once", action="store_true", help="one pass, then exit")
    work.add_argument("--interval", type=float, default=5.0, help="seconds between passes")
    work.set_defaults(handler=cmd_worker)

    serve = commands.add_parser("serve", help="serve Mesa over HTTP")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int)
    serve.add_argument(
        "--workers", type=_at_least_one, default=os.cpu_count() or 1, help="processes"
    )
    serve.add_argument(
        "--log-level",
        choices=["debug", "info", "warning", "error"],
        default="info",
        help="info logs every request; warning, only what went wrong",
    )
    serve.add_argument(
        "--forwarded-allow-ips",
        default="127.0.0.1",
        help="proxies whose X-Forwarded-* headers are trusted (nginx in front)",
    )
    serve.set_defaults(handler=cmd_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    notifications.install()  # what the command changes is told as the web's changes are
    try:
        return int(args.handler(args))
    except DomainError as error:
        print(_("Error: %(message)s", message=error.message), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
