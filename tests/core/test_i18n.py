"""Both languages complete: every string the code and templates mark for translation has one."""

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from app.core import i18n
from app.core.config import ROOT

METHODS = [("app/**.py", "python"), ("templates/**.html", "jinja2")]


def marked_strings() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(ROOT, METHODS):
        found.add(message if isinstance(message, str) else message[0])
    return found


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_every_marked_string_is_translated(language: str) -> None:
    with (i18n.LOCALE_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as po_file:
        catalog = read_po(po_file, locale=language)
    translated = {
        message.id if isinstance(message.id, str) else message.id[0]
        for message in catalog
        if message.id and message.string and all(message.string) and not message.fuzzy
    }
    missing = sorted(marked_strings() - translated)
    assert missing == [], f"untranslated in {language} (run make messages): {missing}"


def test_extraction_finds_the_templates_and_the_code() -> None:
    strings = marked_strings()
    assert "Skip to content" in strings  # templates/base.html
    assert "the file is empty" in strings  # app/drafts/importing.py


def test_spanish_formats_dates_and_numbers_the_peruvian_way() -> None:
    from datetime import UTC, datetime

    token = i18n.current_language.set("es")
    try:
        assert i18n.format_number(30000.5) == "30,000.5"  # es_PE groups with commas
        moment = datetime(2026, 3, 5, 15, 0, tzinfo=UTC)
        assert i18n.format_datetime(moment, "long").startswith("5 de marzo de 2026")
    finally:
        i18n.current_language.reset(token)
