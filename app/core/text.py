"""Cleaning and bounding text people type, before any rule looks at it."""

import re
import unicodedata
from dataclasses import dataclass

from app.core.errors import InvalidInput
from app.core.i18n import N_, _, format_number

# Control characters (NUL and the like) are never meaningful in text people type; PostgreSQL
# refuses NUL outright. Line breaks stay; tabs and other controls become spaces.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): in a name
# they reverse what follows them on the page; Spanish legal text never needs them. Lone
# surrogates cannot be stored by any database.
_INVISIBLE = re.compile("[\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def clean(text: str) -> str:
    """NFC, Unix line breaks, no control or bidirectional-override characters, no surrounding
    blanks."""
    text = unicodedata.normalize("NFC", _INVISIBLE.sub("", text))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub(
        lambda m: "" if m.group() == "\x00" else " ", text.replace("\t", " ")
    ).strip()


@dataclass(frozen=True)
class TextField:
    """A field people write freely, with one cleaning, one limit and one message wherever it
    arrives (form, API or command line): the service that stores it calls `clean`."""

    name: str  # the form and API field, so the error is shown beside it
    label: str  # what people call it, marked with N_ (translated when an error is built)
    max_length: int
    required: str | None = None  # the message when it is empty and must not be (N_)
    one_line: bool = False  # names, titles, headings: runs of blanks and line breaks become one

    def clean(self, value: str | None) -> str:
        text = clean(value or "")
        if self.one_line:
            text = " ".join(text.split())
        if not text and self.required:
            raise InvalidInput(_(self.required), field=self.name)
        if len(text) > self.max_length:
            raise InvalidInput(
                _(
                    "%(field)s: at most %(n)s characters (this one has %(length)s).",
                    field=_(self.label),
                    n=format_number(self.max_length),
                    length=format_number(len(text)),
                ),
                field=self.name,
            )
        return text


# The reason given for a decision or an edit: published in the record, so it must be given.
REASON = TextField("reason", N_("Reason"), 2_000, required=N_("Say why: the reason is required."))


def required_reason(text: str) -> str:
    return re.sub(r"[ \t]+", " ", REASON.clean(text))
