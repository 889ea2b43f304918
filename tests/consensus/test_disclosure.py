"""The rule for public figures about people (app/consensus/disclosure.py)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.consensus.disclosure import Breakdown, breakdown, cohort, rounded

M, F, U = "male", "female", "unstated"


@pytest.mark.parametrize(
    ("count", "shown"),
    [(0, 0), (1, 0), (2, 0), (3, 5), (5, 5), (7, 5), (8, 10), (12, 10), (13, 15), (100, 100)],
)
def test_counts_are_rounded_to_the_nearest_five(count: int, shown: int) -> None:
    assert rounded(count) == shown


@pytest.mark.parametrize(
    ("people", "counted"), [(0, 0), (4, 0), (5, 5), (7, 5), (9, 5), (10, 10), (23, 20)]
)
def test_the_cohort_grows_five_at_a_time(people: int, counted: int) -> None:
    assert cohort(people) == counted


TABLE: dict[str, tuple[list[str], Breakdown]] = {
    "nobody": ([], Breakdown(0, {})),
    "four people: no breakdown at all": ([M, F, M, M], Breakdown(0, {})),
    "five men do not show as exactly five of five": ([M] * 5, Breakdown(5, {M: 5})),
    "one woman among five is not listed": ([M, M, F, M, M], Breakdown(5, {M: 5})),
    "three and two": ([M, F, M, F, M], Breakdown(5, {M: 5})),
    "the eighth person is not counted yet": ([M, F, M, F, M, M, M, F], Breakdown(5, {M: 5})),
    "the tenth brings five in": ([M, F, M, F, M, M, M, F, U, M], Breakdown(10, {F: 5, M: 5})),
    "order matters: the first ones count": ([F] * 5 + [M] * 4, Breakdown(5, {F: 5})),
    "larger groups": ([M] * 12 + [F] * 8, Breakdown(20, {F: 10, M: 10})),
}


@pytest.mark.parametrize(("values", "expected"), TABLE.values(), ids=TABLE.keys())
def test_breakdown(values: list[str], expected: Breakdown) -> None:
    assert breakdown(values) == expected


people = st.lists(st.sampled_from([M, F, U, "other"]), max_size=40)


@given(people, st.sampled_from([M, F, U, "other"]))
def test_one_more_person_changes_nothing_unless_five_have_joined(
    values: list[str], newcomer: str
) -> None:
    before, after = breakdown(values), breakdown([*values, newcomer])
    assert (before == after) == (len(values) % 5 != 4)


@given(people, st.data())
def test_no_one_in_the_cohort_is_pinned_down(values: list[str], data: st.DataObject) -> None:
    """For anyone counted, some other world in which that person's value differs shows the very
    same figures: whoever reads them cannot tell which value is theirs."""
    shown = breakdown(values)
    if not shown.counted:
        return
    person = data.draw(st.integers(0, shown.counted - 1))
    counted = values[: shown.counted]
    others = [i for i, value in enumerate(counted) if value != counted[person]]
    world = list(values)
    if others:  # swap them with someone who differs: the same counts
        other = others[0]
        world[person], world[other] = world[other], world[person]
    else:  # everyone shares the value: this person alone could differ
        world[person] = F if values[person] != F else M
    assert world[person] != values[person]
    assert breakdown(world) == shown


PUBLIC = {
    "a sector nobody counted belongs to is 0, not hidden": (
        ["mining", "mining", "mining", "mining", "state"],
        ["mining", "state", "academia"],
        Breakdown(5, {"mining": 5}, few=("state",), none=("academia",)),
    ),
    "one or two people stay hidden as a few": (
        ["mining"] * 3 + ["state"] * 2,
        ["mining", "state"],
        Breakdown(5, {"mining": 5}, few=("state",)),
    ),
    "no cohort yet: nothing listed": (["mining"] * 4, ["mining", "state"], Breakdown(0, {})),
}


@pytest.mark.parametrize(("values", "public", "expected"), PUBLIC.values(), ids=PUBLIC.keys())
def test_public_values_are_listed_with_zero(
    values: list[str], public: list[str], expected: Breakdown
) -> None:
    assert breakdown(values, public) == expected


def test_a_private_value_that_nobody_has_is_not_said() -> None:
    """Gender is never passed as public: "0 women among the first five" would name them."""
    assert breakdown([M] * 5) == Breakdown(5, {M: 5})
