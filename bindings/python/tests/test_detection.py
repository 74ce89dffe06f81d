"""cvhp.tiling and cvhp.detection against the reference's vectors and golden data."""
import json
import os
import sys

import numpy as np
import pytest

import cvhp

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests"))
import golden  # noqa: E402

CASES = golden.read(os.path.join(ROOT, "tests", "data", "golden", "detection.bin"))


def test_tiles_worked_example_and_golden():
    t = cvhp.tiling.tiles(640, 480, (3, 2), 0.25)
    np.testing.assert_array_equal(t, [[0, 0, 256, 274], [0, 206, 256, 480], [192, 0, 448, 274],
                                      [192, 206, 448, 480], [384, 0, 640, 274], [384, 206, 640, 480]])
    np.testing.assert_array_equal(cvhp.tiling.tiles(640, 480, "3x2", 0.25), t)
    n = 0
    for name, a in CASES:
        if name.startswith("tiles_"):
            w, h, nx, ny, r = a["prms"]
            np.testing.assert_array_equal(cvhp.tiling.tiles(int(w), int(h), (int(nx), int(ny)), r),
                                          a["tile"].reshape(-1, 4), err_msg=name)
            n += 1
    assert n > 200
    cfg = cvhp.Config("object_detection", tile_grid_size="2x1", tile_overlap_ratio=0.0)
    np.testing.assert_array_equal(cvhp.tiling.tiles(1920, 1080, config=cfg), [[0, 0, 960, 1080], [960, 0, 1920, 1080]])
    with pytest.raises(cvhp.CvhpError):
        cvhp.tiling.tiles(640, 480, (1, 1), 0.25)
    with pytest.raises(cvhp.CvhpError):
        cvhp.tiling.tiles(640, 480, (3, 2), 1.0)


def test_merge_vectors_and_golden():
    rects = np.array([[0, 0, 600, 400], [0, 0, 400, 300], [0, 100, 400, 400]], np.float32)
    b = np.array([[0, 100, 100, 200], [0, 100, 100, 200]], np.float32)
    keep, dup = cvhp.tiling.merge(b, [0.9, 0.8], [1, 1], [1, 2], rects, 0.25, return_duplicates=True)
    assert list(keep) == [0] and list(dup) == [False, True]
    keep = cvhp.tiling.merge(b, [0.9, 0.8], [1, 1], [1, 1], rects, 0.25)
    assert list(keep) == [0, 1]  # same tile: never suppressed
    for name, a in CASES:
        if name.startswith("merge_"):
            keep, dup = cvhp.tiling.merge(a["boxs"].reshape(-1, 4), a["scor"], a["labl"], a["srcs"],
                                          a["rect"].reshape(-1, 4), float(a["thrs"][0]), return_duplicates=True)
            np.testing.assert_array_equal(dup, a["dups"].astype(bool), err_msg=name)
            np.testing.assert_array_equal(keep, np.nonzero(a["dups"] == 0)[0])


def test_mapping():
    out = cvhp.tiling.to_image([[10, 20, 50, 80]], [100, 100, 400, 300], (300 * 0.7, 200 * 0.7), (640 * 1.3, 480 * 1.3),
                               (640, 480))
    np.testing.assert_allclose(out, [[(10 / 0.7 + 100) * 1.3, (20 / 0.7 + 100) * 1.3, (50 / 0.7 + 100) * 1.3,
                                      (80 / 0.7 + 100) * 1.3]], rtol=1e-6)


def test_postprocess_and_batch_match_reference():
    n = 0
    for name, a in CASES:
        if name.startswith("frcnn_"):
            st, it, dets = a["prms"]
            cfg = cvhp.Config("object_detection", box_score_threshold=st, nms_iou_threshold=it,
                              box_detections_per_image=int(dets))
            b = a["boxs"].reshape(-1, 4)
            np.testing.assert_array_equal(cvhp.detection.postprocess(cfg, b, a["scor"], a["labl"]), a["keep"])
            many = cvhp.detection.postprocess_batch(cfg, [b, b[:50]], [a["scor"], a["scor"][:50]],
                                                    [a["labl"], a["labl"][:50]], num_threads=2)
            np.testing.assert_array_equal(many[0], a["keep"])
            np.testing.assert_array_equal(many[1], cvhp.detection.postprocess(cfg, b[:50], a["scor"][:50],
                                                                              a["labl"][:50]))
            n += 1
    assert n == 10


def test_decode_yolo_matches_reference():
    for name, a in CASES:
        if name.startswith("yolo_"):
            conf, iou, nc = a["prms"]
            cfg = cvhp.Config("object_detection", model_name="yolov5", box_score_threshold=conf, nms_iou_threshold=iou)
            boxes, scores, labels = cvhp.detection.decode_yolo(cfg, a["pred"].reshape(-1, 5 + int(nc)))
            np.testing.assert_array_equal(boxes, a["dbox"].reshape(-1, 4), err_msg=name)
            np.testing.assert_array_equal(scores, a["dscr"])
            np.testing.assert_array_equal(labels, a["dlab"])
    with pytest.raises(ValueError):
        cvhp.detection.decode_yolo(cvhp.Config("object_detection"), np.zeros((3, 5)))


def test_letterbox():
    lb = cvhp.detection.letterbox(1920, 1080, 640)
    assert lb == {"scale": 1 / 3, "new_width": 640, "new_height": 360, "left": 0, "top": 140, "right": 0,
                  "bottom": 140}
    np.testing.assert_array_equal(cvhp.detection.letterbox_unpad([[0, 140, 320, 320]], lb), [[0, 0, 0.5, 0.5]])


def test_to_json():
    d = cvhp.detection.to_json([[0, 0, 320, 240]], [0.5], [1], 640, 480, names=["a", "b"])
    assert d == {"boxes": [{"box": {"topX": 0.0, "topY": 0.0, "bottomX": 0.5, "bottomY": 0.5}, "label": "b",
                            "score": 0.5}]}
    text = cvhp.detection.to_json([], [], [], 640, 480, as_text=True)
    assert json.loads(text) == {"boxes": []}
    with pytest.raises(cvhp.CvhpError):
        cvhp.detection.to_json([[0, 0, 1, 1]], [0.5], [3], 640, 480, names=["a"])
