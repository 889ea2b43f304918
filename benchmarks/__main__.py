"""Run the benchmarks named on the command line, or all of them."""

import importlib
import os
import sys

# One core, as the targets are stated.
if hasattr(os, "sched_setaffinity"):
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

MODULES = [
    "reading",
    "diffing",
    "history",
    "merging",
    "support",
    "rebasing",
    "consensus",
    "exports",
    "importing",
    "load",
    "instructions",
    "search",
    "digest",
]

for name in sys.argv[1:] or MODULES:
    print(f"## {name}", flush=True)
    importlib.import_module(f"benchmarks.{name}").run()  # type: ignore[attr-defined]
