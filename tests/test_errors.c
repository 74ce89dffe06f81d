/* SPDX-License-Identifier: MIT
 * Status codes, their strings, and the thread-local detail message. */
#include <pthread.h>
#include <stdio.h>

#include "../lib/internal.h"
#include "cvhp_test.h"

/* The numeric values are ABI: pin every one of them. */
START_TEST(status_values_are_stable)
{
    ck_assert_int_eq(CVHP_OK, 0);
    ck_assert_int_eq(CVHP_ERR_INVALID_ARGUMENT, 1);
    ck_assert_int_eq(CVHP_ERR_OUT_OF_MEMORY, 2);
    ck_assert_int_eq(CVHP_ERR_UNKNOWN_PARAM, 3);
    ck_assert_int_eq(CVHP_ERR_TYPE_MISMATCH, 4);
    ck_assert_int_eq(CVHP_ERR_OUT_OF_RANGE, 5);
    ck_assert_int_eq(CVHP_ERR_INVALID_VALUE, 6);
    ck_assert_int_eq(CVHP_ERR_INCOMPATIBLE, 7);
    ck_assert_int_eq(CVHP_ERR_BUFFER_TOO_SMALL, 8);
    ck_assert_int_eq(CVHP_ERR_UNSUPPORTED, 9);
    ck_assert_int_eq(CVHP_ERR_OVERFLOW, 10);
    ck_assert_int_eq(CVHP_ERR_PARSE, 11);
    ck_assert_int_eq(CVHP_ERR_IO, 12);
    ck_assert_int_eq(CVHP_ERR_NOT_SET, 13);
    ck_assert_int_eq(CVHP_ERR_VALIDATION, 14);
    ck_assert_int_eq(CVHP_ERR_INTERNAL, 99);
}
END_TEST

START_TEST(status_strings)
{
    ck_assert_str_eq(cvhp_status_str(CVHP_OK), "success");
    ck_assert_str_eq(cvhp_status_name(CVHP_ERR_OUT_OF_RANGE), "CVHP_ERR_OUT_OF_RANGE");
    ck_assert_str_eq(cvhp_status_str(CVHP_ERR_OUT_OF_MEMORY), "out of memory");
    /* every defined code has its own name and text; unknown codes still give text */
    const char *seen[100] = {0};
    for (int s = 0; s < 100; s++) {
        const char *name = cvhp_status_name((cvhp_status)s);
        const char *text = cvhp_status_str((cvhp_status)s);
        ck_assert_ptr_nonnull(name);
        ck_assert_ptr_nonnull(text);
        if (strcmp(name, "CVHP_ERR_UNKNOWN_STATUS") == 0) {
            ck_assert_str_eq(text, "unknown status");
            continue;
        }
        for (int t = 0; t < s; t++)
            if (seen[t])
                ck_assert_str_ne(seen[t], name);
        seen[s] = name;
    }
    ck_assert_str_eq(cvhp_status_name((cvhp_status)-1), "CVHP_ERR_UNKNOWN_STATUS");
    ck_assert_str_eq(cvhp_status_str((cvhp_status)1000), "unknown status");
}
END_TEST

START_TEST(last_error_records_failures_only)
{
    cvhp_clear_error(); /* earlier tests share this thread when CK_FORK=no */
    ck_assert_str_eq(cvhp_last_error_message(), "");
    ck_assert_int_eq(cvhp_last_error(), CVHP_OK);
    ck_assert_status(cvhp_box_area(NULL, 3, NULL), CVHP_ERR_INVALID_ARGUMENT);
    ck_assert_str_eq(cvhp_last_error_message(), "cvhp_box_area: boxes is NULL with n = 3");
    ck_assert_int_eq(cvhp_last_error(), CVHP_ERR_INVALID_ARGUMENT);
    /* a success does not erase it (errno semantics) */
    float area;
    const float box[4] = {0, 0, 2, 3};
    ck_assert_ok(cvhp_box_area(box, 1, &area));
    ck_assert_int_eq(cvhp_last_error(), CVHP_ERR_INVALID_ARGUMENT);
    cvhp_clear_error();
    ck_assert_str_eq(cvhp_last_error_message(), "");
    ck_assert_int_eq(cvhp_last_error(), CVHP_OK);
}
END_TEST

START_TEST(long_messages_are_truncated_safely)
{
    char big[2000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    ck_assert_int_eq(cvhp__error(CVHP_ERR_PARSE, "key %s", big), CVHP_ERR_PARSE);
    const char *m = cvhp_last_error_message();
    ck_assert_uint_lt(strlen(m), 512);
    ck_assert_int_eq(strncmp(m, "key xxx", 7), 0);
    /* formatting the message with itself as argument is safe */
    cvhp__error(CVHP_ERR_PARSE, "again: %s", cvhp_last_error_message());
    ck_assert_int_eq(strncmp(cvhp_last_error_message(), "again: key xxx", 14), 0);
}
END_TEST

START_TEST(fmt_double_round_trips)
{
    char buf[64];
    cvhp__fmt_double(buf, sizeof buf, 0.1);
    ck_assert_str_eq(buf, "0.1");
    cvhp__fmt_double(buf, sizeof buf, 1.5);
    ck_assert_str_eq(buf, "1.5");
    cvhp__fmt_double(buf, sizeof buf, 1e-4);
    ck_assert_str_eq(buf, "0.0001");
    cvhp__fmt_double(buf, sizeof buf, (double)0.1f);
    ck_assert_str_eq(buf, "0.10000000149011612");
    cvhp__fmt_double(buf, sizeof buf, NAN);
    ck_assert_str_eq(buf, "nan");
    cvhp__fmt_double(buf, sizeof buf, -INFINITY);
    ck_assert_str_eq(buf, "-inf");
}
END_TEST

/* Each thread fails with its own message many times and must only ever see
 * its own text: the detail is thread-local. */
#define N_THREADS 8
#define N_ROUNDS 2000

static void *thread_errors(void *arg)
{
    const int id = (int)(intptr_t)arg;
    char expect[64];
    snprintf(expect, sizeof expect, "cvhp_box_area: boxes is NULL with n = %d", id + 1);
    for (int r = 0; r < N_ROUNDS; r++) {
        if (cvhp_box_area(NULL, (size_t)id + 1, NULL) != CVHP_ERR_INVALID_ARGUMENT)
            return (void *)1;
        if (strcmp(cvhp_last_error_message(), expect) != 0)
            return (void *)2;
    }
    return NULL;
}

START_TEST(messages_are_thread_local)
{
    cvhp_clear_error();
    pthread_t t[N_THREADS];
    for (int i = 0; i < N_THREADS; i++)
        ck_assert_int_eq(pthread_create(&t[i], NULL, thread_errors, (void *)(intptr_t)i), 0);
    for (int i = 0; i < N_THREADS; i++) {
        void *ret;
        ck_assert_int_eq(pthread_join(t[i], &ret), 0);
        ck_assert_msg(ret == NULL, "thread %d saw a foreign or missing message (%p)", i, ret);
    }
    /* the main thread never failed, so its message is untouched */
    ck_assert_str_eq(cvhp_last_error_message(), "");
}
END_TEST

START_TEST(version_matches_headers)
{
    ck_assert_uint_eq(cvhp_version(), CVHP_VERSION_NUMBER);
    ck_assert_str_eq(cvhp_version_string(), CVHP_VERSION_STRING);
    char buf[32];
    snprintf(buf, sizeof buf, "%d.%d.%d", CVHP_VERSION_MAJOR, CVHP_VERSION_MINOR, CVHP_VERSION_PATCH);
    ck_assert_str_eq(cvhp_version_string(), buf);
    ck_assert(CVHP_VERSION_CHECK(CVHP_VERSION_MAJOR, CVHP_VERSION_MINOR, CVHP_VERSION_PATCH));
    ck_assert(!CVHP_VERSION_CHECK(CVHP_VERSION_MAJOR + 1, 0, 0));
}
END_TEST

Suite *cvhp_test_suite(void)
{
    Suite *s = suite_create("errors");
    TCase *tc = tcase_create("status");
    tcase_add_test(tc, status_values_are_stable);
    tcase_add_test(tc, status_strings);
    tcase_add_test(tc, last_error_records_failures_only);
    tcase_add_test(tc, long_messages_are_truncated_safely);
    tcase_add_test(tc, fmt_double_round_trips);
    tcase_add_test(tc, messages_are_thread_local);
    tcase_add_test(tc, version_matches_headers);
    suite_add_tcase(s, tc);
    return s;
}
