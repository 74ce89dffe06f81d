/* SPDX-License-Identifier: MIT
 * JSON import/export of configs, and allocation failure everywhere a config
 * allocates. */
#include <stdio.h>
#include <stdlib.h>

#include "cvhp_test.h"

#if CVHP_TEST_HAVE_JSON /* only the import tests load */
static cvhp_config *load(cvhp_task task, const char *json, cvhp_status expect)
{
    cvhp_config *cfg = NULL;
    cvhp_status st = cvhp_config_from_json(task, json, strlen(json), NULL, &cfg);
    ck_assert_msg(st == expect, "%s: got %s (%s)", json, cvhp_status_name(st), cvhp_last_error_message());
    if (st != CVHP_OK)
        ck_assert_ptr_null(cfg);
    return cfg;
}
#endif

static char *to_json(const cvhp_config *cfg, uint32_t flags)
{
    size_t need = 0;
    ck_assert_status(cvhp_config_to_json(cfg, flags, NULL, 0, &need), CVHP_ERR_BUFFER_TOO_SMALL);
    char *buf = malloc(need);
    ck_assert_ptr_nonnull(buf);
    size_t need2;
    ck_assert_ok(cvhp_config_to_json(cfg, flags, buf, need, &need2));
    ck_assert_uint_eq(need, need2);
    ck_assert_uint_eq(strlen(buf) + 1, need);
    return buf;
}

START_TEST(export_shape)
{
    cvhp_config *cfg;
    ck_assert_ok(cvhp_config_new(CVHP_TASK_OBJECT_DETECTION, &cfg));
    char *j = to_json(cfg, 0);
    ck_assert_str_eq(j, "{\"task\": \"image-object-detection\", \"training_parameters\": {}}");
    free(j);
    ck_assert_ok(cvhp_config_set_from_string(cfg, "model_name", "yolov5"));
    ck_assert_ok(cvhp_config_set_from_string(cfg, "tile_grid_size", "3x2"));
    ck_assert_ok(cvhp_config_set_from_string(cfg, "learning_rate", "0.02"));
    ck_assert_ok(cvhp_config_set_from_string(cfg, "multi_scale", "1"));
    ck_assert_ok(cvhp_config_set_from_string(cfg, "checkpoint_run_id", "a\"b\\c\n"));
    j = to_json(cfg, 0);
    ck_assert_str_eq(j, "{\"task\": \"image-object-detection\", \"training_parameters\": {\"model_name\": \"yolov5\", "
                        "\"learning_rate\": 0.02, \"checkpoint_run_id\": \"a\\\"b\\\\c\\n\", \"multi_scale\": true, "
                        "\"tile_grid_size\": \"3x2\"}}");
    free(j);
    j = to_json(cfg, CVHP_JSON_EFFECTIVE | CVHP_JSON_PRETTY);
    ck_assert_ptr_nonnull(strstr(j, "\n    \"number_of_epochs\": 30,\n"));
    ck_assert_ptr_nonnull(strstr(j, "\"box_score_threshold\": 0.1,"));
    ck_assert_ptr_null(strstr(j, "min_size")); /* not for yolov5 */
    ck_assert_ptr_null(strstr(j, "checkpoint_frequency")); /* optional, unset */
    free(j);
    char small[10];
    size_t need;
    ck_assert_status(cvhp_config_to_json(cfg, 0, small, sizeof small, &need), CVHP_ERR_BUFFER_TOO_SMALL);
    ck_assert_str_eq(small, "{\"task\": ");
    ck_assert_status(cvhp_config_to_json(cfg, 0x80, small, sizeof small, &need), CVHP_ERR_INVALID_ARGUMENT);
    ck_assert_status(cvhp_config_to_json(cfg, 0, NULL, 5, &need), CVHP_ERR_INVALID_ARGUMENT);
    cvhp_config_free(cfg);
}
END_TEST

#if CVHP_TEST_HAVE_JSON

START_TEST(import_round_trips)
{
    const char *doc = "{\"task\": \"image-object-detection\", \"training_parameters\": {"
                      "\"model_name\": \"yolov5\", \"number_of_epochs\": 40, \"learning_rate\": 0.02,"
                      "\"early_stopping\": false, \"multi_scale\": 1, \"tile_grid_size\": \"3x2\","
                      "\"model_size\": \"large\", \"checkpoint_run_id\": \"run-7\", \"img_size\": \"512\","
                      "\"box_score_thresh\": 0.25, \"layers_to_freeze\": 4.0}}";
    cvhp_config *cfg = load(0, doc, CVHP_OK);
    ck_assert_int_eq(cvhp_config_task(cfg), CVHP_TASK_OBJECT_DETECTION);
    int64_t v;
    ck_assert_ok(cvhp_config_get_int(cfg, CVHP_PARAM_IMAGE_SIZE, &v));
    ck_assert_int_eq(v, 512);
    ck_assert_ok(cvhp_config_get_int(cfg, CVHP_PARAM_LAYERS_TO_FREEZE, &v));
    ck_assert_int_eq(v, 4);
    char *out = to_json(cfg, 0);
    cvhp_config *again = load(0, out, CVHP_OK);
    char *out2 = to_json(again, 0);
    ck_assert_str_eq(out, out2);
    /* the effective export round-trips too, to the same effective values */
    char *eff = to_json(cfg, CVHP_JSON_EFFECTIVE | CVHP_JSON_PRETTY);
    cvhp_config *third = load(CVHP_TASK_OBJECT_DETECTION, eff, CVHP_OK);
    char *eff2 = to_json(third, CVHP_JSON_EFFECTIVE | CVHP_JSON_PRETTY);
    ck_assert_str_eq(eff, eff2);
    free(out), free(out2), free(eff), free(eff2);
    cvhp_config_free(third);
    cvhp_config_free(again);
    cvhp_config_free(cfg);
}
END_TEST

START_TEST(import_flat_and_merge)
{
    cvhp_config *cfg = load(CVHP_TASK_MULTICLASS, "{\"model_name\": \"vitb16r224\", \"learning_rate\": 0.3}", CVHP_OK);
    ck_assert_int_eq(cvhp_config_model(cfg), CVHP_MODEL_VITB16R224);
    const char *more = "{\"training_parameters\": {\"optimizer\": \"adam\"}}";
    ck_assert_ok(cvhp_config_load_json(cfg, more, strlen(more)));
    int32_t e;
    ck_assert_ok(cvhp_config_get_enum(cfg, CVHP_PARAM_OPTIMIZER, &e));
    ck_assert_int_eq(e, CVHP_OPTIMIZER_ADAM);
    double lr;
    ck_assert_ok(cvhp_config_get_float(cfg, CVHP_PARAM_LEARNING_RATE, &lr));
    ck_assert(lr == 0.3); /* merged, not replaced */
    /* null unsets an optional parameter */
    const char *unset = "{\"checkpoint_frequency\": 2}";
    ck_assert_ok(cvhp_config_load_json(cfg, unset, strlen(unset)));
    ck_assert(cvhp_config_is_explicit(cfg, CVHP_PARAM_CHECKPOINT_FREQUENCY));
    const char *null = "{\"checkpoint_frequency\": null}";
    ck_assert_ok(cvhp_config_load_json(cfg, null, strlen(null)));
    ck_assert(!cvhp_config_is_explicit(cfg, CVHP_PARAM_CHECKPOINT_FREQUENCY));
    /* a top-level model_name beside training_parameters */
    cvhp_config *c2 = load(CVHP_TASK_OBJECT_DETECTION,
                           "{\"model_name\": \"yolov5\", \"training_parameters\": {\"image_size\": 320}}", CVHP_OK);
    ck_assert_int_eq(cvhp_config_model(c2), CVHP_MODEL_YOLOV5);
    cvhp_config_free(c2);
    cvhp_config_free(cfg);
}
END_TEST

START_TEST(import_errors)
{
    /* malformed: line and column */
    load(CVHP_TASK_MULTICLASS, "{\n  \"learning_rate\": 0.1,\n  \"optimizer\": sgd\n}", CVHP_ERR_PARSE);
    ck_assert_msg(strncmp(cvhp_last_error_message(), "JSON line 3, column ", 20) == 0, "%s", cvhp_last_error_message());
    load(CVHP_TASK_MULTICLASS, "", CVHP_ERR_PARSE);
    load(CVHP_TASK_MULTICLASS, "[1, 2]", CVHP_ERR_PARSE);
    ck_assert_str_eq(cvhp_last_error_message(), "JSON: the document must be an object, not a list");
    load(CVHP_TASK_MULTICLASS, "{\"a\": 1, \"a\": 2}", CVHP_ERR_PARSE);
    /* unknown key names the key */
    load(CVHP_TASK_MULTICLASS, "{\"learning_rat\": 0.1}", CVHP_ERR_UNKNOWN_PARAM);
    ck_assert_str_eq(cvhp_last_error_message(), "learning_rat: no such parameter");
    load(CVHP_TASK_MULTICLASS, "{\"training_parameters\": {}, \"extra\": 1}", CVHP_ERR_UNKNOWN_PARAM);
    /* wrong types */
    load(CVHP_TASK_MULTICLASS, "{\"number_of_epochs\": [1]}", CVHP_ERR_TYPE_MISMATCH);
    ck_assert_str_eq(cvhp_last_error_message(), "number_of_epochs: expected int value, got a list");
    load(CVHP_TASK_MULTICLASS, "{\"learning_rate\": true}", CVHP_ERR_TYPE_MISMATCH);
    load(CVHP_TASK_MULTICLASS, "{\"optimizer\": 1}", CVHP_ERR_TYPE_MISMATCH);
    load(CVHP_TASK_MULTICLASS, "{\"early_stopping\": 2}", CVHP_ERR_OUT_OF_RANGE);
    load(CVHP_TASK_MULTICLASS, "{\"number_of_epochs\": 4.5}", CVHP_ERR_INVALID_VALUE);
    load(CVHP_TASK_MULTICLASS, "{\"learning_rate\": null}", CVHP_ERR_TYPE_MISMATCH);
    load(CVHP_TASK_MULTICLASS, "{\"training_parameters\": 3}", CVHP_ERR_TYPE_MISMATCH);
    /* bad enum */
    load(CVHP_TASK_MULTICLASS, "{\"optimizer\": \"rmsprop\"}", CVHP_ERR_INVALID_VALUE);
    load(CVHP_TASK_MULTICLASS, "{\"model_name\": \"yolov5\"}", CVHP_ERR_INVALID_VALUE);
    /* ranges */
    load(CVHP_TASK_MULTICLASS, "{\"learning_rate\": 1.5}", CVHP_ERR_OUT_OF_RANGE);
    ck_assert_str_eq(cvhp_last_error_message(), "learning_rate: 1.5 is outside [0, 1]");
    /* tasks */
    load(CVHP_TASK_MULTICLASS, "{\"task\": \"image-object-detection\", \"training_parameters\": {}}",
         CVHP_ERR_INCOMPATIBLE);
    load(0, "{\"training_parameters\": {}}", CVHP_ERR_INVALID_ARGUMENT);
    load(0, "{\"task\": \"painting\", \"training_parameters\": {}}", CVHP_ERR_INVALID_VALUE);
    /* grids */
    cvhp_config_free(load(CVHP_TASK_OBJECT_DETECTION, "{\"tile_grid_size\": [3, 2]}", CVHP_OK));
    load(CVHP_TASK_OBJECT_DETECTION, "{\"tile_grid_size\": [3, 2, 1]}", CVHP_ERR_INVALID_VALUE);
    load(CVHP_TASK_OBJECT_DETECTION, "{\"tile_grid_size\": \"3y2\"}", CVHP_ERR_INVALID_VALUE);
    /* load_json on an existing config is all or nothing */
    cvhp_config *cfg;
    ck_assert_ok(cvhp_config_new(CVHP_TASK_MULTICLASS, &cfg));
    const char *partial = "{\"number_of_epochs\": 3, \"learning_rate\": 7}";
    ck_assert_status(cvhp_config_load_json(cfg, partial, strlen(partial)), CVHP_ERR_OUT_OF_RANGE);
    ck_assert(!cvhp_config_is_explicit(cfg, CVHP_PARAM_NUMBER_OF_EPOCHS));
    ck_assert_status(cvhp_config_load_json(cfg, NULL, 0), CVHP_ERR_INVALID_ARGUMENT);
    /* inapplicable keys load, and validation reports them */
    const char *inapp = "{\"min_size\": 300}";
    ck_assert_ok(cvhp_config_load_json(cfg, inapp, strlen(inapp)));
    ck_assert_status(cvhp_config_check(cfg), CVHP_ERR_VALIDATION);
    cvhp_config_free(cfg);
}
END_TEST

#else

START_TEST(import_unsupported_without_jansson)
{
    cvhp_config *cfg = NULL;
    ck_assert(!cvhp_have_json());
    ck_assert_status(cvhp_config_from_json(CVHP_TASK_MULTICLASS, "{}", 2, NULL, &cfg), CVHP_ERR_UNSUPPORTED);
    ck_assert_ptr_null(cfg);
}
END_TEST

#endif

/* ----------------------------------------------------- allocation failure */

typedef struct {
    long calls, fail_at, live;
} failing;

static void *fail_alloc(void *user, size_t size)
{
    failing *f = user;
    if (++f->calls == f->fail_at)
        return NULL;
    void *p = malloc(size);
    if (p)
        f->live++;
    return p;
}

static void fail_free(void *user, void *ptr)
{
    failing *f = user;
    f->live--;
    free(ptr);
}

/* One scenario touching every allocating entry point; returns the first failing status. */
static cvhp_status scenario(const cvhp_allocator *a)
{
    cvhp_config *cfg = NULL, *copy = NULL;
    cvhp_diagnostics *d = NULL;
    cvhp_status st = cvhp_config_new_with_allocator(CVHP_TASK_OBJECT_DETECTION, a, &cfg);
    if (st == CVHP_OK)
        st = cvhp_config_set_from_string(cfg, "checkpoint_run_id", "run-1");
    if (st == CVHP_OK)
        st = cvhp_config_set_from_string(cfg, "checkpoint_run_id", "run-2");
    if (st == CVHP_OK) {
        const char *args[] = {"--number_of_epochs=3", "--checkpoint_run_id", "run-3"};
        st = cvhp_config_load_args(cfg, 3, args);
    }
    if (st == CVHP_OK)
        st = cvhp_config_clone(cfg, &copy);
    if (st == CVHP_OK) {
        /* enough diagnostics to make the list grow past its first block */
        const char *bad[] = {"--training_crop_size=5", "--validation_crop_size=5", "--validation_resize_size=5",
                             "--weighted_loss=1", "--mask_pixel_score_threshold=0.2", "--image_type=png",
                             "--export_as_image=1", "--max_number_of_polygon_points=7", "--image_size=64",
                             "--multi_scale=1", "--beta1=0.5"};
        st = cvhp_config_load_args(copy, 11, bad);
    }
    if (st == CVHP_OK)
        st = cvhp_config_validate(copy, &d);
    if (st == CVHP_OK && cvhp_diagnostics_count(d) < 10)
        st = CVHP_ERR_INTERNAL;
    if (st == CVHP_OK) {
        cvhp_status c = cvhp_config_check(copy);
        st = c == CVHP_ERR_VALIDATION ? CVHP_OK : c;
    }
#if CVHP_TEST_HAVE_JSON
    if (st == CVHP_OK) {
        const char *j = "{\"checkpoint_run_id\": \"run-json\", \"learning_rate\": 0.1}";
        st = cvhp_config_load_json(cfg, j, strlen(j));
    }
    if (st == CVHP_OK) {
        cvhp_config *fromj = NULL;
        const char *j = "{\"task\": \"multiclass\", \"training_parameters\": {\"checkpoint_run_id\": \"x\"}}";
        st = cvhp_config_from_json(0, j, strlen(j), a, &fromj);
        cvhp_config_free(fromj);
    }
#endif
    cvhp_diagnostics_free(d);
    cvhp_config_free(copy);
    cvhp_config_free(cfg);
    return st;
}

START_TEST(allocation_failure_at_every_call)
{
    /* count the allocations of a clean run */
    failing f = {0, -1, 0};
    cvhp_allocator a = {fail_alloc, fail_free, &f};
    ck_assert_ok(scenario(&a));
    ck_assert_int_eq(f.live, 0);
    const long total = f.calls;
    ck_assert_int_gt(total, 8);
    for (long n = 1; n <= total; n++) {
        failing g = {0, n, 0};
        cvhp_allocator b = {fail_alloc, fail_free, &g};
        cvhp_status st = scenario(&b);
        ck_assert_msg(st == CVHP_ERR_OUT_OF_MEMORY, "failing allocation %ld of %ld gave %s", n, total,
                      cvhp_status_name(st));
        ck_assert_msg(g.live == 0, "failing allocation %ld leaked %ld blocks", n, g.live);
    }
}
END_TEST

Suite *cvhp_test_suite(void)
{
    Suite *s = suite_create("json");
    TCase *tc = tcase_create("json");
    tcase_add_test(tc, export_shape);
#if CVHP_TEST_HAVE_JSON
    tcase_add_test(tc, import_round_trips);
    tcase_add_test(tc, import_flat_and_merge);
    tcase_add_test(tc, import_errors);
#else
    tcase_add_test(tc, import_unsupported_without_jansson);
#endif
    suite_add_tcase(s, tc);
    tc = tcase_create("alloc");
    tcase_add_test(tc, allocation_failure_at_every_call);
    suite_add_tcase(s, tc);
    return s;
}
