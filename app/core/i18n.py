"""Translations: Spanish by default, English on request; one catalog per language.

Message ids are English. The catalogs are the .po files under app/locale, read at start-up,
so there is no compile step to forget.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from functools import cache
from io import BytesIO
from pathlib import Path

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from babel.dates import get_timezone
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

LANGUAGES = ("es", "en")
# What a reader may choose in the header: an interface language, or Quechua or Aymara, for
# which the interface stays Spanish and only the articles' summaries change.
READING_LANGUAGES = ("es", "en", "qu", "ay")
DEFAULT_LANGUAGE = "es"
LANGUAGE_COOKIE = "mesa_lang"
# Babel locales used to format dates and numbers for each interface language.
BABEL_LOCALES = {"es": "es_PE", "en": "en"}
# Dates are shown in Peru's time; they are stored in UTC.
TIMEZONE = get_timezone("America/Lima")
LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"

current_language: ContextVar[str] = ContextVar("current_language", default=DEFAULT_LANGUAGE)
reading_language: ContextVar[str] = ContextVar("reading_language", default=DEFAULT_LANGUAGE)


@cache
def translations(language: str) -> Translations:
    po_path = LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"
    if not po_path.exists():
        return Translations()
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale=language)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer)


def gettext(message: str, /, **variables: object) -> str:
    text = translations(current_language.get()).gettext(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, n: int, /, **variables: object) -> str:
    text = translations(current_language.get()).ngettext(singular, plural, n)
    return text % {"num": n, **variables}


_ = gettext


def template_gettext(message: str) -> str:
    """For Jinja, whose new-style gettext fills in the variables itself."""
    return translations(current_language.get()).gettext(message)


def template_ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current_language.get()).ngettext(singular, plural, n)


def choose_language(cookie_value: str | None) -> str:
    return cookie_value if cookie_value in LANGUAGES else DEFAULT_LANGUAGE


def choose_reading(cookie_value: str | None) -> str:
    return cookie_value if cookie_value in READING_LANGUAGES else DEFAULT_LANGUAGE


@contextmanager
def speaking(language: str | None) -> Iterator[None]:
    """Within the block, gettext answers in `language` (a mail to a member, outside any request
    or in another reader's request)."""
    token = current_language.set(choose_language(language))
    try:
        yield
    finally:
        current_language.reset(token)


def babel_locale() -> Locale:
    return Locale.parse(BABEL_LOCALES[current_language.get()])


def format_datetime(value: datetime, format: str = "d MMM y, HH:mm") -> str:
    return babel_format_datetime(value, format=format, locale=babel_locale(), tzinfo=TIMEZONE)


def in_peru(moment: datetime) -> datetime:
    """A time people typed: without a zone, it is Peru's (it is stored in UTC)."""
    return moment.replace(tzinfo=TIMEZONE) if moment.tzinfo is None else moment


def day_in_peru(value: date | datetime) -> date:
    """A moment's day in Peru's time (stored in UTC, its day there may be the one before)."""
    return value.astimezone(TIMEZONE).date() if isinstance(value, datetime) else value


def format_date(value: date | datetime, format: str = "d MMM y") -> str:
    return babel_format_date(day_in_peru(value), format=format, locale=babel_locale())


def format_number(value: float) -> str:
    return format_decimal(value, locale=babel_locale())


def N_(message: str) -> str:
    """Marks a module-level string for translation; `_()` translates it when it is shown."""
    return message
