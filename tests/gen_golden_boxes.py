#!/usr/bin/python3
"""Regenerates tests/data/golden/{nms,batched_nms,box_ops,opencv_nms}.bin from
the real references: torchvision.ops (Debian python3-torchvision) and
cv2.dnn (python3-opencv). Seeded, so the files only change when the
references do. Run from the repository root:

    /usr/bin/python3 tests/gen_golden_boxes.py
"""
import os
import sys

import numpy as np
import torch
import torchvision
from torchvision.ops import boxes as tvb

sys.path.insert(0, os.path.dirname(__file__))
import golden  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "bench"))
from workloads import proposals  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "data", "golden")
THRESHOLDS = [0.0, 0.3, 0.5, 0.7, 1.0]


def clustered(rng, n, img=1333.0, per=20):
    return proposals(rng, n, img, (16, 300), 0.08, per), rng.random(n).astype(np.float32)


def sparse(rng, n, img=4000.0):
    xy = rng.uniform(0, img, size=(n, 2))
    wh = rng.uniform(4, 40, size=(n, 2))
    return np.concatenate([xy, xy + wh], axis=1).astype(np.float32), rng.random(n).astype(np.float32)


def rand100(rng, n):  # pytorch/vision PR #3596 shape
    xy = rng.random((n, 2)) * 100
    wh = rng.random((n, 2)) * 100
    return np.concatenate([xy, xy + wh], axis=1).astype(np.float32), rng.random(n).astype(np.float32)


def degenerate(rng, n):
    b, s = clustered(rng, n, img=200.0, per=5)
    k = rng.integers(0, 6, size=n)
    b[k == 0, 2] = b[k == 0, 0]                      # zero width
    r = np.nonzero(k == 1)[0]                        # inverted y
    b[r[:, None], [1, 3]] = b[r[:, None], [3, 1]]
    b[k == 2, 0] = np.nan                            # NaN coordinate
    b[k == 3, 2] = np.inf                            # infinite coordinate
    inv = k == 4                                     # inverted in both: positive area
    b[inv] = b[inv][:, [2, 3, 0, 1]]
    return b, s


def duplicates(rng, n):
    base, s = clustered(rng, max(2, n // 4), per=4)
    idx = rng.integers(0, len(base), size=n)
    return base[idx].copy(), rng.random(n).astype(np.float32)


def ties_disjoint(rng, n):
    """Equal scores only between boxes that cannot overlap: the kept set is
    then defined whatever order the reference breaks ties in."""
    grid = int(np.ceil(np.sqrt(n)))
    i = np.arange(n)
    x, y = (i % grid) * 100.0, (i // grid) * 100.0
    b = np.stack([x, y, x + 60, y + 60], axis=1).astype(np.float32)
    # near-duplicates of some boxes with distinct, lower scores
    s = np.round(rng.random(n) * 4) / 4 + 0.5
    dup = rng.integers(0, n, size=n // 3)
    b2 = b[dup] + rng.uniform(-8, 8, size=(len(dup), 4)).astype(np.float32)
    s2 = (rng.random(len(dup)) * 0.49).astype(np.float32)
    return np.concatenate([b, b2]), np.concatenate([s.astype(np.float32), s2])


def at_threshold():
    """pytorch/vision #7165: exact IoU 0.2 computes as 0.2000000030 in float32."""
    b = np.array([[0, 0, 10, 10], [0, 0, 10, 2], [0, 0, 10, 6], [5, 0, 15, 10]], dtype=np.float32)
    s = np.array([0.9, 0.8, 0.7, 0.6], dtype=np.float32)
    return b, s


def tv_nms(b, s, t):
    return torchvision.ops.nms(torch.from_numpy(b), torch.from_numpy(s), float(t)).numpy()


def nms_cases(rng):
    cases = []
    gens = [("clustered", clustered), ("sparse", sparse), ("rand100", rand100), ("degenerate", degenerate),
            ("duplicates", duplicates)]
    for name, g in gens:
        for n in (1, 2, 10, 100, 1000, 3000):
            if name == "sparse" and n < 10:
                continue
            b, s = g(rng, n)
            arrays = {"boxs": b, "scor": s, "thrs": np.array(THRESHOLDS)}
            for i, t in enumerate(THRESHOLDS):
                arrays[f"kp{i:02d}"] = tv_nms(b, s, t)
            cases.append((f"{name}_n{n}", arrays))
    for n in (50, 400):
        b, s = ties_disjoint(rng, n)
        ts = [0.3, 0.5]
        # compared as sets: the reference's tie order is unspecified
        cases.append((f"ties_n{n}", {"boxs": b, "scor": s, "thrs": np.array(ts), "sets": np.array([1], np.uint8),
                                     **{f"kp{i:02d}": np.sort(tv_nms(b, s, t)) for i, t in enumerate(ts)}}))
    b, s = at_threshold()
    ts = [0.2, 0.6, 0.5]
    cases.append(("at_threshold", {"boxs": b, "scor": s, "thrs": np.array(ts),
                                   **{f"kp{i:02d}": tv_nms(b, s, t) for i, t in enumerate(ts)}}))
    # NaN scores sort first in torch.sort(descending=True)
    b, s = clustered(rng, 40, per=4)
    s[[3, 17]] = np.nan
    cases.append(("nan_scores", {"boxs": b, "scor": s, "thrs": np.array([0.5]), "kp00": tv_nms(b, s, 0.5)}))
    cases.append(("empty", {"boxs": np.zeros((0, 4), np.float32), "scor": np.zeros(0, np.float32),
                            "thrs": np.array([0.5]), "kp00": np.zeros(0, np.int64)}))
    return cases


def batched_cases(rng):
    cases = []
    for ncls in (1, 3, 80):
        for n in (10, 300, 2000):
            b, s = clustered(rng, n, per=10)
            idxs = rng.integers(0, ncls, size=n).astype(np.int64) * (7 if ncls == 3 else 1) - (5 if ncls == 3 else 0)
            ts = [0.0, 0.5, 0.7]
            arrays = {"boxs": b, "scor": s, "idxs": idxs, "thrs": np.array(ts)}
            tb, tsc, ti = torch.from_numpy(b), torch.from_numpy(s), torch.from_numpy(idxs)
            for i, t in enumerate(ts):
                keep = tvb._batched_nms_vanilla(tb, tsc, ti, t).numpy()  # exactly per class
                trick = tvb._batched_nms_coordinate_trick(tb, tsc, ti, t).numpy()
                assert np.array_equal(np.sort(keep), np.sort(trick)), "the offset trick disagreed here"
                arrays[f"kp{i:02d}"] = keep
            cases.append((f"clustered_c{ncls}_n{n}", arrays))
    return cases


def box_op_cases(rng):
    cases = []
    for name, g in (("clustered", clustered), ("degenerate", degenerate), ("rand100", rand100)):
        a, _ = g(rng, 37)
        b, _ = g(rng, 53)
        iou = tvb.box_iou(torch.from_numpy(a), torch.from_numpy(b)).numpy()
        area = tvb.box_area(torch.from_numpy(a)).numpy()
        clip = tvb.clip_boxes_to_image(torch.from_numpy(a), (480, 640)).numpy()  # (height, width)
        small = tvb.remove_small_boxes(torch.from_numpy(a), 20.0).numpy()
        conv = {}
        fmts = ("xyxy", "xywh", "cxcywh")  # cvhp_box_format 1, 2, 3
        for si, src in enumerate(fmts):
            for di, dst in enumerate(fmts):
                conv[f"cv{si + 1}{di + 1}"] = tvb.box_convert(torch.from_numpy(a), src, dst).numpy()
        cases.append((name, {"boxa": a, "boxb": b, "ioum": iou, "area": area, "clip": clip, "smal": small, **conv}))
    return cases


def opencv_cases(rng):
    import cv2
    cases = []
    for name, g in (("clustered", clustered), ("sparse", sparse), ("duplicates", duplicates), ("rand100", rand100)):
        for n in (10, 500):
            b, s = g(rng, n)
            rects = [(float(x1), float(y1), float(x2) - float(x1), float(y2) - float(y1)) for x1, y1, x2, y2 in b]
            for st, t, k in ((0.0, 0.5, 0), (0.3, 0.4, 0), (0.2, 0.6, 25)):
                keep = np.array(cv2.dnn.NMSBoxes(rects, s.tolist(), st, t, top_k=k), dtype=np.int64).reshape(-1)
                cases.append((f"nms_{name}_n{n}_s{st}_t{t}_k{k}", {"boxs": b, "scor": s, "prms": np.array([st, t, k]),
                                                                  "keep": keep}))
    # soft-NMS takes integer rectangles
    for name, g in (("clustered", clustered), ("duplicates", duplicates)):
        b, s = g(rng, 300)
        bi = np.round(b).astype(np.float32)
        bi[:, 2:] = np.maximum(bi[:, 2:], bi[:, :2] + 1)
        rects = [(int(x1), int(y1), int(x2 - x1), int(y2 - y1)) for x1, y1, x2, y2 in bi]
        for method, mname in ((cv2.dnn.SoftNMSMethod_SOFTNMS_LINEAR, 1), (cv2.dnn.SoftNMSMethod_SOFTNMS_GAUSSIAN, 2)):
            for st, t, sigma, k in ((0.1, 0.3, 0.5, 0), (0.05, 0.5, 0.3, 40)):
                upd, keep = cv2.dnn.softNMSBoxes(rects, s.tolist(), st, t, top_k=k, sigma=sigma, method=method)
                cases.append((f"soft_{name}_m{mname}_s{st}_t{t}_k{k}",
                              {"boxs": bi, "scor": s, "prms": np.array([mname, st, t, sigma, k]),
                               "keep": np.array(keep, dtype=np.int64).reshape(-1),
                               "upds": np.array(upd, dtype=np.float32).reshape(-1)}))
    return cases


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(20261129)
    golden.write(os.path.join(OUT, "nms.bin"), nms_cases(rng))
    golden.write(os.path.join(OUT, "batched_nms.bin"), batched_cases(rng))
    golden.write(os.path.join(OUT, "box_ops.bin"), box_op_cases(rng))
    golden.write(os.path.join(OUT, "opencv_nms.bin"), opencv_cases(rng))
    print("torch", torch.__version__, "torchvision", torchvision.__version__)


if __name__ == "__main__":
    main()
