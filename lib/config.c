/* SPDX-License-Identifier: MIT
 * The config handle: lifecycle, typed accessors, text parsing, argv import. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config_internal.h"

/* ---- lifecycle ---- */

cvhp_status cvhp_config_new(cvhp_task task, cvhp_config **out) { return cvhp_config_new_with_allocator(task, NULL, out); }

cvhp_status cvhp_config_new_with_allocator(cvhp_task task, const cvhp_allocator *alloc, cvhp_config **out)
{
    if (out == NULL)
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "cvhp_config_new: out is NULL");
    *out = NULL;
    if (!cvhp__task_valid(task))
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "cvhp_config_new: %d is not a cvhp_task", (int)task);
    if (alloc != NULL && (alloc->alloc == NULL || alloc->free == NULL))
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "cvhp_config_new: allocator without alloc or free");
    const cvhp_allocator *a = alloc ? alloc : &cvhp__default_allocator;
    cvhp_config *cfg = cvhp__alloc(a, sizeof *cfg);
    if (cfg == NULL)
        return cvhp__error(CVHP_ERR_OUT_OF_MEMORY, "cvhp_config_new: cannot allocate %zu bytes", sizeof *cfg);
    memset(cfg, 0, sizeof *cfg);
    cfg->alloc = *a;
    cfg->task = task;
    *out = cfg;
    return CVHP_OK;
}

static void clear_slot(cvhp_config *cfg, int i)
{
    if (cvhp__params[i].type == CVHP_TYPE_STRING && cfg->slots[i].set)
        cvhp__free(&cfg->alloc, cfg->slots[i].v.s);
    memset(&cfg->slots[i], 0, sizeof cfg->slots[i]);
}

void cvhp_config_free(cvhp_config *cfg)
{
    if (cfg == NULL)
        return;
    cvhp_config_reset_all(cfg);
    cvhp_allocator a = cfg->alloc;
    cvhp__free(&a, cfg);
}

static char *dup_string(const cvhp_allocator *a, const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = cvhp__alloc(a, n);
    if (d)
        memcpy(d, s, n);
    return d;
}

cvhp_status cvhp_config_clone(const cvhp_config *cfg, cvhp_config **out)
{
    if (cfg == NULL || out == NULL)
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "cvhp_config_clone: NULL argument");
    *out = NULL;
    cvhp_config *c;
    cvhp_status st = cvhp_config_new_with_allocator(cfg->task, &cfg->alloc, &c);
    if (st != CVHP_OK)
        return st;
    for (int i = 0; i < N_PARAMS; i++) {
        if (!cfg->slots[i].set)
            continue;
        if (cvhp__params[i].type == CVHP_TYPE_STRING) {
            char *s = dup_string(&c->alloc, cfg->slots[i].v.s);
            if (s == NULL) {
                cvhp_config_free(c);
                return cvhp__error(CVHP_ERR_OUT_OF_MEMORY, "cvhp_config_clone: cannot copy %s",
                                   cvhp__params[i].name);
            }
            c->slots[i].set = 1;
            c->slots[i].v.s = s;
        } else {
            c->slots[i] = cfg->slots[i];
        }
    }
    *out = c;
    return CVHP_OK;
}

void cvhp__config_assign(cvhp_config *dst, cvhp_config *src)
{
    for (int i = 0; i < N_PARAMS; i++) {
        clear_slot(dst, i);
        dst->slots[i] = src->slots[i];
        memset(&src->slots[i], 0, sizeof src->slots[i]); /* strings now belong to dst */
    }
}

cvhp_task cvhp_config_task(const cvhp_config *cfg) { return cfg ? cfg->task : (cvhp_task)0; }

cvhp_model cvhp__config_model(const cvhp_config *cfg)
{
    const slot *s = &cfg->slots[PIDX_MODEL_NAME];
    if (s->set)
        return (cvhp_model)s->v.i;
    return cvhp_task_default_model(cfg->task);
}

cvhp_model cvhp_config_model(const cvhp_config *cfg) { return cfg ? cvhp__config_model(cfg) : (cvhp_model)0; }

cvhp_status cvhp_config_reset(cvhp_config *cfg, cvhp_param p)
{
    if (cfg == NULL)
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "cvhp_config_reset: cfg is NULL");
    int i = cvhp__param_index(p);
    if (i < 0)
        return cvhp__error(CVHP_ERR_UNKNOWN_PARAM, "parameter id %d does not exist", (int)p);
    clear_slot(cfg, i);
    return CVHP_OK;
}

void cvhp_config_reset_all(cvhp_config *cfg)
{
    if (cfg == NULL)
        return;
    for (int i = 0; i < N_PARAMS; i++)
        clear_slot(cfg, i);
}

int cvhp_config_is_explicit(const cvhp_config *cfg, cvhp_param p)
{
    int i = cvhp__param_index(p);
    return cfg != NULL && i >= 0 && cfg->slots[i].set;
}

int cvhp__config_has_value(const cvhp_config *cfg, const param_row *row)
{
    if (cfg->slots[row - cvhp__params].set)
        return 1;
    return !(row->flags & CVHP_PARAM_FLAG_OPTIONAL) && cvhp__row_applies(row, cfg->task, cvhp__config_model(cfg));
}

int cvhp_config_has_value(const cvhp_config *cfg, cvhp_param p)
{
    int i = cvhp__param_index(p);
    return cfg != NULL && i >= 0 && cvhp__config_has_value(cfg, &cvhp__params[i]);
}

double cvhp__config_number(const cvhp_config *cfg, const param_row *row)
{
    const slot *s = &cfg->slots[row - cvhp__params];
    if (s->set)
        return row->type == CVHP_TYPE_FLOAT ? s->v.d : (double)s->v.i;
    return cvhp__param_default(row, cfg->task, cvhp__config_model(cfg));
}

/* ---- setters ---- */

static cvhp_status prep(const cvhp_config *cfg, cvhp_param p, cvhp_param_type want, const param_row **row)
{
    if (cfg == NULL)
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "config is NULL");
    const param_row *r = cvhp__param_row(p);
    if (r == NULL)
        return CVHP_ERR_UNKNOWN_PARAM;
    if (r->type != want)
        return cvhp__error(CVHP_ERR_TYPE_MISMATCH, "%s: is a %s parameter, not %s", r->name,
                           cvhp_param_type_name(r->type), cvhp_param_type_name(want));
    *row = r;
    return CVHP_OK;
}

static cvhp_status out_of_range(const param_row *row, const char *value)
{
    char range[80];
    cvhp__range_text(row, range, sizeof range);
    return cvhp__error(CVHP_ERR_OUT_OF_RANGE, "%s: %s is outside %s", row->name, value, range);
}

static int in_range(const param_row *row, double v)
{
    if (isnan(v) || v < row->min)
        return 0;
    return (row->flags & CVHP_PARAM_FLAG_MAX_OPEN) ? v < row->max : v <= row->max;
}

cvhp_status cvhp_config_set_int(cvhp_config *cfg, cvhp_param p, int64_t v)
{
    const param_row *row = NULL;
    cvhp_status st = prep(cfg, p, CVHP_TYPE_INT, &row);
    if (st != CVHP_OK)
        return st;
    if ((double)v < row->min || (double)v > row->max) {
        char buf[32];
        snprintf(buf, sizeof buf, "%lld", (long long)v);
        return out_of_range(row, buf);
    }
    slot *s = &cfg->slots[row - cvhp__params];
    s->set = 1;
    s->v.i = v;
    return CVHP_OK;
}

cvhp_status cvhp_config_set_float(cvhp_config *cfg, cvhp_param p, double v)
{
    const param_row *row = NULL;
    cvhp_status st = prep(cfg, p, CVHP_TYPE_FLOAT, &row);
    if (st != CVHP_OK)
        return st;
    if (!in_range(row, v)) {
        char buf[32];
        cvhp__fmt_double(buf, sizeof buf, v);
        return out_of_range(row, buf);
    }
    slot *s = &cfg->slots[row - cvhp__params];
    s->set = 1;
    s->v.d = v;
    return CVHP_OK;
}

cvhp_status cvhp_config_set_bool(cvhp_config *cfg, cvhp_param p, int v)
{
    const param_row *row = NULL;
    cvhp_status st = prep(cfg, p, CVHP_TYPE_BOOL, &row);
    if (st != CVHP_OK)
        return st;
    if (v != 0 && v != 1)
        return cvhp__error(CVHP_ERR_OUT_OF_RANGE, "%s: %d is not 0 or 1", row->name, v);
    slot *s = &cfg->slots[row - cvhp__params];
    s->set = 1;
    s->v.i = v;
    return CVHP_OK;
}

cvhp_status cvhp_config_set_enum(cvhp_config *cfg, cvhp_param p, int32_t v)
{
    const param_row *row = NULL;
    cvhp_status st = prep(cfg, p, CVHP_TYPE_ENUM, &row);
    if (st != CVHP_OK)
        return st;
    const char *label = cvhp__enum_label(row, v);
    if (label == NULL)
        return cvhp__error(CVHP_ERR_INVALID_VALUE, "%s: %d is not one of its values", row->name, (int)v);
    if (p == CVHP_PARAM_MODEL_NAME && !cvhp_model_supports_task((cvhp_model)v, cfg->task))
        return cvhp__error(CVHP_ERR_INVALID_VALUE, "model_name: %s is not a model for %s", label,
                           cvhp_task_name(cfg->task));
    slot *s = &cfg->slots[row - cvhp__params];
    s->set = 1;
    s->v.i = v;
    return CVHP_OK;
}

cvhp_status cvhp_config_set_string(cvhp_config *cfg, cvhp_param p, const char *v)
{
    const param_row *row = NULL;
    cvhp_status st = prep(cfg, p, CVHP_TYPE_STRING, &row);
    if (st != CVHP_OK)
        return st;
    if (v == NULL)
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "%s: value is NULL (use cvhp_config_reset to unset)",
                           row->name);
    char *copy = dup_string(&cfg->alloc, v);
    if (copy == NULL)
        return cvhp__error(CVHP_ERR_OUT_OF_MEMORY, "%s: cannot copy a %zu-byte string", row->name, strlen(v));
    int i = (int)(row - cvhp__params);
    clear_slot(cfg, i);
    cfg->slots[i].set = 1;
    cfg->slots[i].v.s = copy;
    return CVHP_OK;
}

cvhp_status cvhp_config_set_grid(cvhp_config *cfg, cvhp_param p, int32_t nx, int32_t ny)
{
    const param_row *row = NULL;
    cvhp_status st = prep(cfg, p, CVHP_TYPE_GRID, &row);
    if (st != CVHP_OK)
        return st;
    if (!in_range(row, nx) || !in_range(row, ny)) {
        char buf[48];
        snprintf(buf, sizeof buf, "%dx%d", (int)nx, (int)ny);
        return out_of_range(row, buf);
    }
    slot *s = &cfg->slots[row - cvhp__params];
    s->set = 1;
    s->v.g[0] = nx;
    s->v.g[1] = ny;
    return CVHP_OK;
}

/* ---- getters ---- */

static cvhp_status get_prep(const cvhp_config *cfg, cvhp_param p, cvhp_param_type want, const void *out,
                            const param_row **row, const slot **s)
{
    cvhp_status st = prep(cfg, p, want, row);
    if (st != CVHP_OK)
        return st;
    if (out == NULL)
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "%s: output pointer is NULL", (*row)->name);
    *s = &cfg->slots[*row - cvhp__params];
    if ((*s)->set)
        return CVHP_OK;
    cvhp_model model = cvhp__config_model(cfg);
    if (!cvhp__row_applies(*row, cfg->task, model))
        return cvhp__error(CVHP_ERR_INCOMPATIBLE, "%s: does not apply to %s with model %s", (*row)->name,
                           cvhp_task_name(cfg->task), cvhp_model_name(model));
    if ((*row)->flags & CVHP_PARAM_FLAG_OPTIONAL)
        return cvhp__error(CVHP_ERR_NOT_SET, "%s: has no value", (*row)->name);
    return CVHP_OK;
}

#define GET_NUMBER(fn, TYPE, ctype, field)                                          \
    cvhp_status fn(const cvhp_config *cfg, cvhp_param p, ctype *out)                \
    {                                                                               \
        const param_row *row = NULL;                                                       \
        const slot *s = NULL;                                                              \
        cvhp_status st = get_prep(cfg, p, TYPE, out, &row, &s);                     \
        if (st != CVHP_OK)                                                          \
            return st;                                                              \
        *out = s->set ? (ctype)s->v.field                                           \
                      : (ctype)cvhp__param_default(row, cfg->task, cvhp__config_model(cfg)); \
        return CVHP_OK;                                                             \
    }

GET_NUMBER(cvhp_config_get_int, CVHP_TYPE_INT, int64_t, i)
GET_NUMBER(cvhp_config_get_float, CVHP_TYPE_FLOAT, double, d)
GET_NUMBER(cvhp_config_get_bool, CVHP_TYPE_BOOL, int, i)
GET_NUMBER(cvhp_config_get_enum, CVHP_TYPE_ENUM, int32_t, i)

cvhp_status cvhp_config_get_string(const cvhp_config *cfg, cvhp_param p, const char **out)
{
    const param_row *row = NULL;
    const slot *s = NULL;
    cvhp_status st = get_prep(cfg, p, CVHP_TYPE_STRING, out, &row, &s);
    if (st != CVHP_OK)
        return st;
    *out = s->v.s; /* string parameters are all optional: reaching here means set */
    return CVHP_OK;
}

cvhp_status cvhp_config_get_grid(const cvhp_config *cfg, cvhp_param p, int32_t *nx, int32_t *ny)
{
    const param_row *row = NULL;
    const slot *s = NULL;
    cvhp_status st = get_prep(cfg, p, CVHP_TYPE_GRID, nx, &row, &s);
    if (st != CVHP_OK)
        return st;
    if (ny == NULL)
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "%s: output pointer is NULL", row->name);
    *nx = s->v.g[0];
    *ny = s->v.g[1];
    return CVHP_OK;
}

/* ---- by name ---- */

#define BY_NAME(fn, byid, cfgtype, args, call)                           \
    cvhp_status fn##_by_name(cfgtype *cfg, const char *name, args)       \
    {                                                                    \
        cvhp_param p;                                                    \
        cvhp_status st = cvhp_param_from_name(name, &p);                 \
        return st != CVHP_OK ? st : byid call;                           \
    }
#define COMMA ,
BY_NAME(cvhp_config_set_int, cvhp_config_set_int, cvhp_config, int64_t v, (cfg, p, v))
BY_NAME(cvhp_config_set_float, cvhp_config_set_float, cvhp_config, double v, (cfg, p, v))
BY_NAME(cvhp_config_set_bool, cvhp_config_set_bool, cvhp_config, int v, (cfg, p, v))
BY_NAME(cvhp_config_set_enum, cvhp_config_set_enum, cvhp_config, int32_t v, (cfg, p, v))
BY_NAME(cvhp_config_set_string, cvhp_config_set_string, cvhp_config, const char *v, (cfg, p, v))
BY_NAME(cvhp_config_set_grid, cvhp_config_set_grid, cvhp_config, int32_t nx COMMA int32_t ny, (cfg, p, nx, ny))
BY_NAME(cvhp_config_get_int, cvhp_config_get_int, const cvhp_config, int64_t *out, (cfg, p, out))
BY_NAME(cvhp_config_get_float, cvhp_config_get_float, const cvhp_config, double *out, (cfg, p, out))
BY_NAME(cvhp_config_get_bool, cvhp_config_get_bool, const cvhp_config, int *out, (cfg, p, out))
BY_NAME(cvhp_config_get_enum, cvhp_config_get_enum, const cvhp_config, int32_t *out, (cfg, p, out))
BY_NAME(cvhp_config_get_string, cvhp_config_get_string, const cvhp_config, const char **out, (cfg, p, out))
BY_NAME(cvhp_config_get_grid, cvhp_config_get_grid, const cvhp_config, int32_t *nx COMMA int32_t *ny,
        (cfg, p, nx, ny))

/* ---- text ---- */

/* Copy s without surrounding white space into buf; 0 if it does not fit. */
static int trimmed(const char *s, char *buf, size_t cap)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        n--;
    if (n >= cap)
        return 0;
    memcpy(buf, s, n);
    buf[n] = '\0';
    return 1;
}

/* A whole number in text, as the reference's int conversion: "4", "4.0",
 * "-3", "1e3"; not "4.2", hex, inf or nan. */
static int parse_whole(const char *t, int64_t *out, int *too_big)
{
    *too_big = 0;
    if (*t == '\0' || strpbrk(t, "xXnN") != NULL) /* no hex, inf, nan */
        return 0;
    char *end;
    errno = 0;
    long long ll = strtoll(t, &end, 10);
    if (*end == '\0' && end != t) {
        if (errno == ERANGE)
            *too_big = 1;
        *out = ll;
        return 1;
    }
    errno = 0;
    double d = strtod(t, &end);
    if (*end != '\0' || end == t || !isfinite(d) || floor(d) != d)
        return 0;
    if (fabs(d) >= 9.2e18) {
        *too_big = 1;
        *out = d < 0 ? INT64_MIN : INT64_MAX;
        return 1;
    }
    *out = (int64_t)d;
    return 1;
}

/* Python int() of one piece: optional sign, then digits. */
static int parse_py_int(const char *s, size_t n, int64_t *out)
{
    size_t i = 0;
    int neg = 0;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        neg = s[i++] == '-';
    if (i == n)
        return 0;
    int64_t v = 0;
    for (; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return 0;
        if (v > 100000000)
            v = 100000000; /* saturate: far outside any valid grid, reported as out of range */
        else
            v = v * 10 + (s[i] - '0');
    }
    *out = neg ? -v : v;
    return 1;
}

/* tile_grid_size text, per the reference's parse_tile_grid_size_str:
 * with an 'x'/'X': split on runs of {space, x, X}, exactly two int pieces;
 * otherwise a Python literal tuple or list of two ints: "(3, 2)", "[3,2]",
 * "3,2" (a trailing comma allowed, as in Python). */
static int parse_grid(const char *t, int64_t g[2])
{
    if (strpbrk(t, "xX") != NULL) {
        int pieces = 0;
        const char *p = t;
        while (*p) {
            while (*p == ' ' || *p == 'x' || *p == 'X')
                p++;
            if (!*p)
                break;
            size_t n = strcspn(p, " xX");
            if (pieces == 2 || !parse_py_int(p, n, &g[pieces]))
                return 0;
            pieces++;
            p += n;
        }
        return pieces == 2;
    }
    const char *p = t;
    char close = 0;
    if (*p == '(')
        close = ')';
    else if (*p == '[')
        close = ']';
    if (close)
        p++;
    for (int k = 0; k < 2; k++) {
        while (isspace((unsigned char)*p))
            p++;
        size_t n = strspn(p, "+-0123456789");
        if (n == 0 || !parse_py_int(p, n, &g[k]))
            return 0;
        p += n;
        while (isspace((unsigned char)*p))
            p++;
        if (k == 0) {
            if (*p != ',')
                return 0;
            p++;
        }
    }
    if (*p == ',') /* (3, 2,) is still a 2-tuple */
        p++;
    while (isspace((unsigned char)*p))
        p++;
    if (close) {
        if (*p != close)
            return 0;
        p++;
        while (isspace((unsigned char)*p))
            p++;
    }
    return *p == '\0';
}

static int parse_bool(const char *t, int *out)
{
    static const char *const yes[] = {"1", "true", "yes", "on", "y", "t"};
    static const char *const no[] = {"0", "false", "no", "off", "n", "f"};
    for (size_t i = 0; i < 6; i++) {
        if (strcasecmp(t, yes[i]) == 0) {
            *out = 1;
            return 1;
        }
        if (strcasecmp(t, no[i]) == 0) {
            *out = 0;
            return 1;
        }
    }
    return 0;
}

cvhp_status cvhp__config_set_text(cvhp_config *cfg, const param_row *row, const char *value)
{
    if (value == NULL)
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "%s: value is NULL", row->name);
    if (row->type == CVHP_TYPE_STRING) {
        if ((row->flags & CVHP_PARAM_FLAG_OPTIONAL) &&
            (value[0] == '\0' || strcasecmp(value, "none") == 0 || strcasecmp(value, "null") == 0))
            return cvhp_config_reset(cfg, row->id);
        return cvhp_config_set_string(cfg, row->id, value);
    }
    char t[128];
    if (!trimmed(value, t, sizeof t))
        return cvhp__error(CVHP_ERR_INVALID_VALUE, "%s: value of %zu characters is too long", row->name,
                           strlen(value));
    if ((row->flags & CVHP_PARAM_FLAG_OPTIONAL) &&
        (t[0] == '\0' || strcasecmp(t, "none") == 0 || strcasecmp(t, "null") == 0))
        return cvhp_config_reset(cfg, row->id);
    switch (row->type) {
    case CVHP_TYPE_INT: {
        int64_t v;
        int big;
        if (!parse_whole(t, &v, &big))
            return cvhp__error(CVHP_ERR_INVALID_VALUE, "%s: \"%s\" is not a whole number", row->name, t);
        if (big)
            return out_of_range(row, t);
        return cvhp_config_set_int(cfg, row->id, v);
    }
    case CVHP_TYPE_FLOAT: {
        char *end;
        if (t[0] == '\0' || strpbrk(t, "xX") != NULL)
            return cvhp__error(CVHP_ERR_INVALID_VALUE, "%s: \"%s\" is not a number", row->name, t);
        double d = strtod(t, &end);
        if (*end != '\0')
            return cvhp__error(CVHP_ERR_INVALID_VALUE, "%s: \"%s\" is not a number", row->name, t);
        return cvhp_config_set_float(cfg, row->id, d);
    }
    case CVHP_TYPE_BOOL: {
        int b;
        if (!parse_bool(t, &b))
            return cvhp__error(CVHP_ERR_INVALID_VALUE,
                               "%s: \"%s\" is not a boolean (1/0, true/false, yes/no, on/off)", row->name, t);
        return cvhp_config_set_bool(cfg, row->id, b);
    }
    case CVHP_TYPE_ENUM: {
        int32_t v;
        if (!cvhp__enum_value_of(row, t, &v)) {
            char labels[400] = "";
            size_t n = cvhp_param_enum_count(row->id);
            for (size_t i = 0; i < n; i++) {
                const char *l = cvhp_param_enum_label(row->id, i);
                if (row->id == CVHP_PARAM_MODEL_NAME &&
                    !cvhp_model_supports_task((cvhp_model)cvhp_param_enum_value(row->id, i), cfg->task))
                    continue;
                if (strlen(labels) + strlen(l) + 3 < sizeof labels) {
                    if (labels[0])
                        strcat(labels, ", ");
                    strcat(labels, l);
                }
            }
            return cvhp__error(CVHP_ERR_INVALID_VALUE, "%s: \"%s\" is not one of %s", row->name, t, labels);
        }
        return cvhp_config_set_enum(cfg, row->id, v);
    }
    case CVHP_TYPE_GRID: {
        int64_t g[2];
        if (!parse_grid(t, g))
            return cvhp__error(CVHP_ERR_INVALID_VALUE,
                               "%s: unable to parse \"%s\"; should be in the format 3x2, or 3X2, or (3, 2)",
                               row->name, t);
        if (g[0] < INT32_MIN || g[0] > INT32_MAX || g[1] < INT32_MIN || g[1] > INT32_MAX)
            return out_of_range(row, t);
        return cvhp_config_set_grid(cfg, row->id, (int32_t)g[0], (int32_t)g[1]);
    }
    case CVHP_TYPE_STRING:
        break;
    }
    return cvhp__error(CVHP_ERR_INTERNAL, "%s: unhandled type", row->name);
}

cvhp_status cvhp_config_set_from_string(cvhp_config *cfg, const char *name, const char *value)
{
    if (cfg == NULL)
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "cvhp_config_set_from_string: cfg is NULL");
    cvhp_param p;
    cvhp_status st = cvhp_param_from_name(name, &p);
    if (st != CVHP_OK)
        return st;
    return cvhp__config_set_text(cfg, &cvhp__params[cvhp__param_index(p)], value);
}

size_t cvhp__config_value_text(const cvhp_config *cfg, const param_row *row, char *buf, size_t cap, int json)
{
    cvhp__sb sb = {buf, cap, 0};
    const slot *s = &cfg->slots[row - cvhp__params];
    char num[40];
    switch (row->type) {
    case CVHP_TYPE_INT:
        cvhp__sb_printf(&sb, "%lld", (long long)cvhp__config_number(cfg, row));
        break;
    case CVHP_TYPE_FLOAT:
        cvhp__fmt_double(num, sizeof num, cvhp__config_number(cfg, row));
        cvhp__sb_puts(&sb, num);
        break;
    case CVHP_TYPE_BOOL:
        cvhp__sb_puts(&sb, cvhp__config_number(cfg, row) != 0 ? "true" : "false");
        break;
    case CVHP_TYPE_ENUM: {
        const char *label = cvhp__enum_label(row, (int32_t)cvhp__config_number(cfg, row));
        if (json)
            cvhp__sb_json_string(&sb, label);
        else
            cvhp__sb_puts(&sb, label);
        break;
    }
    case CVHP_TYPE_STRING:
        if (json)
            cvhp__sb_json_string(&sb, s->v.s);
        else
            cvhp__sb_puts(&sb, s->v.s);
        break;
    case CVHP_TYPE_GRID:
        cvhp__sb_printf(&sb, json ? "\"%dx%d\"" : "%dx%d", (int)s->v.g[0], (int)s->v.g[1]);
        break;
    }
    return sb.len;
}

cvhp_status cvhp_config_get_as_string(const cvhp_config *cfg, cvhp_param p, char *buf, size_t cap, size_t *needed)
{
    if (cfg == NULL || (buf == NULL && cap > 0))
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "cvhp_config_get_as_string: NULL argument");
    const param_row *row = cvhp__param_row(p);
    if (row == NULL)
        return CVHP_ERR_UNKNOWN_PARAM;
    if (!cfg->slots[row - cvhp__params].set) {
        cvhp_model model = cvhp__config_model(cfg);
        if (!cvhp__row_applies(row, cfg->task, model))
            return cvhp__error(CVHP_ERR_INCOMPATIBLE, "%s: does not apply to %s with model %s", row->name,
                               cvhp_task_name(cfg->task), cvhp_model_name(model));
        if (row->flags & CVHP_PARAM_FLAG_OPTIONAL)
            return cvhp__error(CVHP_ERR_NOT_SET, "%s: has no value", row->name);
    }
    cvhp__sb sb = {buf, cap, 0};
    sb.len = cvhp__config_value_text(cfg, row, buf, cap, 0);
    return cvhp__sb_finish(&sb, needed, row->name);
}

/* ---- argv ---- */

cvhp_status cvhp_config_load_args(cvhp_config *cfg, int argc, const char *const *argv)
{
    if (cfg == NULL || (argv == NULL && argc > 0) || argc < 0)
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "cvhp_config_load_args: bad arguments");
    cvhp_config *work;
    cvhp_status st = cvhp_config_clone(cfg, &work);
    if (st != CVHP_OK)
        return st;
    for (int i = 0; i < argc && st == CVHP_OK; i++) {
        const char *a = argv[i];
        if (a == NULL) {
            st = cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "argument %d is NULL", i);
            break;
        }
        const char *name = a, *value = NULL;
        char key[96];
        if (strncmp(a, "--", 2) == 0)
            name = a + 2;
        const char *eq = strchr(name, '=');
        size_t klen = eq ? (size_t)(eq - name) : strlen(name);
        if (klen == 0 || klen >= sizeof key || (!eq && name == a)) {
            st = cvhp__error(CVHP_ERR_INVALID_ARGUMENT,
                             "argument %d (\"%.100s\"): expected --name value, --name=value or name=value", i, a);
            break;
        }
        memcpy(key, name, klen);
        key[klen] = '\0';
        if (eq) {
            value = eq + 1;
        } else if (i + 1 < argc && argv[i + 1] != NULL) {
            value = argv[++i];
        } else {
            st = cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "argument %d (\"%.100s\"): missing value", i, a);
            break;
        }
        st = cvhp_config_set_from_string(work, key, value);
    }
    if (st == CVHP_OK)
        cvhp__config_assign(cfg, work);
    cvhp_config_free(work);
    return st;
}
