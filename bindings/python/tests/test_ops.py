"""cvhp.ops against the torchvision/OpenCV golden files the C tests use."""
import os
import sys

import numpy as np
import pytest

import cvhp

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests"))
import golden  # noqa: E402

GOLDEN = os.path.join(ROOT, "tests", "data", "golden")


def cases(name):
    return golden.read(os.path.join(GOLDEN, name))


@pytest.mark.parametrize("threads", [1, 2])
def test_nms_matches_torchvision(threads):
    n = 0
    for name, a in cases("nms.bin"):
        for i, t in enumerate(a["thrs"]):
            got = cvhp.ops.nms(a["boxs"].reshape(-1, 4), a["scor"], float(t), num_threads=threads)
            want = a[f"kp{i:02d}"]
            if "sets" in a:
                got = np.sort(got)
            assert got.dtype == np.int64
            np.testing.assert_array_equal(got, want, err_msg=f"{name} t={t}")
            n += 1
    assert n > 100


def test_batched_nms_matches_torchvision():
    for name, a in cases("batched_nms.bin"):
        for i, t in enumerate(a["thrs"]):
            got = cvhp.ops.batched_nms(a["boxs"].reshape(-1, 4), a["scor"], a["idxs"], float(t))
            np.testing.assert_array_equal(got, a[f"kp{i:02d}"], err_msg=name)


def test_box_ops_match_torchvision():
    fmts = ["xyxy", "xywh", "cxcywh"]
    for name, a in cases("box_ops.bin"):
        b1, b2 = a["boxa"].reshape(-1, 4), a["boxb"].reshape(-1, 4)
        iou = cvhp.ops.box_iou(b1, b2)
        assert iou.dtype == np.float32 and iou.shape == (len(b1), len(b2))
        np.testing.assert_array_equal(iou, a["ioum"].reshape(len(b1), len(b2)))  # NaN == NaN here
        np.testing.assert_array_equal(cvhp.ops.box_area(b1), a["area"])
        np.testing.assert_array_equal(cvhp.ops.clip_boxes_to_image(b1, (480, 640)), a["clip"].reshape(-1, 4))
        np.testing.assert_array_equal(cvhp.ops.remove_small_boxes(b1, 20.0), a["smal"])
        for si, src in enumerate(fmts):
            for di, dst in enumerate(fmts):
                np.testing.assert_array_equal(cvhp.ops.box_convert(b1, src, dst),
                                              a[f"cv{si + 1}{di + 1}"].reshape(-1, 4), err_msg=f"{src}->{dst}")


def test_opencv_preset_and_soft_nms():
    for name, a in cases("opencv_nms.bin"):
        b = a["boxs"].reshape(-1, 4)
        p = a["prms"]
        if name.startswith("nms_"):
            got = cvhp.ops.nms(b, a["scor"], p[1], preset="opencv", score_threshold=p[0], top_k=int(p[2]))
            np.testing.assert_array_equal(got, a["keep"], err_msg=name)
        else:
            keep, upd = cvhp.ops.soft_nms(b, a["scor"], iou_threshold=p[2], sigma=p[3], score_threshold=p[1],
                                          method="linear" if p[0] == 1 else "gaussian", top_k=int(p[4]))
            np.testing.assert_array_equal(keep, a["keep"], err_msg=name)
            np.testing.assert_allclose(upd, a["upds"], rtol=1e-6, atol=1e-7)


def test_float64_and_lists_are_converted():
    boxes = [[0, 0, 10, 10], [1, 1, 11, 11], [50, 50, 60, 60]]
    scores = [0.9, 0.8, 0.7]
    np.testing.assert_array_equal(cvhp.ops.nms(boxes, scores, 0.5), [0, 2])
    b64 = np.array(boxes, dtype=np.float64)
    np.testing.assert_array_equal(cvhp.ops.nms(b64, np.array(scores), 0.5), [0, 2])
    # a non-contiguous float32 view works too
    wide = np.zeros((3, 8), np.float32)
    wide[:, ::2] = np.array(boxes, np.float32)
    np.testing.assert_array_equal(cvhp.ops.nms(wide[:, ::2], np.array(scores, np.float32), 0.5), [0, 2])


def test_empty_inputs():
    e = np.zeros((0, 4), np.float32)
    r = cvhp.ops.nms(e, np.zeros(0, np.float32), 0.5)
    assert r.dtype == np.int64 and r.shape == (0,)
    assert cvhp.ops.box_iou(e, np.ones((3, 4), np.float32)).shape == (0, 3)
    assert cvhp.ops.batched_nms(e, np.zeros(0), np.zeros(0, np.int64), 0.5).shape == (0,)


def test_read_only_and_writable_inputs_give_the_same_results():
    # a writable array's address comes through the buffer protocol, a
    # read-only one's (a view of bytes, a frozen array) through a.ctypes
    rng = np.random.default_rng(9)
    xy = rng.uniform(0, 100, (50, 2))
    b = np.concatenate([xy, xy + rng.uniform(5, 40, (50, 2))], 1).astype(np.float32)
    s = rng.random(50).astype(np.float32)
    frozen_b, frozen_s = b.copy(), np.frombuffer(s.tobytes(), np.float32)
    frozen_b.setflags(write=False)
    assert not frozen_s.flags.writeable
    np.testing.assert_array_equal(cvhp.ops.nms(frozen_b, frozen_s, 0.4), cvhp.ops.nms(b, s, 0.4))
    np.testing.assert_array_equal(cvhp.ops.box_iou(frozen_b, frozen_b), cvhp.ops.box_iou(b, b))
    m = np.zeros((20, 30), np.float32)
    m[4:15, 6:25] = 0.9
    m[8:11, 10:20] = 0.1
    frozen_m = m.copy()
    frozen_m.setflags(write=False)
    want = cvhp.masks.to_polygons(m, max_points=8)
    got = cvhp.masks.to_polygons(frozen_m, max_points=8)
    assert len(want) == 2 and len(got) == 2
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)
    frozen_bits = frozen_m > 0.5
    frozen_bits.setflags(write=False)
    np.testing.assert_array_equal(cvhp.masks.decode_rle(cvhp.masks.encode_rle(frozen_bits)), m > 0.5)


def test_results_are_exact_sized_arrays_of_their_own():
    # the index arrays are cut to the kept count in place (no copy): each
    # must still own exactly its entries, independent of later calls
    rng = np.random.default_rng(5)
    xy = rng.uniform(0, 200, (300, 2))
    b = np.concatenate([xy, xy + rng.uniform(5, 60, (300, 2))], 1).astype(np.float32)
    s = rng.random(300).astype(np.float32)
    labels = rng.integers(0, 3, 300)
    results = [cvhp.ops.nms(b, s, 0.5), cvhp.ops.batched_nms(b, s, labels, 0.5), *cvhp.ops.soft_nms(b, s)]
    for r in results:
        assert r.base is None and r.flags.owndata and r.flags.c_contiguous
        assert 0 < r.shape[0] < 300 and r.nbytes == r.shape[0] * r.itemsize
    first = results[0].copy()
    cvhp.ops.nms(b[::-1].copy(), s, 0.3)  # a later call leaves earlier results alone
    assert np.array_equal(results[0], first)


@pytest.mark.parametrize(
    "call",
    [
        lambda: cvhp.ops.nms(np.zeros((3, 4)), np.zeros(2), 0.5),
        lambda: cvhp.ops.nms(np.zeros((3, 3)), np.zeros(3), 0.5),
        lambda: cvhp.ops.batched_nms(np.zeros((3, 4)), np.zeros(3), np.zeros(4), 0.5),
        lambda: cvhp.ops.box_iou(np.zeros(4), np.zeros((1, 4))),
        lambda: cvhp.ops.box_convert(np.zeros((1, 4)), "xyxy", "yxyx"),
    ],
)
def test_shape_errors(call):
    with pytest.raises(ValueError):
        call()


def test_library_errors_raise():
    with pytest.raises(cvhp.CvhpError) as info:
        cvhp.ops.nms(np.zeros((2, 4)), np.zeros(2), 1.5)
    assert "iou_threshold: 1.5 is outside [0, 1]" in str(info.value)
    with pytest.raises(cvhp.CvhpError):
        cvhp.ops.nms(np.zeros((2, 4)), np.zeros(2), float("nan"))
    with pytest.raises(ValueError):
        cvhp.ops.nms(np.zeros((2, 4)), np.zeros(2), 0.5, preset="tensorflow")


def test_options_struct_size_matches_c():
    import ctypes
    from cvhp import _ffi
    assert ctypes.sizeof(_ffi.NmsOptions) == 48
    o = cvhp.ops.nms_options("onnx", 0.4, score_threshold=0.1, top_k=3)
    assert o.size == 48 and o.flags & _ffi.NMS_FLAGS["normalize_corners"] and o.top_k == 3
