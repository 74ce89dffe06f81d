#!/usr/bin/python3
"""Regenerates tests/data/golden/masks.bin: for seeded masks (blobs, holes,
border-touching, single pixels, diagonal saddles, checkerboards, thin lines,
full and empty, soft score masks) scikit-image's find_contours on the padded
thresholded mask, and the reference pipeline's final polygons (§2.1; the RDP
step written here from the spec: distance to the infinite line through the
endpoints, Euclidean when they coincide, first maximum, strict >). Also COCO
RLE counts and strings computed here from their definition. Run from the
repository root:

    /usr/bin/python3 tests/gen_golden_masks.py
"""
import math
import os
import sys

import numpy as np
from skimage import measure

sys.path.insert(0, os.path.dirname(__file__))
import golden  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "data", "golden", "masks.bin")


def pldist(p, a, b):
    if a[0] == b[0] and a[1] == b[1]:
        return math.sqrt((p[0] - a[0]) ** 2 + (p[1] - a[1]) ** 2)
    ex, ey = b[0] - a[0], b[1] - a[1]
    cr = ex * (a[1] - p[1]) - ey * (a[0] - p[0])
    return abs(cr) / math.sqrt(ex * ex + ey * ey)


def rdp(m, eps):
    dmax, idx = 0.0, -1
    for i in range(1, len(m)):
        d = pldist(m[i], m[0], m[-1])
        if d > dmax:
            idx, dmax = i, d
    if dmax > eps:
        r1 = rdp(m[: idx + 1], eps)
        r2 = rdp(m[idx:], eps)
        return r1[:-1] + r2
    return [m[0], m[-1]]


def pipeline(binary, max_points, refinements=25):
    h, w = binary.shape
    padded = np.zeros((h + 2, w + 2), np.uint8)
    padded[1:-1, 1:-1] = binary
    contours = measure.find_contours(padded, 0.5)
    polys = []
    for c in contours:
        pts = [tuple(map(float, p)) for p in c]
        eps = 0
        while max_points and len(pts) > max_points and eps < refinements:
            pts = rdp(pts, eps)
            eps += 1
        flat = []
        for r, col in pts:
            flat += [(math.ceil(col) - 1) / w, (math.ceil(r) - 1) / h]
        polys.append(flat)
    return contours, polys


def rle(binary):
    flat = binary.T.reshape(-1)  # column-major
    counts, cur, run = [], 0, 0
    for v in flat:
        if v != cur:
            counts.append(run)
            run, cur = 0, v
        run += 1
    counts.append(run)
    return counts


def rle_string(counts):
    out = []
    for i, x in enumerate(counts):
        if i > 2:
            x -= counts[i - 2]
        more = True
        while more:
            c = x & 0x1f
            x >>= 5
            more = (x != -1) if (c & 0x10) else (x != 0)
            if more:
                c |= 0x20
            out.append(chr(c + 48))
    return "".join(out)


def masks(rng):
    out = []
    yy, xx = np.mgrid[:60, :80]
    for k in range(6):  # blobs, some with holes
        m = np.zeros((60, 80), np.uint8)
        for _ in range(rng.integers(1, 5)):
            cy, cx, r = rng.uniform(0, 60), rng.uniform(0, 80), rng.uniform(3, 20)
            m[(yy - cy) ** 2 + (xx - cx) ** 2 < r * r] = 1
        if k % 2:
            cy, cx = rng.uniform(15, 45), rng.uniform(20, 60)
            m[(yy - cy) ** 2 + (xx - cx) ** 2 < 36] = 0
        out.append((f"blobs_{k}", m))
    m = np.zeros((20, 20), np.uint8)
    m[5:15, 5:15] = 1
    m[8:12, 8:12] = 0
    out.append(("square_with_hole", m))
    m = np.zeros((10, 12), np.uint8)
    m[0:4, :] = 1
    m[:, 11] = 1
    out.append(("touching_border", m))
    m = np.zeros((7, 7), np.uint8)
    m[3, 3] = 1
    out.append(("single_pixel", m))
    out.append(("corner_pixel", np.pad(np.ones((1, 1), np.uint8), ((0, 4), (0, 4)))))
    m = np.zeros((6, 6), np.uint8)
    m[1, 1] = m[2, 2] = m[3, 3] = m[2, 4] = m[4, 2] = 1
    out.append(("diagonal_saddles", m))
    out.append(("checkerboard", (np.indices((9, 11)).sum(axis=0) % 2).astype(np.uint8)))
    m = np.zeros((15, 15), np.uint8)
    m[7, 1:14] = 1
    m[1:14, 3] = 1
    m[np.arange(15), np.arange(15)] = 1
    out.append(("thin_lines", m))
    # split distances that are whole numbers: a pass at tolerance k must
    # drop a point whose distance is exactly k (strict >)
    m = np.zeros((11, 10), np.uint8)
    m[4:8, 9] = 1
    m[8:11, 3:10] = 1
    out.append(("integer_distances", m))
    # noise in bands around the 64-column words of the bit rows (squares at
    # bit 63 take their right-hand corners from the next word)
    for w in (200, 257):
        m = np.zeros((12, w), np.uint8)
        for c in range(64, w + 8, 64):
            band = slice(c - 8, min(c + 8, w))
            m[:, band] = rng.random((12, band.stop - band.start)) > 0.45
        out.append((f"word_edges_{w}", m))
    out.append(("full", np.ones((5, 8), np.uint8)))
    out.append(("empty", np.zeros((5, 8), np.uint8)))
    out.append(("one_by_one", np.ones((1, 1), np.uint8)))
    out.append(("row", (rng.random((1, 30)) > 0.5).astype(np.uint8)))
    out.append(("column", (rng.random((25, 1)) > 0.5).astype(np.uint8)))
    for k in range(4):
        out.append((f"noise_{k}", (rng.random((40, 50)) > [0.5, 0.7, 0.3, 0.9][k]).astype(np.uint8)))
    # a large blob whose boundary needs simplification
    m = np.zeros((200, 300), np.uint8)
    yy, xx = np.mgrid[:200, :300]
    m[((yy - 100) / 80.0) ** 2 + ((xx - 150) / 120.0) ** 2 + 0.2 * np.sin(xx / 7.0) < 1] = 1
    m[((yy - 100) / 20.0) ** 2 + ((xx - 150) / 30.0) ** 2 < 1] = 0
    out.append(("large_wavy_with_hole", m))
    return out


def main():
    rng = np.random.default_rng(11)
    cases = []
    for name, m in masks(rng):
        arrays = {"mask": m.reshape(-1).astype(np.uint8), "shap": np.array(m.shape, np.int64)}
        # a soft-score version of the same mask: thresholding it must give m back
        soft = np.where(m > 0, rng.uniform(0.5001, 1.0, m.shape), rng.uniform(0.0, 0.5, m.shape)).astype(np.float32)
        soft[m == 0][:3] = 0.5  # exactly the threshold is not in the mask
        arrays["soft"] = soft.reshape(-1)
        contours, _ = pipeline(m, None)
        arrays["ncon"] = np.array([len(c) for c in contours], np.int64)
        arrays["cont"] = (np.concatenate(contours).reshape(-1) if contours else np.zeros(0)).astype(np.float64)
        for tag, mp in (("p100", 100), ("p010", 10), ("p004", 4), ("p003", 3)):
            _, polys = pipeline(m, mp)
            arrays["n" + tag[1:]] = np.array([len(p) // 2 for p in polys], np.int64)
            arrays[tag] = np.array([v for p in polys for v in p], np.float64)
        counts = rle(m)
        arrays["rlec"] = np.array(counts, np.int64)
        arrays["rles"] = np.frombuffer(rle_string(counts).encode(), np.uint8).copy()
        cases.append((name, arrays))
    golden.write(OUT, cases)
    print(f"{len(cases)} masks")


if __name__ == "__main__":
    main()
