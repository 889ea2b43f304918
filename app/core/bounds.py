"""Bounds of the numbers clients send. An id or a count beyond what the database stores is a
404 or 422 for the client, never an overflow inside a query (a 500)."""

import re
from typing import Annotated

from fastapi import Path, Query
from pydantic import Field

# PostgreSQL's `integer`, the type of every id and counter column; SQLite's is wider.
MAX_INT = 2**31 - 1
# No list has this many pages; a larger page number is refused before it becomes an offset.
MAX_PAGE = 100_000

# In JSON bodies and forms.
Id = Annotated[int, Field(ge=1, le=MAX_INT)]
Count = Annotated[int, Field(ge=0, le=MAX_INT)]
# In paths and query strings.
IdPath = Annotated[int, Path(ge=1, le=MAX_INT)]
PageQuery = Annotated[int, Query(ge=1, le=MAX_PAGE)]

_ASCII_DIGITS = re.compile(r"[0-9]{1,10}")


def parse_id(text: str | None) -> int | None:
    """An id written in a form or a path, or None. Only ASCII digits count: `str.isdigit()`
    also accepts "²" and other digits `int()` refuses."""
    if text is None or not _ASCII_DIGITS.fullmatch(text):
        return None
    number = int(text)
    return number if 1 <= number <= MAX_INT else None
