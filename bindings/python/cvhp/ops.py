"""Box operators with torchvision.ops' signatures and results, on numpy arrays.

    import numpy as np, cvhp
    keep = cvhp.ops.nms(boxes, scores, 0.5)          # int64 indices, like torchvision.ops.nms

Inputs: (N, 4) boxes and (N,) scores as numpy arrays (lists work too).
C-contiguous, aligned float32 arrays are passed to the library without a
copy; other dtypes (float64, ...) and layouts are converted to float32 first,
exactly as ``tensor.float()`` would. Outputs: int64 indices, float32 values.
Every call accepts ``num_threads`` (0: OpenMP default, 1: serial).
"""
from __future__ import annotations

from ctypes import byref, c_size_t

import numpy as np

from . import _ffi
from ._errors import check

L = _ffi.lib

__all__ = ["nms", "batched_nms", "box_iou", "box_area", "box_convert", "clip_boxes_to_image",
           "remove_small_boxes", "soft_nms", "nms_options"]


def _c_array(a, dtype):
    """a as a plain numpy array of dtype that C can read: C-contiguous and
    aligned. One that is so already comes back as it is (no copy); anything
    else (another dtype or layout, a list, a view at an odd byte offset such
    as np.frombuffer of a header and its data) is converted. C may read a
    float or an integer only through an aligned pointer: a misaligned one is
    undefined behaviour, which x86 happens to tolerate and strict platforms
    and the sanitizers do not. dtype may be a np.dtype, which an array of
    it shares: then the test is an identity, not a comparison of a dtype
    with a type (~0.3 us)."""
    if type(a) is np.ndarray and (a.dtype is dtype or a.dtype == dtype):
        f = a.flags
        if f.c_contiguous and f.aligned:
            return a
    return np.require(a, dtype, "CAE")


def _boxes(b, name="boxes") -> np.ndarray:
    a = np.asarray(b)
    if a.size == 0 and a.ndim <= 2:  # [] and (0, 4) alike
        return np.zeros((0, 4), dtype=np.float32)
    if a.ndim != 2 or a.shape[1] != 4:
        raise ValueError(f"{name}: expected shape (N, 4), got {a.shape}")
    return _c_array(a, np.float32)


def _vec(v, n, name, dtype=np.float32) -> np.ndarray:
    a = np.asarray(v)
    if a.ndim != 1 or a.shape[0] != n:
        raise ValueError(f"{name}: expected shape ({n},), got {a.shape}")
    return _c_array(a, dtype)


def _first(a: np.ndarray, k: int) -> np.ndarray:
    """a (a fresh array the library filled, no other reference) cut to its
    first k entries in place: realloc shrinks it without copying, and the
    result owns exactly k entries, like a copy would."""
    a.resize(k, refcheck=False)
    return a


_ptr = _ffi.address_or_null


def nms_options(preset: str = "torchvision", iou_threshold: float = 0.5, score_threshold: float | None = None,
                top_k: int = 0, num_threads: int = 0, flags: tuple = ()) -> _ffi.NmsOptions:
    """A cvhp_nms_options for a preset ("torchvision", "opencv", "onnx") plus
    extra convention flags (names as in cvhp.ops.NMS_FLAGS)."""
    if preset not in _ffi.NMS_PRESETS:
        raise ValueError(f"preset: {preset!r} is not one of {sorted(_ffi.NMS_PRESETS)}")
    o = _ffi.NmsOptions()
    check(L.cvhp_nms_options_init(byref(o), _ffi.NMS_PRESETS[preset]))
    o.iou_threshold = float(iou_threshold)
    if score_threshold is not None:
        o.flags |= _ffi.NMS_FLAGS["score_threshold"]
        o.score_threshold = float(score_threshold)
    for f in flags:
        o.flags |= _ffi.NMS_FLAGS[f]
    o.top_k = int(top_k)
    o.num_threads = int(num_threads)
    return o


NMS_FLAGS = dict(_ffi.NMS_FLAGS)


def _run_nms(boxes, scores, idxs, options):
    b = _boxes(boxes)
    n = b.shape[0]
    s = _vec(scores, n, "scores")
    keep = np.empty(n, dtype=np.int64)
    nk = c_size_t()
    if idxs is None:
        check(L.cvhp_nms(_ptr(b), _ptr(s), n, byref(options), _ptr(keep), n, byref(nk)))
    else:
        i = _vec(idxs, n, "idxs", np.int64)
        check(L.cvhp_batched_nms(_ptr(b), _ptr(s), _ptr(i), n, byref(options), _ptr(keep), n, byref(nk)))
    return _first(keep, nk.value)


def nms(boxes, scores, iou_threshold: float, *, num_threads: int = 0, preset: str = "torchvision",
        score_threshold: float | None = None, top_k: int = 0) -> np.ndarray:
    """torchvision.ops.nms: indices of the kept boxes, in descending score order
    (equal scores: lower index first)."""
    return _run_nms(boxes, scores, None, nms_options(preset, iou_threshold, score_threshold, top_k, num_threads))


def batched_nms(boxes, scores, idxs, iou_threshold: float, *, num_threads: int = 0, preset: str = "torchvision",
                score_threshold: float | None = None, top_k: int = 0) -> np.ndarray:
    """torchvision.ops.batched_nms: NMS independently per idxs value, merged in
    descending score order."""
    return _run_nms(boxes, scores, idxs, nms_options(preset, iou_threshold, score_threshold, top_k, num_threads))


def box_iou(boxes1, boxes2, *, num_threads: int = 0) -> np.ndarray:
    """torchvision.ops.box_iou: the (N, M) float32 IoU matrix."""
    a, b = _boxes(boxes1, "boxes1"), _boxes(boxes2, "boxes2")
    out = np.empty((a.shape[0], b.shape[0]), dtype=np.float32)
    check(L.cvhp_box_iou(_ptr(a), a.shape[0], _ptr(b), b.shape[0], _ptr(out), num_threads))
    return out


def box_area(boxes) -> np.ndarray:
    b = _boxes(boxes)
    out = np.empty(b.shape[0], dtype=np.float32)
    check(L.cvhp_box_area(_ptr(b), b.shape[0], _ptr(out)))
    return out


def box_convert(boxes, in_fmt: str, out_fmt: str) -> np.ndarray:
    """torchvision.ops.box_convert between "xyxy", "xywh" and "cxcywh"."""
    for f in (in_fmt, out_fmt):
        if f not in _ffi.BOX_FORMATS:
            raise ValueError(f"box format {f!r} is not one of xyxy, xywh, cxcywh")
    b = _boxes(boxes)
    out = np.empty_like(b)
    check(L.cvhp_box_convert(_ptr(b), b.shape[0], _ffi.BOX_FORMATS[in_fmt], _ffi.BOX_FORMATS[out_fmt], _ptr(out)))
    return out


def clip_boxes_to_image(boxes, size) -> np.ndarray:
    """torchvision.ops.clip_boxes_to_image; size is (height, width)."""
    h, w = size
    b = _boxes(boxes)
    out = np.empty_like(b)
    check(L.cvhp_box_clip(_ptr(b), b.shape[0], float(w), float(h), _ptr(out)))
    return out


def remove_small_boxes(boxes, min_size: float) -> np.ndarray:
    b = _boxes(boxes)
    keep = np.empty(b.shape[0], dtype=np.int64)
    nk = c_size_t()
    check(L.cvhp_box_remove_small(_ptr(b), b.shape[0], float(min_size), _ptr(keep), byref(nk)))
    return _first(keep, nk.value)


def soft_nms(boxes, scores, iou_threshold: float = 0.3, sigma: float = 0.5, score_threshold: float = 0.001,
             method: str = "gaussian", top_k: int = 0):
    """cv2.dnn.softNMSBoxes semantics: returns (kept indices, their scores when selected)."""
    b = _boxes(boxes)
    n = b.shape[0]
    s = _vec(scores, n, "scores")
    if method not in _ffi.SOFT_NMS:
        raise ValueError(f"method: {method!r} is not linear or gaussian")
    keep = np.empty(n, dtype=np.int64)
    upd = np.empty(n, dtype=np.float32)
    nk = c_size_t()
    check(L.cvhp_soft_nms(_ptr(b), _ptr(s), n, _ffi.SOFT_NMS[method], float(iou_threshold), float(sigma),
                          float(score_threshold), int(top_k), _ptr(keep), _ptr(upd), n, byref(nk)))
    return _first(keep, nk.value), _first(upd, nk.value)
