"""Timing helper shared by the comparison scripts: median of repeated runs."""
import statistics
import sys
import time

QUICK = "--quick" in sys.argv


def median_ms(fn, runs=7, warmup=True):
    """Median wall time of fn() in milliseconds (3 runs with --quick)."""
    if warmup:
        fn()
    t = []
    for _ in range(3 if QUICK else runs):
        a = time.perf_counter()
        fn()
        t.append((time.perf_counter() - a) * 1e3)
    return statistics.median(t)
