"""Tiling for small-object detection, exactly as the reference service does it.

    tiles = cvhp.tiling.tiles(4000, 3000, (3, 2), 0.25)       # (6, 4) float32, x-major
    boxes_img = cvhp.tiling.to_image(boxes_tile, tiles[2], ...)
    keep = cvhp.tiling.merge(boxes, scores, labels, sources, source_rects, 0.25)
"""
from __future__ import annotations

from ctypes import byref, c_size_t

import numpy as np

from . import _ffi
from ._config import Config
from ._errors import check
from .ops import _boxes, _c_array, _first, _ptr, _vec

L = _ffi.lib

__all__ = ["tiles", "to_image", "merge"]


def tiles(width: int, height: int, grid=None, overlap: float = 0.25, *, config: Config | None = None) -> np.ndarray:
    """The (nx*ny, 4) float32 tiles (x1, y1, x2, y2), x outer, y inner.
    grid is (nx, ny) or a string like "3x2"; or pass config= to use its
    tile_grid_size and tile_overlap_ratio."""
    out = np.empty((4096, 4), dtype=np.float32)
    n = c_size_t()
    if config is not None:
        check(L.cvhp_tiles_from_config(config._handle(), int(width), int(height), _ptr(out), 4096, byref(n)))
    else:
        if isinstance(grid, str):
            with Config("object_detection", tile_grid_size=grid) as c:
                grid = c["tile_grid_size"]
        nx, ny = grid
        check(L.cvhp_tiles(int(width), int(height), int(nx), int(ny), float(overlap), _ptr(out), 4096, byref(n)))
    return out[: n.value].copy()


def to_image(boxes, tile, tile_tensor_size, image_tensor_size, image_size) -> np.ndarray:
    """Map boxes predicted on a (possibly resized) tile tensor into the
    whole-image pass's frame. Sizes are (width, height)."""
    b = _boxes(boxes)
    t = _c_array(tile, np.float32).reshape(4)
    out = np.empty_like(b)
    (tw, th), (iw, ih), (w, h) = tile_tensor_size, image_tensor_size, image_size
    check(L.cvhp_tile_boxes_to_image(_ptr(b), b.shape[0], _ptr(t), float(tw), float(th), float(iw), float(ih),
                                     float(w), float(h), _ptr(out)))
    return out


def merge(boxes, scores, labels, sources, source_rects, iou_threshold: float = 0.25, *, return_duplicates=False):
    """The reference's merge of whole-image and tile predictions: indices of
    the boxes kept, in input order. sources[i] indexes source_rects (the tile
    rectangles, and 0, 0, W, H for the whole image)."""
    b = _boxes(boxes)
    n = b.shape[0]
    s = _vec(scores, n, "scores")
    lab = _vec(labels, n, "labels", np.int64)
    src = _vec(sources, n, "sources", np.int32)
    rects = _boxes(source_rects, "source_rects")
    dup = np.empty(n, dtype=np.uint8)
    keep = np.empty(n, dtype=np.int64)
    nk = c_size_t()
    check(L.cvhp_merge_predictions(_ptr(b), _ptr(s), _ptr(lab), _ptr(src), n, _ptr(rects), rects.shape[0],
                                   float(iou_threshold), _ptr(dup), _ptr(keep), n, byref(nk)))
    keep = _first(keep, nk.value)
    return (keep, dup.astype(bool)) if return_duplicates else keep
