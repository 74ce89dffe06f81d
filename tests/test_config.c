/* SPDX-License-Identifier: MIT
 * The hyperparameter model against the spec. The expectations below are
 * written from ../shared/spec/hyperparameters-reference.md independently of
 * lib/params.def, so a wrong table row fails here. */
#include <float.h>
#include <stdio.h>
#include <stdlib.h>

#include "cvhp_test.h"

/* ---------------------------------------------------------------- oracle */

enum { MC = 1 << 1, ML = 1 << 2, OD = 1 << 3, IS = 1 << 4, CLS = MC | ML, DET = OD | IS, ALL = CLS | DET };
enum { ANYM, YOLO_ONLY, NOT_YOLO };

typedef struct {
    const char *name;
    cvhp_param_type type;
    double lo, hi; /* documented bounds (ints: hi INT32_MAX for "positive integer") */
    int maxopen;
    unsigned tasks;
    int models;
    int optional; /* "no default" */
} spec_row;

#define PI 2147483647.0
static const spec_row spec[] = {
    {"model_name", CVHP_TYPE_ENUM, 0, 0, 0, ALL, ANYM, 0},
    {"number_of_epochs", CVHP_TYPE_INT, 1, PI, 0, ALL, ANYM, 0},
    {"training_batch_size", CVHP_TYPE_INT, 1, PI, 0, ALL, ANYM, 0},
    {"validation_batch_size", CVHP_TYPE_INT, 1, PI, 0, ALL, ANYM, 0},
    {"gradient_accumulation_step", CVHP_TYPE_INT, 1, PI, 0, ALL, ANYM, 0},
    {"early_stopping", CVHP_TYPE_BOOL, 0, 1, 0, ALL, ANYM, 0},
    {"early_stopping_patience", CVHP_TYPE_INT, 1, PI, 0, ALL, ANYM, 0},
    {"early_stopping_delay", CVHP_TYPE_INT, 1, PI, 0, ALL, ANYM, 0},
    {"learning_rate", CVHP_TYPE_FLOAT, 0, 1, 0, ALL, ANYM, 0},
    {"learning_rate_scheduler", CVHP_TYPE_ENUM, 0, 0, 0, ALL, ANYM, 0},
    {"step_lr_gamma", CVHP_TYPE_FLOAT, 0, 1, 0, ALL, ANYM, 0},
    {"step_lr_step_size", CVHP_TYPE_INT, 1, PI, 0, ALL, ANYM, 0},
    {"warmup_cosine_lr_cycles", CVHP_TYPE_FLOAT, 0, 1, 0, ALL, ANYM, 0},
    {"warmup_cosine_lr_warmup_epochs", CVHP_TYPE_INT, 1, PI, 0, ALL, ANYM, 0},
    {"optimizer", CVHP_TYPE_ENUM, 0, 0, 0, ALL, ANYM, 0},
    {"momentum", CVHP_TYPE_FLOAT, 0, 1, 0, ALL, ANYM, 0},
    {"weight_decay", CVHP_TYPE_FLOAT, 0, 1, 0, ALL, ANYM, 0},
    {"nesterov", CVHP_TYPE_BOOL, 0, 1, 0, ALL, ANYM, 0},
    {"beta1", CVHP_TYPE_FLOAT, 0, 1, 0, ALL, ANYM, 0},
    {"beta2", CVHP_TYPE_FLOAT, 0, 1, 0, ALL, ANYM, 0},
    {"ams_gradient", CVHP_TYPE_BOOL, 0, 1, 0, ALL, ANYM, 0},
    {"evaluation_frequency", CVHP_TYPE_INT, 1, PI, 0, ALL, ANYM, 0},
    {"checkpoint_frequency", CVHP_TYPE_INT, 1, PI, 0, ALL, ANYM, 1},
    {"checkpoint_run_id", CVHP_TYPE_STRING, 0, 0, 0, ALL, ANYM, 1},
    {"layers_to_freeze", CVHP_TYPE_INT, 1, PI, 0, ALL, ANYM, 1},
    {"weighted_loss", CVHP_TYPE_INT, 0, 2, 0, CLS, ANYM, 0},
    {"validation_resize_size", CVHP_TYPE_INT, 1, PI, 0, CLS, ANYM, 0},
    {"validation_crop_size", CVHP_TYPE_INT, 1, PI, 0, CLS, ANYM, 0},
    {"training_crop_size", CVHP_TYPE_INT, 1, PI, 0, CLS, ANYM, 0},
    {"validation_metric_type", CVHP_TYPE_ENUM, 0, 0, 0, DET, ANYM, 0},
    {"validation_iou_threshold", CVHP_TYPE_FLOAT, 0.1, 1, 0, DET, ANYM, 0},
    {"min_size", CVHP_TYPE_INT, 1, PI, 0, DET, NOT_YOLO, 0},
    {"max_size", CVHP_TYPE_INT, 1, PI, 0, DET, NOT_YOLO, 0},
    {"box_score_threshold", CVHP_TYPE_FLOAT, 0, 1, 0, DET, ANYM, 0},
    {"nms_iou_threshold", CVHP_TYPE_FLOAT, 0, 1, 0, DET, ANYM, 0},
    {"box_detections_per_image", CVHP_TYPE_INT, 1, PI, 0, DET, NOT_YOLO, 0},
    {"image_size", CVHP_TYPE_INT, 1, PI, 0, OD, YOLO_ONLY, 0},
    {"model_size", CVHP_TYPE_ENUM, 0, 0, 0, OD, YOLO_ONLY, 0},
    {"multi_scale", CVHP_TYPE_BOOL, 0, 1, 0, OD, YOLO_ONLY, 0},
    {"tile_grid_size", CVHP_TYPE_GRID, 0, 10000, 0, OD, ANYM, 1},
    {"tile_overlap_ratio", CVHP_TYPE_FLOAT, 0, 1, 1, DET, ANYM, 0},
    {"tile_predictions_nms_threshold", CVHP_TYPE_FLOAT, 0, 1, 0, DET, ANYM, 0},
    {"mask_pixel_score_threshold", CVHP_TYPE_FLOAT, 0, 1, 0, IS, ANYM, 0},
    {"max_number_of_polygon_points", CVHP_TYPE_INT, 3, PI, 0, IS, ANYM, 0},
    {"export_as_image", CVHP_TYPE_BOOL, 0, 1, 0, IS, ANYM, 0},
    {"image_type", CVHP_TYPE_ENUM, 0, 0, 0, IS, ANYM, 0},
};
#define N_SPEC (sizeof spec / sizeof spec[0])

static const cvhp_task tasks[] = {CVHP_TASK_MULTICLASS, CVHP_TASK_MULTILABEL, CVHP_TASK_OBJECT_DETECTION,
                                  CVHP_TASK_INSTANCE_SEGMENTATION};

static const char *const cls_models[] = {"mobilenetv2", "resnet18",  "resnet34",   "resnet50",
                                         "resnet101",   "resnet152", "resnest50",  "resnest101",
                                         "seresnext",   "vits16r224", "vitb16r224", "vitl16r224"};
static const char *const od_models[] = {"yolov5",
                                        "fasterrcnn_resnet18_fpn",
                                        "fasterrcnn_resnet34_fpn",
                                        "fasterrcnn_resnet50_fpn",
                                        "fasterrcnn_resnet101_fpn",
                                        "fasterrcnn_resnet152_fpn",
                                        "retinanet_resnet50_fpn"};
static const char *const is_models[] = {"maskrcnn_resnet18_fpn", "maskrcnn_resnet34_fpn", "maskrcnn_resnet50_fpn",
                                        "maskrcnn_resnet101_fpn", "maskrcnn_resnet152_fpn"};

static size_t models_of(cvhp_task t, const char *const **list)
{
    switch (t) {
    case CVHP_TASK_MULTICLASS:
    case CVHP_TASK_MULTILABEL:
        *list = cls_models;
        return 12;
    case CVHP_TASK_OBJECT_DETECTION:
        *list = od_models;
        return 7;
    default:
        *list = is_models;
        return 5;
    }
}

static int streq(const char *a, const char *b) { return strcmp(a, b) == 0; }

static int spec_applies(const spec_row *r, cvhp_task t, const char *model)
{
    if (!(r->tasks & (1u << t)))
        return 0;
    if (r->models == YOLO_ONLY)
        return streq(model, "yolov5");
    if (r->models == NOT_YOLO)
        return !streq(model, "yolov5");
    return 1;
}

/* The spec's default of a non-optional parameter for (task, model), as a
 * double, or as a label in *label for enums. */
static double spec_default(const char *p, cvhp_task t, const char *m, const char **label)
{
    const int cls = t == CVHP_TASK_MULTICLASS || t == CVHP_TASK_MULTILABEL;
    const int yolo = streq(m, "yolov5");
    *label = NULL;
    if (streq(p, "model_name")) {
        *label = cls ? "seresnext" : t == CVHP_TASK_OBJECT_DETECTION ? "fasterrcnn_resnet50_fpn" : "maskrcnn_resnet50_fpn";
        return 0;
    }
    if (streq(p, "number_of_epochs"))
        return yolo ? 30 : 15;
    if (streq(p, "training_batch_size") || streq(p, "validation_batch_size")) {
        if (cls)
            return streq(m, "vits16r224") ? 128 : streq(m, "vitb16r224") ? 48 : streq(m, "vitl16r224") ? 10 : 78;
        if (yolo)
            return 16;
        return streq(p, "training_batch_size") ? 2 : 1;
    }
    if (streq(p, "gradient_accumulation_step"))
        return 1;
    if (streq(p, "early_stopping"))
        return 1;
    if (streq(p, "early_stopping_patience") || streq(p, "early_stopping_delay"))
        return 5;
    if (streq(p, "learning_rate")) {
        if (t == CVHP_TASK_MULTICLASS)
            return streq(m, "vits16r224") || streq(m, "vitb16r224") ? 0.0125 : streq(m, "vitl16r224") ? 0.001 : 0.01;
        if (t == CVHP_TASK_MULTILABEL)
            return streq(m, "vits16r224") || streq(m, "vitb16r224") ? 0.025 : streq(m, "vitl16r224") ? 0.002 : 0.035;
        return yolo ? 0.01 : 0.005;
    }
    if (streq(p, "learning_rate_scheduler")) {
        *label = "warmup_cosine";
        return 0;
    }
    if (streq(p, "step_lr_gamma"))
        return 0.5;
    if (streq(p, "step_lr_step_size"))
        return 5;
    if (streq(p, "warmup_cosine_lr_cycles"))
        return 0.45;
    if (streq(p, "warmup_cosine_lr_warmup_epochs"))
        return 2;
    if (streq(p, "optimizer")) {
        *label = "sgd";
        return 0;
    }
    if (streq(p, "momentum"))
        return 0.9;
    if (streq(p, "weight_decay"))
        return 1e-4;
    if (streq(p, "nesterov"))
        return 1;
    if (streq(p, "beta1"))
        return 0.9;
    if (streq(p, "beta2"))
        return 0.999;
    if (streq(p, "ams_gradient"))
        return 0;
    if (streq(p, "evaluation_frequency"))
        return 1;
    if (streq(p, "weighted_loss"))
        return 0;
    if (streq(p, "validation_resize_size"))
        return 256;
    if (streq(p, "validation_crop_size") || streq(p, "training_crop_size"))
        return 224;
    if (streq(p, "validation_metric_type")) {
        *label = "voc";
        return 0;
    }
    if (streq(p, "validation_iou_threshold"))
        return 0.5;
    if (streq(p, "min_size"))
        return 600;
    if (streq(p, "max_size"))
        return 1333;
    if (streq(p, "box_score_threshold"))
        return yolo ? 0.1 : 0.3;
    if (streq(p, "nms_iou_threshold"))
        return 0.5;
    if (streq(p, "box_detections_per_image"))
        return 100;
    if (streq(p, "image_size"))
        return 640;
    if (streq(p, "model_size")) {
        *label = "medium";
        return 0;
    }
    if (streq(p, "multi_scale"))
        return 0;
    if (streq(p, "tile_overlap_ratio"))
        return 0.25;
    if (streq(p, "tile_predictions_nms_threshold"))
        return 0.25;
    if (streq(p, "mask_pixel_score_threshold"))
        return 0.5;
    if (streq(p, "max_number_of_polygon_points"))
        return 100;
    if (streq(p, "export_as_image"))
        return 0;
    if (streq(p, "image_type")) {
        *label = "jpg";
        return 0;
    }
    ck_abort_msg("no spec default for %s", p);
    return 0;
}

static cvhp_config *new_cfg(cvhp_task t, const char *model)
{
    cvhp_config *cfg = NULL;
    ck_assert_ok(cvhp_config_new(t, &cfg));
    if (model)
        ck_assert_ok(cvhp_config_set_from_string(cfg, "model_name", model));
    return cfg;
}

static cvhp_param pid(const char *name)
{
    cvhp_param p;
    ck_assert_ok(cvhp_param_from_name(name, &p));
    return p;
}

/* -------------------------------------------------- table-driven: the spec */

START_TEST(every_spec_row_exists_once)
{
    ck_assert_uint_eq(cvhp_param_count(), N_SPEC);
    for (size_t i = 0; i < N_SPEC; i++) {
        cvhp_param p = pid(spec[i].name);
        ck_assert_str_eq(cvhp_param_name(p), spec[i].name);
        ck_assert_int_eq(cvhp_param_type_of(p), spec[i].type);
        ck_assert_int_eq(!!(cvhp_param_flags(p) & CVHP_PARAM_FLAG_OPTIONAL), spec[i].optional);
        ck_assert_ptr_nonnull(cvhp_param_description(p));
        ck_assert_uint_gt(strlen(cvhp_param_description(p)), 10);
    }
    for (size_t i = 0; i < cvhp_param_count(); i++)
        ck_assert_ptr_nonnull(cvhp_param_name(cvhp_param_at(i)));
    ck_assert_int_eq(cvhp_param_at(cvhp_param_count()), 0);
}
END_TEST

/* _i walks every spec row; inside, every task and every model of it. */
START_TEST(defaults_and_applicability_match_spec)
{
    const spec_row *r = &spec[_i];
    cvhp_param p = pid(r->name);
    for (size_t k = 0; k < 4; k++) {
        const cvhp_task t = tasks[k];
        const char *const *models;
        size_t nm = models_of(t, &models);
        int any = 0;
        for (size_t m = 0; m < nm; m++) {
            cvhp_model model;
            ck_assert_ok(cvhp_model_from_name(models[m], &model));
            const int applies = spec_applies(r, t, models[m]);
            any |= applies;
            ck_assert_msg(cvhp_param_applies(p, t, model) == applies, "%s on %s/%s: applies=%d expected %d",
                          r->name, cvhp_task_name(t), models[m], cvhp_param_applies(p, t, model), applies);
            cvhp_config *cfg = new_cfg(t, models[m]);
            char text[128];
            cvhp_status st = cvhp_config_get_as_string(cfg, p, text, sizeof text, NULL);
            if (!applies) {
                ck_assert_msg(st == CVHP_ERR_INCOMPATIBLE || (p == CVHP_PARAM_MODEL_NAME),
                              "%s on %s/%s should not have a value (%s)", r->name, cvhp_task_name(t), models[m],
                              cvhp_status_name(st));
            } else if (r->optional) {
                ck_assert_int_eq(st, CVHP_ERR_NOT_SET);
                ck_assert(!cvhp_config_has_value(cfg, p));
            } else {
                ck_assert_int_eq(st, CVHP_OK);
                ck_assert(cvhp_config_has_value(cfg, p));
                const char *label;
                double want = spec_default(r->name, t, models[m], &label);
                if (p == CVHP_PARAM_MODEL_NAME) {
                    /* model_name was set explicitly above; the default is the task's */
                    ck_assert_str_eq(cvhp_model_name(cvhp_task_default_model(t)), label);
                } else if (label) {
                    ck_assert_msg(streq(text, label), "%s on %s/%s: %s, spec %s", r->name, cvhp_task_name(t),
                                  models[m], text, label);
                    int64_t v;
                    ck_assert_ok(cvhp_param_default_int(p, t, model, &v));
                    ck_assert_str_eq(cvhp_param_enum_label_of(p, (int32_t)v), label);
                } else if (r->type == CVHP_TYPE_FLOAT) {
                    double got, dflt;
                    ck_assert_ok(cvhp_config_get_float(cfg, p, &got));
                    ck_assert_ok(cvhp_param_default_float(p, t, model, &dflt));
                    ck_assert_msg(got == want && dflt == want, "%s on %s/%s: %g (table %g), spec %g", r->name,
                                  cvhp_task_name(t), models[m], got, dflt, want);
                } else {
                    int64_t dflt;
                    ck_assert_ok(cvhp_param_default_int(p, t, model, &dflt));
                    ck_assert_msg((double)dflt == want, "%s on %s/%s: %lld, spec %g", r->name, cvhp_task_name(t),
                                  models[m], (long long)dflt, want);
                    if (r->type == CVHP_TYPE_INT) {
                        int64_t got;
                        ck_assert_ok(cvhp_config_get_int(cfg, p, &got));
                        ck_assert((double)got == want);
                    } else {
                        int got;
                        ck_assert_ok(cvhp_config_get_bool(cfg, p, &got));
                        ck_assert(got == (int)want);
                    }
                }
                ck_assert(!cvhp_config_is_explicit(cfg, p) || p == CVHP_PARAM_MODEL_NAME);
            }
            cvhp_config_free(cfg);
        }
        ck_assert_int_eq(cvhp_param_applies_to_task(p, t), any);
    }
}
END_TEST

/* Bounds: just outside rejected, just inside accepted, NaN rejected; by-name
 * and by-id agree; the message names parameter, value and range. */
START_TEST(bounds_match_spec)
{
    const spec_row *r = &spec[_i];
    cvhp_param p = pid(r->name);
    cvhp_task t = (r->tasks & OD) ? CVHP_TASK_OBJECT_DETECTION
                  : (r->tasks & IS) ? CVHP_TASK_INSTANCE_SEGMENTATION
                                     : CVHP_TASK_MULTICLASS;
    cvhp_config *cfg = new_cfg(t, NULL);
    double lo, hi;
    if (r->type == CVHP_TYPE_INT) {
        ck_assert_ok(cvhp_param_bounds(p, &lo, &hi));
        ck_assert(lo == r->lo && hi == r->hi);
        ck_assert_status(cvhp_config_set_int(cfg, p, (int64_t)r->lo - 1), CVHP_ERR_OUT_OF_RANGE);
        char expect[160];
        snprintf(expect, sizeof expect, "%s: %lld is outside [", r->name, (long long)r->lo - 1);
        ck_assert_msg(strncmp(cvhp_last_error_message(), expect, strlen(expect)) == 0, "message: %s",
                      cvhp_last_error_message());
        ck_assert(!cvhp_config_is_explicit(cfg, p));
        ck_assert_ok(cvhp_config_set_int(cfg, p, (int64_t)r->lo));
        ck_assert_ok(cvhp_config_set_int(cfg, p, (int64_t)r->hi));
        ck_assert_status(cvhp_config_set_int(cfg, p, (int64_t)r->hi + 1), CVHP_ERR_OUT_OF_RANGE);
        ck_assert_status(cvhp_config_set_int_by_name(cfg, r->name, (int64_t)r->hi + 1), CVHP_ERR_OUT_OF_RANGE);
        ck_assert_ok(cvhp_config_set_int_by_name(cfg, r->name, (int64_t)r->lo));
        int64_t a, b;
        ck_assert_ok(cvhp_config_get_int(cfg, p, &a));
        ck_assert_ok(cvhp_config_get_int_by_name(cfg, r->name, &b));
        ck_assert(a == b && a == (int64_t)r->lo);
        ck_assert(cvhp_config_is_explicit(cfg, p));
        ck_assert_status(cvhp_config_set_float(cfg, p, 1.0), CVHP_ERR_TYPE_MISMATCH);
    } else if (r->type == CVHP_TYPE_FLOAT) {
        ck_assert_ok(cvhp_param_bounds(p, &lo, &hi));
        ck_assert(lo == r->lo && hi == r->hi);
        ck_assert_status(cvhp_config_set_float(cfg, p, nextafter(r->lo, -INFINITY)), CVHP_ERR_OUT_OF_RANGE);
        ck_assert_status(cvhp_config_set_float(cfg, p, NAN), CVHP_ERR_OUT_OF_RANGE);
        ck_assert_status(cvhp_config_set_float(cfg, p, INFINITY), CVHP_ERR_OUT_OF_RANGE);
        ck_assert_ok(cvhp_config_set_float(cfg, p, r->lo));
        ck_assert_ok(cvhp_config_set_float(cfg, p, nextafter(r->hi, -INFINITY)));
        ck_assert_status(cvhp_config_set_float(cfg, p, r->hi), r->maxopen ? CVHP_ERR_OUT_OF_RANGE : CVHP_OK);
        ck_assert_status(cvhp_config_set_float(cfg, p, nextafter(r->hi, INFINITY)), CVHP_ERR_OUT_OF_RANGE);
        char expect[160];
        snprintf(expect, sizeof expect, "%s: ", r->name);
        ck_assert_msg(strncmp(cvhp_last_error_message(), expect, strlen(expect)) == 0 &&
                          strstr(cvhp_last_error_message(), " is outside [") != NULL,
                      "message: %s", cvhp_last_error_message());
        ck_assert_ok(cvhp_config_set_float_by_name(cfg, r->name, r->lo));
        double a, b;
        ck_assert_ok(cvhp_config_get_float(cfg, p, &a));
        ck_assert_ok(cvhp_config_get_float_by_name(cfg, r->name, &b));
        ck_assert(a == b && a == r->lo);
        ck_assert_status(cvhp_config_set_int(cfg, p, 0), CVHP_ERR_TYPE_MISMATCH);
    } else if (r->type == CVHP_TYPE_BOOL) {
        ck_assert_status(cvhp_param_bounds(p, &lo, &hi), CVHP_ERR_TYPE_MISMATCH);
        ck_assert_status(cvhp_config_set_bool(cfg, p, 2), CVHP_ERR_OUT_OF_RANGE);
        ck_assert_status(cvhp_config_set_bool(cfg, p, -1), CVHP_ERR_OUT_OF_RANGE);
        ck_assert_ok(cvhp_config_set_bool(cfg, p, 0));
        ck_assert_ok(cvhp_config_set_bool_by_name(cfg, r->name, 1));
        int a, b;
        ck_assert_ok(cvhp_config_get_bool(cfg, p, &a));
        ck_assert_ok(cvhp_config_get_bool_by_name(cfg, r->name, &b));
        ck_assert(a == 1 && b == 1);
        ck_assert_status(cvhp_config_set_int(cfg, p, 1), CVHP_ERR_TYPE_MISMATCH);
    } else if (r->type == CVHP_TYPE_ENUM) {
        ck_assert_status(cvhp_config_set_enum(cfg, p, 999), CVHP_ERR_INVALID_VALUE);
        ck_assert_status(cvhp_config_set_from_string(cfg, r->name, "no_such_label"), CVHP_ERR_INVALID_VALUE);
        ck_assert_ptr_nonnull(strstr(cvhp_last_error_message(), r->name));
        /* every label round-trips through text and value */
        for (size_t i = 0; i < cvhp_param_enum_count(p); i++) {
            int32_t v = cvhp_param_enum_value(p, i);
            const char *label = cvhp_param_enum_label(p, i);
            if (p == CVHP_PARAM_MODEL_NAME && !cvhp_model_supports_task((cvhp_model)v, t))
                continue;
            ck_assert_ok(cvhp_config_set_from_string(cfg, r->name, label));
            int32_t got, got2;
            ck_assert_ok(cvhp_config_get_enum(cfg, p, &got));
            ck_assert_ok(cvhp_config_get_enum_by_name(cfg, r->name, &got2));
            ck_assert_int_eq(got, v);
            ck_assert_int_eq(got2, v);
            ck_assert_str_eq(cvhp_param_enum_label_of(p, v), label);
            ck_assert_ok(cvhp_config_set_enum_by_name(cfg, r->name, v));
        }
    }
    cvhp_config_free(cfg);
}
END_TEST

START_TEST(enum_labels_match_spec)
{
    static const struct {
        const char *param;
        const char *labels;
    } want[] = {
        {"learning_rate_scheduler", "warmup_cosine,step"},
        {"optimizer", "sgd,adam,adamw"},
        {"validation_metric_type", "none,coco,voc,coco_voc"},
        {"model_size", "small,medium,large,extra_large"},
        {"image_type", "jpg,png,bmp"},
    };
    for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
        cvhp_param p = pid(want[k].param);
        char got[128] = "";
        for (size_t i = 0; i < cvhp_param_enum_count(p); i++) {
            if (i)
                strcat(got, ",");
            strcat(got, cvhp_param_enum_label(p, i));
        }
        ck_assert_str_eq(got, want[k].labels);
    }
    /* models per task, in the spec's order */
    for (size_t k = 0; k < 4; k++) {
        const char *const *models;
        size_t n = models_of(tasks[k], &models);
        ck_assert_uint_eq(cvhp_task_model_count(tasks[k]), n);
        for (size_t m = 0; m < n; m++)
            ck_assert_str_eq(cvhp_model_name(cvhp_task_model_at(tasks[k], m)), models[m]);
    }
    ck_assert_uint_eq(cvhp_param_enum_count(CVHP_PARAM_MODEL_NAME), 24);
}
END_TEST

START_TEST(aliases_resolve)
{
    static const struct {
        const char *alias, *name;
    } al[] = {
        {"box_score_thresh", "box_score_threshold"},
        {"nms_iou_thresh", "nms_iou_threshold"},
        {"box_detections_per_img", "box_detections_per_image"},
        {"tile_predictions_nms_thresh", "tile_predictions_nms_threshold"},
        {"img_size", "image_size"},
        {"lr_scheduler", "learning_rate_scheduler"},
        {"amsgrad", "ams_gradient"},
        {"valid_resize_size", "validation_resize_size"},
        {"valid_crop_size", "validation_crop_size"},
        {"train_crop_size", "training_crop_size"},
        {"grad_accumulation_step", "gradient_accumulation_step"},
        /* camelCase REST names */
        {"tileOverlapRatio", "tile_overlap_ratio"},
        {"tilePredictionsNmsThreshold", "tile_predictions_nms_threshold"},
        {"boxScoreThreshold", "box_score_threshold"},
        {"learningRateScheduler", "learning_rate_scheduler"},
        {"amsGradient", "ams_gradient"},
        {"warmupCosineLRCycles", "warmup_cosine_lr_cycles"},
        {"stepLRGamma", "step_lr_gamma"},
        {"numberOfEpochs", "number_of_epochs"},
    };
    for (size_t k = 0; k < sizeof al / sizeof al[0]; k++) {
        cvhp_param a = pid(al[k].alias), n = pid(al[k].name);
        ck_assert_msg(a == n, "%s -> %s", al[k].alias, cvhp_param_name(a));
    }
    /* each declared alias is listed by introspection, and only real ones */
    size_t count = 0;
    for (size_t i = 0; i < cvhp_param_count(); i++)
        for (size_t j = 0; cvhp_param_alias(cvhp_param_at(i), j); j++) {
            ck_assert_int_eq(pid(cvhp_param_alias(cvhp_param_at(i), j)), cvhp_param_at(i));
            count++;
        }
    ck_assert_uint_eq(count, 11);
    cvhp_param p;
    ck_assert_status(cvhp_param_from_name("learning_rates", &p), CVHP_ERR_UNKNOWN_PARAM);
    ck_assert_str_eq(cvhp_last_error_message(), "learning_rates: no such parameter");
    ck_assert_status(cvhp_param_from_name("", &p), CVHP_ERR_UNKNOWN_PARAM);
    ck_assert_status(cvhp_param_from_name(NULL, &p), CVHP_ERR_INVALID_ARGUMENT);
    /* setting through an alias sets the canonical parameter */
    cvhp_config *cfg = new_cfg(CVHP_TASK_OBJECT_DETECTION, NULL);
    ck_assert_ok(cvhp_config_set_from_string(cfg, "box_score_thresh", "0.45"));
    double v;
    ck_assert_ok(cvhp_config_get_float(cfg, CVHP_PARAM_BOX_SCORE_THRESHOLD, &v));
    ck_assert(v == 0.45);
    cvhp_config_free(cfg);
}
END_TEST

/* ---------------------------------------------------------- text parsing */

START_TEST(int_and_bool_text)
{
    cvhp_config *cfg = new_cfg(CVHP_TASK_OBJECT_DETECTION, NULL);
    int64_t v;
    static const char *const ok_ints[] = {"4", "4.0", " 4 ", "+4", "4e0", "40e-1"};
    for (size_t i = 0; i < sizeof ok_ints / sizeof ok_ints[0]; i++) {
        ck_assert_ok(cvhp_config_set_from_string(cfg, "number_of_epochs", ok_ints[i]));
        ck_assert_ok(cvhp_config_get_int(cfg, CVHP_PARAM_NUMBER_OF_EPOCHS, &v));
        ck_assert_int_eq(v, 4);
    }
    static const char *const bad_ints[] = {"4.2", "", "four", "0x4", "inf", "nan", "4 2", "1e400"};
    for (size_t i = 0; i < sizeof bad_ints / sizeof bad_ints[0]; i++)
        ck_assert_msg(cvhp_config_set_from_string(cfg, "number_of_epochs", bad_ints[i]) != CVHP_OK, "%s", bad_ints[i]);
    ck_assert_status(cvhp_config_set_from_string(cfg, "number_of_epochs", "4.2"), CVHP_ERR_INVALID_VALUE);
    ck_assert_str_eq(cvhp_last_error_message(), "number_of_epochs: \"4.2\" is not a whole number");
    ck_assert_status(cvhp_config_set_from_string(cfg, "number_of_epochs", "0"), CVHP_ERR_OUT_OF_RANGE);
    ck_assert_str_eq(cvhp_last_error_message(), "number_of_epochs: 0 is outside [1, 2147483647]");
    ck_assert_status(cvhp_config_set_from_string(cfg, "number_of_epochs", "99999999999999999999"),
                     CVHP_ERR_OUT_OF_RANGE);
    ck_assert_ok(cvhp_config_get_int(cfg, CVHP_PARAM_NUMBER_OF_EPOCHS, &v));
    ck_assert_int_eq(v, 4); /* failures left the value alone */

    static const struct {
        const char *text;
        int v;
    } bools[] = {{"1", 1}, {"0", 0}, {"true", 1}, {"FALSE", 0}, {"Yes", 1}, {"no", 0}, {"ON", 1},
                 {"off", 0}, {"y", 1},  {"N", 0},  {"t", 1},    {"f", 0},     {" true ", 1}};
    for (size_t i = 0; i < sizeof bools / sizeof bools[0]; i++) {
        int b;
        ck_assert_ok(cvhp_config_set_from_string(cfg, "early_stopping", bools[i].text));
        ck_assert_ok(cvhp_config_get_bool(cfg, CVHP_PARAM_EARLY_STOPPING, &b));
        ck_assert_msg(b == bools[i].v, "%s", bools[i].text);
    }
    ck_assert_status(cvhp_config_set_from_string(cfg, "early_stopping", "2"), CVHP_ERR_INVALID_VALUE);
    ck_assert_status(cvhp_config_set_from_string(cfg, "early_stopping", "maybe"), CVHP_ERR_INVALID_VALUE);

    double d;
    ck_assert_ok(cvhp_config_set_from_string(cfg, "learning_rate", "1e-3"));
    ck_assert_ok(cvhp_config_get_float(cfg, CVHP_PARAM_LEARNING_RATE, &d));
    ck_assert(d == 1e-3);
    ck_assert_status(cvhp_config_set_from_string(cfg, "learning_rate", "1.5"), CVHP_ERR_OUT_OF_RANGE);
    ck_assert_str_eq(cvhp_last_error_message(), "learning_rate: 1.5 is outside [0, 1]");
    ck_assert_status(cvhp_config_set_from_string(cfg, "learning_rate", "nan"), CVHP_ERR_OUT_OF_RANGE);
    ck_assert_status(cvhp_config_set_from_string(cfg, "learning_rate", "0.1abc"), CVHP_ERR_INVALID_VALUE);
    ck_assert_status(cvhp_config_set_from_string(cfg, "learning_rate", "0x0.1"), CVHP_ERR_INVALID_VALUE);

    /* enums are case-insensitive; model_size accepts the runtime's xlarge */
    cvhp_config_set_from_string(cfg, "model_name", "yolov5");
    int32_t e;
    ck_assert_ok(cvhp_config_set_from_string(cfg, "optimizer", "AdamW"));
    ck_assert_ok(cvhp_config_get_enum(cfg, CVHP_PARAM_OPTIMIZER, &e));
    ck_assert_int_eq(e, CVHP_OPTIMIZER_ADAMW);
    ck_assert_ok(cvhp_config_set_from_string(cfg, "model_size", "xlarge"));
    ck_assert_ok(cvhp_config_get_enum(cfg, CVHP_PARAM_MODEL_SIZE, &e));
    ck_assert_int_eq(e, CVHP_MODEL_SIZE_EXTRA_LARGE);
    ck_assert_status(cvhp_config_set_from_string(cfg, "optimizer", "rmsprop"), CVHP_ERR_INVALID_VALUE);
    ck_assert_str_eq(cvhp_last_error_message(), "optimizer: \"rmsprop\" is not one of sgd, adam, adamw");

    /* optional parameters unset with none/null/"" */
    ck_assert_ok(cvhp_config_set_from_string(cfg, "checkpoint_run_id", "run-42"));
    const char *s;
    ck_assert_ok(cvhp_config_get_string(cfg, CVHP_PARAM_CHECKPOINT_RUN_ID, &s));
    ck_assert_str_eq(s, "run-42");
    ck_assert_ok(cvhp_config_set_from_string(cfg, "checkpoint_run_id", "None"));
    ck_assert_status(cvhp_config_get_string(cfg, CVHP_PARAM_CHECKPOINT_RUN_ID, &s), CVHP_ERR_NOT_SET);
    ck_assert_ok(cvhp_config_set_from_string(cfg, "checkpoint_frequency", "3"));
    ck_assert_ok(cvhp_config_set_from_string(cfg, "checkpoint_frequency", "null"));
    ck_assert_status(cvhp_config_get_int(cfg, CVHP_PARAM_CHECKPOINT_FREQUENCY, &v), CVHP_ERR_NOT_SET);
    /* but "none" is a real label of validation_metric_type */
    ck_assert_ok(cvhp_config_set_from_string(cfg, "validation_metric_type", "none"));
    ck_assert_ok(cvhp_config_get_enum(cfg, CVHP_PARAM_VALIDATION_METRIC_TYPE, &e));
    ck_assert_int_eq(e, CVHP_METRIC_NONE);
    ck_assert_status(cvhp_config_set_from_string(cfg, "bogus", "1"), CVHP_ERR_UNKNOWN_PARAM);
    ck_assert_status(cvhp_config_set_from_string(cfg, "learning_rate", NULL), CVHP_ERR_INVALID_ARGUMENT);
    cvhp_config_free(cfg);
}
END_TEST

/* The reference's tile_grid_size test vectors (azure-automl-behaviour.md §1.2). */
START_TEST(tile_grid_vectors)
{
    static const struct {
        const char *text;
        int nx, ny;
    } valid[] = {{"(3, 2)", 3, 2},  {"(3,2)", 3, 2},       {" (3, 2) ", 3, 2}, {"3x2", 3, 2},
                 {"2X1", 2, 1},     {"  3  x  2  ", 3, 2}, {"  2  X  1  ", 2, 1}, {"3X2", 3, 2},
                 {"3,2", 3, 2},     {"[3,2]", 3, 2},       {"[3, 2]", 3, 2},   {"(3, 2,)", 3, 2}};
    static const char *const invalid[] = {"random string", "3x", "3X", "x", "X", "0.5x3", "0.5X3", "3x0.5",
                                          "3X0.5", "3y2", "3Z2", "axb", "aXb", "3", "(3,)", "(3.0, 2.0)",
                                          "(3, 2, 1)", "3x2x1", "(3, 2]", "((3, 2))", "3,,2"};
    cvhp_config *cfg = new_cfg(CVHP_TASK_OBJECT_DETECTION, NULL);
    for (size_t i = 0; i < sizeof valid / sizeof valid[0]; i++) {
        int32_t nx, ny;
        ck_assert_msg(cvhp_config_set_from_string(cfg, "tile_grid_size", valid[i].text) == CVHP_OK, "%s: %s",
                      valid[i].text, cvhp_last_error_message());
        ck_assert_ok(cvhp_config_get_grid(cfg, CVHP_PARAM_TILE_GRID_SIZE, &nx, &ny));
        ck_assert_msg(nx == valid[i].nx && ny == valid[i].ny, "%s -> %dx%d", valid[i].text, nx, ny);
    }
    ck_assert_ok(cvhp_config_set_grid(cfg, CVHP_PARAM_TILE_GRID_SIZE, 4, 3));
    for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
        ck_assert_msg(cvhp_config_set_from_string(cfg, "tile_grid_size", invalid[i]) == CVHP_ERR_INVALID_VALUE,
                      "\"%s\" was accepted", invalid[i]);
        ck_assert_ptr_nonnull(strstr(cvhp_last_error_message(), "should be in the format 3x2, or 3X2, or (3, 2)"));
    }
    int32_t nx, ny;
    ck_assert_ok(cvhp_config_get_grid(cfg, CVHP_PARAM_TILE_GRID_SIZE, &nx, &ny));
    ck_assert(nx == 4 && ny == 3); /* rejected texts changed nothing */
    /* negative values parse but are out of range; zeros are left to validation */
    ck_assert_status(cvhp_config_set_from_string(cfg, "tile_grid_size", "-1x-2"), CVHP_ERR_OUT_OF_RANGE);
    ck_assert_status(cvhp_config_set_grid(cfg, CVHP_PARAM_TILE_GRID_SIZE, 3, -1), CVHP_ERR_OUT_OF_RANGE);
    ck_assert_status(cvhp_config_set_grid(cfg, CVHP_PARAM_TILE_GRID_SIZE, 10001, 2), CVHP_ERR_OUT_OF_RANGE);
    ck_assert_ok(cvhp_config_set_from_string(cfg, "tile_grid_size", "0x2"));
    char text[32];
    ck_assert_ok(cvhp_config_get_as_string(cfg, CVHP_PARAM_TILE_GRID_SIZE, text, sizeof text, NULL));
    ck_assert_str_eq(text, "0x2");
    ck_assert_ok(cvhp_config_set_from_string(cfg, "tile_grid_size", "none"));
    ck_assert_status(cvhp_config_get_grid(cfg, CVHP_PARAM_TILE_GRID_SIZE, &nx, &ny), CVHP_ERR_NOT_SET);
    cvhp_config_free(cfg);
}
END_TEST

START_TEST(get_as_string_two_call)
{
    cvhp_config *cfg = new_cfg(CVHP_TASK_MULTICLASS, NULL);
    size_t need = 0;
    ck_assert_status(cvhp_config_get_as_string(cfg, CVHP_PARAM_MODEL_NAME, NULL, 0, &need), CVHP_ERR_BUFFER_TOO_SMALL);
    ck_assert_uint_eq(need, strlen("seresnext") + 1);
    char small[4];
    ck_assert_status(cvhp_config_get_as_string(cfg, CVHP_PARAM_MODEL_NAME, small, sizeof small, &need),
                     CVHP_ERR_BUFFER_TOO_SMALL);
    ck_assert_str_eq(small, "ser");
    char buf[16];
    ck_assert_ok(cvhp_config_get_as_string(cfg, CVHP_PARAM_MODEL_NAME, buf, need, NULL));
    ck_assert_str_eq(buf, "seresnext");
    ck_assert_ok(cvhp_config_get_as_string(cfg, CVHP_PARAM_WEIGHT_DECAY, buf, sizeof buf, NULL));
    ck_assert_str_eq(buf, "0.0001");
    ck_assert_ok(cvhp_config_get_as_string(cfg, CVHP_PARAM_NESTEROV, buf, sizeof buf, NULL));
    ck_assert_str_eq(buf, "true");
    ck_assert_status(cvhp_config_get_as_string(cfg, CVHP_PARAM_MIN_SIZE, buf, sizeof buf, NULL), CVHP_ERR_INCOMPATIBLE);
    ck_assert_status(cvhp_config_get_as_string(cfg, (cvhp_param)77, buf, sizeof buf, NULL), CVHP_ERR_UNKNOWN_PARAM);
    cvhp_config_free(cfg);
}
END_TEST

/* ------------------------------------------------ explicit versus default */

START_TEST(defaults_follow_model_unless_set)
{
    cvhp_config *cfg = new_cfg(CVHP_TASK_MULTICLASS, "resnet50");
    int64_t bs;
    double lr;
    ck_assert_ok(cvhp_config_get_int(cfg, CVHP_PARAM_TRAINING_BATCH_SIZE, &bs));
    ck_assert_ok(cvhp_config_get_float(cfg, CVHP_PARAM_LEARNING_RATE, &lr));
    ck_assert(bs == 78 && lr == 0.01);
    ck_assert_ok(cvhp_config_set_from_string(cfg, "model_name", "vitl16r224"));
    ck_assert_ok(cvhp_config_get_int(cfg, CVHP_PARAM_TRAINING_BATCH_SIZE, &bs));
    ck_assert_ok(cvhp_config_get_float(cfg, CVHP_PARAM_LEARNING_RATE, &lr));
    ck_assert(bs == 10 && lr == 0.001);
    ck_assert(!cvhp_config_is_explicit(cfg, CVHP_PARAM_TRAINING_BATCH_SIZE));
    /* an explicit value survives model changes */
    ck_assert_ok(cvhp_config_set_int(cfg, CVHP_PARAM_TRAINING_BATCH_SIZE, 33));
    ck_assert(cvhp_config_is_explicit(cfg, CVHP_PARAM_TRAINING_BATCH_SIZE));
    ck_assert_ok(cvhp_config_set_from_string(cfg, "model_name", "vits16r224"));
    ck_assert_ok(cvhp_config_get_int(cfg, CVHP_PARAM_TRAINING_BATCH_SIZE, &bs));
    ck_assert_int_eq(bs, 33);
    ck_assert_ok(cvhp_config_get_float(cfg, CVHP_PARAM_LEARNING_RATE, &lr));
    ck_assert(lr == 0.0125);
    /* reset returns to the model's default */
    ck_assert_ok(cvhp_config_reset(cfg, CVHP_PARAM_TRAINING_BATCH_SIZE));
    ck_assert_ok(cvhp_config_get_int(cfg, CVHP_PARAM_TRAINING_BATCH_SIZE, &bs));
    ck_assert_int_eq(bs, 128);
    ck_assert_status(cvhp_config_reset(cfg, (cvhp_param)5), CVHP_ERR_UNKNOWN_PARAM);
    /* reset_all returns the model to the task default */
    cvhp_config_reset_all(cfg);
    ck_assert_int_eq(cvhp_config_model(cfg), CVHP_MODEL_SERESNEXT);
    ck_assert(!cvhp_config_is_explicit(cfg, CVHP_PARAM_MODEL_NAME));

    /* detection: yolov5 moves epochs, batches, lr, score threshold */
    cvhp_config *od = new_cfg(CVHP_TASK_OBJECT_DETECTION, NULL);
    int64_t ep;
    double st;
    ck_assert_ok(cvhp_config_get_int(od, CVHP_PARAM_NUMBER_OF_EPOCHS, &ep));
    ck_assert_ok(cvhp_config_get_float(od, CVHP_PARAM_BOX_SCORE_THRESHOLD, &st));
    ck_assert(ep == 15 && st == 0.3);
    ck_assert_ok(cvhp_config_set_enum(od, CVHP_PARAM_MODEL_NAME, CVHP_MODEL_YOLOV5));
    ck_assert_ok(cvhp_config_get_int(od, CVHP_PARAM_NUMBER_OF_EPOCHS, &ep));
    ck_assert_ok(cvhp_config_get_float(od, CVHP_PARAM_BOX_SCORE_THRESHOLD, &st));
    ck_assert(ep == 30 && st == 0.1);
    /* yolov5-only parameters now have values; min_size no longer does */
    ck_assert_ok(cvhp_config_get_int(od, CVHP_PARAM_IMAGE_SIZE, &ep));
    ck_assert_int_eq(ep, 640);
    ck_assert_status(cvhp_config_get_int(od, CVHP_PARAM_MIN_SIZE, &ep), CVHP_ERR_INCOMPATIBLE);
    ck_assert_str_eq(cvhp_last_error_message(),
                     "min_size: does not apply to image-object-detection with model yolov5");
    /* a model of another task is rejected at once */
    ck_assert_status(cvhp_config_set_enum(od, CVHP_PARAM_MODEL_NAME, CVHP_MODEL_RESNET50), CVHP_ERR_INVALID_VALUE);
    ck_assert_str_eq(cvhp_last_error_message(), "model_name: resnet50 is not a model for image-object-detection");
    ck_assert_status(cvhp_config_set_from_string(od, "model_name", "maskrcnn_resnet50_fpn"), CVHP_ERR_INVALID_VALUE);
    ck_assert_int_eq(cvhp_config_model(od), CVHP_MODEL_YOLOV5);
    cvhp_config_free(od);
    cvhp_config_free(cfg);
}
END_TEST

START_TEST(clone_is_independent)
{
    cvhp_config *a = new_cfg(CVHP_TASK_OBJECT_DETECTION, "yolov5");
    ck_assert_ok(cvhp_config_set_from_string(a, "checkpoint_run_id", "original"));
    ck_assert_ok(cvhp_config_set_float(a, CVHP_PARAM_LEARNING_RATE, 0.02));
    cvhp_config *b;
    ck_assert_ok(cvhp_config_clone(a, &b));
    ck_assert_ok(cvhp_config_set_from_string(a, "checkpoint_run_id", "changed"));
    ck_assert_ok(cvhp_config_set_float(a, CVHP_PARAM_LEARNING_RATE, 0.03));
    ck_assert_ok(cvhp_config_set_from_string(a, "model_name", "retinanet_resnet50_fpn"));
    const char *s;
    double lr;
    ck_assert_ok(cvhp_config_get_string(b, CVHP_PARAM_CHECKPOINT_RUN_ID, &s));
    ck_assert_str_eq(s, "original");
    ck_assert_ok(cvhp_config_get_float(b, CVHP_PARAM_LEARNING_RATE, &lr));
    ck_assert(lr == 0.02);
    ck_assert_int_eq(cvhp_config_model(b), CVHP_MODEL_YOLOV5);
    ck_assert_int_eq(cvhp_config_task(b), CVHP_TASK_OBJECT_DETECTION);
    cvhp_config_free(a); /* b's string must not depend on a */
    ck_assert_str_eq(s, "original");
    cvhp_config_free(b);
    cvhp_config_free(NULL);
}
END_TEST

START_TEST(bad_handles_and_arguments)
{
    cvhp_config *cfg = NULL;
    ck_assert_status(cvhp_config_new((cvhp_task)0, &cfg), CVHP_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_null(cfg);
    ck_assert_status(cvhp_config_new((cvhp_task)9, &cfg), CVHP_ERR_INVALID_ARGUMENT);
    ck_assert_status(cvhp_config_new(CVHP_TASK_MULTICLASS, NULL), CVHP_ERR_INVALID_ARGUMENT);
    cvhp_allocator half = {NULL, NULL, NULL};
    ck_assert_status(cvhp_config_new_with_allocator(CVHP_TASK_MULTICLASS, &half, &cfg), CVHP_ERR_INVALID_ARGUMENT);
    ck_assert_status(cvhp_config_set_int(NULL, CVHP_PARAM_NUMBER_OF_EPOCHS, 3), CVHP_ERR_INVALID_ARGUMENT);
    cfg = new_cfg(CVHP_TASK_MULTICLASS, NULL);
    ck_assert_status(cvhp_config_set_int(cfg, (cvhp_param)12345, 3), CVHP_ERR_UNKNOWN_PARAM);
    ck_assert_status(cvhp_config_get_int(cfg, CVHP_PARAM_NUMBER_OF_EPOCHS, NULL), CVHP_ERR_INVALID_ARGUMENT);
    ck_assert_status(cvhp_config_set_string(cfg, CVHP_PARAM_CHECKPOINT_RUN_ID, NULL), CVHP_ERR_INVALID_ARGUMENT);
    ck_assert_status(cvhp_config_set_grid(cfg, CVHP_PARAM_LEARNING_RATE, 1, 2), CVHP_ERR_TYPE_MISMATCH);
    ck_assert_str_eq(cvhp_last_error_message(), "learning_rate: is a float parameter, not grid");
    ck_assert_int_eq(cvhp_config_task(NULL), 0);
    ck_assert(!cvhp_config_is_explicit(NULL, CVHP_PARAM_LEARNING_RATE));
    cvhp_task t;
    ck_assert_ok(cvhp_task_from_name("image-object-detection", &t));
    ck_assert_int_eq(t, CVHP_TASK_OBJECT_DETECTION);
    ck_assert_ok(cvhp_task_from_name("instance-segmentation", &t));
    ck_assert_int_eq(t, CVHP_TASK_INSTANCE_SEGMENTATION);
    ck_assert_ok(cvhp_task_from_name("MULTILABEL", &t));
    ck_assert_int_eq(t, CVHP_TASK_MULTILABEL);
    ck_assert_status(cvhp_task_from_name("segmentation", &t), CVHP_ERR_INVALID_VALUE);
    cvhp_config_free(cfg);
}
END_TEST

/* --------------------------------------------------------------- argv */

START_TEST(load_args_forms_and_atomicity)
{
    cvhp_config *cfg = new_cfg(CVHP_TASK_OBJECT_DETECTION, NULL);
    const char *argv[] = {"--model_name", "yolov5", "--img_size=512", "tile_grid_size=3x2", "--lr_scheduler", "step"};
    ck_assert_ok(cvhp_config_load_args(cfg, 6, argv));
    int64_t v;
    int32_t e, nx, ny;
    ck_assert_ok(cvhp_config_get_int(cfg, CVHP_PARAM_IMAGE_SIZE, &v));
    ck_assert_int_eq(v, 512);
    ck_assert_ok(cvhp_config_get_grid(cfg, CVHP_PARAM_TILE_GRID_SIZE, &nx, &ny));
    ck_assert(nx == 3 && ny == 2);
    ck_assert_ok(cvhp_config_get_enum(cfg, CVHP_PARAM_LEARNING_RATE_SCHEDULER, &e));
    ck_assert_int_eq(e, CVHP_LR_SCHEDULER_STEP);
    /* all or nothing: the good first argument is not applied */
    const char *bad[] = {"--number_of_epochs", "7", "--learning_rate", "2"};
    ck_assert_status(cvhp_config_load_args(cfg, 4, bad), CVHP_ERR_OUT_OF_RANGE);
    ck_assert(!cvhp_config_is_explicit(cfg, CVHP_PARAM_NUMBER_OF_EPOCHS));
    const char *missing[] = {"--number_of_epochs"};
    ck_assert_status(cvhp_config_load_args(cfg, 1, missing), CVHP_ERR_INVALID_ARGUMENT);
    ck_assert_str_eq(cvhp_last_error_message(), "argument 0 (\"--number_of_epochs\"): missing value");
    const char *bare[] = {"number_of_epochs"};
    ck_assert_status(cvhp_config_load_args(cfg, 1, bare), CVHP_ERR_INVALID_ARGUMENT);
    const char *unknown[] = {"--epochs=3"};
    ck_assert_status(cvhp_config_load_args(cfg, 1, unknown), CVHP_ERR_UNKNOWN_PARAM);
    ck_assert_status(cvhp_config_load_args(cfg, -1, unknown), CVHP_ERR_INVALID_ARGUMENT);
    ck_assert_ok(cvhp_config_load_args(cfg, 0, NULL));
    cvhp_config_free(cfg);
}
END_TEST

/* ---------------------------------------------------------- validation */

static int has_diag(const cvhp_config *cfg, cvhp_diag_code code, cvhp_param p, cvhp_severity sev, char *msg,
                    size_t cap)
{
    cvhp_diagnostics *d;
    ck_assert_ok(cvhp_config_validate(cfg, &d));
    int found = 0;
    for (size_t i = 0; i < cvhp_diagnostics_count(d); i++)
        if (cvhp_diagnostic_code(d, i) == code && cvhp_diagnostic_param(d, i, 0) == p &&
            cvhp_diagnostic_severity(d, i) == sev) {
            found = 1;
            if (msg)
                snprintf(msg, cap, "%s", cvhp_diagnostic_message(d, i));
        }
    cvhp_diagnostics_free(d);
    return found;
}

static size_t n_diags(const cvhp_config *cfg, size_t *errors)
{
    cvhp_diagnostics *d;
    ck_assert_ok(cvhp_config_validate(cfg, &d));
    size_t n = cvhp_diagnostics_count(d);
    *errors = cvhp_diagnostics_error_count(d);
    cvhp_diagnostics_free(d);
    return n;
}

START_TEST(defaults_validate_clean)
{
    /* every model of every task with nothing set has no diagnostics */
    for (size_t k = 0; k < 4; k++) {
        const char *const *models;
        size_t nm = models_of(tasks[k], &models);
        for (size_t m = 0; m < nm; m++) {
            cvhp_config *cfg = new_cfg(tasks[k], models[m]);
            size_t errors;
            ck_assert_msg(n_diags(cfg, &errors) == 0, "%s/%s", cvhp_task_name(tasks[k]), models[m]);
            ck_assert_ok(cvhp_config_check(cfg));
            cvhp_config_free(cfg);
        }
    }
}
END_TEST

START_TEST(rule_not_for_task_or_model)
{
    char msg[400];
    cvhp_config *od = new_cfg(CVHP_TASK_OBJECT_DETECTION, NULL);
    ck_assert_ok(cvhp_config_set_int(od, CVHP_PARAM_TRAINING_CROP_SIZE, 224));
    ck_assert(has_diag(od, CVHP_DIAG_NOT_FOR_TASK, CVHP_PARAM_TRAINING_CROP_SIZE, CVHP_SEVERITY_ERROR, msg, sizeof msg));
    ck_assert_str_eq(msg, "training_crop_size: does not apply to image-object-detection");
    ck_assert_status(cvhp_config_check(od), CVHP_ERR_VALIDATION);
    ck_assert_str_eq(cvhp_last_error_message(), "training_crop_size: does not apply to image-object-detection");
    /* yolov5-only parameters on fasterrcnn */
    static const cvhp_param yolo_only[] = {CVHP_PARAM_IMAGE_SIZE, CVHP_PARAM_MODEL_SIZE, CVHP_PARAM_MULTI_SCALE};
    ck_assert_ok(cvhp_config_set_int(od, CVHP_PARAM_IMAGE_SIZE, 512));
    ck_assert_ok(cvhp_config_set_enum(od, CVHP_PARAM_MODEL_SIZE, CVHP_MODEL_SIZE_SMALL));
    ck_assert_ok(cvhp_config_set_bool(od, CVHP_PARAM_MULTI_SCALE, 1));
    for (size_t i = 0; i < 3; i++)
        ck_assert(has_diag(od, CVHP_DIAG_NOT_FOR_MODEL, yolo_only[i], CVHP_SEVERITY_ERROR, msg, sizeof msg));
    ck_assert_ptr_nonnull(strstr(msg, "yolov5 only"));
    ck_assert_status(cvhp_config_check(od), CVHP_ERR_VALIDATION);
    ck_assert_ptr_nonnull(strstr(cvhp_last_error_message(), "(and 3 more errors)"));
    /* ... and fine on yolov5, where min_size/max_size/box_detections_per_image are not */
    ck_assert_ok(cvhp_config_reset(od, CVHP_PARAM_TRAINING_CROP_SIZE));
    ck_assert_ok(cvhp_config_set_enum(od, CVHP_PARAM_MODEL_NAME, CVHP_MODEL_YOLOV5));
    ck_assert_ok(cvhp_config_check(od));
    static const cvhp_param not_yolo[] = {CVHP_PARAM_MIN_SIZE, CVHP_PARAM_MAX_SIZE, CVHP_PARAM_BOX_DETECTIONS_PER_IMAGE};
    for (size_t i = 0; i < 3; i++) {
        ck_assert_ok(cvhp_config_set_int(od, not_yolo[i], 50));
        ck_assert(has_diag(od, CVHP_DIAG_NOT_FOR_MODEL, not_yolo[i], CVHP_SEVERITY_ERROR, msg, sizeof msg));
        ck_assert_ptr_nonnull(strstr(msg, "not supported with yolov5"));
    }
    /* maskrcnn inference parameters outside instance segmentation */
    ck_assert_ok(cvhp_config_set_float(od, CVHP_PARAM_MASK_PIXEL_SCORE_THRESHOLD, 0.4));
    ck_assert(has_diag(od, CVHP_DIAG_NOT_FOR_TASK, CVHP_PARAM_MASK_PIXEL_SCORE_THRESHOLD, CVHP_SEVERITY_ERROR, NULL, 0));
    cvhp_config_free(od);
    /* tile_grid_size on instance segmentation */
    cvhp_config *is = new_cfg(CVHP_TASK_INSTANCE_SEGMENTATION, NULL);
    ck_assert_ok(cvhp_config_set_grid(is, CVHP_PARAM_TILE_GRID_SIZE, 3, 2));
    ck_assert(has_diag(is, CVHP_DIAG_NOT_FOR_TASK, CVHP_PARAM_TILE_GRID_SIZE, CVHP_SEVERITY_ERROR, msg, sizeof msg));
    ck_assert_ptr_nonnull(strstr(msg, "not supported for instance segmentation"));
    ck_assert_ok(cvhp_config_set_int(is, CVHP_PARAM_MAX_NUMBER_OF_POLYGON_POINTS, 50)); /* fine here */
    size_t errors;
    ck_assert_uint_eq(n_diags(is, &errors), 1);
    cvhp_config_free(is);
    /* classification parameters on classification are fine; detection ones are not */
    cvhp_config *mc = new_cfg(CVHP_TASK_MULTILABEL, NULL);
    ck_assert_ok(cvhp_config_set_float(mc, CVHP_PARAM_NMS_IOU_THRESHOLD, 0.4));
    ck_assert(has_diag(mc, CVHP_DIAG_NOT_FOR_TASK, CVHP_PARAM_NMS_IOU_THRESHOLD, CVHP_SEVERITY_ERROR, NULL, 0));
    cvhp_config_free(mc);
}
END_TEST

START_TEST(rule_vit_crop_sizes)
{
    char msg[400];
    static const char *const vits[] = {"vits16r224", "vitb16r224", "vitl16r224"};
    for (size_t i = 0; i < 3; i++) {
        cvhp_config *cfg = new_cfg(CVHP_TASK_MULTICLASS, vits[i]);
        ck_assert_ok(cvhp_config_set_int(cfg, CVHP_PARAM_TRAINING_CROP_SIZE, 384));
        ck_assert(has_diag(cfg, CVHP_DIAG_VIT_CROP_MISMATCH, CVHP_PARAM_TRAINING_CROP_SIZE, CVHP_SEVERITY_ERROR, msg,
                           sizeof msg));
        ck_assert_ptr_nonnull(strstr(msg, "384 differs from validation_crop_size 224"));
        ck_assert_ok(cvhp_config_set_int(cfg, CVHP_PARAM_VALIDATION_CROP_SIZE, 384));
        ck_assert_ok(cvhp_config_check(cfg));
        cvhp_config_free(cfg);
    }
    /* other models may use different crop sizes */
    cvhp_config *cfg = new_cfg(CVHP_TASK_MULTICLASS, "resnet50");
    ck_assert_ok(cvhp_config_set_int(cfg, CVHP_PARAM_TRAINING_CROP_SIZE, 384));
    ck_assert_ok(cvhp_config_check(cfg));
    cvhp_config_free(cfg);
}
END_TEST

START_TEST(rule_seresnext_fixed_sizes)
{
    static const cvhp_param sizes[] = {CVHP_PARAM_VALIDATION_RESIZE_SIZE, CVHP_PARAM_VALIDATION_CROP_SIZE,
                                       CVHP_PARAM_TRAINING_CROP_SIZE};
    for (size_t i = 0; i < 3; i++) {
        cvhp_config *cfg = new_cfg(CVHP_TASK_MULTILABEL, NULL); /* seresnext is the default */
        ck_assert_ok(cvhp_config_set_int(cfg, sizes[i], 300));
        ck_assert(has_diag(cfg, CVHP_DIAG_SERESNEXT_FIXED_SIZE, sizes[i], CVHP_SEVERITY_ERROR, NULL, 0));
        ck_assert_status(cvhp_config_check(cfg), CVHP_ERR_VALIDATION);
        /* setting the fixed value explicitly is fine */
        int64_t fixed = sizes[i] == CVHP_PARAM_VALIDATION_RESIZE_SIZE ? 256 : 224;
        ck_assert_ok(cvhp_config_set_int(cfg, sizes[i], fixed));
        ck_assert_ok(cvhp_config_check(cfg));
        ck_assert_ok(cvhp_config_set_int(cfg, sizes[i], 300));
        ck_assert_ok(cvhp_config_set_from_string(cfg, "model_name", "resnet18"));
        ck_assert_ok(cvhp_config_check(cfg));
        cvhp_config_free(cfg);
    }
}
END_TEST

START_TEST(rule_tile_grid)
{
    char msg[400];
    cvhp_config *cfg = new_cfg(CVHP_TASK_OBJECT_DETECTION, NULL);
    ck_assert_ok(cvhp_config_set_grid(cfg, CVHP_PARAM_TILE_GRID_SIZE, 1, 1));
    ck_assert(has_diag(cfg, CVHP_DIAG_TILE_GRID_TRIVIAL, CVHP_PARAM_TILE_GRID_SIZE, CVHP_SEVERITY_ERROR, msg, sizeof msg));
    ck_assert_str_eq(msg, "tile_grid_size: 1x1 is not tiling; at least one dimension must be greater than 1");
    ck_assert_ok(cvhp_config_set_grid(cfg, CVHP_PARAM_TILE_GRID_SIZE, 0, 2));
    ck_assert(has_diag(cfg, CVHP_DIAG_TILE_GRID_ZERO, CVHP_PARAM_TILE_GRID_SIZE, CVHP_SEVERITY_ERROR, NULL, 0));
    ck_assert_ok(cvhp_config_set_grid(cfg, CVHP_PARAM_TILE_GRID_SIZE, 3, 0));
    ck_assert(has_diag(cfg, CVHP_DIAG_TILE_GRID_ZERO, CVHP_PARAM_TILE_GRID_SIZE, CVHP_SEVERITY_ERROR, NULL, 0));
    /* (1, n) and (n, 1) are legal */
    ck_assert_ok(cvhp_config_set_grid(cfg, CVHP_PARAM_TILE_GRID_SIZE, 1, 2));
    ck_assert_ok(cvhp_config_check(cfg));
    ck_assert_ok(cvhp_config_set_grid(cfg, CVHP_PARAM_TILE_GRID_SIZE, 2, 1));
    ck_assert_ok(cvhp_config_check(cfg));
    /* the spec's conflict on yolov5 is settled for the runtime: tiling works there */
    ck_assert_ok(cvhp_config_set_enum(cfg, CVHP_PARAM_MODEL_NAME, CVHP_MODEL_YOLOV5));
    ck_assert_ok(cvhp_config_check(cfg));
    cvhp_config_free(cfg);
}
END_TEST

START_TEST(rule_layers_to_freeze)
{
    static const struct {
        cvhp_task task;
        const char *model;
        int64_t max;
        const char *family, *first, *last;
    } cases[] = {
        {CVHP_TASK_MULTICLASS, "resnet50", 5, "resnet", "conv1.+bn1.", "layer4."},
        {CVHP_TASK_MULTICLASS, "resnest101", 5, "resnet", "conv1.+bn1.", "layer4."},
        {CVHP_TASK_MULTICLASS, "mobilenetv2", 19, "mobilenetv2", "features.0.", "features.18."},
        {CVHP_TASK_MULTILABEL, "seresnext", 5, "seresnext", "layer0.", "layer4."},
        {CVHP_TASK_MULTICLASS, "vitb16r224", 13, "vit", "patch_embed", "blocks.11."},
        {CVHP_TASK_OBJECT_DETECTION, "yolov5", 10, "yolov5_backbone", "model.0.", "model.9."},
        {CVHP_TASK_OBJECT_DETECTION, "retinanet_resnet50_fpn", 5, "resnet_backbone", "backbone.body.conv1.",
         "backbone.body.layer4."},
        {CVHP_TASK_INSTANCE_SEGMENTATION, "maskrcnn_resnet101_fpn", 5, "resnet_backbone", "backbone.body.conv1.",
         "backbone.body.layer4."},
    };
    char msg[400];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cvhp_config *cfg = new_cfg(cases[i].task, cases[i].model);
        cvhp_layer_family f = cvhp_model_layer_family(cvhp_config_model(cfg));
        ck_assert_str_eq(cvhp_layer_family_name(f), cases[i].family);
        ck_assert_uint_eq(cvhp_layer_family_count(f), (size_t)cases[i].max);
        ck_assert_str_eq(cvhp_layer_family_layer(f, 0), cases[i].first);
        ck_assert_str_eq(cvhp_layer_family_layer(f, (size_t)cases[i].max - 1), cases[i].last);
        ck_assert_ptr_null(cvhp_layer_family_layer(f, (size_t)cases[i].max));
        ck_assert_ok(cvhp_config_set_int(cfg, CVHP_PARAM_LAYERS_TO_FREEZE, cases[i].max));
        ck_assert_ok(cvhp_config_check(cfg));
        ck_assert_ok(cvhp_config_set_int(cfg, CVHP_PARAM_LAYERS_TO_FREEZE, cases[i].max + 1));
        ck_assert(has_diag(cfg, CVHP_DIAG_TOO_MANY_LAYERS, CVHP_PARAM_LAYERS_TO_FREEZE, CVHP_SEVERITY_ERROR, msg,
                           sizeof msg));
        ck_assert_msg(strstr(msg, cases[i].family) && strstr(msg, cases[i].first), "%s", msg);
        cvhp_config_free(cfg);
    }
    cvhp_config *cfg = new_cfg(CVHP_TASK_OBJECT_DETECTION, NULL);
    ck_assert_ok(cvhp_config_set_int(cfg, CVHP_PARAM_LAYERS_TO_FREEZE, 6));
    ck_assert(has_diag(cfg, CVHP_DIAG_TOO_MANY_LAYERS, CVHP_PARAM_LAYERS_TO_FREEZE, CVHP_SEVERITY_ERROR, msg, sizeof msg));
    ck_assert_str_eq(msg, "layers_to_freeze: 6 exceeds the 5 layers of resnet_backbone (fasterrcnn_resnet50_fpn): "
                          "backbone.body.conv1., backbone.body.layer1., backbone.body.layer2., "
                          "backbone.body.layer3., backbone.body.layer4.");
    cvhp_config_free(cfg);
}
END_TEST

START_TEST(rule_optimizer_and_scheduler_warnings)
{
    cvhp_config *cfg = new_cfg(CVHP_TASK_MULTICLASS, NULL);
    size_t errors;
    /* defaults never warn, even those of the other optimizer */
    ck_assert_uint_eq(n_diags(cfg, &errors), 0);
    ck_assert_ok(cvhp_config_set_float(cfg, CVHP_PARAM_BETA1, 0.8));
    ck_assert_ok(cvhp_config_set_float(cfg, CVHP_PARAM_BETA2, 0.99));
    ck_assert_ok(cvhp_config_set_bool(cfg, CVHP_PARAM_AMS_GRADIENT, 1));
    ck_assert(has_diag(cfg, CVHP_DIAG_UNUSED_BY_OPTIMIZER, CVHP_PARAM_BETA1, CVHP_SEVERITY_WARNING, NULL, 0));
    ck_assert(has_diag(cfg, CVHP_DIAG_UNUSED_BY_OPTIMIZER, CVHP_PARAM_BETA2, CVHP_SEVERITY_WARNING, NULL, 0));
    ck_assert(has_diag(cfg, CVHP_DIAG_UNUSED_BY_OPTIMIZER, CVHP_PARAM_AMS_GRADIENT, CVHP_SEVERITY_WARNING, NULL, 0));
    ck_assert_ok(cvhp_config_check(cfg)); /* warnings are not errors */
    ck_assert_uint_eq(n_diags(cfg, &errors), 3);
    ck_assert_uint_eq(errors, 0);
    ck_assert_ok(cvhp_config_set_enum(cfg, CVHP_PARAM_OPTIMIZER, CVHP_OPTIMIZER_ADAM));
    ck_assert_uint_eq(n_diags(cfg, &errors), 0);
    ck_assert_ok(cvhp_config_set_float(cfg, CVHP_PARAM_MOMENTUM, 0.5));
    ck_assert_ok(cvhp_config_set_bool(cfg, CVHP_PARAM_NESTEROV, 0));
    char msg[400];
    ck_assert(has_diag(cfg, CVHP_DIAG_UNUSED_BY_OPTIMIZER, CVHP_PARAM_MOMENTUM, CVHP_SEVERITY_WARNING, msg, sizeof msg));
    ck_assert_str_eq(msg, "momentum: only used by sgd; ignored with optimizer adam");
    ck_assert(has_diag(cfg, CVHP_DIAG_UNUSED_BY_OPTIMIZER, CVHP_PARAM_NESTEROV, CVHP_SEVERITY_WARNING, NULL, 0));
    ck_assert_int_eq(cvhp_diagnostic_param(NULL, 0, 0), 0);
    /* scheduler */
    cvhp_config *s = new_cfg(CVHP_TASK_OBJECT_DETECTION, NULL);
    ck_assert_ok(cvhp_config_set_float(s, CVHP_PARAM_STEP_LR_GAMMA, 0.1));
    ck_assert_ok(cvhp_config_set_int(s, CVHP_PARAM_STEP_LR_STEP_SIZE, 3));
    ck_assert(has_diag(s, CVHP_DIAG_UNUSED_BY_SCHEDULER, CVHP_PARAM_STEP_LR_GAMMA, CVHP_SEVERITY_WARNING, NULL, 0));
    ck_assert(has_diag(s, CVHP_DIAG_UNUSED_BY_SCHEDULER, CVHP_PARAM_STEP_LR_STEP_SIZE, CVHP_SEVERITY_WARNING, NULL, 0));
    ck_assert_ok(cvhp_config_set_from_string(s, "lr_scheduler", "step"));
    ck_assert_uint_eq(n_diags(s, &errors), 0);
    ck_assert_ok(cvhp_config_set_float(s, CVHP_PARAM_WARMUP_COSINE_LR_CYCLES, 0.3));
    ck_assert_ok(cvhp_config_set_int(s, CVHP_PARAM_WARMUP_COSINE_LR_WARMUP_EPOCHS, 1));
    ck_assert(has_diag(s, CVHP_DIAG_UNUSED_BY_SCHEDULER, CVHP_PARAM_WARMUP_COSINE_LR_CYCLES, CVHP_SEVERITY_WARNING, msg,
                       sizeof msg));
    ck_assert_str_eq(msg, "warmup_cosine_lr_cycles: only used by learning_rate_scheduler warmup_cosine; ignored with step");
    ck_assert(has_diag(s, CVHP_DIAG_UNUSED_BY_SCHEDULER, CVHP_PARAM_WARMUP_COSINE_LR_WARMUP_EPOCHS, CVHP_SEVERITY_WARNING,
                       NULL, 0));
    ck_assert_str_eq(cvhp_diag_code_name(CVHP_DIAG_UNUSED_BY_SCHEDULER), "unused_by_scheduler");
    ck_assert_str_eq(cvhp_severity_name(CVHP_SEVERITY_WARNING), "warning");
    ck_assert_ptr_null(cvhp_diag_code_name((cvhp_diag_code)99));
    cvhp_config_free(s);
    cvhp_config_free(cfg);
}
END_TEST

START_TEST(errors_before_warnings)
{
    cvhp_config *cfg = new_cfg(CVHP_TASK_MULTICLASS, "vitb16r224");
    ck_assert_ok(cvhp_config_set_float(cfg, CVHP_PARAM_BETA1, 0.8));    /* warning */
    ck_assert_ok(cvhp_config_set_int(cfg, CVHP_PARAM_TRAINING_CROP_SIZE, 300)); /* error */
    cvhp_diagnostics *d;
    ck_assert_ok(cvhp_config_validate(cfg, &d));
    ck_assert_uint_eq(cvhp_diagnostics_count(d), 2);
    ck_assert_int_eq(cvhp_diagnostic_severity(d, 0), CVHP_SEVERITY_ERROR);
    ck_assert_int_eq(cvhp_diagnostic_severity(d, 1), CVHP_SEVERITY_WARNING);
    ck_assert_int_eq(cvhp_diagnostic_param(d, 0, 1), CVHP_PARAM_VALIDATION_CROP_SIZE);
    ck_assert_ptr_null(cvhp_diagnostic_message(d, 2));
    cvhp_diagnostics_free(d);
    ck_assert_status(cvhp_config_validate(NULL, &d), CVHP_ERR_INVALID_ARGUMENT);
    cvhp_diagnostics_free(NULL);
    cvhp_config_free(cfg);
}
END_TEST

Suite *cvhp_test_suite(void)
{
    Suite *s = suite_create("config");
    TCase *tc = tcase_create("spec");
    tcase_add_test(tc, every_spec_row_exists_once);
    tcase_add_loop_test(tc, defaults_and_applicability_match_spec, 0, (int)N_SPEC);
    tcase_add_loop_test(tc, bounds_match_spec, 0, (int)N_SPEC);
    tcase_add_test(tc, enum_labels_match_spec);
    tcase_add_test(tc, aliases_resolve);
    suite_add_tcase(s, tc);
    tc = tcase_create("text");
    tcase_add_test(tc, int_and_bool_text);
    tcase_add_test(tc, tile_grid_vectors);
    tcase_add_test(tc, get_as_string_two_call);
    tcase_add_test(tc, load_args_forms_and_atomicity);
    suite_add_tcase(s, tc);
    tc = tcase_create("handle");
    tcase_add_test(tc, defaults_follow_model_unless_set);
    tcase_add_test(tc, clone_is_independent);
    tcase_add_test(tc, bad_handles_and_arguments);
    suite_add_tcase(s, tc);
    tc = tcase_create("validate");
    tcase_add_test(tc, defaults_validate_clean);
    tcase_add_test(tc, rule_not_for_task_or_model);
    tcase_add_test(tc, rule_vit_crop_sizes);
    tcase_add_test(tc, rule_seresnext_fixed_sizes);
    tcase_add_test(tc, rule_tile_grid);
    tcase_add_test(tc, rule_layers_to_freeze);
    tcase_add_test(tc, rule_optimizer_and_scheduler_warnings);
    tcase_add_test(tc, errors_before_warnings);
    suite_add_tcase(s, tc);
    return s;
}
