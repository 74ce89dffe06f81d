"""cvhp.Config and introspection, through the real library."""
import json

import pytest

import cvhp


def test_defaults_follow_model():
    cfg = cvhp.Config("multiclass", model_name="resnet50")
    assert cfg["training_batch_size"] == 78
    assert cfg["learning_rate"] == 0.01
    cfg["model_name"] = "vitl16r224"
    assert cfg["training_batch_size"] == 10
    assert cfg["learning_rate"] == 0.001
    cfg["training_batch_size"] = 12
    cfg["model_name"] = "vits16r224"
    assert cfg["training_batch_size"] == 12
    assert cfg.is_explicit("training_batch_size")
    assert not cfg.is_explicit("learning_rate")
    del cfg["training_batch_size"]
    assert cfg["training_batch_size"] == 128


def test_task_names_and_types():
    cfg = cvhp.Config("image-object-detection", model_name="yolov5", tile_grid_size="3x2")
    assert cfg.task == "image-object-detection"
    assert cfg.model == "yolov5"
    assert cfg["number_of_epochs"] == 30
    assert cfg["box_score_threshold"] == 0.1
    assert cfg["tile_grid_size"] == (3, 2)
    assert cfg["early_stopping"] is True
    assert cfg["optimizer"] == "sgd"
    assert cfg["checkpoint_run_id"] is None
    cfg["tile_grid_size"] = (2, 1)
    cfg["optimizer"] = "ADAM"
    cfg["early_stopping"] = False
    cfg["image_size"] = 512.0
    cfg["checkpoint_frequency"] = "3"
    assert cfg["tile_grid_size"] == (2, 1)
    assert cfg["optimizer"] == "adam"
    assert cfg["early_stopping"] is False
    assert cfg["image_size"] == 512
    assert cfg["checkpoint_frequency"] == 3
    cfg["checkpoint_frequency"] = None
    assert cfg["checkpoint_frequency"] is None
    assert "min_size" not in cfg
    assert "image_size" in cfg
    assert "nonsense" not in cfg


def test_aliases():
    cfg = cvhp.Config("object_detection")
    cfg["box_score_thresh"] = 0.4
    cfg["nms_iou_thresh"] = 0.6
    cfg["tileOverlapRatio"] = 0.5
    assert cfg["box_score_threshold"] == 0.4
    assert cfg["nms_iou_threshold"] == 0.6
    assert cfg["tile_overlap_ratio"] == 0.5


@pytest.mark.parametrize(
    "name,value,exc,text",
    [
        ("learning_rate", 1.5, cvhp.ParameterValueError, "learning_rate: 1.5 is outside [0, 1]"),
        ("learning_rate", float("nan"), cvhp.ParameterValueError, "learning_rate: nan is outside [0, 1]"),
        ("number_of_epochs", 4.2, cvhp.ParameterValueError, 'number_of_epochs: "4.2" is not a whole number'),
        ("number_of_epochs", 0, cvhp.ParameterValueError, "number_of_epochs: 0 is outside [1, 2147483647]"),
        ("optimizer", "rmsprop", cvhp.ParameterValueError, "optimizer"),
        ("tile_grid_size", "3y2", cvhp.ParameterValueError, "should be in the format 3x2"),
        ("tile_overlap_ratio", 1.0, cvhp.ParameterValueError, "tile_overlap_ratio: 1 is outside [0, 1)"),
        ("learning_rat", 0.1, cvhp.UnknownParameterError, "learning_rat: no such parameter"),
        ("model_name", "resnet50", cvhp.ParameterValueError, "not a model for image-object-detection"),
    ],
)
def test_setter_errors(name, value, exc, text):
    cfg = cvhp.Config("object_detection")
    with pytest.raises(exc) as info:
        cfg[name] = value
    assert text in str(info.value)
    assert isinstance(info.value, cvhp.CvhpError)
    assert info.value.message.startswith(name)


def test_wrong_python_type():
    cfg = cvhp.Config("object_detection")
    with pytest.raises(TypeError):
        cfg["learning_rate"] = [0.1]
    with pytest.raises(TypeError):
        cfg["tile_grid_size"] = 3.5


def test_inapplicable_get_raises():
    cfg = cvhp.Config("object_detection")
    with pytest.raises(cvhp.CvhpError) as info:
        cfg["image_size"]
    assert info.value.name == "CVHP_ERR_INCOMPATIBLE"
    assert cfg.get("image_size", 7) == 7


def test_validate_and_check():
    cfg = cvhp.Config("multiclass", model_name="vitb16r224")
    assert cfg.validate() == []
    cfg.check()
    cfg["training_crop_size"] = 384
    cfg["beta1"] = 0.8
    diags = cfg.validate()
    assert [(d.severity, d.code) for d in diags] == [("error", "vit_crop_mismatch"), ("warning", "unused_by_optimizer")]
    assert diags[0].params == ("training_crop_size", "validation_crop_size")
    with pytest.raises(cvhp.ValidationError) as info:
        cfg.check()
    assert "training_crop_size: 384 differs from validation_crop_size 224" in str(info.value)


def test_json_round_trip():
    cfg = cvhp.Config("object_detection", model_name="yolov5", learning_rate=0.02, tile_grid_size="3x2")
    text = cfg.to_json()
    doc = json.loads(text)
    assert doc == {
        "task": "image-object-detection",
        "training_parameters": {"model_name": "yolov5", "learning_rate": 0.02, "tile_grid_size": "3x2"},
    }
    again = cvhp.Config.from_json(text)
    assert again.to_json() == text
    eff = json.loads(cfg.to_json(effective=True, pretty=True))["training_parameters"]
    assert eff["number_of_epochs"] == 30
    assert "min_size" not in eff
    with pytest.raises(cvhp.CvhpError) as info:
        cvhp.Config.from_json('{"learning_rate": }', task="multiclass")
    assert info.value.name == "CVHP_ERR_PARSE"
    assert "line 1, column" in info.value.message
    with pytest.raises(cvhp.UnknownParameterError):
        cvhp.Config.from_json('{"bogus": 1}', task="multiclass")


def test_dict_views_and_copy():
    cfg = cvhp.Config("instance_segmentation")
    keys = cfg.keys()
    assert "mask_pixel_score_threshold" in keys and "tile_grid_size" not in keys
    d = cfg.to_dict()
    assert d["max_number_of_polygon_points"] == 100
    assert d["image_type"] == "jpg"
    assert cfg.to_dict(effective=False) == {}
    other = cfg.copy()
    other["max_number_of_polygon_points"] = 10
    assert cfg["max_number_of_polygon_points"] == 100
    cfg.load_args(["--max_number_of_polygon_points", "50", "export_as_image=yes"])
    assert cfg["max_number_of_polygon_points"] == 50 and cfg["export_as_image"] is True
    with cvhp.Config("multilabel") as c:
        assert c["learning_rate"] == 0.035
    with pytest.raises(ValueError):
        c["learning_rate"]


def test_introspection():
    params = cvhp.parameters("object_detection")
    names = [p["name"] for p in params]
    assert "training_crop_size" not in names and "image_size" in names
    by = {p["name"]: p for p in params}
    assert by["tile_overlap_ratio"]["bounds"] == (0.0, 1.0) and by["tile_overlap_ratio"]["max_exclusive"]
    assert by["box_score_threshold"]["defaults"]["yolov5"] == 0.1
    assert by["box_score_threshold"]["defaults"]["fasterrcnn_resnet50_fpn"] == 0.3
    assert "img_size" in by["image_size"]["aliases"]
    assert by["optimizer"]["values"] == ["sgd", "adam", "adamw"]
    assert len(cvhp.parameters()) == 46
    assert cvhp.models("instance_segmentation")[2] == "maskrcnn_resnet50_fpn"
    assert cvhp.freezable_layers("vitl16r224")[0] == "patch_embed"
    assert len(cvhp.freezable_layers("mobilenetv2")) == 19


def test_config_works_without_numpy():
    """The configuration model does not need numpy; the array modules say
    they do. numpy is blocked in a fresh interpreter (sys.modules entry None
    makes its import fail)."""
    import subprocess
    import sys
    import textwrap

    code = textwrap.dedent("""
        import sys
        sys.modules["numpy"] = None
        import cvhp
        cfg = cvhp.Config("object_detection", model_name="yolov5")
        cfg["learning_rate"] = 0.02
        assert cfg["learning_rate"] == 0.02
        assert not [d for d in cfg.validate() if d.severity == "error"]
        assert "ops" in dir(cvhp)
        with cvhp.Workspace():
            pass
        try:
            cvhp.ops
        except ImportError as e:
            assert "needs numpy" in str(e), e
        else:
            raise AssertionError("cvhp.ops imported without numpy")
        print("ok")
    """)
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stderr
