"""Seeded benchmark workloads shared by the comparison scripts (issue #4)."""
import numpy as np


def proposals(rng, n, img, wh_range, sigma, per=20):
    """n float32 boxes jittered (normal, sigma times the object's size) around
    n/per objects of sides in wh_range placed in an img-pixel square; also
    what tests/gen_golden_boxes.py draws its clustered cases with."""
    objs = max(1, n // per)
    c = rng.uniform(0, img, size=(objs, 2))
    wh = rng.uniform(wh_range[0], wh_range[1], size=(objs, 2))
    k = rng.integers(0, objs, size=n)
    jit = rng.normal(0, sigma, size=(n, 4)) * np.concatenate([wh[k], wh[k]], axis=1)
    x1y1 = c[k] - wh[k] / 2
    b = np.concatenate([x1y1, x1y1 + wh[k]], axis=1) + jit
    b[:, 2:] = np.maximum(b[:, 2:], b[:, :2] + 1)
    return b.astype(np.float32)


def clustered(n, classes=1, seed=1, img=1333.0):
    """Pre-NMS proposals: boxes jittered around n/20 objects in a 1333-px image."""
    rng = np.random.default_rng(seed)
    b = proposals(rng, n, img, (16, 256), 0.1)
    scores = rng.random(n).astype(np.float32)
    idxs = rng.integers(0, classes, size=n).astype(np.int64)
    return b, scores, idxs


def sparse(n, seed=2):
    """Few overlaps: almost every box is kept."""
    rng = np.random.default_rng(seed)
    side = 40.0 * np.sqrt(n)
    xy = rng.uniform(0, side, size=(n, 2))
    wh = rng.uniform(8, 32, size=(n, 2))
    return np.concatenate([xy, xy + wh], axis=1).astype(np.float32), rng.random(n).astype(np.float32)


def iou_pair(n, seed=3):
    rng = np.random.default_rng(seed)
    a = rng.uniform(0, 1000, size=(n, 2))
    b = rng.uniform(0, 1000, size=(n, 2))
    wa, wb = rng.uniform(5, 200, size=(n, 2)), rng.uniform(5, 200, size=(n, 2))
    return (np.concatenate([a, a + wa], 1).astype(np.float32), np.concatenate([b, b + wb], 1).astype(np.float32))
