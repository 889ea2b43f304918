"""Benchmarks: `make bench` (or `python -m benchmarks [name…]`). They report; they never fail."""
