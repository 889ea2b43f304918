"""Cleaning text people type, before any rule looks at it."""

import re
import unicodedata

# Control characters (NUL and the like) are never meaningful in text people type; PostgreSQL
# refuses NUL outright. Line breaks stay; tabs and other controls become spaces.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean(text: str) -> str:
    """NFC, Unix line breaks, no control characters, no surrounding blanks."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub(
        lambda m: "" if m.group() == "\x00" else " ", text.replace("\t", " ")
    ).strip()
