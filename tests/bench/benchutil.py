"""Timing helpers shared by the comparison scripts.

The machines these run on are noisy (shared VMs whose speed drifts by tens of
percent within a minute), so a ratio between two libraries is only meaningful
when both were timed over the same stretch of time: interleaved_ms runs the
functions round-robin and reports each one's median over the same rounds."""
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


def balanced_orders(n):
    """The orders of a Williams design for n functions: a list of rounds,
    each an order of range(n), in which every function takes every place
    equally often and, within the rounds, follows every other function
    equally often (n rounds for an even n; for an odd n above 1 those and
    their reverses, 2n). The boundaries between rounds add one predecessor
    a round, which the design does not balance."""
    first, lo, hi = [0], 1, n - 1
    while len(first) < n:  # 0, 1, n-1, 2, n-2, ...
        if len(first) % 2:
            first.append(lo)
            lo += 1
        else:
            first.append(hi)
            hi -= 1
    rows = [[(x + k) % n for x in first] for k in range(n)]
    if n % 2 and n > 1:
        rows += [r[::-1] for r in rows]
    return rows


def interleaved_ms(fns, min_rounds=5, budget=3.0, max_rounds=100, slice_ms=20.0):
    """{name: fn} -> {name: median milliseconds per call}, timed in rounds.

    Each round calls every function in turn; a fast function (under slice_ms
    a call) is called once untimed, so its data is back in cache as in a
    steady loop, then enough times to fill about slice_ms, and its round
    time is the mean of those calls. The slice is sized from a second call:
    the first pays one-time costs (4.5 ms for the first to_polygons call of
    a process, which imports and compiles cvhp.masks, against 0.35 after),
    and a function sized from it was given 4 calls a slice instead of 50, so
    the calls just after the switch from another function weighed more in
    its mean. That made to_polygons, first in compare_masks.py's dict, 5-10%
    slower than the same call with a workspace, which times the same: the
    two traded places when their order was swapped (3 runs of 3), and timed
    alike once slices were sized from a second call (3 runs of each order).
    The rounds' orders follow a balanced design (balanced_orders), whole
    cycles of it, so every function gets every place and, within the rounds,
    every predecessor equally often (on this VM a call could be 0-10% slower
    right after OpenCV's contours), where a seeded shuffle gave each
    function the same uneven mix in every run. Rounds continue until
    min_rounds are done and budget seconds have passed, and the cycle is
    complete (one cycle with --quick)."""
    reps = {}
    for name, fn in fns.items():
        fn()  # warm-up: the first call also pays one-time costs
        a = time.perf_counter()
        fn()  # the size of this function's slice
        once = (time.perf_counter() - a) * 1e3
        reps[name] = 1 if once >= slice_ms else max(2, min(50, int(slice_ms / max(once, 1e-3))))
    samples = {name: [] for name in fns}
    names = list(fns)
    design = balanced_orders(len(names))
    start = time.perf_counter()
    rounds = 0
    while True:
        for i in design[rounds % len(design)]:
            name = names[i]
            fn = fns[name]
            if reps[name] > 1:
                fn()
            a = time.perf_counter()
            for _ in range(reps[name]):
                fn()
            samples[name].append((time.perf_counter() - a) * 1e3 / reps[name])
        rounds += 1
        if rounds % len(design):
            continue
        if QUICK or rounds >= max_rounds or (rounds >= min_rounds and time.perf_counter() - start >= budget):
            break
    return {name: statistics.median(v) for name, v in samples.items()}
