"""Timing helpers shared by the comparison scripts.

The machines these run on are noisy (shared VMs whose speed drifts by tens of
percent within a minute), so a ratio between two libraries is only meaningful
when both were timed over the same stretch of time: interleaved_ms runs the
functions round-robin and reports each one's median over the same rounds."""
import random
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


def interleaved_ms(fns, min_rounds=5, budget=3.0, max_rounds=100, slice_ms=20.0):
    """{name: fn} -> {name: median milliseconds per call}, timed in rounds.

    Each round calls every function in turn; a fast function (under
    slice_ms a call, measured at the warm-up) is called once untimed, so its
    data is back in cache as in a steady loop, then enough times to fill
    about slice_ms, and its round time is the mean of those calls. Each
    round takes the functions in a fresh order (shuffled, seeded): whatever
    runs right after a heavy function can be slowed for its whole slice (on
    this VM by 0-10% after OpenCV's contours, timed per position over 30-60
    shuffled rounds), so no function may keep that place; a rotation would
    not do, as it keeps each function's successor. Rounds continue until
    min_rounds are done and budget seconds have passed (3 rounds with
    --quick)."""
    reps = {}
    for name, fn in fns.items():
        a = time.perf_counter()
        fn()  # warm-up, and the size of this function's slice
        once = (time.perf_counter() - a) * 1e3
        reps[name] = 1 if once >= slice_ms else max(2, min(50, int(slice_ms / max(once, 1e-3))))
    samples = {name: [] for name in fns}
    start = time.perf_counter()
    rounds = 0
    order, rng = list(fns), random.Random(0)
    while True:
        rng.shuffle(order)
        for name in order:
            fn = fns[name]
            if reps[name] > 1:
                fn()
            a = time.perf_counter()
            for _ in range(reps[name]):
                fn()
            samples[name].append((time.perf_counter() - a) * 1e3 / reps[name])
        rounds += 1
        if QUICK and rounds >= 3:
            break
        if rounds >= max_rounds or (rounds >= min_rounds and time.perf_counter() - start >= budget):
            break
    return {name: statistics.median(v) for name, v in samples.items()}
