/* SPDX-License-Identifier: MIT
 * libcvhp parameter identifiers, tasks, models and introspection.
 * Every value in this header is ABI: it never changes, new ones are appended.
 * The library's single parameter table (lib/params.def) uses these names; a
 * test checks that header and table agree. */
#ifndef CVHP_PARAMS_H
#define CVHP_PARAMS_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum cvhp_task {
    CVHP_TASK_MULTICLASS = 1,            /* image classification, one label per image */
    CVHP_TASK_MULTILABEL = 2,            /* image classification, any number of labels */
    CVHP_TASK_OBJECT_DETECTION = 3,
    CVHP_TASK_INSTANCE_SEGMENTATION = 4
} cvhp_task;

/* "image-classification", "image-classification-multilabel", "image-object-detection",
 * "image-instance-segmentation"; NULL for an unknown value. */
CVHP_API const char *cvhp_task_name(cvhp_task task);
/* Accepts the names above, and the short forms "multiclass", "multilabel",
 * "object_detection", "instance_segmentation" (also with '-'), case-insensitively. */
CVHP_API cvhp_status cvhp_task_from_name(const char *name, cvhp_task *out);

typedef enum cvhp_model {
    /* image classification (multi-class and multi-label) */
    CVHP_MODEL_MOBILENETV2 = 1,
    CVHP_MODEL_RESNET18 = 2,
    CVHP_MODEL_RESNET34 = 3,
    CVHP_MODEL_RESNET50 = 4,
    CVHP_MODEL_RESNET101 = 5,
    CVHP_MODEL_RESNET152 = 6,
    CVHP_MODEL_RESNEST50 = 7,
    CVHP_MODEL_RESNEST101 = 8,
    CVHP_MODEL_SERESNEXT = 9,
    CVHP_MODEL_VITS16R224 = 10,
    CVHP_MODEL_VITB16R224 = 11,
    CVHP_MODEL_VITL16R224 = 12,
    /* object detection */
    CVHP_MODEL_YOLOV5 = 20,
    CVHP_MODEL_FASTERRCNN_RESNET18_FPN = 21,
    CVHP_MODEL_FASTERRCNN_RESNET34_FPN = 22,
    CVHP_MODEL_FASTERRCNN_RESNET50_FPN = 23,
    CVHP_MODEL_FASTERRCNN_RESNET101_FPN = 24,
    CVHP_MODEL_FASTERRCNN_RESNET152_FPN = 25,
    CVHP_MODEL_RETINANET_RESNET50_FPN = 26,
    /* instance segmentation */
    CVHP_MODEL_MASKRCNN_RESNET18_FPN = 30,
    CVHP_MODEL_MASKRCNN_RESNET34_FPN = 31,
    CVHP_MODEL_MASKRCNN_RESNET50_FPN = 32,
    CVHP_MODEL_MASKRCNN_RESNET101_FPN = 33,
    CVHP_MODEL_MASKRCNN_RESNET152_FPN = 34
} cvhp_model;

/* Layer families for layers_to_freeze. */
typedef enum cvhp_layer_family {
    CVHP_FAMILY_RESNET = 1,          /* resnet*, resnest*: 5 layers */
    CVHP_FAMILY_MOBILENETV2 = 2,     /* 19 layers */
    CVHP_FAMILY_SERESNEXT = 3,       /* 5 layers */
    CVHP_FAMILY_VIT = 4,             /* 13 layers */
    CVHP_FAMILY_YOLOV5_BACKBONE = 5, /* 10 layers */
    CVHP_FAMILY_RESNET_BACKBONE = 6  /* fasterrcnn, maskrcnn, retinanet: 5 layers */
} cvhp_layer_family;

typedef enum cvhp_param {
    CVHP_PARAM_MODEL_NAME = 1,
    /* model-agnostic */
    CVHP_PARAM_NUMBER_OF_EPOCHS = 100,
    CVHP_PARAM_TRAINING_BATCH_SIZE = 101,
    CVHP_PARAM_VALIDATION_BATCH_SIZE = 102,
    CVHP_PARAM_GRADIENT_ACCUMULATION_STEP = 103,
    CVHP_PARAM_EARLY_STOPPING = 104,
    CVHP_PARAM_EARLY_STOPPING_PATIENCE = 105,
    CVHP_PARAM_EARLY_STOPPING_DELAY = 106,
    CVHP_PARAM_LEARNING_RATE = 107,
    CVHP_PARAM_LEARNING_RATE_SCHEDULER = 108,
    CVHP_PARAM_STEP_LR_GAMMA = 109,
    CVHP_PARAM_STEP_LR_STEP_SIZE = 110,
    CVHP_PARAM_WARMUP_COSINE_LR_CYCLES = 111,
    CVHP_PARAM_WARMUP_COSINE_LR_WARMUP_EPOCHS = 112,
    CVHP_PARAM_OPTIMIZER = 113,
    CVHP_PARAM_MOMENTUM = 114,
    CVHP_PARAM_WEIGHT_DECAY = 115,
    CVHP_PARAM_NESTEROV = 116,
    CVHP_PARAM_BETA1 = 117,
    CVHP_PARAM_BETA2 = 118,
    CVHP_PARAM_AMS_GRADIENT = 119,
    CVHP_PARAM_EVALUATION_FREQUENCY = 120,
    CVHP_PARAM_CHECKPOINT_FREQUENCY = 121,
    CVHP_PARAM_CHECKPOINT_RUN_ID = 122,
    CVHP_PARAM_LAYERS_TO_FREEZE = 123,
    /* image classification */
    CVHP_PARAM_WEIGHTED_LOSS = 200,
    CVHP_PARAM_VALIDATION_RESIZE_SIZE = 201,
    CVHP_PARAM_VALIDATION_CROP_SIZE = 202,
    CVHP_PARAM_TRAINING_CROP_SIZE = 203,
    /* object detection and instance segmentation */
    CVHP_PARAM_VALIDATION_METRIC_TYPE = 300,
    CVHP_PARAM_VALIDATION_IOU_THRESHOLD = 301,
    CVHP_PARAM_MIN_SIZE = 302,
    CVHP_PARAM_MAX_SIZE = 303,
    CVHP_PARAM_BOX_SCORE_THRESHOLD = 304,
    CVHP_PARAM_NMS_IOU_THRESHOLD = 305,
    CVHP_PARAM_BOX_DETECTIONS_PER_IMAGE = 306,
    /* yolov5 only */
    CVHP_PARAM_IMAGE_SIZE = 400,
    CVHP_PARAM_MODEL_SIZE = 401,
    CVHP_PARAM_MULTI_SCALE = 402,
    /* tiling (small-object detection) */
    CVHP_PARAM_TILE_GRID_SIZE = 500,
    CVHP_PARAM_TILE_OVERLAP_RATIO = 501,
    CVHP_PARAM_TILE_PREDICTIONS_NMS_THRESHOLD = 502,
    /* instance segmentation inference (maskrcnn) */
    CVHP_PARAM_MASK_PIXEL_SCORE_THRESHOLD = 600,
    CVHP_PARAM_MAX_NUMBER_OF_POLYGON_POINTS = 601,
    CVHP_PARAM_EXPORT_AS_IMAGE = 602,
    CVHP_PARAM_IMAGE_TYPE = 603
} cvhp_param;

/* Values of the enum-typed parameters (get_enum/set_enum). */
typedef enum cvhp_lr_scheduler { CVHP_LR_SCHEDULER_WARMUP_COSINE = 0, CVHP_LR_SCHEDULER_STEP = 1 } cvhp_lr_scheduler;
typedef enum cvhp_optimizer { CVHP_OPTIMIZER_SGD = 0, CVHP_OPTIMIZER_ADAM = 1, CVHP_OPTIMIZER_ADAMW = 2 } cvhp_optimizer;
typedef enum cvhp_metric_type {
    CVHP_METRIC_NONE = 0,
    CVHP_METRIC_COCO = 1,
    CVHP_METRIC_VOC = 2,
    CVHP_METRIC_COCO_VOC = 3
} cvhp_metric_type;
typedef enum cvhp_model_size {
    CVHP_MODEL_SIZE_SMALL = 0,
    CVHP_MODEL_SIZE_MEDIUM = 1,
    CVHP_MODEL_SIZE_LARGE = 2,
    CVHP_MODEL_SIZE_EXTRA_LARGE = 3
} cvhp_model_size;
typedef enum cvhp_image_type { CVHP_IMAGE_JPG = 0, CVHP_IMAGE_PNG = 1, CVHP_IMAGE_BMP = 2 } cvhp_image_type;

typedef enum cvhp_param_type {
    CVHP_TYPE_INT = 1,    /* int64_t; "positive integer" means >= 1 */
    CVHP_TYPE_FLOAT = 2,  /* double */
    CVHP_TYPE_BOOL = 3,   /* int 0 or 1 */
    CVHP_TYPE_ENUM = 4,   /* int32_t value with a label ("sgd") */
    CVHP_TYPE_STRING = 5, /* UTF-8 text */
    CVHP_TYPE_GRID = 6    /* two int32_t: tiles along width, tiles along height */
} cvhp_param_type;

/* Flags of a parameter (cvhp_param_flags). */
#define CVHP_PARAM_FLAG_OPTIONAL 0x1u  /* no default: unset until the user sets it */
#define CVHP_PARAM_FLAG_MAX_OPEN 0x2u  /* the upper bound is excluded: [min, max) */

/* ---- introspection: parameters ---- */
/* Number of parameters; cvhp_param_at(i) for i in [0, count) lists them in table order. */
CVHP_API size_t cvhp_param_count(void);
/* The i-th parameter id, or 0 when i >= count. */
CVHP_API cvhp_param cvhp_param_at(size_t index);
/* Look up a name or an alias (runtime names such as "box_score_thresh", and
 * camelCase REST names such as "tileOverlapRatio"). CVHP_ERR_UNKNOWN_PARAM. */
CVHP_API cvhp_status cvhp_param_from_name(const char *name, cvhp_param *out);
/* The canonical snake_case name; NULL for an unknown id. */
CVHP_API const char *cvhp_param_name(cvhp_param p);
CVHP_API cvhp_param_type cvhp_param_type_of(cvhp_param p); /* 0 for unknown */
CVHP_API const char *cvhp_param_type_name(cvhp_param_type t); /* "int", "float", ... */
CVHP_API const char *cvhp_param_description(cvhp_param p);   /* one paragraph; NULL if unknown */
CVHP_API uint32_t cvhp_param_flags(cvhp_param p);
/* Documented bounds of int/float parameters, and of each grid component.
 * CVHP_ERR_TYPE_MISMATCH for bool/enum/string parameters. */
CVHP_API cvhp_status cvhp_param_bounds(cvhp_param p, double *min, double *max);
/* The runtime-name aliases of a parameter: index 0.. until NULL. */
CVHP_API const char *cvhp_param_alias(cvhp_param p, size_t index);
/* Enum labels: count, and label/value of the i-th (model_name lists every model). */
CVHP_API size_t cvhp_param_enum_count(cvhp_param p);
CVHP_API const char *cvhp_param_enum_label(cvhp_param p, size_t index);
CVHP_API int32_t cvhp_param_enum_value(cvhp_param p, size_t index);
/* Label of an enum value; NULL when not a value of that parameter. */
CVHP_API const char *cvhp_param_enum_label_of(cvhp_param p, int32_t value);
/* 1 when p applies to the task (any of its models) / to the task with that model. */
CVHP_API int cvhp_param_applies_to_task(cvhp_param p, cvhp_task task);
CVHP_API int cvhp_param_applies(cvhp_param p, cvhp_task task, cvhp_model model);
/* The default of p for (task, model), written through the out-pointer of p's
 * type. CVHP_ERR_INCOMPATIBLE when p does not apply there, CVHP_ERR_NOT_SET
 * for optional parameters, CVHP_ERR_TYPE_MISMATCH for the wrong accessor.
 * Bools and enums are read with _int (0/1, the enum value). */
CVHP_API cvhp_status cvhp_param_default_int(cvhp_param p, cvhp_task task, cvhp_model model, int64_t *out);
CVHP_API cvhp_status cvhp_param_default_float(cvhp_param p, cvhp_task task, cvhp_model model, double *out);

/* ---- introspection: models ---- */
/* The name of a model ("yolov5", "maskrcnn_resnet50_fpn", ...), and the
 * model of a name (CVHP_ERR_INVALID_VALUE for an unknown name,
 * CVHP_ERR_INVALID_ARGUMENT for NULL). */
CVHP_API const char *cvhp_model_name(cvhp_model m); /* NULL if unknown */
CVHP_API cvhp_status cvhp_model_from_name(const char *name, cvhp_model *out);
/* 1 when the model serves the task. */
CVHP_API int cvhp_model_supports_task(cvhp_model m, cvhp_task task);
/* Number of models of a task, and the i-th, in the spec's order. */
CVHP_API size_t cvhp_task_model_count(cvhp_task task);
CVHP_API cvhp_model cvhp_task_model_at(cvhp_task task, size_t index);
/* The default model_name of a task. */
CVHP_API cvhp_model cvhp_task_default_model(cvhp_task task);
/* The layer family of a model, its name ("resnet_backbone"), and its
 * freezable layers in order (each entry a name prefix; "conv1.+bn1." for a
 * pair counted as one layer). cvhp_layer_family_layer returns a thread-local
 * buffer valid until the next call on this thread; NULL past the end. */
CVHP_API cvhp_layer_family cvhp_model_layer_family(cvhp_model m);
CVHP_API const char *cvhp_layer_family_name(cvhp_layer_family f);
CVHP_API size_t cvhp_layer_family_count(cvhp_layer_family f);
CVHP_API const char *cvhp_layer_family_layer(cvhp_layer_family f, size_t index);

#ifdef __cplusplus
}
#endif

#endif /* CVHP_PARAMS_H */
