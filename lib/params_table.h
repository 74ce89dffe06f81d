/* SPDX-License-Identifier: MIT
 * Internal view of lib/params.def: the rows as C arrays, shared by the
 * introspection (params.c), the config handle (config.c), validation and
 * serialization. Nothing here restates the table; it only expands it. */
#ifndef CVHP_PARAMS_TABLE_H
#define CVHP_PARAMS_TABLE_H

#include "internal.h"

/* Task bit sets used by the table's "tasks" columns. */
enum {
    TASKS_MC = 1u << CVHP_TASK_MULTICLASS,
    TASKS_ML = 1u << CVHP_TASK_MULTILABEL,
    TASKS_OD = 1u << CVHP_TASK_OBJECT_DETECTION,
    TASKS_IS = 1u << CVHP_TASK_INSTANCE_SEGMENTATION,
    TASKS_CLS = TASKS_MC | TASKS_ML,
    TASKS_DET = TASKS_OD | TASKS_IS,
    TASKS_ALL = TASKS_CLS | TASKS_DET
};
enum { MODELS_ANY = 0, MODELS_YOLO = 1, MODELS_NOYOLO = 2 };
enum { FLAGS_0 = 0, FLAGS_OPT = CVHP_PARAM_FLAG_OPTIONAL, FLAGS_MAXOPEN = CVHP_PARAM_FLAG_MAX_OPEN };
#define CVHP_MODEL_ANY ((cvhp_model)0)

/* Dense row indices, in table order. */
enum {
#define CVHP_PARAM(id, name, type, mn, mx, fl, tasks, models, def, desc) PIDX_##id,
#include "params.def"
    N_PARAMS
};

typedef struct param_row {
    cvhp_param id;
    const char *name;
    cvhp_param_type type;
    double min, max;
    uint32_t flags;
    uint32_t tasks;
    int models;
    double def;
    const char *desc;
} param_row;

typedef struct model_row {
    cvhp_model id;
    const char *name;
    uint32_t tasks;
    cvhp_layer_family family;
} model_row;

extern const param_row cvhp__params[N_PARAMS];
extern const model_row cvhp__models[];
extern const size_t cvhp__n_models;

/* Row index of a parameter id, or -1. */
int cvhp__param_index(cvhp_param p);
/* The row of p, or NULL after recording CVHP_ERR_UNKNOWN_PARAM. */
const param_row *cvhp__param_row(cvhp_param p);
const model_row *cvhp__model_row(cvhp_model m);
/* Default of row for (task, model) as a double (ints, bools and enums are exact). */
double cvhp__param_default(const param_row *row, cvhp_task task, cvhp_model model);
/* Whether a row applies to a task / to a task and model. */
int cvhp__row_applies_task(const param_row *row, cvhp_task task);
int cvhp__row_applies(const param_row *row, cvhp_task task, cvhp_model model);
/* Enum label lookup for ENUM rows (model_name included). Returns 1 if found. */
int cvhp__enum_value_of(const param_row *row, const char *label, int32_t *out);
const char *cvhp__enum_label(const param_row *row, int32_t value);
/* Range text for messages: "[0, 1]", "[0, 1)", ">= 1". */
void cvhp__range_text(const param_row *row, char *buf, size_t cap);
/* Task validity. */
int cvhp__task_valid(cvhp_task task);

#endif
