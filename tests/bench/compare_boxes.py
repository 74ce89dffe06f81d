#!/usr/bin/python3
"""Box kernels: libcvhp against torchvision.ops and cv2.dnn.NMSBoxes, in one
process, on the same seeded data (tests/bench/workloads.py). Prints the median
of repeated runs for each and the ratio reference / libcvhp (> 1: libcvhp is
faster), for libcvhp on 1 and 2 threads. The functions of a row are timed
interleaved (benchutil.interleaved_ms), so the ratios hold even when the
machine's speed drifts. Also checks that the outputs agree.

    CVHP_LIBRARY=build/lib/libcvhp.so PYTHONPATH=bindings/python \\
        /usr/bin/python3 tests/bench/compare_boxes.py [--quick]

torch is pinned to one thread (torch.set_num_threads(1)). References that are
not installed are skipped with a note."""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import workloads  # noqa: E402
from benchutil import QUICK, interleaved_ms  # noqa: E402

import cvhp  # noqa: E402

try:
    import torch
    import torchvision

    torch.set_num_threads(1)
except ImportError:  # pragma: no cover - the comparison still runs without it
    torch = None
try:
    import cv2

    cv2.setNumThreads(1)
except ImportError:  # pragma: no cover
    cv2 = None

def row(name, ours1, ours2, refs):
    line = f"{name:<34} cvhp 1t {ours1:9.3f} ms   2t {ours2:9.3f} ms"
    for rname, rt in refs:
        line += f" | {rname} {rt:9.3f} ms  x{rt / ours1:6.1f} (2t x{rt / ours2:6.1f})"
    print(line, flush=True)


def timed_row(title, fns, budget):
    """Times ours on 1 and 2 threads and the references interleaved, prints the row."""
    ms = interleaved_ms(fns, min_rounds=5, budget=budget)
    ours1, ours2 = ms.pop("ours1"), ms.pop("ours2")
    row(title, ours1, ours2, list(ms.items()))


def bench_nms(title, b, s, idxs, t):
    tb, ts = (torch.from_numpy(b), torch.from_numpy(s)) if torch else (None, None)
    if idxs is None:
        fns = {"ours1": lambda: cvhp.ops.nms(b, s, t, num_threads=1),
               "ours2": lambda: cvhp.ops.nms(b, s, t, num_threads=2)}
    else:
        fns = {"ours1": lambda: cvhp.ops.batched_nms(b, s, idxs, t, num_threads=1),
               "ours2": lambda: cvhp.ops.batched_nms(b, s, idxs, t, num_threads=2)}
    got = fns["ours1"]()
    if torch:
        if idxs is None:
            f = lambda: torchvision.ops.nms(tb, ts, t)  # noqa: E731
        else:
            ti = torch.from_numpy(idxs)
            f = lambda: torchvision.ops.batched_nms(tb, ts, ti, t)  # noqa: E731
        fns["torchvision"] = f
        want = f().numpy()
        agree = np.array_equal(np.sort(got), np.sort(want))
        if not agree:
            print(f"  NOTE: kept sets differ from torchvision ({len(got)} vs {len(want)})")
    if cv2 and idxs is None:
        rects = np.concatenate([b[:, :2], b[:, 2:] - b[:, :2]], axis=1).astype(np.float64).tolist()
        sl = s.tolist()
        fns["cv2"] = lambda: cv2.dnn.NMSBoxes(rects, sl, 0.0, t)
    timed_row(title + f" (kept {len(got)})", fns, budget=3.0)


def bench_iou(n):
    a, b = workloads.iou_pair(n)
    fns = {"ours1": lambda: cvhp.ops.box_iou(a, b, num_threads=1),
           "ours2": lambda: cvhp.ops.box_iou(a, b, num_threads=2)}
    if torch:
        ta, tb = torch.from_numpy(a), torch.from_numpy(b)
        fns["torchvision"] = lambda: torchvision.ops.box_iou(ta, tb)
        assert np.array_equal(cvhp.ops.box_iou(a, b), torchvision.ops.box_iou(ta, tb).numpy())
    timed_row(f"box_iou {n}x{n}", fns, budget=4.0)


def main():
    print(f"libcvhp {cvhp.library_version()}: {cvhp.build_info()}")
    if torch:
        print(f"torch {torch.__version__} torchvision {torchvision.__version__} (1 thread)")
    if cv2:
        print(f"cv2 {cv2.__version__}")
    if not torch:
        print("NOTE: torch/torchvision not installed: no torchvision column (apt-get install python3-torchvision)")
    sizes = (1000, 10000) if QUICK else (1000, 10000, 50000)
    for n in sizes:
        b, s, _ = workloads.clustered(n)
        bench_nms(f"nms clustered {n}", b, s, None, 0.5)
    for n in sizes:
        b, s, idxs = workloads.clustered(n, classes=80)
        bench_nms(f"batched_nms 80 classes {n}", b, s, idxs, 0.5)
    for n in (1000, 10000):
        b, s = workloads.sparse(n)
        bench_nms(f"nms sparse {n}", b, s, None, 0.5)
    for n in ((1000,) if QUICK else (1000, 4000)):
        bench_iou(n)


if __name__ == "__main__":
    main()
