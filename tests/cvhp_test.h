/* SPDX-License-Identifier: MIT
 * Helpers shared by the Check suites. Tests link libcvhp's objects directly,
 * so they may call internal cvhp__ functions too. */
#ifndef CVHP_TEST_H
#define CVHP_TEST_H

#include <check.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include <cvhp/cvhp.h>

Suite *cvhp_test_suite(void);

/* Assert a call returns the expected status; on mismatch show the message. */
#define ck_assert_status(call, expected)                                              \
    do {                                                                              \
        cvhp_status st_ = (call);                                                     \
        ck_assert_msg(st_ == (expected), "%s returned %s, expected %s (message: %s)", \
                      #call, cvhp_status_name(st_), cvhp_status_name(expected),        \
                      cvhp_last_error_message());                                     \
    } while (0)

#define ck_assert_ok(call) ck_assert_status(call, CVHP_OK)

/* Deterministic xorshift64* generator so every run sees the same data. */
typedef struct {
    uint64_t s;
} test_rng;

static inline uint64_t test_rng_next(test_rng *r)
{
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return r->s * 2685821657736338717ULL;
}

/* Uniform float in [lo, hi). */
static inline float test_rng_float(test_rng *r, float lo, float hi)
{
    return lo + (hi - lo) * (float)((test_rng_next(r) >> 40) * (1.0 / 16777216.0));
}

/* Bitwise equality, treating any two NaNs as equal (payloads are unspecified). */
static inline int test_same_float(float a, float b)
{
    if (isnan(a) || isnan(b))
        return isnan(a) && isnan(b);
    uint32_t ua, ub;
    memcpy(&ua, &a, 4);
    memcpy(&ub, &b, 4);
    return ua == ub;
}

#endif
