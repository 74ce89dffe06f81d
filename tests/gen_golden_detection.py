#!/usr/bin/python3
"""Regenerates tests/data/golden/detection.bin: the reference service's
tiling (get_tiles with torch float32 arange and round_), the tile-to-image
mapping, the merge rule (pycocotools IoU), Faster R-CNN post-processing and
YOLOv5 decoding (torchvision NMS), and the letterbox, written here from
../shared/reference/azure-automl-behaviour.md §1 and §5 with Debian's torch,
torchvision and numpy. Run from the repository root:

    /usr/bin/python3 tests/gen_golden_detection.py
"""
import os
import sys

import numpy as np
import torch
import torchvision

sys.path.insert(0, os.path.dirname(__file__))
import golden  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "data", "golden", "detection.bin")


def get_tiles(w, h, grid, r):
    """reference §1.4: Python-float sizes, torch float32 arange, float32 sums, round_ (half to even)"""
    tw = w / (r + (1 - r) * grid[0])
    th = h / (r + (1 - r) * grid[1])
    xs = torch.arange(0, w, (1 - r) * tw)[: grid[0]]
    ys = torch.arange(0, h, (1 - r) * th)[: grid[1]]
    tl = torch.cartesian_prod(xs, ys)  # x outer, y inner
    br = tl + torch.tensor([tw, th])
    return torch.cat([tl, br], dim=1).round_().numpy()


def coco_iou_matrix(b):
    """pycocotools bbIou on xywh: w computed in float32, then float64"""
    xywh = b.copy()
    xywh[:, 2:] = b[:, 2:] - b[:, :2]
    d = xywh.astype(np.float64)
    n = len(d)
    o = np.zeros((n, n))
    for g in range(n):
        for k in range(n):
            w = min(d[k, 2] + d[k, 0], d[g, 2] + d[g, 0]) - max(d[k, 0], d[g, 0])
            if w <= 0:
                continue
            h = min(d[k, 3] + d[k, 1], d[g, 3] + d[g, 1]) - max(d[k, 1], d[g, 1])
            if h <= 0:
                continue
            i = w * h
            o[g, k] = i / (d[k, 2] * d[k, 3] + d[g, 2] * d[g, 3] - i)
    return o


def merge(b, s, lab, src_rects, thr):
    """reference §1.7 (stable order on ties)"""
    n = len(b)
    iou = coco_iou_matrix(b)
    order = sorted(range(n), key=lambda i: (-float(s[i]), i))
    dup = np.zeros(n, np.uint8)
    for a, i in enumerate(order):
        if dup[i]:
            continue
        for j in order[a + 1:]:
            if dup[j] or lab[j] != lab[i] or np.array_equal(src_rects[i], src_rects[j]):
                continue
            if iou[i, j] > thr:
                dup[j] = 1
    return dup


def main():
    rng = np.random.default_rng(5)
    cases = []
    # tiles: the reference's own test grid plus odd sizes
    sizes = [(640, 480), (1080, 1080), (1280, 720), (1920, 1080), (5, 5), (4000, 3000), (333, 777), (1001, 999)]
    grids = [(2, 1), (1, 2), (3, 2), (2, 3), (4, 3), (3, 4), (7, 5)]
    overlaps = [0.0, 0.25, 0.5, 0.75, 0.1, 0.33]
    for (w, h) in sizes:
        for g in grids:
            for r in overlaps:
                if w / (r + (1 - r) * g[0]) < 1 or h / (r + (1 - r) * g[1]) < 1:
                    continue  # tiles smaller than a pixel are rejected by libcvhp
                t = get_tiles(w, h, g, r)
                cases.append((f"tiles_{w}x{h}_{g[0]}x{g[1]}_r{r}",
                              {"prms": np.array([w, h, g[0], g[1], r]), "tile": t.astype(np.float32)}))
    # merge: random tiled predictions
    for k in range(40):
        W, H = 600.0, 400.0
        tiles = np.array([[0, 0, 400, 300], [0, 100, 400, 400], [200, 0, 600, 300], [200, 100, 600, 400]], np.float32)
        rects = np.concatenate([[[0, 0, W, H]], tiles]).astype(np.float32)
        n = int(rng.integers(0, 60))
        src = rng.integers(0, 5, size=n).astype(np.int32)
        c = rng.uniform(0, 600, size=(n, 2))
        wh = rng.uniform(10, 120, size=(n, 2))
        b = np.concatenate([c, c + wh], 1).astype(np.float32)
        # near-duplicates across sources
        if n > 4:
            b[n // 2:] = b[: n - n // 2] + rng.normal(0, 4, size=(n - n // 2, 4)).astype(np.float32)
        s = np.round(rng.random(n), 2).astype(np.float32)  # ties happen
        lab = rng.integers(0, 3, size=n).astype(np.int64)
        thr = [0.25, 0.0, 0.5, 0.9][k % 4]
        dup = merge(b, s, lab, rects[src], thr)
        cases.append((f"merge_{k}", {"boxs": b.reshape(-1), "scor": s, "labl": lab, "srcs": src,
                                     "rect": rects.reshape(-1), "thrs": np.array([thr]), "dups": dup}))
    # Faster R-CNN head: score filter, remove_small_boxes(1e-2), batched_nms, top-k
    for k in range(10):
        n = 400
        c = rng.uniform(0, 800, size=(n // 8, 2))
        idx = rng.integers(0, len(c), size=n)
        wh = rng.uniform(5, 100, size=(n, 2))
        b = np.concatenate([c[idx], c[idx] + wh], 1).astype(np.float32)
        b[::37, 2] = b[::37, 0] + 0.005  # tiny boxes are dropped
        s = rng.random(n).astype(np.float32)
        lab = rng.integers(1, 6, size=n).astype(np.int64)
        st, it, dets = [(0.3, 0.5, 100), (0.05, 0.5, 20), (0.7, 0.3, 100)][k % 3]
        tb, ts, tl = map(torch.from_numpy, (b, s, lab))
        keep = torch.where(ts > st)[0]
        tb2, ts2, tl2 = tb[keep], ts[keep], tl[keep]
        small = torchvision.ops.remove_small_boxes(tb2, 1e-2)
        tb2, ts2, tl2, keep = tb2[small], ts2[small], tl2[small], keep[small]
        k2 = torchvision.ops.boxes._batched_nms_vanilla(tb2, ts2, tl2, it)[:dets]
        cases.append((f"frcnn_{k}", {"boxs": b.reshape(-1), "scor": s, "labl": lab,
                                     "prms": np.array([st, it, dets]), "keep": keep[k2].numpy()}))
    # YOLOv5 decode (yolov5 non_max_suppression, multi_label=False, exact per-class NMS)
    for k in range(4):
        n, nc = 1500, 7
        p = np.zeros((n, 5 + nc), np.float32)
        c = rng.uniform(0, 640, size=(n // 30, 2))
        idx = rng.integers(0, len(c), size=n)
        p[:, :2] = c[idx] + rng.normal(0, 3, size=(n, 2))
        p[:, 2:4] = rng.uniform(10, 80, size=(n, 2))
        p[:, 4] = rng.random(n) ** 2
        p[:, 5:] = rng.random((n, nc))
        conf, iou = [(0.1, 0.5), (0.001, 0.7), (0.25, 0.45)][k % 3]
        x = torch.from_numpy(p.copy())
        x = x[x[:, 4] > conf]
        x[:, 5:] *= x[:, 4:5]
        box = torch.cat([x[:, :2] - x[:, 2:4] / 2, x[:, :2] + x[:, 2:4] / 2], 1)
        cf, j = x[:, 5:].max(1, keepdim=True)
        x = torch.cat((box, cf, j.float()), 1)[cf.view(-1) > conf]
        i = torchvision.ops.boxes._batched_nms_vanilla(x[:, :4], x[:, 4], x[:, 5].long(), iou)[:300]
        det = x[i]
        cases.append((f"yolo_{k}", {"pred": p.reshape(-1), "prms": np.array([conf, iou, nc]),
                                    "dbox": det[:, :4].numpy().reshape(-1), "dscr": det[:, 4].numpy(),
                                    "dlab": det[:, 5].long().numpy()}))
    # letterbox (EX-YOLO letterbox(new_shape=S, auto=False, scaleup=False))
    lbs = []
    for (w, h, S) in [(1920, 1080, 640), (640, 640, 640), (500, 375, 640), (1280, 721, 640), (333, 1000, 640),
                      (1001, 999, 320), (641, 640, 640)]:
        r = min(S / h, S / w)
        r = min(r, 1.0)
        nw, nh = int(round(w * r)), int(round(h * r))
        dw, dh = (S - nw) / 2, (S - nh) / 2
        lbs.append([w, h, S, r, nw, nh, round(dw - 0.1), round(dh - 0.1), round(dw + 0.1), round(dh + 0.1)])
    cases.append(("letterbox", {"lbox": np.array(lbs, dtype=np.float64).reshape(-1)}))
    golden.write(OUT, cases)
    print(f"{len(cases)} cases; torch {torch.__version__} torchvision {torchvision.__version__}")


if __name__ == "__main__":
    main()
