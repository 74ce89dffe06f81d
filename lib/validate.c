/* SPDX-License-Identifier: MIT
 * Whole-config validation: the cross-field rules of the spec, reported as a
 * list of diagnostics instead of being silently rewritten (DESIGN.md, "Where
 * the reference and the spec disagree"). */
#include <stdio.h>
#include <string.h>

#include "config_internal.h"

#define MSG_CAP 320

typedef struct diag {
    cvhp_severity severity;
    cvhp_diag_code code;
    cvhp_param params[2];
    char message[MSG_CAP];
} diag;

struct cvhp_diagnostics {
    cvhp_allocator alloc;
    size_t count, cap;
    diag *items;
};

static cvhp_status add(cvhp_diagnostics *d, cvhp_severity sev, cvhp_diag_code code, cvhp_param p0,
                       cvhp_param p1, const char *fmt, ...) CVHP_PRINTF(6, 7);

static cvhp_status add(cvhp_diagnostics *d, cvhp_severity sev, cvhp_diag_code code, cvhp_param p0,
                       cvhp_param p1, const char *fmt, ...)
{
    if (d->count == d->cap) {
        size_t ncap = d->cap ? d->cap * 2 : 8;
        diag *n = cvhp__alloc(&d->alloc, ncap * sizeof *n);
        if (n == NULL)
            return cvhp__error(CVHP_ERR_OUT_OF_MEMORY, "cvhp_config_validate: cannot grow the diagnostics list");
        if (d->count)
            memcpy(n, d->items, d->count * sizeof *n);
        cvhp__free(&d->alloc, d->items);
        d->items = n;
        d->cap = ncap;
    }
    diag *g = &d->items[d->count++];
    g->severity = sev;
    g->code = code;
    g->params[0] = p0;
    g->params[1] = p1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(g->message, sizeof g->message, fmt, ap);
    va_end(ap);
    return CVHP_OK;
}

#define ROW(id) (&cvhp__params[PIDX_##id])
#define SET(cfg, id) ((cfg)->slots[PIDX_##id].set)
#define NUM(cfg, id) cvhp__config_number(cfg, ROW(id))
#define TRY(call)                     \
    do {                              \
        cvhp_status st_ = (call);     \
        if (st_ != CVHP_OK)           \
            return st_;               \
    } while (0)

static int is_vit(cvhp_model m)
{
    return m == CVHP_MODEL_VITS16R224 || m == CVHP_MODEL_VITB16R224 || m == CVHP_MODEL_VITL16R224;
}

static cvhp_status collect_errors(const cvhp_config *cfg, cvhp_diagnostics *d)
{
    const cvhp_task task = cfg->task;
    const cvhp_model model = cvhp__config_model(cfg);
    const char *tname = cvhp_task_name(task), *mname = cvhp_model_name(model);

    /* 1. explicit parameters that do not apply to the task or the model */
    for (int i = 0; i < N_PARAMS; i++) {
        const param_row *row = &cvhp__params[i];
        if (!cfg->slots[i].set)
            continue;
        if (!cvhp__row_applies_task(row, task)) {
            const char *extra = row->id == CVHP_PARAM_TILE_GRID_SIZE && task == CVHP_TASK_INSTANCE_SEGMENTATION
                                    ? " (tiling is not supported for instance segmentation)"
                                    : "";
            TRY(add(d, CVHP_SEVERITY_ERROR, CVHP_DIAG_NOT_FOR_TASK, row->id, 0, "%s: does not apply to %s%s",
                    row->name, tname, extra));
        } else if (!cvhp__row_applies(row, task, model)) {
            TRY(add(d, CVHP_SEVERITY_ERROR, CVHP_DIAG_NOT_FOR_MODEL, row->id, CVHP_PARAM_MODEL_NAME,
                    "%s: does not apply to model %s (%s)", row->name, mname,
                    row->models == MODELS_YOLO ? "yolov5 only" : "not supported with yolov5"));
        }
    }

    /* 2. ViT variants: one crop size for training and validation */
    if (is_vit(model)) {
        double t = NUM(cfg, TRAINING_CROP_SIZE), v = NUM(cfg, VALIDATION_CROP_SIZE);
        if (t != v)
            TRY(add(d, CVHP_SEVERITY_ERROR, CVHP_DIAG_VIT_CROP_MISMATCH, CVHP_PARAM_TRAINING_CROP_SIZE,
                    CVHP_PARAM_VALIDATION_CROP_SIZE,
                    "training_crop_size: %.0f differs from validation_crop_size %.0f; %s needs them equal", t, v,
                    mname));
    }

    /* 3. seresnext takes only its fixed sizes */
    if (model == CVHP_MODEL_SERESNEXT) {
        static const struct {
            int idx;
            double size;
        } fixed[] = {{PIDX_VALIDATION_RESIZE_SIZE, 256}, {PIDX_VALIDATION_CROP_SIZE, 224},
                     {PIDX_TRAINING_CROP_SIZE, 224}};
        for (size_t k = 0; k < 3; k++) {
            const param_row *row = &cvhp__params[fixed[k].idx];
            double v = cvhp__config_number(cfg, row);
            if (v != fixed[k].size)
                TRY(add(d, CVHP_SEVERITY_ERROR, CVHP_DIAG_SERESNEXT_FIXED_SIZE, row->id, CVHP_PARAM_MODEL_NAME,
                        "%s: seresnext takes only %.0f, not %.0f (validation_resize_size 256, "
                        "validation_crop_size 224, training_crop_size 224)",
                        row->name, fixed[k].size, v));
        }
    }

    /* 4. tile_grid_size: no zero, not 1x1 (only where tiling applies) */
    if (SET(cfg, TILE_GRID_SIZE) && cvhp__row_applies(ROW(TILE_GRID_SIZE), task, model)) {
        const int32_t *g = cfg->slots[PIDX_TILE_GRID_SIZE].v.g;
        if (g[0] == 0 || g[1] == 0)
            TRY(add(d, CVHP_SEVERITY_ERROR, CVHP_DIAG_TILE_GRID_ZERO, CVHP_PARAM_TILE_GRID_SIZE, 0,
                    "tile_grid_size: %dx%d has a zero dimension; both must be positive", (int)g[0], (int)g[1]));
        else if (g[0] == 1 && g[1] == 1)
            TRY(add(d, CVHP_SEVERITY_ERROR, CVHP_DIAG_TILE_GRID_TRIVIAL, CVHP_PARAM_TILE_GRID_SIZE, 0,
                    "tile_grid_size: 1x1 is not tiling; at least one dimension must be greater than 1"));
    }

    /* 5. layers_to_freeze within the model family's layers */
    if (SET(cfg, LAYERS_TO_FREEZE)) {
        cvhp_layer_family fam = cvhp_model_layer_family(model);
        size_t n = cvhp_layer_family_count(fam);
        int64_t k = cfg->slots[PIDX_LAYERS_TO_FREEZE].v.i;
        if (k > (int64_t)n) {
            char list[MSG_CAP / 2] = "";
            for (size_t j = 0; j < n; j++) {
                const char *layer = cvhp_layer_family_layer(fam, j);
                if (strlen(list) + strlen(layer) + 3 >= sizeof list)
                    break;
                if (j)
                    strcat(list, ", ");
                strcat(list, layer);
            }
            TRY(add(d, CVHP_SEVERITY_ERROR, CVHP_DIAG_TOO_MANY_LAYERS, CVHP_PARAM_LAYERS_TO_FREEZE,
                    CVHP_PARAM_MODEL_NAME, "layers_to_freeze: %lld exceeds the %zu layers of %s (%s): %s",
                    (long long)k, n, cvhp_layer_family_name(fam), mname, list));
        }
    }
    return CVHP_OK;
}

static cvhp_status collect_warnings(const cvhp_config *cfg, cvhp_diagnostics *d)
{
    const int opt = (int)NUM(cfg, OPTIMIZER);
    const char *oname = cvhp__enum_label(ROW(OPTIMIZER), opt);
    static const int sgd_only[] = {PIDX_MOMENTUM, PIDX_NESTEROV};
    static const int adam_only[] = {PIDX_BETA1, PIDX_BETA2, PIDX_AMS_GRADIENT};
    for (size_t k = 0; k < 2; k++)
        if (cfg->slots[sgd_only[k]].set && opt != CVHP_OPTIMIZER_SGD)
            TRY(add(d, CVHP_SEVERITY_WARNING, CVHP_DIAG_UNUSED_BY_OPTIMIZER, cvhp__params[sgd_only[k]].id,
                    CVHP_PARAM_OPTIMIZER, "%s: only used by sgd; ignored with optimizer %s",
                    cvhp__params[sgd_only[k]].name, oname));
    for (size_t k = 0; k < 3; k++)
        if (cfg->slots[adam_only[k]].set && opt == CVHP_OPTIMIZER_SGD)
            TRY(add(d, CVHP_SEVERITY_WARNING, CVHP_DIAG_UNUSED_BY_OPTIMIZER, cvhp__params[adam_only[k]].id,
                    CVHP_PARAM_OPTIMIZER, "%s: only used by adam and adamw; ignored with optimizer sgd",
                    cvhp__params[adam_only[k]].name));

    const int sched = (int)NUM(cfg, LEARNING_RATE_SCHEDULER);
    static const struct {
        int idx;
        int scheduler;
    } sched_only[] = {{PIDX_STEP_LR_GAMMA, CVHP_LR_SCHEDULER_STEP},
                      {PIDX_STEP_LR_STEP_SIZE, CVHP_LR_SCHEDULER_STEP},
                      {PIDX_WARMUP_COSINE_LR_CYCLES, CVHP_LR_SCHEDULER_WARMUP_COSINE},
                      {PIDX_WARMUP_COSINE_LR_WARMUP_EPOCHS, CVHP_LR_SCHEDULER_WARMUP_COSINE}};
    for (size_t k = 0; k < 4; k++)
        if (cfg->slots[sched_only[k].idx].set && sched != sched_only[k].scheduler)
            TRY(add(d, CVHP_SEVERITY_WARNING, CVHP_DIAG_UNUSED_BY_SCHEDULER, cvhp__params[sched_only[k].idx].id,
                    CVHP_PARAM_LEARNING_RATE_SCHEDULER,
                    "%s: only used by learning_rate_scheduler %s; ignored with %s", cvhp__params[sched_only[k].idx].name,
                    cvhp__enum_label(ROW(LEARNING_RATE_SCHEDULER), sched_only[k].scheduler),
                    cvhp__enum_label(ROW(LEARNING_RATE_SCHEDULER), sched)));
    return CVHP_OK;
}

cvhp_status cvhp_config_validate(const cvhp_config *cfg, cvhp_diagnostics **out)
{
    if (cfg == NULL || out == NULL)
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "cvhp_config_validate: NULL argument");
    *out = NULL;
    cvhp_diagnostics *d = cvhp__alloc(&cfg->alloc, sizeof *d);
    if (d == NULL)
        return cvhp__error(CVHP_ERR_OUT_OF_MEMORY, "cvhp_config_validate: cannot allocate the list");
    memset(d, 0, sizeof *d);
    d->alloc = cfg->alloc;
    cvhp_status st = collect_errors(cfg, d);
    if (st == CVHP_OK)
        st = collect_warnings(cfg, d);
    if (st != CVHP_OK) {
        cvhp_diagnostics_free(d);
        return st;
    }
    *out = d;
    return CVHP_OK;
}

cvhp_status cvhp_config_check(const cvhp_config *cfg)
{
    cvhp_diagnostics *d;
    cvhp_status st = cvhp_config_validate(cfg, &d);
    if (st != CVHP_OK)
        return st;
    size_t errors = cvhp_diagnostics_error_count(d);
    if (errors > 0) {
        char first[MSG_CAP];
        snprintf(first, sizeof first, "%s", d->items[0].message);
        cvhp_diagnostics_free(d);
        if (errors == 1)
            return cvhp__error(CVHP_ERR_VALIDATION, "%s", first);
        return cvhp__error(CVHP_ERR_VALIDATION, "%s (and %zu more error%s)", first, errors - 1,
                           errors == 2 ? "" : "s");
    }
    cvhp_diagnostics_free(d);
    return CVHP_OK;
}

size_t cvhp_diagnostics_count(const cvhp_diagnostics *d) { return d ? d->count : 0; }

size_t cvhp_diagnostics_error_count(const cvhp_diagnostics *d)
{
    size_t n = 0;
    for (size_t i = 0; d && i < d->count; i++)
        n += d->items[i].severity == CVHP_SEVERITY_ERROR;
    return n;
}

cvhp_severity cvhp_diagnostic_severity(const cvhp_diagnostics *d, size_t i)
{
    return d && i < d->count ? d->items[i].severity : (cvhp_severity)0;
}

cvhp_diag_code cvhp_diagnostic_code(const cvhp_diagnostics *d, size_t i)
{
    return d && i < d->count ? d->items[i].code : (cvhp_diag_code)0;
}

cvhp_param cvhp_diagnostic_param(const cvhp_diagnostics *d, size_t i, size_t which)
{
    return d && i < d->count && which < 2 ? d->items[i].params[which] : (cvhp_param)0;
}

const char *cvhp_diagnostic_message(const cvhp_diagnostics *d, size_t i)
{
    return d && i < d->count ? d->items[i].message : NULL;
}

void cvhp_diagnostics_free(cvhp_diagnostics *d)
{
    if (d == NULL)
        return;
    cvhp_allocator a = d->alloc;
    cvhp__free(&a, d->items);
    cvhp__free(&a, d);
}

const char *cvhp_diag_code_name(cvhp_diag_code code)
{
    switch (code) {
    case CVHP_DIAG_NOT_FOR_TASK:
        return "not_for_task";
    case CVHP_DIAG_NOT_FOR_MODEL:
        return "not_for_model";
    case CVHP_DIAG_VIT_CROP_MISMATCH:
        return "vit_crop_mismatch";
    case CVHP_DIAG_SERESNEXT_FIXED_SIZE:
        return "seresnext_fixed_size";
    case CVHP_DIAG_TILE_GRID_TRIVIAL:
        return "tile_grid_trivial";
    case CVHP_DIAG_TILE_GRID_ZERO:
        return "tile_grid_zero";
    case CVHP_DIAG_TOO_MANY_LAYERS:
        return "too_many_layers";
    case CVHP_DIAG_UNUSED_BY_OPTIMIZER:
        return "unused_by_optimizer";
    case CVHP_DIAG_UNUSED_BY_SCHEDULER:
        return "unused_by_scheduler";
    }
    return NULL;
}

const char *cvhp_severity_name(cvhp_severity s)
{
    return s == CVHP_SEVERITY_ERROR ? "error" : s == CVHP_SEVERITY_WARNING ? "warning" : NULL;
}
