#!/usr/bin/python3
"""Detection pipeline: libcvhp against the same steps written with numpy +
torchvision the way the reference runtime does them, in one process on the
same seeded data. Prints medians and ratios (reference / libcvhp).

    CVHP_LIBRARY=build/lib/libcvhp.so PYTHONPATH=bindings/python \\
        /usr/bin/python3 tests/bench/compare_detection.py [--quick]
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchutil import median_ms  # noqa: E402

import cvhp  # noqa: E402

try:
    import torch
    import torchvision

    torch.set_num_threads(1)
except ImportError:
    torch = None



def merge_workload(seed=1):
    """4000x3000 image, 3x2 grid: the whole-image pass and 6 tile passes,
    100-300 detections each (already in the image frame), 80 classes."""
    rng = np.random.default_rng(seed)
    W, H = 4000, 3000
    tiles = cvhp.tiling.tiles(W, H, (3, 2), 0.25)
    rects = np.concatenate([[[0, 0, W, H]], tiles]).astype(np.float32)
    objs = rng.uniform([0, 0], [W - 60, H - 60], size=(600, 2))
    lab_obj = rng.integers(0, 80, size=600)
    boxes, scores, labels, src = [], [], [], []
    for k, r in enumerate(rects):
        inside = np.nonzero((objs[:, 0] > r[0]) & (objs[:, 0] < r[2] - 60) & (objs[:, 1] > r[1]) &
                            (objs[:, 1] < r[3] - 60))[0]
        m = int(rng.integers(100, 301))
        pick = rng.choice(inside, size=min(m, len(inside)), replace=len(inside) < m) if len(inside) else []
        xy = objs[pick] + rng.normal(0, 2, size=(len(pick), 2))
        boxes.append(np.concatenate([xy, xy + rng.uniform(20, 60, size=(len(pick), 2))], 1))
        scores.append(rng.random(len(pick)))
        labels.append(lab_obj[pick])
        src.append(np.full(len(pick), k))
    return (np.concatenate(boxes).astype(np.float32), np.concatenate(scores).astype(np.float32),
            np.concatenate(labels).astype(np.int64), np.concatenate(src).astype(np.int32), rects)


def ref_merge(b, s, lab, src, rects, thr):
    """The reference rule (§1.7) in numpy + torch: pycocotools-style IoU
    matrix on xywh, then the greedy walk with vectorised marking."""
    xywh = b.copy()
    xywh[:, 2:] -= b[:, :2]
    d = xywh.astype(np.float64)
    x2 = d[:, 0] + d[:, 2]
    y2 = d[:, 1] + d[:, 3]
    w = np.minimum(x2[:, None], x2[None]) - np.maximum(d[:, 0][:, None], d[:, 0][None])
    h = np.minimum(y2[:, None], y2[None]) - np.maximum(d[:, 1][:, None], d[:, 1][None])
    inter = np.where((w > 0) & (h > 0), w * h, 0)
    area = d[:, 2] * d[:, 3]
    iou = inter / (area[:, None] + area[None] - inter)
    srect = torch.from_numpy(rects[src])
    ious, labels = torch.from_numpy(iou), torch.from_numpy(lab)
    order = torch.argsort(torch.from_numpy(s), descending=True)
    dup = torch.zeros(len(b), dtype=torch.bool)
    for a in range(len(order)):
        i = order[a]
        if dup[i]:
            continue
        later = order[a + 1:]
        m = (~dup[later]) & (labels[later] == labels[i]) & (srect[later] != srect[i]).any(1) & (ious[i, later] > thr)
        dup[later[m]] = True
    return torch.nonzero(~dup).flatten().numpy()


def yolo_workload(seed=2):
    rng = np.random.default_rng(seed)
    n, nc = 25200, 80
    p = np.empty((n, 5 + nc), np.float32)
    c = rng.uniform(0, 640, size=(120, 2))
    k = rng.integers(0, len(c), size=n)
    p[:, :2] = c[k] + rng.normal(0, 4, size=(n, 2))
    p[:, 2:4] = rng.uniform(16, 120, size=(n, 2))
    p[:, 4] = rng.random(n) ** 3
    p[:, 5:] = rng.random((n, nc)) ** 4
    return p


def ref_yolo(p, conf, iou):
    """yolov5 non_max_suppression (multi_label=False) with torchvision."""
    x = torch.from_numpy(p)
    x = x[x[:, 4] > conf].clone()
    x[:, 5:] *= x[:, 4:5]
    box = torch.cat([x[:, :2] - x[:, 2:4] / 2, x[:, :2] + x[:, 2:4] / 2], 1)
    cf, j = x[:, 5:].max(1, keepdim=True)
    x = torch.cat((box, cf, j.float()), 1)[cf.view(-1) > conf]
    if x.shape[0] > 30000:
        x = x[x[:, 4].argsort(descending=True)[:30000]]
    c = x[:, 5:6] * 4096
    i = torchvision.ops.nms(x[:, :4] + c, x[:, 4], iou)[:300]
    return x[i]


def main():
    print(f"libcvhp {cvhp.library_version()}: {cvhp.build_info()}")
    if torch is None:
        print("NOTE: torch/torchvision not installed: nothing to compare with (apt-get install python3-torchvision)")
        return
    b, s, lab, src, rects = merge_workload()
    ours = median_ms(lambda: cvhp.tiling.merge(b, s, lab, src, rects, 0.25))
    ref = median_ms(lambda: ref_merge(b, s, lab, src, rects, 0.25), runs=3)
    same = np.array_equal(cvhp.tiling.merge(b, s, lab, src, rects, 0.25), ref_merge(b, s, lab, src, rects, 0.25))
    print(f"merge 7 passes, {len(b)} boxes, 80 classes: cvhp {ours:8.3f} ms | numpy+torch {ref:9.3f} ms  "
          f"x{ref / ours:7.1f}  (same result: {same})")
    p = yolo_workload()
    for conf, iou in ((0.001, 0.7), (0.1, 0.5)):
        cfg = cvhp.Config("object_detection", model_name="yolov5", box_score_threshold=conf, nms_iou_threshold=iou)
        ours = median_ms(lambda: cvhp.detection.decode_yolo(cfg, p, num_threads=1))
        ref = median_ms(lambda: ref_yolo(p, conf, iou))
        got = cvhp.detection.decode_yolo(cfg, p, num_threads=1)
        want = ref_yolo(p, conf, iou)
        agree = len(got[0]) == len(want) and np.array_equal(got[0], want[:, :4].numpy())
        print(f"yolo decode 25200x85 conf {conf} iou {iou}: cvhp {ours:8.3f} ms | numpy+torchvision {ref:9.3f} ms  "
              f"x{ref / ours:7.1f}  (same detections: {agree})")


if __name__ == "__main__":
    main()
