/* SPDX-License-Identifier: MIT
 * cvhp params: the effective parameter table of a task (and model), or the
 * whole table as Markdown (docs/parameters.md is generated this way).
 * cvhp validate: load a JSON config and print its diagnostics. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const cvhp_task all_tasks[] = {CVHP_TASK_MULTICLASS, CVHP_TASK_MULTILABEL, CVHP_TASK_OBJECT_DETECTION,
                                      CVHP_TASK_INSTANCE_SEGMENTATION};
static const char *const short_task[] = {"multiclass", "multilabel", "object_detection", "instance_segmentation"};

/* Value of p's default for (task, model) as text; "" when none. */
static void default_text(cvhp_param p, cvhp_task task, cvhp_model model, char *buf, size_t cap)
{
    buf[0] = '\0';
    cvhp_param_type t = cvhp_param_type_of(p);
    if (t == CVHP_TYPE_FLOAT) {
        double d;
        if (cvhp_param_default_float(p, task, model, &d) == CVHP_OK) {
            /* shortest round-trip text */
            for (int prec = 1; prec <= 17; prec++) {
                snprintf(buf, cap, "%.*g", prec, d);
                if (strtod(buf, NULL) == d)
                    break;
            }
        }
        return;
    }
    int64_t v;
    if (cvhp_param_default_int(p, task, model, &v) != CVHP_OK)
        return;
    if (t == CVHP_TYPE_BOOL)
        snprintf(buf, cap, "%s", v ? "true" : "false");
    else if (t == CVHP_TYPE_ENUM)
        snprintf(buf, cap, "%s", cvhp_param_enum_label_of(p, (int32_t)v));
    else
        snprintf(buf, cap, "%lld", (long long)v);
}

/* task 0: every model for model_name; else only that task's models. */
static void range_text(cvhp_param p, cvhp_task task, char *buf, size_t cap)
{
    double lo, hi;
    cvhp_param_type t = cvhp_param_type_of(p);
    buf[0] = '\0';
    if (t == CVHP_TYPE_BOOL) {
        snprintf(buf, cap, "0 or 1");
    } else if (t == CVHP_TYPE_ENUM) {
        size_t n = cvhp_param_enum_count(p), used = 0;
        for (size_t i = 0; i < n && used + 1 < cap; i++) {
            if (task != 0 && p == CVHP_PARAM_MODEL_NAME &&
                !cvhp_model_supports_task((cvhp_model)cvhp_param_enum_value(p, i), task))
                continue;
            used += (size_t)snprintf(buf + used, cap - used, "%s%s", used ? ", " : "", cvhp_param_enum_label(p, i));
        }
    } else if (t == CVHP_TYPE_STRING) {
        snprintf(buf, cap, "text");
    } else if (cvhp_param_bounds(p, &lo, &hi) == CVHP_OK) {
        const char *close = (cvhp_param_flags(p) & CVHP_PARAM_FLAG_MAX_OPEN) ? ")" : "]";
        if (t == CVHP_TYPE_FLOAT)
            snprintf(buf, cap, "[%g, %g%s", lo, hi, close);
        else if (t == CVHP_TYPE_GRID)
            snprintf(buf, cap, "NxM, each in [%g, %g]", lo, hi);
        else if (hi >= 2147483647.0)
            snprintf(buf, cap, "integer >= %g", lo);
        else
            snprintf(buf, cap, "integer in [%g, %g]", lo, hi);
    }
}

/* One task's default: "78 (vits16r224 128, ...)"; "" when p has none there. */
static void task_default_text(cvhp_param p, cvhp_task task, char *buf, size_t cap)
{
    char head[64], v[64];
    buf[0] = '\0';
    /* the task's own default model decides the headline value */
    default_text(p, task, cvhp_task_default_model(task), head, sizeof head);
    for (size_t m = 0; m < cvhp_task_model_count(task) && head[0] == '\0'; m++) /* e.g. yolov5-only */
        default_text(p, task, cvhp_task_model_at(task, m), head, sizeof head);
    size_t used = (size_t)snprintf(buf, cap, "%s", head);
    int first = 1;
    for (size_t m = 0; m < cvhp_task_model_count(task) && used + 1 < cap; m++) {
        cvhp_model model = cvhp_task_model_at(task, m);
        default_text(p, task, model, v, sizeof v);
        if (v[0] == '\0' || strcmp(v, head) == 0)
            continue;
        used += (size_t)snprintf(buf + used, cap - used, "%s%s %s", first ? " (" : ", ", cvhp_model_name(model), v);
        first = 0;
    }
    if (!first && used + 1 < cap)
        snprintf(buf + used, cap - used, ")");
}

/* The defaults of p per task, collapsed to one value when every task agrees. */
static void defaults_markdown(cvhp_param p, char *buf, size_t cap)
{
    char per[4][256];
    int n = 0, same = 1;
    buf[0] = '\0';
    if (cvhp_param_flags(p) & CVHP_PARAM_FLAG_OPTIONAL) {
        snprintf(buf, cap, "none (unset)");
        return;
    }
    for (size_t k = 0; k < 4; k++) {
        per[k][0] = '\0';
        if (!cvhp_param_applies_to_task(p, all_tasks[k]))
            continue;
        task_default_text(p, all_tasks[k], per[k], sizeof per[k]);
        for (size_t j = 0; j < k; j++)
            if (per[j][0] && strcmp(per[j], per[k]) != 0)
                same = 0;
        n++;
    }
    size_t used = 0;
    for (size_t k = 0; k < 4 && used + 1 < cap; k++) {
        if (per[k][0] == '\0')
            continue;
        if (same) {
            snprintf(buf, cap, "%s", per[k]);
            return;
        }
        used += (size_t)snprintf(buf + used, cap - used, "%s%s: %s", used ? "; " : "", short_task[k], per[k]);
    }
    (void)n;
}

static void applies_markdown(cvhp_param p, char *buf, size_t cap)
{
    int all = 1;
    for (size_t k = 0; k < 4; k++)
        for (size_t m = 0; m < cvhp_task_model_count(all_tasks[k]); m++)
            all &= cvhp_param_applies(p, all_tasks[k], cvhp_task_model_at(all_tasks[k], m));
    if (all) {
        snprintf(buf, cap, "all tasks");
        return;
    }
    size_t used = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < 4; k++) {
        cvhp_task task = all_tasks[k];
        if (!cvhp_param_applies_to_task(p, task))
            continue;
        size_t n = cvhp_task_model_count(task), ok = 0;
        cvhp_model only = (cvhp_model)0, missing = (cvhp_model)0;
        for (size_t m = 0; m < n; m++) {
            cvhp_model model = cvhp_task_model_at(task, m);
            if (cvhp_param_applies(p, task, model))
                ok++, only = model;
            else
                missing = model;
        }
        if (k == 1 && used > 0 && strcmp(buf, "multiclass") == 0 && ok == n) { /* both classification tasks */
            used = (size_t)snprintf(buf, cap, "classification");
            continue;
        }
        used += (size_t)snprintf(buf + used, cap - used, "%s%s", used ? ", " : "", short_task[k]);
        if (ok == 1 && n > 1)
            used += (size_t)snprintf(buf + used, cap - used, " (%s only)", cvhp_model_name(only));
        else if (ok + 1 == n && n > 1)
            used += (size_t)snprintf(buf + used, cap - used, " (not %s)", cvhp_model_name(missing));
    }
}

static int print_markdown(void)
{
    printf("# Parameters\n\n"
           "<!-- Generated by `cvhp params --markdown` from lib/params.def. Do not edit: run\n"
           "     `build/tools/cvhp params --markdown > docs/parameters.md` (a test fails when it drifts). -->\n\n"
           "Every hyperparameter libcvhp knows, for the four tasks. Ranges are enforced by the setters\n"
           "(`CVHP_ERR_OUT_OF_RANGE`); applicability and the cross-field rules by `cvhp_config_validate`\n"
           "(see [config.md](config.md)). Names are also accepted in the reference runtime's spelling\n"
           "(the aliases) and in camelCase.\n\n"
           "| parameter | type | range or values | applies to | default | aliases |\n"
           "|---|---|---|---|---|---|\n");
    char range[512], applies[256], defaults[1024], aliases[256];
    for (size_t i = 0; i < cvhp_param_count(); i++) {
        cvhp_param p = cvhp_param_at(i);
        range_text(p, (cvhp_task)0, range, sizeof range);
        applies_markdown(p, applies, sizeof applies);
        defaults_markdown(p, defaults, sizeof defaults);
        size_t used = 0;
        aliases[0] = '\0';
        for (size_t a = 0; cvhp_param_alias(p, a); a++)
            used += (size_t)snprintf(aliases + used, sizeof aliases - used, "%s`%s`", a ? ", " : "",
                                     cvhp_param_alias(p, a));
        printf("| `%s` | %s | %s | %s | %s | %s |\n", cvhp_param_name(p), cvhp_param_type_name(cvhp_param_type_of(p)),
               range, applies, defaults, aliases);
    }
    printf("\n## Descriptions\n\n");
    for (size_t i = 0; i < cvhp_param_count(); i++) {
        cvhp_param p = cvhp_param_at(i);
        printf("- **`%s`** (id %d): %s\n", cvhp_param_name(p), (int)p, cvhp_param_description(p));
    }
    printf("\n## Models and freezable layers\n\n| model | tasks | layer family | layers_to_freeze maximum |\n"
           "|---|---|---|---|\n");
    for (size_t i = 0; i < cvhp_param_enum_count(CVHP_PARAM_MODEL_NAME); i++) {
        cvhp_model m = (cvhp_model)cvhp_param_enum_value(CVHP_PARAM_MODEL_NAME, i);
        char tasks[128] = "";
        for (size_t k = 0; k < 4; k++)
            if (cvhp_model_supports_task(m, all_tasks[k])) {
                if (tasks[0])
                    strcat(tasks, ", ");
                strcat(tasks, short_task[k]);
            }
        cvhp_layer_family f = cvhp_model_layer_family(m);
        printf("| `%s` | %s | %s | %zu |\n", cvhp_model_name(m), tasks, cvhp_layer_family_name(f),
               cvhp_layer_family_count(f));
    }
    printf("\n| layer family | layers, in freezing order |\n|---|---|\n");
    for (int f = CVHP_FAMILY_RESNET; f <= CVHP_FAMILY_RESNET_BACKBONE; f++) {
        printf("| %s |", cvhp_layer_family_name((cvhp_layer_family)f));
        for (size_t j = 0; j < cvhp_layer_family_count((cvhp_layer_family)f); j++)
            printf("%s`%s`", j ? ", " : " ", cvhp_layer_family_layer((cvhp_layer_family)f, j));
        printf(" |\n");
    }
    return 0;
}

static int params_usage(FILE *f)
{
    fprintf(f, "usage: cvhp params --task TASK [--model MODEL] [--set NAME=VALUE]...\n"
               "       cvhp params --markdown\n\n"
               "Prints the effective value of every parameter that applies to TASK (and MODEL):\n"
               "name, value, whether it is the default or was set, and the valid range.\n"
               "TASK: multiclass, multilabel, object_detection, instance_segmentation\n"
               "      (or image-classification, image-classification-multilabel, image-object-detection,\n"
               "       image-instance-segmentation).\n");
    return f == stdout ? 0 : CLI_EXIT_USAGE;
}

int cmd_params(int argc, char **argv)
{
    const char *task_name = NULL, *model_name = NULL;
    const char *sets[64];
    int nsets = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return params_usage(stdout);
        if (strcmp(argv[i], "--markdown") == 0)
            return print_markdown();
        if (strcmp(argv[i], "--task") == 0 && i + 1 < argc)
            task_name = argv[++i];
        else if (strcmp(argv[i], "--model") == 0 && i + 1 < argc)
            model_name = argv[++i];
        else if (strcmp(argv[i], "--set") == 0 && i + 1 < argc && nsets < 64)
            sets[nsets++] = argv[++i];
        else {
            fprintf(stderr, "cvhp params: unexpected argument '%s'\n", argv[i]);
            return params_usage(stderr);
        }
    }
    if (task_name == NULL) {
        fprintf(stderr, "cvhp params: --task is required\n");
        return params_usage(stderr);
    }
    cvhp_task task;
    cvhp_status st = cvhp_task_from_name(task_name, &task);
    if (st != CVHP_OK) {
        fprintf(stderr, "cvhp params: %s\n", cvhp_last_error_message());
        return CLI_EXIT_USAGE;
    }
    cvhp_config *cfg;
    if ((st = cvhp_config_new(task, &cfg)) != CVHP_OK)
        return cli_fail(st, "config");
    if (model_name && (st = cvhp_config_set_from_string(cfg, "model_name", model_name)) != CVHP_OK) {
        cvhp_config_free(cfg);
        return cli_fail(st, "--model");
    }
    if (nsets && (st = cvhp_config_load_args(cfg, nsets, sets)) != CVHP_OK) {
        cvhp_config_free(cfg);
        return cli_fail(st, "--set");
    }
    printf("# %s, model %s\n", cvhp_task_name(task), cvhp_model_name(cvhp_config_model(cfg)));
    printf("%-32s %-24s %-8s %s\n", "parameter", "value", "source", "range");
    char value[256], range[512];
    for (size_t i = 0; i < cvhp_param_count(); i++) {
        cvhp_param p = cvhp_param_at(i);
        int expl = cvhp_config_is_explicit(cfg, p);
        if (!expl && !cvhp_param_applies(p, task, cvhp_config_model(cfg)))
            continue;
        st = cvhp_config_get_as_string(cfg, p, value, sizeof value, NULL);
        if (st == CVHP_ERR_NOT_SET)
            snprintf(value, sizeof value, "(unset)");
        else if (st != CVHP_OK)
            snprintf(value, sizeof value, "(%s)", cvhp_status_str(st));
        range_text(p, task, range, sizeof range);
        printf("%-32s %-24s %-8s %s\n", cvhp_param_name(p), value, expl ? "set" : "default", range);
    }
    cvhp_config_free(cfg);
    return 0;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n < cap)
            break;
        char *nb = realloc(buf, cap * 2);
        if (nb == NULL) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = nb;
        cap *= 2;
    }
    if (f != stdin)
        fclose(f);
    *len = n;
    return buf;
}

int cmd_validate(int argc, char **argv)
{
    const char *path = NULL, *task_name = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            printf("usage: cvhp validate FILE.json [--task TASK]\n\n"
                   "Loads a config (the reference's {\"training_parameters\": {...}} shape, or a flat\n"
                   "object; '-' reads stdin), prints every diagnostic, and exits 1 when there is an error.\n"
                   "Without --task the document's \"task\" key decides.\n");
            return 0;
        }
        if (strcmp(argv[i], "--task") == 0 && i + 1 < argc)
            task_name = argv[++i];
        else if (path == NULL && (argv[i][0] != '-' || strcmp(argv[i], "-") == 0))
            path = argv[i];
        else {
            fprintf(stderr, "cvhp validate: unexpected argument '%s'\n", argv[i]);
            return CLI_EXIT_USAGE;
        }
    }
    if (path == NULL) {
        fprintf(stderr, "usage: cvhp validate FILE.json [--task TASK]\n");
        return CLI_EXIT_USAGE;
    }
    cvhp_task task = (cvhp_task)0;
    if (task_name && cvhp_task_from_name(task_name, &task) != CVHP_OK) {
        fprintf(stderr, "cvhp validate: %s\n", cvhp_last_error_message());
        return CLI_EXIT_USAGE;
    }
    size_t len;
    char *text = read_file(path, &len);
    if (text == NULL) {
        fprintf(stderr, "cvhp validate: cannot read %s\n", path);
        return CLI_EXIT_FAILURE;
    }
    cvhp_config *cfg;
    cvhp_status st = cvhp_config_from_json(task, text, len, NULL, &cfg);
    free(text);
    if (st != CVHP_OK) {
        fprintf(stderr, "%s: error: %s (%s)\n", path, cvhp_last_error_message(), cvhp_status_name(st));
        return CLI_EXIT_FAILURE;
    }
    cvhp_diagnostics *d;
    if ((st = cvhp_config_validate(cfg, &d)) != CVHP_OK) {
        cvhp_config_free(cfg);
        return cli_fail(st, "validate");
    }
    size_t n = cvhp_diagnostics_count(d), errors = cvhp_diagnostics_error_count(d);
    for (size_t i = 0; i < n; i++)
        printf("%s: %s: %s [%s]\n", path, cvhp_severity_name(cvhp_diagnostic_severity(d, i)),
               cvhp_diagnostic_message(d, i), cvhp_diag_code_name(cvhp_diagnostic_code(d, i)));
    printf("%s: %s, model %s: %zu error%s, %zu warning%s\n", path, cvhp_task_name(cvhp_config_task(cfg)),
           cvhp_model_name(cvhp_config_model(cfg)), errors, errors == 1 ? "" : "s", n - errors,
           n - errors == 1 ? "" : "s");
    cvhp_diagnostics_free(d);
    cvhp_config_free(cfg);
    return errors ? CLI_EXIT_FAILURE : 0;
}
