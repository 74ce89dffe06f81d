/* SPDX-License-Identifier: MIT
 * libcvhp configuration handle: every hyperparameter of one task, with
 * task- and model-dependent defaults, typed accessors, validation and
 * serialization.
 *
 * Defaults follow the model: a parameter the user did not set takes the
 * default of the config's task and *current* model_name, so changing
 * model_name from resnet50 to vitl16r224 changes the effective batch size and
 * learning rate unless the user set them. A value the user set always wins
 * (cvhp_config_is_explicit tells which).
 *
 * Setters check the type and the documented range at once. Whether a
 * parameter applies to the task and model is checked by cvhp_config_validate,
 * so a whole document can be loaded and all its problems reported together.
 *
 * Thread safety: any number of threads may read one config at once; a call
 * that modifies it needs exclusive access. */
#ifndef CVHP_CONFIG_H
#define CVHP_CONFIG_H

#include "common.h"
#include "params.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cvhp_config cvhp_config;

/* Create a config for a task with every parameter at its default. alloc may
 * be NULL (malloc/free); it is copied. */
CVHP_API cvhp_status cvhp_config_new(cvhp_task task, cvhp_config **out);
CVHP_API cvhp_status cvhp_config_new_with_allocator(cvhp_task task, const cvhp_allocator *alloc,
                                                    cvhp_config **out);
CVHP_API void cvhp_config_free(cvhp_config *cfg); /* NULL is a no-op */
/* A deep, independent copy using the same allocator. */
CVHP_API cvhp_status cvhp_config_clone(const cvhp_config *cfg, cvhp_config **out);
CVHP_API cvhp_task cvhp_config_task(const cvhp_config *cfg);
/* The effective model (model_name's value). */
CVHP_API cvhp_model cvhp_config_model(const cvhp_config *cfg);
/* Forget the user's value of p (back to the default, or unset if optional). */
CVHP_API cvhp_status cvhp_config_reset(cvhp_config *cfg, cvhp_param p);
/* Forget every user value. */
CVHP_API void cvhp_config_reset_all(cvhp_config *cfg);
/* 1 when the user set p (as opposed to its default applying), else 0. */
CVHP_API int cvhp_config_is_explicit(const cvhp_config *cfg, cvhp_param p);
/* 1 when p has a value now: set by the user, or a default that applies. */
CVHP_API int cvhp_config_has_value(const cvhp_config *cfg, cvhp_param p);

/* Typed setters. CVHP_ERR_UNKNOWN_PARAM, CVHP_ERR_TYPE_MISMATCH (wrong
 * accessor), CVHP_ERR_OUT_OF_RANGE (outside the documented range, NaN),
 * CVHP_ERR_INVALID_VALUE (enum value not a label of p, a model of another
 * task). On error the config is unchanged. */
CVHP_API cvhp_status cvhp_config_set_int(cvhp_config *cfg, cvhp_param p, int64_t v);
CVHP_API cvhp_status cvhp_config_set_float(cvhp_config *cfg, cvhp_param p, double v);
CVHP_API cvhp_status cvhp_config_set_bool(cvhp_config *cfg, cvhp_param p, int v); /* 0 or 1 */
CVHP_API cvhp_status cvhp_config_set_enum(cvhp_config *cfg, cvhp_param p, int32_t v);
CVHP_API cvhp_status cvhp_config_set_string(cvhp_config *cfg, cvhp_param p, const char *v);
CVHP_API cvhp_status cvhp_config_set_grid(cvhp_config *cfg, cvhp_param p, int32_t nx, int32_t ny);

/* Typed getters of the effective value. CVHP_ERR_NOT_SET for an optional
 * parameter without a value, CVHP_ERR_INCOMPATIBLE for a parameter that does
 * not apply to the task and model and was not set. The string returned by
 * get_string belongs to the config and lives until p is next modified. */
CVHP_API cvhp_status cvhp_config_get_int(const cvhp_config *cfg, cvhp_param p, int64_t *out);
CVHP_API cvhp_status cvhp_config_get_float(const cvhp_config *cfg, cvhp_param p, double *out);
CVHP_API cvhp_status cvhp_config_get_bool(const cvhp_config *cfg, cvhp_param p, int *out);
CVHP_API cvhp_status cvhp_config_get_enum(const cvhp_config *cfg, cvhp_param p, int32_t *out);
CVHP_API cvhp_status cvhp_config_get_string(const cvhp_config *cfg, cvhp_param p, const char **out);
CVHP_API cvhp_status cvhp_config_get_grid(const cvhp_config *cfg, cvhp_param p, int32_t *nx, int32_t *ny);

/* The same, by name or alias. */
CVHP_API cvhp_status cvhp_config_set_int_by_name(cvhp_config *cfg, const char *name, int64_t v);
CVHP_API cvhp_status cvhp_config_set_float_by_name(cvhp_config *cfg, const char *name, double v);
CVHP_API cvhp_status cvhp_config_set_bool_by_name(cvhp_config *cfg, const char *name, int v);
CVHP_API cvhp_status cvhp_config_set_enum_by_name(cvhp_config *cfg, const char *name, int32_t v);
CVHP_API cvhp_status cvhp_config_set_string_by_name(cvhp_config *cfg, const char *name, const char *v);
CVHP_API cvhp_status cvhp_config_set_grid_by_name(cvhp_config *cfg, const char *name, int32_t nx, int32_t ny);
CVHP_API cvhp_status cvhp_config_get_int_by_name(const cvhp_config *cfg, const char *name, int64_t *out);
CVHP_API cvhp_status cvhp_config_get_float_by_name(const cvhp_config *cfg, const char *name, double *out);
CVHP_API cvhp_status cvhp_config_get_bool_by_name(const cvhp_config *cfg, const char *name, int *out);
CVHP_API cvhp_status cvhp_config_get_enum_by_name(const cvhp_config *cfg, const char *name, int32_t *out);
CVHP_API cvhp_status cvhp_config_get_string_by_name(const cvhp_config *cfg, const char *name, const char **out);
CVHP_API cvhp_status cvhp_config_get_grid_by_name(const cvhp_config *cfg, const char *name, int32_t *nx,
                                                  int32_t *ny);

/* Parse text as the reference service does and set the parameter named name
 * (canonical, alias, or camelCase):
 * - int: "4", " 4 ", "4.0", "4e0" (whole numbers); not "4.2"
 * - float: any C number; not nan/inf
 * - bool: 1/0, true/false, yes/no, on/off, y/n, t/f (any case)
 * - enum: a label in any case ("SGD"); model_size also "xlarge"
 * - grid: "3x2", "3X2", "  3 x 2 ", "(3, 2)", "3,2", "[3,2]"
 * - string: taken as is
 * "none", "null" or "" on an optional parameter unsets it. */
CVHP_API cvhp_status cvhp_config_set_from_string(cvhp_config *cfg, const char *name, const char *value);
/* The effective value as text (the inverse of set_from_string): ints and
 * shortest round-trip floats, "true"/"false", enum labels, "3x2", strings.
 * Writes at most cap bytes including the NUL; *needed (may be NULL) gets the
 * full length + 1. CVHP_ERR_BUFFER_TOO_SMALL when cap < needed (buf then
 * holds a truncated, NUL-terminated prefix if cap > 0). */
CVHP_API cvhp_status cvhp_config_get_as_string(const cvhp_config *cfg, cvhp_param p, char *buf, size_t cap,
                                               size_t *needed);

/* Apply "--name value", "--name=value" and "name=value" arguments (all of
 * argv; argv[0] is not skipped). All or nothing: on error the config is
 * unchanged and the message names the argument. */
CVHP_API cvhp_status cvhp_config_load_args(cvhp_config *cfg, int argc, const char *const *argv);

/* ---- validation ---- */
typedef enum cvhp_severity { CVHP_SEVERITY_WARNING = 1, CVHP_SEVERITY_ERROR = 2 } cvhp_severity;

typedef enum cvhp_diag_code {
    CVHP_DIAG_NOT_FOR_TASK = 1,            /* parameter does not apply to the task */
    CVHP_DIAG_NOT_FOR_MODEL = 2,           /* parameter does not apply to the model */
    CVHP_DIAG_VIT_CROP_MISMATCH = 3,       /* ViT: training_crop_size != validation_crop_size */
    CVHP_DIAG_SERESNEXT_FIXED_SIZE = 4,    /* seresnext takes only 256/224/224 */
    CVHP_DIAG_TILE_GRID_TRIVIAL = 5,       /* tile_grid_size 1x1 */
    CVHP_DIAG_TILE_GRID_ZERO = 6,          /* tile_grid_size with a 0 */
    CVHP_DIAG_TOO_MANY_LAYERS = 7,         /* layers_to_freeze > the family's layer count */
    CVHP_DIAG_UNUSED_BY_OPTIMIZER = 8,     /* warning: set, but the optimizer ignores it */
    CVHP_DIAG_UNUSED_BY_SCHEDULER = 9      /* warning: set, but the scheduler ignores it */
} cvhp_diag_code;

typedef struct cvhp_diagnostics cvhp_diagnostics;

/* Check the whole config; *out receives the list (possibly empty), to be
 * freed with cvhp_diagnostics_free. Errors come first (applicability in
 * parameter-table order, then the cross-field rules), then warnings. Returns CVHP_OK even when the list holds
 * errors (the status is about the call, the list about the config). */
CVHP_API cvhp_status cvhp_config_validate(const cvhp_config *cfg, cvhp_diagnostics **out);
/* CVHP_OK when validation finds no error (warnings allowed), else
 * CVHP_ERR_VALIDATION with the first error's message as the detail. */
CVHP_API cvhp_status cvhp_config_check(const cvhp_config *cfg);
CVHP_API size_t cvhp_diagnostics_count(const cvhp_diagnostics *d);
CVHP_API size_t cvhp_diagnostics_error_count(const cvhp_diagnostics *d);
CVHP_API cvhp_severity cvhp_diagnostic_severity(const cvhp_diagnostics *d, size_t i);
CVHP_API cvhp_diag_code cvhp_diagnostic_code(const cvhp_diagnostics *d, size_t i);
/* The parameters a diagnostic is about: which = 0 the main one, 1 the other
 * one of a pair rule (0 when none). */
CVHP_API cvhp_param cvhp_diagnostic_param(const cvhp_diagnostics *d, size_t i, size_t which);
CVHP_API const char *cvhp_diagnostic_message(const cvhp_diagnostics *d, size_t i);
CVHP_API void cvhp_diagnostics_free(cvhp_diagnostics *d); /* NULL is a no-op */
/* "not_for_task", "vit_crop_mismatch", ...; "error"/"warning". NULL if unknown. */
CVHP_API const char *cvhp_diag_code_name(cvhp_diag_code code);
CVHP_API const char *cvhp_severity_name(cvhp_severity s);

/* ---- JSON (the reference's training_parameters shape) ---- */
/* Export flags. */
#define CVHP_JSON_EFFECTIVE 0x1u /* every parameter with a value, not only the user's */
#define CVHP_JSON_PRETTY 0x2u    /* indented, one parameter per line */

/* {"task": "...", "training_parameters": {"name": value, ...}} with values
 * typed (numbers, true/false, labels and "3x2" as strings), user-set
 * parameters only unless CVHP_JSON_EFFECTIVE. Two-call size pattern as in
 * cvhp_config_get_as_string. Needs no JSON library. */
CVHP_API cvhp_status cvhp_config_to_json(const cvhp_config *cfg, uint32_t flags, char *buf, size_t cap,
                                         size_t *needed);
/* Apply a JSON object: either {"training_parameters": {...}} (other top-level
 * keys "task" — which must match — and "model_name" allowed) or a flat
 * {"name": value}. Values may be typed or strings (parsed as by
 * set_from_string). All or nothing. Errors: CVHP_ERR_PARSE with "line L,
 * column C: ..." for malformed JSON; CVHP_ERR_UNKNOWN_PARAM naming the key;
 * CVHP_ERR_TYPE_MISMATCH (e.g. a list for an int); the setters' errors.
 * CVHP_ERR_UNSUPPORTED when built without JSON support (jansson). */
CVHP_API cvhp_status cvhp_config_load_json(cvhp_config *cfg, const char *text, size_t len);
/* Create a config from JSON. task 0 takes the task from the document's
 * "task" key (a cvhp_task_name or short form). */
CVHP_API cvhp_status cvhp_config_from_json(cvhp_task task, const char *text, size_t len,
                                           const cvhp_allocator *alloc, cvhp_config **out);
/* 1 when JSON import is available in this build. */
CVHP_API int cvhp_have_json(void);

#ifdef __cplusplus
}
#endif

#endif /* CVHP_CONFIG_H */
