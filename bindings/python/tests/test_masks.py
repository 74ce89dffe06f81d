"""cvhp.masks against the scikit-image / reference golden data."""
import os
import sys

import numpy as np
import pytest

import cvhp

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests"))
import golden  # noqa: E402

CASES = golden.read(os.path.join(ROOT, "tests", "data", "golden", "masks.bin"))


def split(flat, counts):
    out, at = [], 0
    for n in counts:
        out.append(flat[2 * at: 2 * (at + n)])
        at += n
    return out


def test_polygons_match_reference():
    for name, a in CASES:
        h, w = a["shap"]
        m = a["mask"].reshape(h, w)
        for tag, mp in (("100", 100), ("010", 10), ("004", 4)):
            want = split(a["p" + tag], a["n" + tag])
            for got in (cvhp.masks.to_polygons(m, max_points=mp),
                        cvhp.masks.to_polygons(a["soft"].reshape(h, w), 0.5, mp),
                        cvhp.masks.to_polygons(m.astype(bool), max_points=mp)):
                assert len(got) == len(want), name
                for g, wv in zip(got, want):
                    np.testing.assert_array_equal(g, wv, err_msg=name)
        raw = cvhp.masks.to_polygons(m, raw=True)
        want = split(a["cont"], a["ncon"])
        for g, wv in zip(raw, want):  # skimage (row, col) on the padded mask
            np.testing.assert_array_equal(g[0::2], wv[1::2] - 1)
            np.testing.assert_array_equal(g[1::2], wv[0::2] - 1)


def test_rle_round_trip_and_strings():
    for name, a in CASES:
        h, w = a["shap"]
        m = a["mask"].reshape(h, w)
        r = cvhp.masks.encode_rle(m)
        assert r["counts"] == a["rlec"].tolist()
        s = cvhp.masks.rle_to_string(r["counts"])
        assert s == bytes(a["rles"]).decode()
        assert cvhp.masks.rle_from_string(s) == r["counts"]
        np.testing.assert_array_equal(cvhp.masks.decode_rle({"size": [h, w], "counts": s}), m != 0)
    with pytest.raises(cvhp.CvhpError) as info:
        cvhp.masks.decode_rle({"size": [2, 2], "counts": [1, 2, 2]})
    assert info.value.name == "CVHP_ERR_PARSE"


def test_empty_masks_encode_and_decode():
    # zero rows or columns: one count of zero, and back (the empty arrays
    # still go to C as valid addresses, not NULL)
    for shape in ((0, 3), (4, 0), (0, 0)):
        r = cvhp.masks.encode_rle(np.zeros(shape, bool))
        assert r == {"size": list(shape), "counts": [0]}
        back = cvhp.masks.decode_rle(r)
        assert back.shape == shape
    assert cvhp.masks.decode_rle({"size": [0, 3], "counts": []}).shape == (0, 3)


def test_batch_config_holes_and_errors():
    m = np.zeros((12, 12), np.float32)
    m[2:10, 2:10] = 0.9
    m[5:7, 5:7] = 0.1
    polys, holes = cvhp.masks.to_polygons(m, with_holes=True)
    assert len(polys) == 2 and sorted(holes) == [False, True]
    # one copy for all polygons (cvhp_polygons_copy): each its own stretch
    assert all(type(h) is bool for h in holes)
    assert all(p.dtype == np.float64 and p.ndim == 1 and p.size >= 6 and p.size % 2 == 0 for p in polys)
    first = polys[1].copy()
    polys[0][:] = -1
    assert np.array_equal(polys[1], first)
    cfg = cvhp.Config("instance_segmentation", mask_pixel_score_threshold=0.95)
    assert cvhp.masks.to_polygons(m, config=cfg) == []  # nothing above 0.95
    many = cvhp.masks.batch_to_polygons(np.stack([m, m * 0, m]), num_threads=2)
    assert len(many) == 3 and many[1] == [] and all(np.array_equal(x, y) for x, y in zip(many[0], many[2]))
    with pytest.raises(cvhp.CvhpError):
        cvhp.masks.to_polygons(m, max_points=2)
    with pytest.raises(cvhp.CvhpError):
        cvhp.masks.to_polygons(m, score_threshold=float("nan"))
    with pytest.raises(ValueError):
        cvhp.masks.to_polygons(np.zeros(5))


def test_every_layout_and_dtype_gives_the_same_polygons():
    """to_polygons takes float32 C-ordered arrays as they are and converts
    anything else first: Fortran order, strided views, big-endian, float64,
    lists, bool and uint8 masks must all give the polygons of the plain
    float32 array (a layout passed through unconverted would not)."""
    rng = np.random.default_rng(6)
    m = (rng.random((23, 37)) * 0.4).astype(np.float32)
    m[3:15, 4:30] = 0.8
    m[6:9, 10:14] = 0.2
    m[17:21, 2:5] = 0.9
    want = cvhp.masks.to_polygons(m)
    assert len(want) == 3
    wide = np.zeros((23, 74), np.float32)
    wide[:, ::2] = m
    variants = {
        "fortran": np.asfortranarray(m),
        "strided": wide[:, ::2],
        "big-endian": m.astype(">f4"),
        "float64": m.astype(np.float64),
        "list": m.tolist(),
        "bool": m > 0.5,
        "uint8": (m > 0.5).astype(np.uint8),
        "uint8 strided": np.repeat((m > 0.5).astype(np.uint8), 2, axis=1)[:, ::2],
    }
    for name, v in variants.items():
        got = cvhp.masks.to_polygons(v)
        assert len(got) == len(want) and all(np.array_equal(a, b) for a, b in zip(got, want)), name


def test_export(tmp_path):
    m = np.zeros((9, 13), np.uint8)
    m[2:6, 3:9] = 1
    bmp = cvhp.masks.encode_image(m, "bmp")
    assert bmp[:2] == b"BM"
    path = tmp_path / "m.bmp"
    cvhp.masks.export(m, str(path), "bmp")
    assert path.read_bytes() == bmp
    if cvhp._ffi.lib.cvhp_have_image_type(1):
        assert cvhp.masks.encode_image(m, "png")[:8] == b"\x89PNG\r\n\x1a\n"
    assert cvhp.masks.export_path("dir/img.x.jpg", "cat", 2, 0.98765, "png") == "masks/img/cat/img_2_label_cat_conf_0987.png"


def test_workspace_reaches_a_steady_state_and_gives_the_same_polygons():
    rng = np.random.default_rng(5)
    masks = (rng.random((4, 50, 70)) * rng.uniform(0.6, 1.4, (4, 50, 70))).astype(np.float32)
    with cvhp.Workspace() as ws:
        first = None
        for _ in range(3):
            for m in masks:
                a = cvhp.masks.to_polygons(m, 0.5, 30, workspace=ws)
                b = cvhp.masks.to_polygons(m, 0.5, 30)
                assert len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b))
            st = ws.stats()
            assert st["blocks_in_use"] == 0 and st["bytes_held"] > 0
            if first is None:
                first = st["system_allocations"]
            assert st["system_allocations"] == first
        batch = cvhp.masks.batch_to_polygons(masks, 0.5, 30, num_threads=2, workspace=ws)
        assert [len(p) for p in batch] == [len(cvhp.masks.to_polygons(m, 0.5, 30)) for m in masks]
    with pytest.raises(ValueError, match="closed"):
        cvhp.masks.to_polygons(masks[0], workspace=ws)
    with pytest.raises(ValueError, match="closed"):
        ws.stats()


@pytest.mark.parametrize("with_workspace", [False, True])
def test_options_of_one_call_do_not_leak_into_the_next(with_workspace):
    """to_polygons keeps the options of calls without a config per (threshold,
    max points, flags), with a workspace on the workspace: alternating them
    gives each call its own polygons; a closed workspace's are gone."""
    rng = np.random.default_rng(7)
    soft = rng.random((40, 50)).astype(np.float32)
    soft[10:30, 10:40] += 0.6  # a blob over noise: the thresholds differ in what they keep
    ws = cvhp.Workspace() if with_workspace else None
    ref = {}
    for t in (0.3, 0.8):
        for mp in (4, 100):
            ref[t, mp] = cvhp.masks.to_polygons((soft > t).astype(np.uint8), max_points=mp)
    assert len(ref[0.3, 100]) != len(ref[0.8, 100])
    assert sum(p.size for p in ref[0.3, 4]) < sum(p.size for p in ref[0.3, 100])
    for _ in range(2):
        for t in (0.3, 0.8):
            for mp in (4, 100):
                got = cvhp.masks.to_polygons(soft, t, mp, workspace=ws)
                assert len(got) == len(ref[t, mp])
                assert all(np.array_equal(g, w) for g, w in zip(got, ref[t, mp]))
                px = cvhp.masks.to_polygons(soft, t, mp, pixels=True, workspace=ws)
                assert all(np.array_equal(p.reshape(-1, 2) / [50.0, 40.0], g.reshape(-1, 2)) for p, g in zip(px, got))
    # a NaN threshold is a fresh key every time: still an error, and the cache stays bounded
    for _ in range(100):
        with pytest.raises(cvhp.CvhpError):
            cvhp.masks.to_polygons(soft, float("nan"), workspace=ws)
    assert len(cvhp.masks._OPTIONS if ws is None else ws._options) <= 64
    if ws is not None:  # options made for it do not outlive it
        cvhp.masks.to_polygons(soft, 0.3, 4, workspace=ws)  # (kept again: the NaNs filled the cache)
        assert ws.stats()["blocks_in_use"] == 0
        ws.close()
        with pytest.raises(ValueError, match="closed"):
            cvhp.masks.to_polygons(soft, 0.3, 4, workspace=ws)
