#!/usr/bin/python3
"""Mask -> polygons: libcvhp against scikit-image (find_contours +
approximate_polygon, the reference's path) and OpenCV (findContours +
approxPolyDP on a uint8 mask, outer and inner contours), in one process on
the same seeded soft masks, one thread. Also times a plain read of the mask
(numpy max over it) as the memory floor.

    CVHP_LIBRARY=build/lib/libcvhp.so PYTHONPATH=bindings/python \\
        /usr/bin/python3 tests/bench/compare_masks.py [--quick]
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchutil import QUICK, interleaved_ms, median_ms  # noqa: E402

import cvhp  # noqa: E402

try:
    from skimage import measure
except ImportError:
    measure = None
try:
    import cv2

    cv2.setNumThreads(1)
except ImportError:
    cv2 = None



def soft_mask(h, w, seed, blobs=12):
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[:h, :w].astype(np.float32)
    m = np.zeros((h, w), np.float32)
    for _ in range(blobs):
        cy, cx = rng.uniform(0, h), rng.uniform(0, w)
        ry, rx = rng.uniform(h / 30, h / 6), rng.uniform(w / 30, w / 6)
        d = ((yy - cy) / ry) ** 2 + ((xx - cx) / rx) ** 2
        m = np.maximum(m, np.clip(1.2 - d, 0, 1))
        hole = ((yy - cy) / (ry / 3)) ** 2 + ((xx - cx) / (rx / 3)) ** 2 < 1
        m[hole] *= 0.2
    return m


def skimage_path(m, thr=0.5, max_points=100):
    padded = np.pad((m > thr).astype(np.uint8), 1)
    out = []
    for c in measure.find_contours(padded, 0.5):
        tol = 0
        while len(c) > max_points and tol < 25:
            c = measure.approximate_polygon(c, tol)
            tol += 1
        out.append(c)
    return out


def opencv_path(m, thr=0.5):
    u8 = (m > thr).astype(np.uint8)
    contours, _ = cv2.findContours(u8, cv2.RETR_LIST, cv2.CHAIN_APPROX_NONE)
    return [cv2.approxPolyDP(c, 1.0, True) for c in contours]


def main():
    print(f"libcvhp {cvhp.library_version()}: {cvhp.build_info()}")
    for h, w in ((800, 1333), (2048, 2048)):
        m = soft_mask(h, w, seed=h)
        ws = cvhp.Workspace()
        fns = {"ours": lambda: cvhp.masks.to_polygons(m), "read": lambda: m.max(),
               "ours_ws": lambda: cvhp.masks.to_polygons(m, workspace=ws)}
        if cv2 is not None:
            fns["cv2"] = lambda: opencv_path(m)
        ms = interleaved_ms(fns, min_rounds=7, budget=2.0)  # same stretch of time for all three
        ours, read, ours_ws = ms["ours"], ms["read"], ms["ours_ws"]
        n = len(cvhp.masks.to_polygons(m))
        # with a workspace the scratch is recycled, not taken from the system
        # allocator (which, after other work has freed memory, can hand back
        # fresh pages to fault in)
        line = (f"{h}x{w} soft mask ({n} polygons): cvhp {ours:8.3f} ms (x{ours / read:5.2f} read)"
                f" | with a workspace {ours_ws:7.3f} ms (x{ours_ws / read:5.2f}) | plain read {read:7.3f} ms")
        if measure is not None:
            sk = median_ms(lambda: skimage_path(m), runs=3)
            assert len(skimage_path(m)) == n
            line += f" | skimage {sk:8.2f} ms x{sk / ours:6.1f}"
        if cv2 is not None:
            cvt = ms["cv2"]
            line += f" | cv2 {cvt:7.3f} ms x{cvt / ours:5.2f}"
        print(line, flush=True)
    masks = np.stack([soft_mask(800, 1333, seed=s, blobs=3) for s in range(8 if QUICK else 100)])
    # the batch is 426 MB: unlike the single masks above, read over and over
    # from the last-level cache, each mask comes from memory, as a
    # detector's fresh output does; so the plain read of it is timed too
    ms = interleaved_ms({"1t": lambda: cvhp.masks.batch_to_polygons(masks, num_threads=1),
                         "2t": lambda: cvhp.masks.batch_to_polygons(masks, num_threads=2),
                         "read": lambda: masks.max()}, min_rounds=6, budget=2.0)
    t1, t2, read = ms["1t"], ms["2t"], ms["read"]
    line = (f"batch of {len(masks)} 800x1333 masks: cvhp 1t {t1:8.2f} ms (x{t1 / read:4.2f} read), "
            f"2t {t2:8.2f} ms (x{t1 / t2:4.2f}) | plain read {read:7.2f} ms")
    if measure is not None:
        sk = median_ms(lambda: [skimage_path(x) for x in masks[:10]], runs=1) * len(masks) / 10
        line += f" | skimage (est. from 10) {sk:9.1f} ms x{sk / t1:6.1f}"
    print(line)


if __name__ == "__main__":
    main()
