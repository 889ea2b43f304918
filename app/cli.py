"""The `mesa` command: database, import, serve. Each command is one transaction."""

import argparse
import sys
from pathlib import Path

from app.core import migrate
from app.core.config import get_settings
from app.core.db import create_db_engine, write_session
from app.core.errors import DomainError
from app.core.i18n import _
from app.drafts import service as drafts


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
    engine = create_db_engine(get_settings().database_url)
    with write_session(engine) as session:
        draft = drafts.import_file(session, path, args.slug)
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


def cmd_seed(args: argparse.Namespace) -> int:
    """Loads the drafts in drafts/ into an empty database (what `make run` does first)."""
    settings = get_settings()
    engine = create_db_engine(settings.database_url)
    with write_session(engine) as session:
        if drafts.has_drafts(session):
            print(_("The database already holds drafts; nothing imported."))
            return 0
        for path in sorted(settings.drafts_dir.glob("*.md")):
            if path.name.lower() == "readme.md":
                continue
            draft = drafts.import_file(session, path)
            print(_("Imported «%(title)s» (%(slug)s).", title=draft.title, slug=draft.slug))
        session.commit()
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    settings = get_settings()
    port = args.port or settings.port
    print(_("Mesa is at http://%(host)s:%(port)s/", host=args.host, port=port), flush=True)
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=args.host,
        port=port,
        proxy_headers=True,
        log_level="info",
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mesa", description="Mesa")
    commands = parser.add_subparsers(dest="command", required=True)

    db = commands.add_parser("db", help="database migrations")
    db.add_argument("action", choices=["upgrade", "downgrade"])
    db.add_argument("revision", nargs="?", default="base")
    db.set_defaults(handler=cmd_db)

    imp = commands.add_parser("import", help="import a draft (drafts/ format or published text)")
    imp.add_argument("file")
    imp.add_argument("--slug")
    imp.set_defaults(handler=cmd_import)

    seed = commands.add_parser("seed", help="load drafts/ into an empty database")
    seed.set_defaults(handler=cmd_seed)

    serve = commands.add_parser("serve", help="serve Mesa over HTTP")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int)
    serve.set_defaults(handler=cmd_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except DomainError as error:
        print(_("Error: %(message)s", message=error.message), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
