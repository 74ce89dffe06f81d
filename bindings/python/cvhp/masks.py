"""Instance masks: polygons exactly as the reference service makes them
(threshold, pad 1, scikit-image find_contours at 0.5, cumulative RDP, ceil - 1,
normalization), COCO RLE, and mask images.

    polys = cvhp.masks.to_polygons(mask_scores, score_threshold=0.5, max_points=100)
    # -> list of flat [x1, y1, x2, y2, ...] float arrays, normalized to [0, 1]
"""
from __future__ import annotations

import ctypes
from ctypes import byref, c_size_t

import numpy as np

from . import _ffi
from ._config import Config
from ._errors import check, error
from .ops import _c_array

L = _ffi.lib

__all__ = ["to_polygons", "batch_to_polygons", "encode_rle", "decode_rle", "rle_to_string", "rle_from_string",
           "export", "encode_image", "export_path"]


def _options(score_threshold, max_points, pixels, raw, config, num_threads=0, workspace=None):
    o = _ffi.MaskOptions()
    if config is not None:
        check(L.cvhp_mask_options_from_config(byref(o), config._handle()))
    else:
        check(L.cvhp_mask_options_init(byref(o)))
    if score_threshold is not None:
        o.score_threshold = float(score_threshold)
    if max_points is not None:
        o.max_points = int(max_points)
    o.flags = (_ffi.POLY_PIXELS if pixels else 0) | (_ffi.POLY_RAW if raw else 0)
    o.num_threads = int(num_threads)
    if workspace is not None:
        o.alloc = workspace._allocator()
    return o


_F32, _U8 = np.dtype(np.float32), np.dtype(np.uint8)
_OPTIONS: dict = {}  # (score_threshold, max_points, pixels, raw) -> byref of its options


def _cached_options(cache, score_threshold, max_points, pixels, raw, workspace=None):
    """byref of the options of a call without a config or threads, made once
    per distinct tuple and kept in cache (_OPTIONS, or the workspace's own,
    which it drops when closed): a mask call is a fraction of a millisecond,
    and building and initializing the struct, and asking the workspace for
    its allocator, is a few microseconds of it. 64 tuples at most."""
    key = (score_threshold, max_points, bool(pixels), bool(raw))
    try:
        return cache[key]
    except TypeError:  # unhashable: not cached
        key = None
    except KeyError:
        if len(cache) >= 64:
            cache.clear()
    ref = byref(_options(score_threshold, max_points, pixels, raw, None, workspace=workspace))
    if key is not None:
        cache[key] = ref
    return ref


def _collect(handle, with_holes):
    """The polygons of a result (then freed): one copy of every coordinate
    into one buffer, each polygon a view of its stretch (four calls in all,
    not three per polygon). The buffers are ctypes arrays, passed to C as
    they are (numpy's a.ctypes costs microseconds after a call that has
    streamed a mask through the caches; a numpy buffer through
    _ffi.address measured the same as these)."""
    try:
        n, total = L.cvhp_polygons_count(handle), L.cvhp_polygons_total_points(handle)
        buf = (ctypes.c_double * (2 * total))()
        offsets = (c_size_t * (n + 1))()
        hole = (ctypes.c_uint8 * n)() if with_holes else None
        st = L.cvhp_polygons_copy(handle, buf, 2 * total, offsets, hole)
        if st:
            check(st)
        xy = np.frombuffer(buf, dtype=np.float64)
        at = offsets[:]
        out = [xy[2 * a:2 * b] for a, b in zip(at, at[1:])]
        return (out, [bool(x) for x in hole]) if with_holes else out
    finally:
        L.cvhp_polygons_free(handle)


def to_polygons(mask, score_threshold: float | None = None, max_points: int | None = None, *, pixels=False,
                raw=False, with_holes=False, config: Config | None = None, workspace=None):
    """Polygons of one (H, W) mask: float scores (pixel in the mask when score >
    score_threshold) or a bool/uint8 mask (nonzero). Defaults: 0.5 and 100,
    or the config's mask_pixel_score_threshold / max_number_of_polygon_points.
    pixels=True gives integer pixel coordinates; raw=True find_contours'
    vertices; with_holes=True also returns a list of is-hole flags.
    workspace: a cvhp.Workspace whose memory the call reuses."""
    m = mask if type(mask) is np.ndarray else np.asarray(mask)
    if m.ndim != 2:
        raise ValueError(f"mask: expected 2 dimensions, got shape {m.shape}")
    if config is None:
        cache = _OPTIONS if workspace is None else workspace._options_cache()
        o = _cached_options(cache, score_threshold, max_points, pixels, raw, workspace)
    else:
        o = byref(_options(score_threshold, max_points, pixels, raw, config, workspace=workspace))
    dt = m.dtype  # float32, the common case, without comparing a dtype with a type (~0.3 us each)
    if dt is not _F32 and (dt == np.bool_ or dt == np.uint8):
        m, f = _c_array(m, _U8), L.cvhp_mask_u8_to_polygons
    else:
        m, f = _c_array(m, _F32), L.cvhp_mask_to_polygons
    h = ctypes.c_void_p()
    st = f(_ffi.address(m), m.shape[0], m.shape[1], o, byref(h))
    if st:
        check(st)
    return _collect(h, with_holes)


def batch_to_polygons(masks, score_threshold: float | None = None, max_points: int | None = None, *,
                      num_threads: int = 0, config: Config | None = None, workspace=None):
    """to_polygons over an (N, H, W) stack of score masks, in parallel
    (workspace: a cvhp.Workspace whose memory the calls reuse)."""
    m = _c_array(masks, np.float32)
    if m.ndim != 3:
        raise ValueError(f"masks: expected (N, H, W), got {m.shape}")
    o = _options(score_threshold, max_points, False, False, config, num_threads, workspace)
    outs = (ctypes.c_void_p * max(1, m.shape[0]))()
    check(L.cvhp_masks_to_polygons_batch(_ffi.address(m), m.shape[0], m.shape[1], m.shape[2], byref(o), outs))
    return [_collect(ctypes.c_void_p(outs[i]), False) for i in range(m.shape[0])]


def encode_rle(mask) -> dict:
    """COCO RLE of a binary mask: {"size": [H, W], "counts": [...]} (column-major)."""
    m = _c_array(np.asarray(mask) != 0, np.uint8)
    h, w = m.shape
    counts = np.empty(h * w + 1, dtype=np.uint32)
    n = c_size_t()
    check(L.cvhp_rle_encode(_ffi.address(m), h, w, _ffi.address(counts), counts.size, byref(n)))
    return {"size": [h, w], "counts": counts[: n.value].astype(np.int64).tolist()}


def decode_rle(rle: dict) -> np.ndarray:
    """The uint8 0/1 mask of {"size": [H, W], "counts": list or compressed string}."""
    h, w = rle["size"]
    counts = rle["counts"]
    if isinstance(counts, (str, bytes)):
        counts = rle_from_string(counts)
    c = _c_array(counts, np.uint32)
    out = np.empty((h, w), dtype=np.uint8)
    check(L.cvhp_rle_decode(_ffi.address_or_null(c), c.size, h, w, _ffi.address(out)))
    return out


def rle_to_string(counts) -> str:
    c = _c_array(counts, np.uint32)
    need = c_size_t()
    st = L.cvhp_rle_to_string(_ffi.address_or_null(c), c.size, None, 0, byref(need))
    if st not in (_ffi.OK, _ffi.ERR_BUFFER_TOO_SMALL):
        raise error(st)
    buf = ctypes.create_string_buffer(need.value)
    check(L.cvhp_rle_to_string(_ffi.address_or_null(c), c.size, buf, need.value, None))
    return buf.value.decode()


def rle_from_string(s) -> list:
    b = s.encode() if isinstance(s, str) else bytes(s)
    cap = len(b) + 1
    out = np.empty(cap, dtype=np.uint32)
    n = c_size_t()
    check(L.cvhp_rle_from_string(b, _ffi.address(out), cap, byref(n)))
    return out[: n.value].astype(np.int64).tolist()


def encode_image(mask, image_type: str = "png") -> bytes:
    """The mask as an 8-bit grayscale image (0 / 255) in jpg, png or bmp."""
    t = _ffi.IMAGE_TYPES[image_type.lower()]
    m = _c_array(mask, np.uint8)
    need = c_size_t()
    st = L.cvhp_mask_encode(_ffi.address(m), m.shape[0], m.shape[1], t, None, 0, byref(need))
    if st != _ffi.ERR_BUFFER_TOO_SMALL:
        raise error(st)
    buf = ctypes.create_string_buffer(need.value)
    check(L.cvhp_mask_encode(_ffi.address(m), m.shape[0], m.shape[1], t, buf, need.value, byref(need)))
    return buf.raw[: need.value]


def export(mask, path: str, image_type: str = "jpg") -> None:
    t = _ffi.IMAGE_TYPES[image_type.lower()]
    m = _c_array(mask, np.uint8)
    check(L.cvhp_mask_export(_ffi.address(m), m.shape[0], m.shape[1], t, path.encode()))


def export_path(image_file: str, label: str, index: int, score: float, image_type: str = "jpg") -> str:
    """The reference's masks/<stem>/<label>/<stem>_<i>_label_<label>_conf_<S>.<ext>."""
    t = _ffi.IMAGE_TYPES[image_type.lower()]
    buf = ctypes.create_string_buffer(4096)
    check(L.cvhp_mask_export_path(image_file.encode(), label.encode(), int(index), float(score), t, buf, 4096, None))
    return buf.value.decode()
