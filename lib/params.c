/* SPDX-License-Identifier: MIT
 * Parameter, model and task introspection, all expanded from params.def. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "params_table.h"

const param_row cvhp__params[N_PARAMS] = {
#define CVHP_PARAM(id, name, type, mn, mx, fl, tasks, models, def, desc) \
    {CVHP_PARAM_##id, name, CVHP_TYPE_##type, mn, mx, FLAGS_##fl, TASKS_##tasks, MODELS_##models, def, desc},
#include "params.def"
};

const model_row cvhp__models[] = {
#define CVHP_MODEL(id, name, tasks, family) {CVHP_MODEL_##id, name, TASKS_##tasks, CVHP_FAMILY_##family},
#include "params.def"
};
const size_t cvhp__n_models = sizeof cvhp__models / sizeof cvhp__models[0];

typedef struct {
    cvhp_layer_family id;
    const char *name;
    const char *layers; /* '|'-separated */
} family_row;

static const family_row families[] = {
#define CVHP_FAMILY(id, name, layers) {CVHP_FAMILY_##id, name, layers},
#include "params.def"
};
#define N_FAMILIES (sizeof families / sizeof families[0])

typedef struct {
    cvhp_param param;
    int32_t value;
    const char *label;
} enum_row;

static const enum_row enums[] = {
#define CVHP_ENUM(param, value, label) {CVHP_PARAM_##param, value, label},
#include "params.def"
};
#define N_ENUMS (sizeof enums / sizeof enums[0])

typedef struct {
    cvhp_param param;
    const char *alias;
} alias_row;

static const alias_row aliases[] = {
#define CVHP_ALIAS(param, alias) {CVHP_PARAM_##param, alias},
#include "params.def"
};
#define N_ALIASES (sizeof aliases / sizeof aliases[0])

typedef struct {
    cvhp_param param;
    uint32_t tasks;
    cvhp_model model;
    double value;
} default_row;

static const default_row defaults[] = {
#define CVHP_DEFAULT(param, tasks, model, value) {CVHP_PARAM_##param, TASKS_##tasks, CVHP_MODEL_##model, value},
#include "params.def"
};
#define N_DEFAULTS (sizeof defaults / sizeof defaults[0])

/* ---- internal helpers ---- */

int cvhp__param_index(cvhp_param p)
{
    switch (p) {
#define CVHP_PARAM(id, name, type, mn, mx, fl, tasks, models, def, desc) \
    case CVHP_PARAM_##id:                                                \
        return PIDX_##id;
#include "params.def"
    }
    return -1;
}

const param_row *cvhp__param_row(cvhp_param p)
{
    int i = cvhp__param_index(p);
    if (i < 0) {
        cvhp__error(CVHP_ERR_UNKNOWN_PARAM, "parameter id %d does not exist", (int)p);
        return NULL;
    }
    return &cvhp__params[i];
}

const model_row *cvhp__model_row(cvhp_model m)
{
    for (size_t i = 0; i < cvhp__n_models; i++)
        if (cvhp__models[i].id == m)
            return &cvhp__models[i];
    return NULL;
}

int cvhp__task_valid(cvhp_task task)
{
    return task >= CVHP_TASK_MULTICLASS && task <= CVHP_TASK_INSTANCE_SEGMENTATION;
}

double cvhp__param_default(const param_row *row, cvhp_task task, cvhp_model model)
{
    for (size_t i = 0; i < N_DEFAULTS; i++) {
        const default_row *d = &defaults[i];
        if (d->param == row->id && (d->tasks & (1u << task)) &&
            (d->model == CVHP_MODEL_ANY || d->model == model))
            return d->value;
    }
    return row->def;
}

int cvhp__row_applies_task(const param_row *row, cvhp_task task)
{
    if (!cvhp__task_valid(task) || !(row->tasks & (1u << task)))
        return 0;
    if (row->models == MODELS_ANY)
        return 1;
    for (size_t i = 0; i < cvhp__n_models; i++)
        if ((cvhp__models[i].tasks & (1u << task)) && cvhp__row_applies(row, task, cvhp__models[i].id))
            return 1;
    return 0;
}

int cvhp__row_applies(const param_row *row, cvhp_task task, cvhp_model model)
{
    if (!cvhp__task_valid(task) || !(row->tasks & (1u << task)))
        return 0;
    const model_row *m = cvhp__model_row(model);
    if (m == NULL || !(m->tasks & (1u << task)))
        return 0;
    switch (row->models) {
    case MODELS_YOLO:
        return model == CVHP_MODEL_YOLOV5;
    case MODELS_NOYOLO:
        return model != CVHP_MODEL_YOLOV5;
    default:
        return 1;
    }
}

int cvhp__enum_value_of(const param_row *row, const char *label, int32_t *out)
{
    if (row->id == CVHP_PARAM_MODEL_NAME) {
        for (size_t i = 0; i < cvhp__n_models; i++)
            if (strcasecmp(label, cvhp__models[i].name) == 0) {
                *out = (int32_t)cvhp__models[i].id;
                return 1;
            }
        return 0;
    }
    for (size_t i = 0; i < N_ENUMS; i++)
        if (enums[i].param == row->id && strcasecmp(label, enums[i].label) == 0) {
            *out = enums[i].value;
            return 1;
        }
    /* the reference runtime also accepts "xlarge" for extra_large */
    if (row->id == CVHP_PARAM_MODEL_SIZE && strcasecmp(label, "xlarge") == 0) {
        *out = CVHP_MODEL_SIZE_EXTRA_LARGE;
        return 1;
    }
    return 0;
}

const char *cvhp__enum_label(const param_row *row, int32_t value)
{
    if (row->id == CVHP_PARAM_MODEL_NAME) {
        const model_row *m = cvhp__model_row((cvhp_model)value);
        return m ? m->name : NULL;
    }
    for (size_t i = 0; i < N_ENUMS; i++)
        if (enums[i].param == row->id && enums[i].value == value)
            return enums[i].label;
    return NULL;
}

void cvhp__range_text(const param_row *row, char *buf, size_t cap)
{
    char lo[32], hi[32];
    cvhp__fmt_double(lo, sizeof lo, row->min);
    cvhp__fmt_double(hi, sizeof hi, row->max);
    snprintf(buf, cap, "[%s, %s%c", lo, hi, (row->flags & CVHP_PARAM_FLAG_MAX_OPEN) ? ')' : ']');
}

/* ---- public: tasks ---- */

static const struct {
    cvhp_task task;
    const char *name;
    const char *shortname;
} task_names[] = {
    {CVHP_TASK_MULTICLASS, "image-classification", "multiclass"},
    {CVHP_TASK_MULTILABEL, "image-classification-multilabel", "multilabel"},
    {CVHP_TASK_OBJECT_DETECTION, "image-object-detection", "object_detection"},
    {CVHP_TASK_INSTANCE_SEGMENTATION, "image-instance-segmentation", "instance_segmentation"},
};

const char *cvhp_task_name(cvhp_task task)
{
    for (size_t i = 0; i < 4; i++)
        if (task_names[i].task == task)
            return task_names[i].name;
    return NULL;
}

cvhp_status cvhp_task_from_name(const char *name, cvhp_task *out)
{
    if (name == NULL || out == NULL)
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "cvhp_task_from_name: NULL argument");
    char norm[64];
    size_t n = strlen(name);
    if (n < sizeof norm) {
        for (size_t i = 0; i <= n; i++)
            norm[i] = name[i] == '-' ? '_' : name[i];
        for (size_t i = 0; i < 4; i++) {
            if (strcasecmp(name, task_names[i].name) == 0 || strcasecmp(norm, task_names[i].shortname) == 0) {
                *out = task_names[i].task;
                return CVHP_OK;
            }
        }
    }
    return cvhp__error(CVHP_ERR_INVALID_VALUE,
                       "task: \"%s\" is not one of image-classification, image-classification-multilabel, "
                       "image-object-detection, image-instance-segmentation",
                       name);
}

/* ---- public: parameters ---- */

size_t cvhp_param_count(void) { return N_PARAMS; }

cvhp_param cvhp_param_at(size_t index) { return index < N_PARAMS ? cvhp__params[index].id : (cvhp_param)0; }

/* camelCase -> snake_case ("warmupCosineLRCycles" -> "warmup_cosine_lr_cycles").
 * Returns 0 when the result does not fit. */
static int camel_to_snake(const char *in, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; in[i]; i++) {
        unsigned char c = (unsigned char)in[i];
        if (isupper(c) && i > 0) {
            unsigned char prev = (unsigned char)in[i - 1], next = (unsigned char)in[i + 1];
            if (islower(prev) || isdigit(prev) || (isupper(prev) && islower(next))) {
                if (o + 1 >= cap)
                    return 0;
                out[o++] = '_';
            }
        }
        if (o + 1 >= cap)
            return 0;
        out[o++] = (char)tolower(c);
    }
    out[o] = '\0';
    return 1;
}

static int lookup_name(const char *name, cvhp_param *out)
{
    for (size_t i = 0; i < N_PARAMS; i++)
        if (strcmp(name, cvhp__params[i].name) == 0) {
            *out = cvhp__params[i].id;
            return 1;
        }
    for (size_t i = 0; i < N_ALIASES; i++)
        if (strcmp(name, aliases[i].alias) == 0) {
            *out = aliases[i].param;
            return 1;
        }
    return 0;
}

cvhp_status cvhp_param_from_name(const char *name, cvhp_param *out)
{
    if (name == NULL || out == NULL)
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "cvhp_param_from_name: NULL argument");
    if (lookup_name(name, out))
        return CVHP_OK;
    char snake[96];
    if (camel_to_snake(name, snake, sizeof snake) && strcmp(snake, name) != 0 && lookup_name(snake, out))
        return CVHP_OK;
    return cvhp__error(CVHP_ERR_UNKNOWN_PARAM, "%.200s: no such parameter", name);
}

const char *cvhp_param_name(cvhp_param p)
{
    int i = cvhp__param_index(p);
    return i < 0 ? NULL : cvhp__params[i].name;
}

cvhp_param_type cvhp_param_type_of(cvhp_param p)
{
    int i = cvhp__param_index(p);
    return i < 0 ? (cvhp_param_type)0 : cvhp__params[i].type;
}

const char *cvhp_param_type_name(cvhp_param_type t)
{
    switch (t) {
    case CVHP_TYPE_INT:
        return "int";
    case CVHP_TYPE_FLOAT:
        return "float";
    case CVHP_TYPE_BOOL:
        return "bool";
    case CVHP_TYPE_ENUM:
        return "enum";
    case CVHP_TYPE_STRING:
        return "string";
    case CVHP_TYPE_GRID:
        return "grid";
    }
    return NULL;
}

const char *cvhp_param_description(cvhp_param p)
{
    int i = cvhp__param_index(p);
    return i < 0 ? NULL : cvhp__params[i].desc;
}

uint32_t cvhp_param_flags(cvhp_param p)
{
    int i = cvhp__param_index(p);
    return i < 0 ? 0 : cvhp__params[i].flags;
}

cvhp_status cvhp_param_bounds(cvhp_param p, double *min, double *max)
{
    const param_row *row = cvhp__param_row(p);
    if (row == NULL)
        return CVHP_ERR_UNKNOWN_PARAM;
    if (row->type != CVHP_TYPE_INT && row->type != CVHP_TYPE_FLOAT && row->type != CVHP_TYPE_GRID)
        return cvhp__error(CVHP_ERR_TYPE_MISMATCH, "%s: a %s parameter has no numeric bounds", row->name,
                           cvhp_param_type_name(row->type));
    if (min)
        *min = row->min;
    if (max)
        *max = row->max;
    return CVHP_OK;
}

const char *cvhp_param_alias(cvhp_param p, size_t index)
{
    for (size_t i = 0; i < N_ALIASES; i++)
        if (aliases[i].param == p && index-- == 0)
            return aliases[i].alias;
    return NULL;
}

size_t cvhp_param_enum_count(cvhp_param p)
{
    if (p == CVHP_PARAM_MODEL_NAME)
        return cvhp__n_models;
    size_t n = 0;
    for (size_t i = 0; i < N_ENUMS; i++)
        n += enums[i].param == p;
    return n;
}

static const enum_row *enum_at(cvhp_param p, size_t index)
{
    for (size_t i = 0; i < N_ENUMS; i++)
        if (enums[i].param == p && index-- == 0)
            return &enums[i];
    return NULL;
}

const char *cvhp_param_enum_label(cvhp_param p, size_t index)
{
    if (p == CVHP_PARAM_MODEL_NAME)
        return index < cvhp__n_models ? cvhp__models[index].name : NULL;
    const enum_row *e = enum_at(p, index);
    return e ? e->label : NULL;
}

int32_t cvhp_param_enum_value(cvhp_param p, size_t index)
{
    if (p == CVHP_PARAM_MODEL_NAME)
        return index < cvhp__n_models ? (int32_t)cvhp__models[index].id : -1;
    const enum_row *e = enum_at(p, index);
    return e ? e->value : -1;
}

const char *cvhp_param_enum_label_of(cvhp_param p, int32_t value)
{
    int i = cvhp__param_index(p);
    if (i < 0 || cvhp__params[i].type != CVHP_TYPE_ENUM)
        return NULL;
    return cvhp__enum_label(&cvhp__params[i], value);
}

int cvhp_param_applies_to_task(cvhp_param p, cvhp_task task)
{
    int i = cvhp__param_index(p);
    return i >= 0 && cvhp__row_applies_task(&cvhp__params[i], task);
}

int cvhp_param_applies(cvhp_param p, cvhp_task task, cvhp_model model)
{
    int i = cvhp__param_index(p);
    return i >= 0 && cvhp__row_applies(&cvhp__params[i], task, model);
}

static cvhp_status default_check(const param_row **rowp, cvhp_param p, cvhp_task task, cvhp_model model,
                                 int want_float)
{
    const param_row *row = cvhp__param_row(p);
    if (row == NULL)
        return CVHP_ERR_UNKNOWN_PARAM;
    if (!cvhp__task_valid(task))
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "task: %d is not a cvhp_task", (int)task);
    if (p == CVHP_PARAM_MODEL_NAME && model == CVHP_MODEL_ANY)
        model = (cvhp_model)(int)cvhp__param_default(row, task, CVHP_MODEL_ANY);
    if (!cvhp__row_applies(row, task, model))
        return cvhp__error(CVHP_ERR_INCOMPATIBLE, "%s: does not apply to %s with model %s", row->name,
                           cvhp_task_name(task), cvhp_model_name(model) ? cvhp_model_name(model) : "(unknown)");
    if (row->flags & CVHP_PARAM_FLAG_OPTIONAL)
        return cvhp__error(CVHP_ERR_NOT_SET, "%s: has no default", row->name);
    if ((row->type == CVHP_TYPE_FLOAT) != want_float)
        return cvhp__error(CVHP_ERR_TYPE_MISMATCH, "%s: is a %s parameter", row->name,
                           cvhp_param_type_name(row->type));
    *rowp = row;
    return CVHP_OK;
}

cvhp_status cvhp_param_default_int(cvhp_param p, cvhp_task task, cvhp_model model, int64_t *out)
{
    const param_row *row = NULL;
    if (out == NULL)
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "cvhp_param_default_int: out is NULL");
    cvhp_status st = default_check(&row, p, task, model, 0);
    if (st == CVHP_OK)
        *out = (int64_t)cvhp__param_default(row, task, model);
    return st;
}

cvhp_status cvhp_param_default_float(cvhp_param p, cvhp_task task, cvhp_model model, double *out)
{
    const param_row *row = NULL;
    if (out == NULL)
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "cvhp_param_default_float: out is NULL");
    cvhp_status st = default_check(&row, p, task, model, 1);
    if (st == CVHP_OK)
        *out = cvhp__param_default(row, task, model);
    return st;
}

/* ---- public: models ---- */

const char *cvhp_model_name(cvhp_model m)
{
    const model_row *r = cvhp__model_row(m);
    return r ? r->name : NULL;
}

cvhp_status cvhp_model_from_name(const char *name, cvhp_model *out)
{
    if (name == NULL || out == NULL)
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "cvhp_model_from_name: NULL argument");
    for (size_t i = 0; i < cvhp__n_models; i++)
        if (strcasecmp(name, cvhp__models[i].name) == 0) {
            *out = cvhp__models[i].id;
            return CVHP_OK;
        }
    return cvhp__error(CVHP_ERR_INVALID_VALUE, "model_name: \"%.100s\" is not a supported model", name);
}

int cvhp_model_supports_task(cvhp_model m, cvhp_task task)
{
    const model_row *r = cvhp__model_row(m);
    return r != NULL && cvhp__task_valid(task) && (r->tasks & (1u << task)) != 0;
}

size_t cvhp_task_model_count(cvhp_task task)
{
    size_t n = 0;
    for (size_t i = 0; i < cvhp__n_models; i++)
        n += cvhp_model_supports_task(cvhp__models[i].id, task);
    return n;
}

cvhp_model cvhp_task_model_at(cvhp_task task, size_t index)
{
    for (size_t i = 0; i < cvhp__n_models; i++)
        if (cvhp_model_supports_task(cvhp__models[i].id, task) && index-- == 0)
            return cvhp__models[i].id;
    return CVHP_MODEL_ANY;
}

cvhp_model cvhp_task_default_model(cvhp_task task)
{
    if (!cvhp__task_valid(task))
        return CVHP_MODEL_ANY;
    return (cvhp_model)(int)cvhp__param_default(&cvhp__params[PIDX_MODEL_NAME], task, CVHP_MODEL_ANY);
}

cvhp_layer_family cvhp_model_layer_family(cvhp_model m)
{
    const model_row *r = cvhp__model_row(m);
    return r ? r->family : (cvhp_layer_family)0;
}

static const family_row *family(cvhp_layer_family f)
{
    for (size_t i = 0; i < N_FAMILIES; i++)
        if (families[i].id == f)
            return &families[i];
    return NULL;
}

const char *cvhp_layer_family_name(cvhp_layer_family f)
{
    const family_row *r = family(f);
    return r ? r->name : NULL;
}

size_t cvhp_layer_family_count(cvhp_layer_family f)
{
    const family_row *r = family(f);
    if (r == NULL)
        return 0;
    size_t n = 1;
    for (const char *s = r->layers; *s; s++)
        n += *s == '|';
    return n;
}

const char *cvhp_layer_family_layer(cvhp_layer_family f, size_t index)
{
    /* The table keeps each family's layers as one '|'-separated string; the
     * requested entry is copied out into a thread-local buffer. */
    static _Thread_local char buf[64];
    const family_row *r = family(f);
    if (r == NULL)
        return NULL;
    const char *s = r->layers;
    for (size_t i = 0; i < index; i++) {
        s = strchr(s, '|');
        if (s == NULL)
            return NULL;
        s++;
    }
    size_t len = strcspn(s, "|");
    if (len >= sizeof buf)
        len = sizeof buf - 1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    return buf;
}
