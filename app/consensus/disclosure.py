"""What the public may learn from figures about people: pure, no DB and no HTTP.

Exact counts let anyone who watches a page learn a named person's self-declared data: the
total goes 7 → 8 and "Man" 3 → 4 right after a signed comment. So a breakdown

- counts a cohort that grows only in steps of five: the first 5, 10, 15 … people to take part,
  in that order. One contribution changes nothing; when the figures move, five people joined.
- rounds each group to the nearest multiple of five, and leaves out groups that round to zero,
  so a cohort whose members all share one value does not say so either: in every cohort, each
  person could have a different value without changing a single figure.
"""

from collections import Counter
from collections.abc import Sequence
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


def breakdown(values_in_order: Sequence[str]) -> Breakdown:
    """Each person's value, in the order they first took part, as the public may see it."""
    counted = cohort(len(values_in_order))
    tally = Counter(values_in_order[:counted])
    groups = {value: rounded(n) for value, n in sorted(tally.items()) if rounded(n) > 0}
    return Breakdown(counted, groups)
