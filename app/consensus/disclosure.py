"""What the public may learn from figures about people: pure, no DB and no HTTP.

Exact counts let anyone who watches a page learn a named person's self-declared data: the
total goes 7 → 8 and "Man" 3 → 4 right after a signed comment. So a breakdown

- counts a cohort that grows only in steps of five: the first 5, 10, 15 … people to take part,
  in that order. One contribution changes nothing; when the figures move, five people joined.
- rounds each group to the nearest multiple of five, and leaves out groups that round to zero,
  so a cohort whose members all share one value does not say so either: in every cohort, each
  person could have a different value without changing a single figure.

A value the public knows of each person anyway (a sector, a region: the record publishes them
with every member's name) is listed even when it rounds to zero: as "none" when nobody in the
cohort has it, else as "a few". A private value (gender) never is, for "no woman among the
first five" would tell something about each of them.
"""

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

STEP = 5


def rounded(count: int) -> int:
    """To the nearest multiple of STEP, halves up: 0–2 → 0, 3–7 → 5, 8–12 → 10."""
    return (count + STEP // 2) // STEP * STEP


def cohort(people: int) -> int:
    """How many of the first people a breakdown counts: a multiple of STEP."""
    return people - people % STEP


@dataclass(frozen=True)
class Breakdown:
    counted: int  # people in the cohort: a multiple of STEP
    groups: dict[str, int]  # value → rounded count, only those above zero, by value
    # Public values that round to zero: held by one or two people of the cohort, or by none.
    few: tuple[str, ...] = ()
    none: tuple[str, ...] = ()


def breakdown(values_in_order: Sequence[str], public_values: Iterable[str] = ()) -> Breakdown:
    """Each person's value, in the order they first took part, as the public may see it;
    `public_values` are listed whatever their count (see above)."""
    counted = cohort(len(values_in_order))
    tally = Counter(values_in_order[:counted])
    groups = {value: rounded(n) for value, n in sorted(tally.items()) if rounded(n) > 0}
    if not counted:
        return Breakdown(counted, groups)
    rest = sorted(set(public_values) - set(groups))
    few = tuple(value for value in rest if tally[value])
    none = tuple(value for value in rest if not tally[value])
    return Breakdown(counted, groups, few, none)
