/* SPDX-License-Identifier: MIT
 * Config <-> JSON in the reference's training_parameters shape. Export is
 * written by hand (no dependency); import uses jansson when built with it. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "build_config.h"
#include "config_internal.h"

#if CVHP_HAVE_JSON
#  include <jansson.h>
#endif

int cvhp_have_json(void) { return CVHP_HAVE_JSON; }

cvhp_status cvhp_config_to_json(const cvhp_config *cfg, uint32_t flags, char *buf, size_t cap, size_t *needed)
{
    if (cfg == NULL || (buf == NULL && cap > 0))
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "cvhp_config_to_json: NULL argument");
    if (flags & ~(CVHP_JSON_EFFECTIVE | CVHP_JSON_PRETTY))
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "cvhp_config_to_json: unknown flags 0x%x", (unsigned)flags);
    const int pretty = (flags & CVHP_JSON_PRETTY) != 0;
    cvhp__sb sb = {buf, cap, 0};
    cvhp__sb_puts(&sb, pretty ? "{\n  \"task\": " : "{\"task\": ");
    cvhp__sb_json_string(&sb, cvhp_task_name(cfg->task));
    cvhp__sb_puts(&sb, pretty ? ",\n  \"training_parameters\": {" : ", \"training_parameters\": {");
    int first = 1;
    for (int i = 0; i < N_PARAMS; i++) {
        const param_row *row = &cvhp__params[i];
        int include = cfg->slots[i].set || ((flags & CVHP_JSON_EFFECTIVE) && cvhp__config_has_value(cfg, row));
        if (!include)
            continue;
        cvhp__sb_puts(&sb, first ? "" : ",");
        cvhp__sb_puts(&sb, pretty ? "\n    " : (first ? "" : " "));
        first = 0;
        cvhp__sb_json_string(&sb, row->name);
        cvhp__sb_puts(&sb, ": ");
        size_t room = sb.len < sb.cap ? sb.cap - sb.len : 0;
        sb.len += cvhp__config_value_text(cfg, row, room ? sb.buf + sb.len : NULL, room, 1);
    }
    cvhp__sb_puts(&sb, pretty ? (first ? "}\n}\n" : "\n  }\n}\n") : "}}");
    return cvhp__sb_finish(&sb, needed, "cvhp_config_to_json");
}

#if CVHP_HAVE_JSON

static const char *json_type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "a list";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
        return "an integer";
    case JSON_REAL:
        return "a number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    case JSON_NULL:
        return "null";
    }
    return "a value";
}

static cvhp_status wrong_type(const param_row *row, const json_t *v)
{
    return cvhp__error(CVHP_ERR_TYPE_MISMATCH, "%s: expected %s value, got %s", row->name,
                       cvhp_param_type_name(row->type), json_type_name(v));
}

static cvhp_status apply_value(cvhp_config *cfg, const param_row *row, const json_t *v)
{
    char text[64];
    if (json_is_string(v))
        return cvhp__config_set_text(cfg, row, json_string_value(v));
    if (json_is_null(v)) {
        if (row->flags & CVHP_PARAM_FLAG_OPTIONAL)
            return cvhp_config_reset(cfg, row->id);
        return wrong_type(row, v);
    }
    switch (row->type) {
    case CVHP_TYPE_INT:
        if (json_is_integer(v))
            return cvhp_config_set_int(cfg, row->id, (int64_t)json_integer_value(v));
        if (json_is_real(v)) { /* 4.0 is an int; 4.2 is not */
            snprintf(text, sizeof text, "%.17g", json_real_value(v));
            return cvhp__config_set_text(cfg, row, text);
        }
        return wrong_type(row, v);
    case CVHP_TYPE_FLOAT:
        if (json_is_number(v))
            return cvhp_config_set_float(cfg, row->id, json_number_value(v));
        return wrong_type(row, v);
    case CVHP_TYPE_BOOL:
        if (json_is_boolean(v))
            return cvhp_config_set_bool(cfg, row->id, json_is_true(v));
        if (json_is_integer(v)) /* the spec writes booleans as 0 or 1 */
            return json_integer_value(v) == 0 || json_integer_value(v) == 1
                       ? cvhp_config_set_bool(cfg, row->id, (int)json_integer_value(v))
                       : cvhp__error(CVHP_ERR_OUT_OF_RANGE, "%s: %lld is not 0 or 1", row->name,
                                     (long long)json_integer_value(v));
        return wrong_type(row, v);
    case CVHP_TYPE_GRID:
        if (json_is_array(v)) { /* [3, 2] */
            if (json_array_size(v) != 2 || !json_is_integer(json_array_get(v, 0)) ||
                !json_is_integer(json_array_get(v, 1)))
                return cvhp__error(CVHP_ERR_INVALID_VALUE, "%s: a list must hold exactly two integers", row->name);
            snprintf(text, sizeof text, "%lld,%lld", (long long)json_integer_value(json_array_get(v, 0)),
                     (long long)json_integer_value(json_array_get(v, 1)));
            return cvhp__config_set_text(cfg, row, text);
        }
        return wrong_type(row, v);
    case CVHP_TYPE_ENUM:
    case CVHP_TYPE_STRING:
        return wrong_type(row, v);
    }
    return cvhp__error(CVHP_ERR_INTERNAL, "%s: unhandled type", row->name);
}

static cvhp_status apply_object(cvhp_config *cfg, json_t *obj)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v)
    {
        cvhp_param p;
        if (cvhp_param_from_name(key, &p) != CVHP_OK)
            return cvhp__error(CVHP_ERR_UNKNOWN_PARAM, "%.200s: no such parameter", key);
        /* model_name first would not matter: defaults follow the model lazily */
        cvhp_status st = apply_value(cfg, &cvhp__params[cvhp__param_index(p)], v);
        if (st != CVHP_OK)
            return st;
    }
    return CVHP_OK;
}

static cvhp_status parse_doc(const char *text, size_t len, json_t **out)
{
    json_error_t err;
    *out = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
    if (*out == NULL)
        return cvhp__error(CVHP_ERR_PARSE, "JSON line %d, column %d: %s", err.line, err.column, err.text);
    if (!json_is_object(*out)) {
        cvhp__error(CVHP_ERR_PARSE, "JSON: the document must be an object, not %s", json_type_name(*out));
        json_decref(*out);
        *out = NULL;
        return CVHP_ERR_PARSE;
    }
    return CVHP_OK;
}

static cvhp_status apply_doc(cvhp_config *cfg, json_t *doc)
{
    json_t *tp = json_object_get(doc, "training_parameters");
    if (tp == NULL)
        return apply_object(cfg, doc); /* flat form */
    if (!json_is_object(tp))
        return cvhp__error(CVHP_ERR_TYPE_MISMATCH, "training_parameters: expected an object, got %s",
                           json_type_name(tp));
    const char *key;
    json_t *v;
    json_object_foreach(doc, key, v)
    {
        if (strcmp(key, "training_parameters") == 0)
            continue;
        if (strcmp(key, "task") == 0) {
            cvhp_task t;
            if (!json_is_string(v))
                return cvhp__error(CVHP_ERR_TYPE_MISMATCH, "task: expected a string, got %s", json_type_name(v));
            cvhp_status st = cvhp_task_from_name(json_string_value(v), &t);
            if (st != CVHP_OK)
                return st;
            if (t != cfg->task)
                return cvhp__error(CVHP_ERR_INCOMPATIBLE, "task: the document is for %s, the config for %s",
                                   cvhp_task_name(t), cvhp_task_name(cfg->task));
        } else if (strcmp(key, "model_name") == 0) {
            cvhp_status st = apply_value(cfg, &cvhp__params[PIDX_MODEL_NAME], v);
            if (st != CVHP_OK)
                return st;
        } else {
            return cvhp__error(CVHP_ERR_UNKNOWN_PARAM,
                               "%.200s: unknown top-level key (expected task, model_name, training_parameters)",
                               key);
        }
    }
    return apply_object(cfg, tp);
}

cvhp_status cvhp_config_load_json(cvhp_config *cfg, const char *text, size_t len)
{
    if (cfg == NULL || text == NULL)
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "cvhp_config_load_json: NULL argument");
    json_t *doc;
    cvhp_status st = parse_doc(text, len, &doc);
    if (st != CVHP_OK)
        return st;
    cvhp_config *work;
    st = cvhp_config_clone(cfg, &work);
    if (st == CVHP_OK) {
        st = apply_doc(work, doc);
        if (st == CVHP_OK)
            cvhp__config_assign(cfg, work);
        cvhp_config_free(work);
    }
    json_decref(doc);
    return st;
}

cvhp_status cvhp_config_from_json(cvhp_task task, const char *text, size_t len, const cvhp_allocator *alloc,
                                  cvhp_config **out)
{
    if (out == NULL || text == NULL)
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "cvhp_config_from_json: NULL argument");
    *out = NULL;
    json_t *doc;
    cvhp_status st = parse_doc(text, len, &doc);
    if (st != CVHP_OK)
        return st;
    if (task == 0) {
        json_t *t = json_object_get(doc, "task");
        if (!json_is_string(t)) {
            json_decref(doc);
            return cvhp__error(CVHP_ERR_INVALID_ARGUMENT,
                               "cvhp_config_from_json: no task given and the document has no \"task\" string");
        }
        st = cvhp_task_from_name(json_string_value(t), &task);
    }
    cvhp_config *cfg = NULL;
    if (st == CVHP_OK)
        st = cvhp_config_new_with_allocator(task, alloc, &cfg);
    if (st == CVHP_OK)
        st = apply_doc(cfg, doc);
    json_decref(doc);
    if (st != CVHP_OK) {
        cvhp_config_free(cfg);
        return st;
    }
    *out = cfg;
    return CVHP_OK;
}

#else /* !CVHP_HAVE_JSON */

cvhp_status cvhp_config_load_json(cvhp_config *cfg, const char *text, size_t len)
{
    (void)cfg, (void)text, (void)len;
    return cvhp__error(CVHP_ERR_UNSUPPORTED, "libcvhp was not built with JSON support (meson -Djson=enabled, jansson)");
}

cvhp_status cvhp_config_from_json(cvhp_task task, const char *text, size_t len, const cvhp_allocator *alloc,
                                  cvhp_config **out)
{
    (void)task, (void)text, (void)len, (void)alloc;
    if (out)
        *out = NULL;
    return cvhp__error(CVHP_ERR_UNSUPPORTED, "libcvhp was not built with JSON support (meson -Djson=enabled, jansson)");
}

#endif
