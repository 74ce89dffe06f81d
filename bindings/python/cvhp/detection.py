"""Config-driven detector post-processing, YOLOv5 decoding, letterbox and the
reference's output JSON.

    cfg = cvhp.Config("object_detection")
    keep = cvhp.detection.postprocess(cfg, boxes, scores, labels)
    boxes, scores, labels = cvhp.detection.decode_yolo(cfg_yolo, pred)       # pred (N, 5 + C)
"""
from __future__ import annotations

import ctypes
import json
from ctypes import byref, c_char_p, c_size_t

import numpy as np

from . import _ffi
from ._config import Config
from ._errors import check, error
from .ops import _boxes, _c_array, _first, _ptr, _vec

L = _ffi.lib

__all__ = ["postprocess", "postprocess_batch", "decode_yolo", "letterbox", "letterbox_unpad", "to_json"]


def postprocess(cfg: Config, boxes, scores, labels, *, num_threads: int = 0) -> np.ndarray:
    """Indices kept by one detector pass: score > box_score_threshold, boxes
    >= 0.01 px (not yolov5), class-aware NMS at nms_iou_threshold, top
    box_detections_per_image (300 for yolov5), in descending score order."""
    b = _boxes(boxes)
    n = b.shape[0]
    s = _vec(scores, n, "scores")
    lab = _vec(labels, n, "labels", np.int64)
    keep = np.empty(n, dtype=np.int64)
    nk = c_size_t()
    check(L.cvhp_detection_postprocess(cfg._handle(), _ptr(b), _ptr(s), _ptr(lab), n, num_threads, _ptr(keep), n,
                                       byref(nk)))
    return _first(keep, nk.value)


def postprocess_batch(cfg: Config, boxes_list, scores_list, labels_list, *, num_threads: int = 0) -> list:
    """postprocess() over many images in one call, in parallel over images;
    returns one index array per image (identical to one call per image)."""
    sizes = [len(np.asarray(s)) for s in scores_list]
    offsets = np.zeros(len(sizes) + 1, dtype=np.uint64)
    offsets[1:] = np.cumsum(sizes)
    total = int(offsets[-1])
    b = _boxes(np.concatenate([np.asarray(x, np.float32).reshape(-1, 4) for x in boxes_list]) if total else
               np.zeros((0, 4), np.float32))
    s = _vec(np.concatenate([np.asarray(x, np.float32) for x in scores_list]) if total else np.zeros(0), total, "scores")
    lab = _vec(np.concatenate([np.asarray(x, np.int64) for x in labels_list]) if total else np.zeros(0, np.int64),
               total, "labels", np.int64)
    keep = np.empty(max(total, 1), dtype=np.int64)
    counts = np.empty(len(sizes), dtype=np.uint64)
    check(L.cvhp_detection_postprocess_batch(cfg._handle(), _ptr(b), _ptr(s), _ptr(lab), _ptr(offsets), len(sizes),
                                             num_threads, _ptr(keep), _ptr(counts)))
    return [keep[int(offsets[i]): int(offsets[i]) + int(counts[i])].copy() for i in range(len(sizes))]


def decode_yolo(cfg: Config, pred, *, num_threads: int = 0):
    """Decode raw YOLOv5 predictions (N, 5 + classes): returns (boxes (K, 4)
    xyxy float32, scores (K,) float32, labels (K,) int64), K <= 300."""
    p = np.asarray(pred)
    if p.ndim != 2 or p.shape[1] < 6:
        raise ValueError(f"pred: expected shape (N, 5 + classes), got {p.shape}")
    p = _c_array(p, np.float32)
    ob = np.empty((300, 4), np.float32)
    os_ = np.empty(300, np.float32)
    ol = np.empty(300, np.int64)
    n = c_size_t()
    check(L.cvhp_yolo_decode(cfg._handle(), _ptr(p), p.shape[0], p.shape[1] - 5, num_threads, _ptr(ob), _ptr(os_),
                             _ptr(ol), 300, byref(n)))
    k = n.value
    return ob[:k].copy(), os_[:k].copy(), ol[:k].copy()


def letterbox(width: int, height: int, size: int = 640) -> dict:
    """yolov5 letterbox geometry: scale, new size and padding."""
    out = (ctypes.c_double * 7)()
    check(L.cvhp_letterbox(int(width), int(height), int(size), out))
    keys = ("scale", "new_width", "new_height", "left", "top", "right", "bottom")
    return {k: (out[i] if i == 0 else int(out[i])) for i, k in enumerate(keys)}


def letterbox_unpad(boxes, lb: dict, size: int = 640) -> np.ndarray:
    """Boxes in letterboxed-input pixels -> boxes normalized to the original image."""
    b = _boxes(boxes)
    arr = (ctypes.c_double * 7)(*[float(lb[k]) for k in ("scale", "new_width", "new_height", "left", "top", "right",
                                                         "bottom")])
    out = np.empty_like(b)
    check(L.cvhp_letterbox_unpad(_ptr(b), b.shape[0], arr, int(size), _ptr(out)))
    return out


def to_json(boxes, scores, labels, width: float, height: float, names=None, *, as_text: bool = False):
    """The reference's prediction JSON for one image ({"boxes": [...]}), boxes
    normalized by width/height, labels named by names (a list) when given."""
    b = _boxes(boxes)
    n = b.shape[0]
    s = _vec(scores, n, "scores")
    lab = _vec(labels, n, "labels", np.int64)
    arr = None
    if names is not None:
        enc = [x.encode() for x in names]
        arr = (c_char_p * len(enc))(*enc)
    need = c_size_t()
    st = L.cvhp_detections_to_json(_ptr(b), _ptr(s), _ptr(lab), n, float(width), float(height), arr,
                                   0 if names is None else len(names), None, 0, byref(need))
    if st not in (_ffi.OK, _ffi.ERR_BUFFER_TOO_SMALL):
        raise error(st)
    buf = ctypes.create_string_buffer(need.value)
    check(L.cvhp_detections_to_json(_ptr(b), _ptr(s), _ptr(lab), n, float(width), float(height), arr,
                                    0 if names is None else len(names), buf, need.value, None))
    text = buf.value.decode()
    return text if as_text else json.loads(text)
