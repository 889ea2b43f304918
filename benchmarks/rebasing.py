"""Issue 17: how often two concurrent amendments that touch different words merge by themselves,
and whether any merge puts an edit in the wrong place. On the shipped draft's real clauses:
each trial edits two different words of one clause (replace, insert after or delete a word, by
two people, one accepted first) and compares Mesa's rebase with the text a person would write."""

import random
import time
from collections import Counter

from app.amendments.merging import rebase
from app.core.config import ROOT
from app.drafts.importing import parse_draft
from app.drafts.numbering import CLAUSE_KINDS

TRIALS = 4_000
NEW_WORDS = ["regional", "plazo", "registro", "ambiental", "mercurio", "mujeres", "DREM", "30"]
Edit = tuple[int, int, str, str]  # (line, word, replace|insert|delete, new word)


def clauses() -> list[str]:
    law = parse_draft((ROOT / "drafts" / "mineria-artesanal.md").read_bytes(), markdown=True)
    return [p.text for p in law.walk() if p.kind in CLAUSE_KINDS and len(p.text.split()) > 12]


def apply(text: str, edits: list[Edit]) -> str:
    lines = [line.split(" ") for line in text.split("\n")]
    # From the last word back, so earlier positions stay where they were.
    for line, word, op, new in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        if op == "replace":
            lines[line][word] = new
        elif op == "insert":
            lines[line].insert(word + 1, new)
        else:
            del lines[line][word]
    return "\n".join(" ".join(words) for words in lines)


def random_edit(rng: random.Random, text: str) -> Edit:
    lines = text.split("\n")
    line = rng.randrange(len(lines))
    words = lines[line].split(" ")
    # Not a numeral's or literal's mark: those are the structure's, not words to amend.
    word = rng.randrange(1, len(words)) if len(words) > 1 else 0
    return (line, word, rng.choice(["replace", "insert", "delete"]), rng.choice(NEW_WORDS))


def neighbour(rng: random.Random, text: str, edit: Edit) -> Edit:
    """An edit of the word right before or after `edit`'s: where needless conflicts came from."""
    line, word, _op, _new = edit
    words = text.split("\n")[line].split(" ")
    near = max(1, min(len(words) - 1, word + rng.choice([-1, 1])))
    return (line, near, rng.choice(["replace", "insert", "delete"]), rng.choice(NEW_WORDS))


def trials(count: int, *, adjacent: bool, seed: int = 17) -> Counter[str]:
    rng = random.Random(seed)
    texts = clauses()
    outcomes: Counter[str] = Counter()
    while sum(outcomes.values()) < count:
        base = rng.choice(texts)
        first = random_edit(rng, base)
        second = neighbour(rng, base, first) if adjacent else random_edit(rng, base)
        if first[:2] == second[:2]:
            continue  # the same word: a real conflict, not what is measured here
        current, proposed = apply(base, [first]), apply(base, [second])
        expected = apply(base, [first, second])
        result = rebase(base, proposed, current)
        if result.outcome == "conflict":
            outcomes["conflict"] += 1
        elif result.text == expected:
            outcomes["merged as a person would"] += 1
        else:
            outcomes["MISPLACED"] += 1
    return outcomes


def run() -> None:
    for adjacent in (False, True):
        started = time.perf_counter()
        outcomes = trials(TRIALS, adjacent=adjacent)
        seconds = time.perf_counter() - started
        total = sum(outcomes.values())
        print("two different words, " + ("side by side" if adjacent else "anywhere in the clause"))
        for outcome, count in sorted(outcomes.items()):
            print(f"  {outcome:<28} {count:>6}  {count / total:6.1%}")
        merged = outcomes["merged as a person would"] / total
        print(
            f"  merged automatically: {merged:.1%} (target ≥ 95 %), misplaced: "
            f"{outcomes['MISPLACED']}; {seconds / total * 1000:.2f} ms a rebase"
        )
