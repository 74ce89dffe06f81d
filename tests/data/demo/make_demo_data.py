#!/usr/bin/python3
"""Writes the demo's sample data (committed; rerun to regenerate, seeded):
a 4000x3000 image tiled 3x2 with overlap 0.25, and the raw detections of a
Faster R-CNN style head for the whole-image pass and each of the 6 tile
passes (pass_<k>_{boxes,scores,labels}.npy, boxes in that pass's own frame),
plus labels.txt. The objects are small (20-60 px), the case tiling is for.

    /usr/bin/python3 tests/data/demo/make_demo_data.py [--out DIR]
(bindings/python/tests/test_demo_data.py checks the committed files are
what this writes.)
"""
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
W, H = 4000, 3000
TILES = np.array([[0, 0, 1600, 1714], [0, 1286, 1600, 3000], [1200, 0, 2800, 1714], [1200, 1286, 2800, 3000],
                  [2400, 0, 4000, 1714], [2400, 1286, 4000, 3000]], np.float32)


def main(out=HERE):
    rng = np.random.default_rng(2026)
    objs = 400
    c = rng.uniform(50, [W - 50, H - 50], size=(objs, 2))
    wh = rng.uniform(20, 60, size=(objs, 2))
    lab = rng.integers(0, 80, size=objs)
    passes = [np.array([0, 0, W, H], np.float32)] + list(TILES)
    for k, rect in enumerate(passes):
        inside = (c[:, 0] > rect[0]) & (c[:, 0] < rect[2]) & (c[:, 1] > rect[1]) & (c[:, 1] < rect[3])
        idx = np.nonzero(inside)[0]
        if k == 0:  # the whole image at low resolution misses many small objects
            idx = idx[rng.random(len(idx)) < 0.4]
        reps = rng.integers(3, 8, size=len(idx))
        ii = np.repeat(idx, reps)
        x1y1 = c[ii] - wh[ii] / 2 + rng.normal(0, 2, size=(len(ii), 2))
        x2y2 = c[ii] + wh[ii] / 2 + rng.normal(0, 2, size=(len(ii), 2))
        b = np.concatenate([x1y1, x2y2], 1) - np.concatenate([rect[:2], rect[:2]])
        s = rng.uniform(0.05, 1.0, size=len(ii))
        np.save(os.path.join(out, f"pass_{k}_boxes.npy"), b.astype(np.float32))
        np.save(os.path.join(out, f"pass_{k}_scores.npy"), s.astype(np.float32))
        np.save(os.path.join(out, f"pass_{k}_labels.npy"), lab[ii].astype(np.int64))
    with open(os.path.join(out, "labels.txt"), "w") as f:
        for i in range(80):
            f.write(f"class_{i:02d}\n")


if __name__ == "__main__":
    main(sys.argv[sys.argv.index("--out") + 1] if "--out" in sys.argv else HERE)
