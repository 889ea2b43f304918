"""Cleaning text people type, before any rule looks at it."""

import re
import unicodedata

from app.core.errors import InvalidInput
from app.core.i18n import _

# Control characters (NUL and the like) are never meaningful in text people type; PostgreSQL
# refuses NUL outright. Line breaks stay; tabs and other controls become spaces.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean(text: str) -> str:
    """NFC, Unix line breaks, no control characters, no surrounding blanks."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub(
        lambda m: "" if m.group() == "\x00" else " ", text.replace("\t", " ")
    ).strip()


MAX_REASON_LENGTH = 2_000


def required_reason(text: str) -> str:
    """A decision's or an edit's reason: it is published in the record, so it must be given."""
    reason = re.sub(r"[ \t]+", " ", clean(text))
    if not reason:
        raise InvalidInput(_("Say why: the reason is required."), field="reason")
    if len(reason) > MAX_REASON_LENGTH:
        raise InvalidInput(
            _("The reason has more than %(n)s characters.", n=MAX_REASON_LENGTH), field="reason"
        )
    return reason
