"""Values derived from a draft, kept in each process by the draft's revision.

The revision lives in the draft's row and moves in the transaction of every change, so a key
that includes it can never name stale data, in this process or another. Only read-only
sessions use the cache: a transaction that writes sees its own uncommitted rows, which no other
request may be served.
"""

from collections import OrderedDict
from collections.abc import Callable, Hashable
from threading import Lock
from typing import Generic, TypeVar

from sqlmodel import Session

from app.core.db import reads_only

T = TypeVar("T")


class RevisionCache(Generic[T]):
    def __init__(self, size: int = 32) -> None:
        self._size = size
        self._values: OrderedDict[Hashable, T] = OrderedDict()
        self._lock = Lock()
        self._computing = Lock()

    def get(self, session: Session, key: Hashable, compute: Callable[[], T]) -> T:
        """The value for `key` (which must include the draft's revision), computed once."""
        if not reads_only(session):
            return compute()
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
        # One computation at a time: fifty readers arriving on a new revision wait for the
        # first one's result instead of all computing it at once.
        with self._computing:
            with self._lock:
                if key in self._values:
                    return self._values[key]
            value = compute()
            with self._lock:
                self._values[key] = value
                while len(self._values) > self._size:
                    self._values.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
