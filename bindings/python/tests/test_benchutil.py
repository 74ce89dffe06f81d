"""The benchmarks' timing helper (tests/bench/benchutil.py): the balanced
order of the functions it interleaves, and that it times each one."""
import os
import sys
from collections import Counter

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "tests", "bench"))
import benchutil  # noqa: E402


@pytest.mark.parametrize("n", range(1, 9))
def test_balanced_orders_give_every_place_and_predecessor_equally(n):
    rows = benchutil.balanced_orders(n)
    assert len(rows) == (2 * n if n % 2 and n > 1 else n)
    assert all(sorted(r) == list(range(n)) for r in rows)
    places = Counter((i, x) for r in rows for i, x in enumerate(r))
    assert len(places) == n * n and len(set(places.values())) == 1
    pairs = Counter((a, b) for r in rows for a, b in zip(r, r[1:]))
    assert len(pairs) == n * (n - 1) and len(set(pairs.values())) <= 1


def test_interleaved_ms_times_every_function_in_whole_cycles(monkeypatch):
    """Each function is called twice before the rounds (a warm-up, then the
    call that sizes its slice), then in the design's orders, a whole cycle
    of rounds even when the budget is spent after the first."""
    monkeypatch.setattr(benchutil, "QUICK", False)
    order = []
    names = ["a", "b", "c"]
    fns = {k: (lambda k=k: order.append(k)) for k in names}
    ms = benchutil.interleaved_ms(fns, min_rounds=1, budget=0.0, slice_ms=0.0)  # one call a slice
    assert set(ms) == set(names) and all(v >= 0 for v in ms.values())
    assert order[:6] == ["a", "a", "b", "b", "c", "c"]
    assert order[6:] == [names[i] for row in benchutil.balanced_orders(3) for i in row]
