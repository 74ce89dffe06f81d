"""Loading libcvhp and declaring the C functions (ctypes only).

The library is found, in order, through the CVHP_LIBRARY environment variable
(a path), a copy beside this package (libcvhp.so*), or the system loader's
libcvhp.so.<MAJOR>. Every declaration here mirrors a prototype of
include/cvhp/*.h; tests/test_ffi.py checks that each exported C function is
declared and that the enum values agree with the headers.
"""
from __future__ import annotations

import ctypes
import glob
import os
from ctypes import (POINTER, c_char_p, c_double, c_float, c_int, c_int32,
                    c_int64, c_size_t, c_uint32, c_void_p)

EXPECTED_MAJOR = 0  # the ABI major this package was written against


class LibraryNotFound(ImportError):
    pass


def _candidates():
    env = os.environ.get("CVHP_LIBRARY")
    if env:
        yield env
        return
    here = os.path.dirname(os.path.abspath(__file__))
    for path in sorted(glob.glob(os.path.join(here, "libcvhp.so*"))):
        yield path
    yield f"libcvhp.so.{EXPECTED_MAJOR}"


def _load():
    errors = []
    for cand in _candidates():
        try:
            return ctypes.CDLL(cand)
        except OSError as exc:  # try the next candidate
            errors.append(f"{cand}: {exc}")
    raise LibraryNotFound("cannot load libcvhp (set CVHP_LIBRARY to its path): " + "; ".join(errors))


lib = _load()

_from_buffer, _addressof = ctypes.c_char.from_buffer, ctypes.addressof


def address(a):
    """The address of a C-contiguous numpy array's data. A writable array's
    is taken through the buffer protocol (about 0.3 microseconds: a.ctypes.data
    builds a helper object first, 1.7, and data_as another, 2.3); a read-only
    or empty one's through a.ctypes (numpy gives an empty array a valid
    address)."""
    try:
        return _addressof(_from_buffer(a))
    except (TypeError, ValueError, BufferError):  # read-only, empty, or not a plain buffer
        return a.ctypes.data


def address_or_null(a):
    """address(a), or None (NULL) when a is empty: for the C functions whose
    input arrays may be NULL when their count is 0."""
    return address(a) if a.size else None

status_t = c_int
cfg_p = c_void_p
diag_p = c_void_p


class Allocator(ctypes.Structure):
    _fields_ = [("alloc", c_void_p), ("free", c_void_p), ("user", c_void_p)]


class NmsOptions(ctypes.Structure):
    """cvhp_nms_options (include/cvhp/boxes.h); its size is checked by the tests."""
    _fields_ = [("size", c_uint32), ("flags", c_uint32), ("iou_threshold", c_double),
                ("score_threshold", c_double), ("top_k", c_int64), ("num_threads", c_int32),
                ("reserved", c_int32), ("alloc", c_void_p)]


# name: (restype, argtypes)
_SIGNATURES = {
    # common.h
    "cvhp_status_str": (c_char_p, [status_t]),
    "cvhp_status_name": (c_char_p, [status_t]),
    "cvhp_last_error_message": (c_char_p, []),
    "cvhp_last_error": (status_t, []),
    "cvhp_clear_error": (None, []),
    "cvhp_workspace_new": (status_t, [c_void_p, POINTER(c_void_p)]),
    "cvhp_workspace_allocator": (c_void_p, [c_void_p]),
    "cvhp_workspace_stats": (status_t, [c_void_p, POINTER(c_size_t), POINTER(c_size_t), POINTER(c_size_t)]),
    "cvhp_workspace_free": (None, [c_void_p]),
    "cvhp_version": (c_uint32, []),
    "cvhp_version_string": (c_char_p, []),
    # runtime.h
    "cvhp_isa_name": (c_char_p, [c_int]),
    "cvhp_isa_from_name": (status_t, [c_char_p, POINTER(c_int)]),
    "cvhp_isa_compiled": (c_int, [c_int]),
    "cvhp_isa_supported": (c_int, [c_int]),
    "cvhp_cpu_isa": (c_int, []),
    "cvhp_active_isa": (c_int, []),
    "cvhp_set_max_isa": (status_t, [c_int]),
    "cvhp_build_info": (c_char_p, []),
    "cvhp_have_openmp": (c_int, []),
    "cvhp_default_threads": (c_int, []),
    # boxes.h
    "cvhp_box_area": (status_t, [c_void_p, c_size_t, c_void_p]),
    "cvhp_box_iou": (status_t, [c_void_p, c_size_t, c_void_p, c_size_t, c_void_p, c_int]),
    "cvhp_box_convert": (status_t, [c_void_p, c_size_t, c_int, c_int, c_void_p]),
    "cvhp_box_clip": (status_t, [c_void_p, c_size_t, c_float, c_float, c_void_p]),
    "cvhp_box_remove_small": (status_t, [c_void_p, c_size_t, c_float, c_void_p, POINTER(c_size_t)]),
    "cvhp_nms_options_init": (status_t, [c_void_p, c_int]),
    "cvhp_nms": (status_t, [c_void_p, c_void_p, c_size_t, c_void_p, c_void_p, c_size_t, POINTER(c_size_t)]),
    "cvhp_batched_nms": (status_t, [c_void_p, c_void_p, c_void_p, c_size_t, c_void_p, c_void_p, c_size_t,
                                    POINTER(c_size_t)]),
    "cvhp_nms_workspace_size": (c_size_t, [c_size_t, c_int]),
    "cvhp_nms_ws": (status_t, [c_void_p, c_void_p, c_void_p, c_size_t, c_void_p, c_void_p, c_size_t, c_void_p,
                               c_size_t, POINTER(c_size_t)]),
    "cvhp_soft_nms": (status_t, [c_void_p, c_void_p, c_size_t, c_int, c_float, c_float, c_float, c_size_t,
                                 c_void_p, c_void_p, c_size_t, POINTER(c_size_t)]),
    # detection.h
    "cvhp_tiles": (status_t, [c_int64, c_int64, c_int32, c_int32, c_double, c_void_p, c_size_t, POINTER(c_size_t)]),
    "cvhp_tiles_from_config": (status_t, [cfg_p, c_int64, c_int64, c_void_p, c_size_t, POINTER(c_size_t)]),
    "cvhp_tile_boxes_to_image": (status_t, [c_void_p, c_size_t, c_void_p, c_double, c_double, c_double, c_double,
                                            c_double, c_double, c_void_p]),
    "cvhp_merge_predictions": (status_t, [c_void_p, c_void_p, c_void_p, c_void_p, c_size_t, c_void_p, c_size_t,
                                          c_double, c_void_p, c_void_p, c_size_t, POINTER(c_size_t)]),
    "cvhp_merge_predictions_batch": (status_t, [c_void_p, c_void_p, c_void_p, c_void_p, c_void_p, c_void_p,
                                                c_void_p, c_size_t, c_double, c_int, c_void_p, c_void_p, c_void_p]),
    "cvhp_detection_postprocess": (status_t, [cfg_p, c_void_p, c_void_p, c_void_p, c_size_t, c_int, c_void_p,
                                              c_size_t, POINTER(c_size_t)]),
    "cvhp_detection_postprocess_batch": (status_t, [cfg_p, c_void_p, c_void_p, c_void_p, c_void_p, c_size_t, c_int,
                                                    c_void_p, c_void_p]),
    "cvhp_yolo_decode": (status_t, [cfg_p, c_void_p, c_size_t, c_size_t, c_int, c_void_p, c_void_p, c_void_p,
                                    c_size_t, POINTER(c_size_t)]),
    "cvhp_letterbox": (status_t, [c_int64, c_int64, c_int64, c_void_p]),
    "cvhp_letterbox_unpad": (status_t, [c_void_p, c_size_t, c_void_p, c_int64, c_void_p]),
    "cvhp_detections_to_json": (status_t, [c_void_p, c_void_p, c_void_p, c_size_t, c_double, c_double, c_void_p,
                                           c_size_t, c_char_p, c_size_t, POINTER(c_size_t)]),
    # masks.h
    "cvhp_mask_options_init": (status_t, [c_void_p]),
    "cvhp_mask_options_from_config": (status_t, [c_void_p, cfg_p]),
    "cvhp_mask_to_polygons": (status_t, [c_void_p, c_size_t, c_size_t, c_void_p, POINTER(c_void_p)]),
    "cvhp_mask_u8_to_polygons": (status_t, [c_void_p, c_size_t, c_size_t, c_void_p, POINTER(c_void_p)]),
    "cvhp_masks_to_polygons_batch": (status_t, [c_void_p, c_size_t, c_size_t, c_size_t, c_void_p, c_void_p]),
    "cvhp_polygons_count": (c_size_t, [c_void_p]),
    "cvhp_polygon_points": (c_size_t, [c_void_p, c_size_t]),
    "cvhp_polygon_coords": (POINTER(c_double), [c_void_p, c_size_t]),
    "cvhp_polygon_is_hole": (c_int, [c_void_p, c_size_t]),
    "cvhp_polygons_total_points": (c_size_t, [c_void_p]),
    "cvhp_polygons_copy": (c_int, [c_void_p, c_void_p, c_size_t, c_void_p, c_void_p]),
    "cvhp_polygons_free": (None, [c_void_p]),
    "cvhp_rle_encode": (status_t, [c_void_p, c_size_t, c_size_t, c_void_p, c_size_t, POINTER(c_size_t)]),
    "cvhp_rle_decode": (status_t, [c_void_p, c_size_t, c_size_t, c_size_t, c_void_p]),
    "cvhp_rle_to_string": (status_t, [c_void_p, c_size_t, c_char_p, c_size_t, POINTER(c_size_t)]),
    "cvhp_rle_from_string": (status_t, [c_char_p, c_void_p, c_size_t, POINTER(c_size_t)]),
    "cvhp_rle_to_polygons": (status_t, [c_void_p, c_size_t, c_size_t, c_size_t, c_void_p, POINTER(c_void_p)]),
    "cvhp_mask_encode": (status_t, [c_void_p, c_size_t, c_size_t, c_int32, c_void_p, c_size_t, POINTER(c_size_t)]),
    "cvhp_mask_export": (status_t, [c_void_p, c_size_t, c_size_t, c_int32, c_char_p]),
    "cvhp_mask_export_path": (status_t, [c_char_p, c_char_p, c_size_t, c_double, c_int32, c_char_p, c_size_t,
                                         POINTER(c_size_t)]),
    "cvhp_have_image_type": (c_int, [c_int32]),
    # params.h
    "cvhp_task_name": (c_char_p, [c_int]),
    "cvhp_task_from_name": (status_t, [c_char_p, POINTER(c_int)]),
    "cvhp_param_count": (c_size_t, []),
    "cvhp_param_at": (c_int, [c_size_t]),
    "cvhp_param_from_name": (status_t, [c_char_p, POINTER(c_int)]),
    "cvhp_param_name": (c_char_p, [c_int]),
    "cvhp_param_type_of": (c_int, [c_int]),
    "cvhp_param_type_name": (c_char_p, [c_int]),
    "cvhp_param_description": (c_char_p, [c_int]),
    "cvhp_param_flags": (c_uint32, [c_int]),
    "cvhp_param_bounds": (status_t, [c_int, POINTER(c_double), POINTER(c_double)]),
    "cvhp_param_alias": (c_char_p, [c_int, c_size_t]),
    "cvhp_param_enum_count": (c_size_t, [c_int]),
    "cvhp_param_enum_label": (c_char_p, [c_int, c_size_t]),
    "cvhp_param_enum_value": (c_int32, [c_int, c_size_t]),
    "cvhp_param_enum_label_of": (c_char_p, [c_int, c_int32]),
    "cvhp_param_applies_to_task": (c_int, [c_int, c_int]),
    "cvhp_param_applies": (c_int, [c_int, c_int, c_int]),
    "cvhp_param_default_int": (status_t, [c_int, c_int, c_int, POINTER(c_int64)]),
    "cvhp_param_default_float": (status_t, [c_int, c_int, c_int, POINTER(c_double)]),
    "cvhp_model_name": (c_char_p, [c_int]),
    "cvhp_model_from_name": (status_t, [c_char_p, POINTER(c_int)]),
    "cvhp_model_supports_task": (c_int, [c_int, c_int]),
    "cvhp_task_model_count": (c_size_t, [c_int]),
    "cvhp_task_model_at": (c_int, [c_int, c_size_t]),
    "cvhp_task_default_model": (c_int, [c_int]),
    "cvhp_model_layer_family": (c_int, [c_int]),
    "cvhp_layer_family_name": (c_char_p, [c_int]),
    "cvhp_layer_family_count": (c_size_t, [c_int]),
    "cvhp_layer_family_layer": (c_char_p, [c_int, c_size_t]),
    # config.h
    "cvhp_config_new": (status_t, [c_int, POINTER(cfg_p)]),
    "cvhp_config_new_with_allocator": (status_t, [c_int, POINTER(Allocator), POINTER(cfg_p)]),
    "cvhp_config_free": (None, [cfg_p]),
    "cvhp_config_clone": (status_t, [cfg_p, POINTER(cfg_p)]),
    "cvhp_config_task": (c_int, [cfg_p]),
    "cvhp_config_model": (c_int, [cfg_p]),
    "cvhp_config_reset": (status_t, [cfg_p, c_int]),
    "cvhp_config_reset_all": (None, [cfg_p]),
    "cvhp_config_is_explicit": (c_int, [cfg_p, c_int]),
    "cvhp_config_has_value": (c_int, [cfg_p, c_int]),
    "cvhp_config_set_int": (status_t, [cfg_p, c_int, c_int64]),
    "cvhp_config_set_float": (status_t, [cfg_p, c_int, c_double]),
    "cvhp_config_set_bool": (status_t, [cfg_p, c_int, c_int]),
    "cvhp_config_set_enum": (status_t, [cfg_p, c_int, c_int32]),
    "cvhp_config_set_string": (status_t, [cfg_p, c_int, c_char_p]),
    "cvhp_config_set_grid": (status_t, [cfg_p, c_int, c_int32, c_int32]),
    "cvhp_config_get_int": (status_t, [cfg_p, c_int, POINTER(c_int64)]),
    "cvhp_config_get_float": (status_t, [cfg_p, c_int, POINTER(c_double)]),
    "cvhp_config_get_bool": (status_t, [cfg_p, c_int, POINTER(c_int)]),
    "cvhp_config_get_enum": (status_t, [cfg_p, c_int, POINTER(c_int32)]),
    "cvhp_config_get_string": (status_t, [cfg_p, c_int, POINTER(c_char_p)]),
    "cvhp_config_get_grid": (status_t, [cfg_p, c_int, POINTER(c_int32), POINTER(c_int32)]),
    "cvhp_config_set_int_by_name": (status_t, [cfg_p, c_char_p, c_int64]),
    "cvhp_config_set_float_by_name": (status_t, [cfg_p, c_char_p, c_double]),
    "cvhp_config_set_bool_by_name": (status_t, [cfg_p, c_char_p, c_int]),
    "cvhp_config_set_enum_by_name": (status_t, [cfg_p, c_char_p, c_int32]),
    "cvhp_config_set_string_by_name": (status_t, [cfg_p, c_char_p, c_char_p]),
    "cvhp_config_set_grid_by_name": (status_t, [cfg_p, c_char_p, c_int32, c_int32]),
    "cvhp_config_get_int_by_name": (status_t, [cfg_p, c_char_p, POINTER(c_int64)]),
    "cvhp_config_get_float_by_name": (status_t, [cfg_p, c_char_p, POINTER(c_double)]),
    "cvhp_config_get_bool_by_name": (status_t, [cfg_p, c_char_p, POINTER(c_int)]),
    "cvhp_config_get_enum_by_name": (status_t, [cfg_p, c_char_p, POINTER(c_int32)]),
    "cvhp_config_get_string_by_name": (status_t, [cfg_p, c_char_p, POINTER(c_char_p)]),
    "cvhp_config_get_grid_by_name": (status_t, [cfg_p, c_char_p, POINTER(c_int32), POINTER(c_int32)]),
    "cvhp_config_set_from_string": (status_t, [cfg_p, c_char_p, c_char_p]),
    "cvhp_config_get_as_string": (status_t, [cfg_p, c_int, c_char_p, c_size_t, POINTER(c_size_t)]),
    "cvhp_config_load_args": (status_t, [cfg_p, c_int, POINTER(c_char_p)]),
    "cvhp_config_validate": (status_t, [cfg_p, POINTER(diag_p)]),
    "cvhp_config_check": (status_t, [cfg_p]),
    "cvhp_diagnostics_count": (c_size_t, [diag_p]),
    "cvhp_diagnostics_error_count": (c_size_t, [diag_p]),
    "cvhp_diagnostic_severity": (c_int, [diag_p, c_size_t]),
    "cvhp_diagnostic_code": (c_int, [diag_p, c_size_t]),
    "cvhp_diagnostic_param": (c_int, [diag_p, c_size_t, c_size_t]),
    "cvhp_diagnostic_message": (c_char_p, [diag_p, c_size_t]),
    "cvhp_diagnostics_free": (None, [diag_p]),
    "cvhp_diag_code_name": (c_char_p, [c_int]),
    "cvhp_severity_name": (c_char_p, [c_int]),
    "cvhp_config_to_json": (status_t, [cfg_p, c_uint32, c_char_p, c_size_t, POINTER(c_size_t)]),
    "cvhp_config_load_json": (status_t, [cfg_p, c_char_p, c_size_t]),
    "cvhp_config_from_json": (status_t, [c_int, c_char_p, c_size_t, POINTER(Allocator), POINTER(cfg_p)]),
    "cvhp_have_json": (c_int, []),
}

DECLARED = frozenset(_SIGNATURES)

for _name, (_res, _args) in _SIGNATURES.items():
    _fn = getattr(lib, _name)
    _fn.restype = _res
    _fn.argtypes = _args

# Enum values (checked against the C headers by tests/test_ffi.py).
OK = 0
ERR_INVALID_ARGUMENT = 1
ERR_OUT_OF_MEMORY = 2
ERR_UNKNOWN_PARAM = 3
ERR_TYPE_MISMATCH = 4
ERR_OUT_OF_RANGE = 5
ERR_INVALID_VALUE = 6
ERR_INCOMPATIBLE = 7
ERR_BUFFER_TOO_SMALL = 8
ERR_UNSUPPORTED = 9
ERR_OVERFLOW = 10
ERR_PARSE = 11
ERR_IO = 12
ERR_NOT_SET = 13
ERR_VALIDATION = 14
ERR_INTERNAL = 99

class MaskOptions(ctypes.Structure):
    """cvhp_mask_options (include/cvhp/masks.h)."""
    _fields_ = [("size", c_uint32), ("flags", c_uint32), ("score_threshold", c_double), ("max_points", c_int64),
                ("max_refinements", c_int32), ("num_threads", c_int32), ("alloc", c_void_p)]


IMAGE_TYPES = {"jpg": 0, "jpeg": 0, "png": 1, "bmp": 2}
POLY_PIXELS, POLY_RAW = 0x1, 0x2
BOX_FORMATS = {"xyxy": 1, "xywh": 2, "cxcywh": 3}
NMS_PRESETS = {"torchvision": 1, "opencv": 2, "onnx": 3}
NMS_FLAGS = {"suppress_ge": 0x01, "score_threshold": 0x02, "score_ge": 0x04, "topk_candidates": 0x08,
             "area_plus_one": 0x10, "opencv_iou": 0x20, "normalize_corners": 0x40, "topk_per_class": 0x80}
SOFT_NMS = {"linear": 1, "gaussian": 2}

TYPE_INT, TYPE_FLOAT, TYPE_BOOL, TYPE_ENUM, TYPE_STRING, TYPE_GRID = 1, 2, 3, 4, 5, 6
PARAM_FLAG_OPTIONAL = 0x1
PARAM_FLAG_MAX_OPEN = 0x2
JSON_EFFECTIVE = 0x1
JSON_PRETTY = 0x2
SEVERITY_WARNING, SEVERITY_ERROR = 1, 2
TASKS = {
    "multiclass": 1,
    "multilabel": 2,
    "object_detection": 3,
    "instance_segmentation": 4,
}


def text(ptr) -> str | None:
    return None if ptr is None else ptr.decode("utf-8")


def enc(s: str) -> bytes:
    return s.encode("utf-8")
