"""`make messages`: extract every translatable string and update the es and en catalogs.

Message ids are English, so the English catalog's translations start as copies of the ids;
the Spanish ones are written by people. tests/core/test_i18n.py fails while any is missing.
"""

import subprocess
import sys
from datetime import UTC, datetime

from babel.messages.pofile import read_po, write_po

from app.core.config import ROOT
from app.core.i18n import LANGUAGES, LOCALE_DIR

TEMPLATE = LOCALE_DIR / "messages.pot"
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


def po_path(language: str) -> str:
    return str(LOCALE_DIR / language / "LC_MESSAGES" / "messages.po")


def main() -> int:
    pybabel = [sys.executable, "-m", "babel.messages.frontend"]
    subprocess.run(  # noqa: S603 (our own interpreter, fixed arguments)
        [*pybabel, "extract", "-F", str(LOCALE_DIR / "babel.cfg"), "-o", str(TEMPLATE),
         "--no-location", "--sort-output", "--omit-header", "--project=Mesa", "."],
        check=True,
        cwd=ROOT,
    )  # fmt: skip
    for language in LANGUAGES:
        command = "update" if (LOCALE_DIR / language).exists() else "init"
        subprocess.run(  # noqa: S603
            [*pybabel, command, "-i", str(TEMPLATE), "-l", language, "-o", po_path(language),
             *(["--no-fuzzy-matching", "--ignore-obsolete"] if command == "update" else [])],
            check=True,
        )  # fmt: skip
        with open(po_path(language), "rb") as po_file:
            catalog = read_po(po_file, locale=language)
        if language == "en":
            for message in catalog:
                string = message.string
                translated = string if isinstance(string, str) else string and all(string)
                if message.id and not translated:
                    message.string = message.id  # a plural's (singular, plural) ids are its forms
        # One layout whatever wrote the file last (100 columns, sorted, no dates), so a change
        # of strings is a small diff and two branches' new strings merge cleanly.
        catalog.creation_date = catalog.revision_date = EPOCH
        with open(po_path(language), "wb") as po_file:
            write_po(po_file, catalog, omit_header=False, sort_output=True, width=100)
    return 0


if __name__ == "__main__":
    sys.exit(main())
