"""Arrays reach C aligned. A numpy view can start at any byte (np.frombuffer
of a header and its data, a slice of a uint8 buffer viewed as float32); C
may read a float or an integer only through an aligned pointer, so the
bindings copy such a view first. Every address handed to the library is
checked here, and the results must equal those of the aligned input."""
import numpy as np
import pytest

import cvhp
from cvhp import _ffi


def misaligned(a):
    """a copy of a whose data starts one byte past an aligned address"""
    a = np.asarray(a)
    raw = np.zeros(a.nbytes + a.dtype.alignment, np.uint8)
    start = (-raw.ctypes.data) % a.dtype.alignment + 1
    v = raw[start:start + a.nbytes].view(a.dtype).reshape(a.shape)
    v[...] = a
    assert not v.flags.aligned and np.array_equal(v, a)
    return v


@pytest.fixture
def addresses(monkeypatch):
    """(aligned, itemsize) of every array whose address goes to C"""
    seen = []
    real = _ffi.address

    def spy(a):
        seen.append((a.flags.aligned and a.flags.c_contiguous, a.dtype.itemsize))
        return real(a)

    monkeypatch.setattr(_ffi, "address", spy)
    return seen


def same(x, y):
    if isinstance(x, (list, tuple)):
        return len(x) == len(y) and all(same(a, b) for a, b in zip(x, y))
    if isinstance(x, dict):
        return x.keys() == y.keys() and all(same(x[k], y[k]) for k in x)
    return np.array_equal(np.asarray(x), np.asarray(y))


def boxes_scores(n=40, seed=3):
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, 100, (n, 2))
    b = np.concatenate([xy, xy + rng.uniform(5, 30, (n, 2))], 1).astype(np.float32)
    return b, rng.uniform(0, 1, n).astype(np.float32), rng.integers(0, 3, n).astype(np.int64)


def mask():
    m = np.zeros((19, 27), np.float32)
    m[3:15, 4:22] = 0.9
    m[7:10, 9:13] = 0.1
    return m


def calls():
    """name -> (function of the arrays, the arrays)"""
    b, s, lab = boxes_scores()
    cfg = cvhp.Config("object_detection", model_name="yolov5")
    pred = np.random.default_rng(4).uniform(0, 1, (50, 8)).astype(np.float32)
    pred[:, :4] *= 300
    counts = np.array(cvhp.masks.encode_rle(mask() > 0.5)["counts"], np.uint32)
    return {
        "to_polygons": (cvhp.masks.to_polygons, [mask()]),
        "batch_to_polygons": (cvhp.masks.batch_to_polygons, [np.stack([mask(), mask()[::-1].copy()])]),
        "decode_rle": (lambda c: cvhp.masks.decode_rle({"size": [19, 27], "counts": c}), [counts]),
        "rle_to_string": (cvhp.masks.rle_to_string, [counts]),
        "nms": (lambda b, s: cvhp.ops.nms(b, s, 0.5), [b, s]),
        "batched_nms": (lambda b, s, i: cvhp.ops.batched_nms(b, s, i, 0.5), [b, s, lab]),
        "box_iou": (cvhp.ops.box_iou, [b, b[::-1].copy()]),
        "postprocess": (lambda b, s, i: cvhp.detection.postprocess(cfg, b, s, i), [b, s, lab]),
        "decode_yolo": (lambda p: cvhp.detection.decode_yolo(cfg, p), [pred]),
        "to_image": (lambda b, t: cvhp.tiling.to_image(b, t, (64, 64), (128, 128), (256, 256)),
                     [b, np.array([0, 0, 128, 128], np.float32)]),
    }


@pytest.mark.parametrize("name", sorted(calls()))
def test_misaligned_arrays_are_copied_before_c_reads_them(name, addresses):
    fn, arrays = calls()[name]
    want = fn(*arrays)
    del addresses[:]
    got = fn(*[misaligned(a) for a in arrays])
    assert same(got, want)
    # every address C received was of an aligned, C-contiguous array
    assert addresses and all(ok for ok, _ in addresses), addresses
