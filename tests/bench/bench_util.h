/* SPDX-License-Identifier: MIT
 * The C benchmarks' shared helpers: a monotonic clock in milliseconds, a
 * comparator for medians, and a seeded xorshift generator. */
#ifndef CVHP_BENCH_UTIL_H
#define CVHP_BENCH_UTIL_H

#include <stdint.h>
#include <string.h>
#include <time.h>

static inline double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static inline int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static uint64_t rng_s = 88172645463325252ull;

/* uniform in [0, 1) */
static inline double urand(void)
{
    rng_s ^= rng_s << 13, rng_s ^= rng_s >> 7, rng_s ^= rng_s << 17;
    return (double)(rng_s >> 11) * (1.0 / 9007199254740992.0);
}

/* The median and minimum of `runs` timings of stmt (after one warm-up run;
 * runs <= 64). */
#define BENCH_TIME(median, minimum, runs, stmt)                                        \
    do {                                                                               \
        double t_[64];                                                                 \
        const int runs_ = (runs);                                                      \
        stmt;                                                                          \
        for (int r_ = 0; r_ < runs_; r_++) {                                           \
            const double a_ = now_ms();                                                \
            stmt;                                                                      \
            t_[r_] = now_ms() - a_;                                                    \
        }                                                                              \
        qsort(t_, (size_t)runs_, sizeof t_[0], cmp_d);                                 \
        median = t_[runs_ / 2], minimum = t_[0];                                       \
    } while (0)

/* argv: [--quick] [filter]; returns the filter (NULL: everything). */
static inline const char *bench_args(int argc, char **argv, int *quick)
{
    const char *filter = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0)
            *quick = 1;
        else
            filter = argv[i];
    }
    return filter;
}

#endif
