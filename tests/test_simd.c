/* SPDX-License-Identifier: MIT
 * The ISA cross-check: every instruction-set path compiled into the library
 * and runnable on this CPU is forced in turn, shown to be the path actually
 * taken, and compared bit for bit with the scalar reference. Paths compiled
 * in but not runnable here are reported on stderr (never silently passed). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/build_config.h"
#include "../lib/internal.h"
#include "../lib/kernels.h"
#include "cvhp_test.h"

static const cvhp_isa all_isas[] = {CVHP_ISA_SCALAR, CVHP_ISA_SSE41, CVHP_ISA_AVX2,
                                    CVHP_ISA_AVX512, CVHP_ISA_NEON};
#define N_ISAS (sizeof all_isas / sizeof all_isas[0])

/* Boxes with every kind of value: ordinary, inverted, zero-size, huge,
 * subnormal, NaN and infinite coordinates. */
static void fill_boxes(float *b, size_t n, uint64_t seed)
{
    test_rng r = {seed};
    static const float specials[] = {0.0f, -0.0f, NAN, INFINITY, -INFINITY, 1e-40f, 3e38f, -3e38f};
    for (size_t i = 0; i < n; i++) {
        float x1 = test_rng_float(&r, -100, 2000), y1 = test_rng_float(&r, -100, 2000);
        float x2 = x1 + test_rng_float(&r, -10, 300), y2 = y1 + test_rng_float(&r, -10, 300);
        float *p = b + 4 * i;
        p[0] = x1, p[1] = y1, p[2] = x2, p[3] = y2;
        if (test_rng_next(&r) % 8 == 0)
            p[test_rng_next(&r) % 4] = specials[test_rng_next(&r) % 8];
    }
}

/* Forcing each level really changes the path taken, and each path agrees
 * with the scalar reference on every length (tails included). */
START_TEST(box_area_every_isa_matches_scalar)
{
    int ran = 0;
    for (size_t k = 0; k < N_ISAS; k++) {
        const cvhp_isa isa = all_isas[k];
        if (!cvhp_isa_compiled(isa))
            continue;
        if (!cvhp_isa_supported(isa)) {
            fprintf(stderr, "test_simd: %s is compiled in but this CPU cannot run it: NOT TESTED here\n",
                    cvhp_isa_name(isa));
            continue;
        }
        ck_assert_ok(cvhp_set_max_isa(isa));
        ck_assert_int_eq(cvhp_active_isa(), isa);
        for (size_t n = 0; n <= 67; n++) {
            float boxes[4 * 67], got[67], want[67];
            fill_boxes(boxes, n, 0x9E3779B97F4A7C15ULL + n);
            cvhp__box_area_scalar(boxes, n, want);
            cvhp__last_dispatch = CVHP_ISA_AUTO;
            ck_assert_ok(cvhp_box_area(boxes, n, got));
            /* the SSE4.1 level has no box-area kernel: it falls back to scalar */
            const cvhp_isa expect = isa == CVHP_ISA_SSE41 ? CVHP_ISA_SCALAR : isa;
            ck_assert_msg(cvhp__last_dispatch == expect, "forced %s but %s ran", cvhp_isa_name(isa),
                          cvhp_isa_name(cvhp__last_dispatch));
            for (size_t i = 0; i < n; i++)
                ck_assert_msg(test_same_float(got[i], want[i]), "%s n=%zu i=%zu: %a vs %a",
                              cvhp_isa_name(isa), n, i, (double)got[i], (double)want[i]);
        }
        fprintf(stderr, "test_simd: box_area on %s matches scalar\n", cvhp_isa_name(isa));
        ran++;
    }
    ck_assert_int_ge(ran, 1);
    ck_assert_ok(cvhp_set_max_isa(CVHP_ISA_AUTO));
    ck_assert_int_eq(cvhp_active_isa(), cvhp_cpu_isa());
}
END_TEST

/* The large-n path against a direct call of each variant. */
START_TEST(box_area_large_direct_variants)
{
    const size_t n = 100003;
    float *boxes = malloc(n * 4 * sizeof *boxes), *want = malloc(n * sizeof *want),
          *got = malloc(n * sizeof *got);
    ck_assert(boxes && want && got);
    fill_boxes(boxes, n, 42);
    cvhp__box_area_scalar(boxes, n, want);
    struct {
        cvhp_isa isa;
        void (*fn)(const float *, size_t, float *);
    } variants[] = {
#if CVHP_HAVE_AVX2
        {CVHP_ISA_AVX2, cvhp__box_area_avx2},
#endif
#if CVHP_HAVE_AVX512
        {CVHP_ISA_AVX512, cvhp__box_area_avx512},
#endif
#if CVHP_HAVE_NEON
        {CVHP_ISA_NEON, cvhp__box_area_neon},
#endif
        {CVHP_ISA_SCALAR, cvhp__box_area_scalar},
    };
    for (size_t v = 0; v < sizeof variants / sizeof variants[0]; v++) {
        if (!cvhp_isa_supported(variants[v].isa))
            continue;
        memset(got, 0, n * sizeof *got);
        variants[v].fn(boxes, n, got);
        for (size_t i = 0; i < n; i++)
            ck_assert_msg(test_same_float(got[i], want[i]), "%s i=%zu",
                          cvhp_isa_name(variants[v].isa), i);
    }
    free(boxes), free(want), free(got);
}
END_TEST

/* The mask kernels, every variant compiled in and runnable here, against
 * the scalar references: every width from 1 to 200 (each tail length, one
 * to four words), scores on both sides of the threshold, equal to it, NaN,
 * signed zeros and infinities; the output words start as garbage, so a
 * variant that ORs instead of writing whole words, or leaves bits set past
 * the width, fails. */
typedef struct {
    cvhp_isa isa;
    cvhp__threshold_bits_fn thr;
    cvhp__nonzero_bits_fn nz;
    cvhp__rdp_far_fn far;
} mask_variant;

static const mask_variant mask_variants[] = {
#if CVHP_HAVE_AVX2
    {CVHP_ISA_AVX2, cvhp__threshold_bits_avx2, cvhp__nonzero_bits_avx2, cvhp__rdp_far_avx2},
#endif
#if CVHP_HAVE_AVX512
    {CVHP_ISA_AVX512, cvhp__threshold_bits_avx512, cvhp__nonzero_bits_avx512, cvhp__rdp_far_avx512},
#endif
#if CVHP_HAVE_NEON
    {CVHP_ISA_NEON, cvhp__threshold_bits_neon, cvhp__nonzero_bits_neon, cvhp__rdp_far_neon},
#endif
    {CVHP_ISA_SCALAR, cvhp__threshold_bits_scalar, cvhp__nonzero_bits_scalar, cvhp__rdp_far_scalar},
};
#define N_MASK_VARIANTS (sizeof mask_variants / sizeof mask_variants[0])

START_TEST(mask_row_kernels_match_definition)
{
    static const float specials[] = {0.5f, 0.0f, -0.0f, NAN, -NAN, INFINITY, -INFINITY, 0.50000006f, 0.49999997f};
    test_rng r = {7};
    float row[200];
    uint8_t u8[200];
    int ran = 0;
    for (size_t v = 0; v < N_MASK_VARIANTS; v++) {
        const mask_variant *mv = &mask_variants[v];
        if (!cvhp_isa_supported(mv->isa)) {
            fprintf(stderr, "test_simd: %s mask kernels compiled in but this CPU cannot run them: NOT TESTED here\n",
                    cvhp_isa_name(mv->isa));
            continue;
        }
        ran++;
        for (size_t width = 1; width <= 200; width++)
            for (int rep = 0; rep < 4; rep++) {
                for (size_t c = 0; c < width; c++) {
                    const uint64_t k = test_rng_next(&r) % 4;
                    row[c] = k == 0 ? specials[test_rng_next(&r) % 9] : test_rng_float(&r, -1, 2);
                    u8[c] = k == 0 ? 0 : (uint8_t)(test_rng_next(&r) % 3 ? test_rng_next(&r) : 0);
                }
                uint64_t bits[5], nz[5];
                for (int w = 0; w < 5; w++)
                    bits[w] = nz[w] = 0xA5A5A5A5A5A5A5A5ull;
                mv->thr(row, width, 0.5f, bits);
                mv->nz(u8, width, nz);
                const size_t words = (width + 63) / 64;
                for (size_t c = 0; c < 64 * words; c++) {
                    const int want = c < width && row[c] > 0.5f, got = (int)(bits[c / 64] >> (c % 64) & 1);
                    ck_assert_msg(got == want, "%s threshold width %zu bit %zu: %d, expected %d", cvhp_isa_name(mv->isa),
                                  width, c, got, want);
                    const int wnz = c < width && u8[c] != 0, gnz = (int)(nz[c / 64] >> (c % 64) & 1);
                    ck_assert_msg(gnz == wnz, "%s nonzero width %zu bit %zu: %d, expected %d", cvhp_isa_name(mv->isa),
                                  width, c, gnz, wnz);
                }
                ck_assert_msg(bits[words] == 0xA5A5A5A5A5A5A5A5ull && nz[words] == 0xA5A5A5A5A5A5A5A5ull,
                              "%s width %zu wrote past its words", cvhp_isa_name(mv->isa), width);
            }
    }
    ck_assert_int_ge(ran, 1);
}
END_TEST

/* A contour-like coordinate: one of 0, 1/2, ..., (k - 1) / 2 */
static double half_integer(test_rng *r, unsigned k) { return (double)(test_rng_next(r) % k) / 2; }

/* The farthest point of a range: half-integer vertices (as contours have),
 * many ties (equal distances on both sides of a chord, repeated points),
 * ranges of every length up to 70 at every offset, and chords through no,
 * one or all of the points. Each variant gives the first maximum, or hi. */
START_TEST(rdp_far_matches_scalar)
{
    enum { N = 96 };
    double rr[N], cc[N];
    test_rng r = {11};
    int ran = 0;
    for (int trial = 0; trial < 60; trial++) {
        for (int i = 0; i < N; i++) {
            const int flat = trial % 5 == 0; /* every point on one line: no maximum */
            rr[i] = flat ? 3.5 : half_integer(&r, 9);
            cc[i] = flat ? (double)i / 2 : half_integer(&r, 9);
        }
        for (size_t v = 0; v < N_MASK_VARIANTS; v++) {
            const mask_variant *mv = &mask_variants[v];
            if (!cvhp_isa_supported(mv->isa))
                continue;
            ran++;
            for (size_t lo = 0; lo < 20; lo += 3)
                for (size_t hi = lo; hi <= lo + 70 && hi <= N; hi++) {
                    const double ar = rr[lo], ac = cc[lo];
                    const double er = (trial % 5 == 0 ? 0 : rr[N - 1]) - ar, ec = cc[N - 1] - ac;
                    const size_t want = cvhp__rdp_far_scalar(rr, cc, lo, hi, ar, ac, er, ec);
                    const size_t got = mv->far(rr, cc, lo, hi, ar, ac, er, ec);
                    ck_assert_msg(got == want, "%s trial %d [%zu, %zu): %zu, expected %zu", cvhp_isa_name(mv->isa), trial,
                                  lo, hi, got, want);
                }
        }
    }
    /* the scalar reference itself: first maximum, hi when none is > 0 */
    const double pr[] = {0, 1, 2, 1, 2, 0}, pc[] = {0, 1, 2, 3, 2, 4};
    ck_assert_uint_eq(cvhp__rdp_far_scalar(pr, pc, 1, 5, 0, 0, 0, 4), 2); /* rows 2 at 2 and 4: the first */
    ck_assert_uint_eq(cvhp__rdp_far_scalar(pr, pc, 1, 1, 0, 0, 0, 4), 1);
    const double zr[] = {0, 0, 0}, zc[] = {0, 1, 2};
    ck_assert_uint_eq(cvhp__rdp_far_scalar(zr, zc, 1, 2, 0, 0, 0, 2), 2);
    ck_assert_int_ge(ran, 60);
}
END_TEST

/* The farthest point from a closed contour's start: a loop written here
 * against the plain and AVX2 builds, on half-integer points in a small
 * box (many equal distances, in the same and in different lanes), every
 * length up to 70 at several offsets, and a range of copies of the start
 * (no distance > 0: b). */
static size_t far_from_loop(const double *r, const double *c, size_t a, size_t b)
{
    size_t idx = b;
    double qmax = 0;
    for (size_t i = a + 1; i < b; i++) {
        const double q = (r[i] - r[a]) * (r[i] - r[a]) + (c[i] - c[a]) * (c[i] - c[a]);
        if (q > qmax)
            qmax = q, idx = i;
    }
    return idx;
}

START_TEST(rdp_far_from_matches_a_loop)
{
    enum { N = 96 };
    double rr[N], cc[N];
    test_rng r = {12};
    int ran = 0;
    for (int trial = 0; trial < 60; trial++) {
        for (int i = 0; i < N; i++) {
            const int same = trial % 7 == 0; /* every point the start */
            rr[i] = same ? 1.5 : half_integer(&r, 5);
            cc[i] = same ? 2.5 : half_integer(&r, 5);
        }
        for (size_t a = 0; a < 20; a += 3)
            for (size_t b = a + 1; b <= a + 70 && b < N; b++) {
                const size_t want = far_from_loop(rr, cc, a, b);
                ck_assert_uint_eq(cvhp__rdp_far_from_scalar(rr, cc, a, b), want);
#if CVHP_HAVE_AVX2 && defined(__x86_64__)
                if (cvhp_isa_supported(CVHP_ISA_AVX2)) {
                    ck_assert_msg(cvhp__rdp_far_from_avx2(rr, cc, a, b) == want, "trial %d (%zu, %zu): %zu, expected %zu",
                                  trial, a, b, cvhp__rdp_far_from_avx2(rr, cc, a, b), want);
                    ran++;
                }
#endif
            }
    }
#if CVHP_HAVE_AVX2 && defined(__x86_64__)
    ck_assert_int_eq(ran, cvhp_isa_supported(CVHP_ISA_AVX2) ? 60 * 7 * 70 : 0);
#endif
    (void)ran;
}
END_TEST

/* The corners of a cycle of packed points: walks of lattice steps drawn
 * from a few (long straight runs and turns, in every lane position), every
 * range [lo, hi) inside, against the definition written here; the AVX2
 * build must match and stay within its room (3 points past the last, the
 * output allocated to exactly that, so ASan sees an overrun). */
START_TEST(corners_match_the_definition)
{
    enum { N = 80 };
    static const uint64_t steps[4] = {1, (uint64_t)1 << 32, (uint64_t)0 - 1, ((uint64_t)1 << 32) + 1};
    uint64_t p[N];
    test_rng r = {13};
    int ran = 0;
    for (int trial = 0; trial < 40; trial++) {
        p[0] = (uint64_t)100 << 32 | 100;
        uint64_t s = steps[0];
        for (int i = 1; i < N; i++) {
            if (test_rng_next(&r) % (1 + trial % 4) == 0) /* turn often, or seldom */
                s = steps[test_rng_next(&r) % 4];
            p[i] = p[i - 1] + s;
        }
        for (size_t lo = 1; lo < 12; lo++)
            for (size_t hi = lo; hi + 1 <= N; hi++) {
                uint64_t want[N];
                size_t nw = 0;
                for (size_t i = lo; i < hi; i++)
                    if (p[i] - p[i - 1] != p[i + 1] - p[i])
                        want[nw++] = p[i];
                uint64_t *out = malloc((hi - lo + 3) * sizeof *out);
                size_t n = cvhp__corners_scalar(p, lo, hi, out);
                ck_assert_uint_eq(n, nw);
                ck_assert(n == 0 || memcmp(out, want, n * sizeof *out) == 0);
#if CVHP_HAVE_AVX2 && defined(__x86_64__)
                if (cvhp_isa_supported(CVHP_ISA_AVX2)) {
                    n = cvhp__corners_avx2(p, lo, hi, out);
                    ck_assert_msg(n == nw && (n == 0 || memcmp(out, want, n * sizeof *out) == 0),
                                  "trial %d [%zu, %zu): %zu corners, expected %zu", trial, lo, hi, n, nw);
                    ran++;
                }
#endif
                free(out);
            }
    }
#if CVHP_HAVE_AVX2 && defined(__x86_64__)
    ck_assert_int_eq(ran > 0, cvhp_isa_supported(CVHP_ISA_AVX2));
#endif
    (void)ran;
}
END_TEST

START_TEST(box_area_semantics)
{
    const float b[] = {0, 0, 10, 5,   /* 50 */
                       10, 10, 0, 0,  /* inverted: (-10)*(-10) = 100, as torchvision */
                       5, 5, 5, 9,    /* zero width */
                       0, 0, NAN, 1}; /* NaN propagates */
    float a[4];
    ck_assert_ok(cvhp_box_area(b, 4, a));
    ck_assert_float_eq(a[0], 50.0f);
    ck_assert_float_eq(a[1], 100.0f);
    ck_assert_float_eq(a[2], 0.0f);
    ck_assert(isnan(a[3]));
}
END_TEST

START_TEST(box_area_bad_arguments)
{
    float b[8] = {0}, out[2];
    ck_assert_status(cvhp_box_area(NULL, 1, out), CVHP_ERR_INVALID_ARGUMENT);
    ck_assert_status(cvhp_box_area(b, 1, NULL), CVHP_ERR_INVALID_ARGUMENT);
    ck_assert_ok(cvhp_box_area(NULL, 0, NULL));
    ck_assert_status(cvhp_box_area(b, SIZE_MAX / 8, out), CVHP_ERR_OVERFLOW);
    ck_assert_str_eq(cvhp_last_error_message(),
                     "cvhp_box_area: n = 2305843009213693951 boxes overflows size_t");
    ck_assert_status(cvhp_box_area(b, 2, b + 2), CVHP_ERR_INVALID_ARGUMENT);
    ck_assert_str_eq(cvhp_last_error_message(), "cvhp_box_area: out overlaps boxes");
}
END_TEST

START_TEST(isa_names_and_caps)
{
    cvhp_isa isa;
    for (size_t k = 0; k < N_ISAS; k++) {
        ck_assert_ok(cvhp_isa_from_name(cvhp_isa_name(all_isas[k]), &isa));
        ck_assert_int_eq(isa, all_isas[k]);
    }
    ck_assert_ok(cvhp_isa_from_name("AVX2", &isa));
    ck_assert_int_eq(isa, CVHP_ISA_AVX2);
    ck_assert_ok(cvhp_isa_from_name("avx-512", &isa));
    ck_assert_int_eq(isa, CVHP_ISA_AVX512);
    ck_assert_ok(cvhp_isa_from_name("none", &isa));
    ck_assert_int_eq(isa, CVHP_ISA_SCALAR);
    ck_assert_status(cvhp_isa_from_name("mmx", &isa), CVHP_ERR_INVALID_VALUE);
    ck_assert_status(cvhp_isa_from_name(NULL, &isa), CVHP_ERR_INVALID_ARGUMENT);
    ck_assert_str_eq(cvhp_isa_name((cvhp_isa)12345), "unknown");
    ck_assert_status(cvhp_set_max_isa((cvhp_isa)12345), CVHP_ERR_INVALID_ARGUMENT);
#if defined(__x86_64__)
    ck_assert_status(cvhp_set_max_isa(CVHP_ISA_NEON), CVHP_ERR_UNSUPPORTED);
    ck_assert(!cvhp_isa_compiled(CVHP_ISA_NEON));
#elif defined(__aarch64__)
    ck_assert_status(cvhp_set_max_isa(CVHP_ISA_AVX2), CVHP_ERR_UNSUPPORTED);
#endif
    ck_assert(cvhp_isa_compiled(CVHP_ISA_SCALAR));
    ck_assert(cvhp_isa_supported(CVHP_ISA_SCALAR));
    ck_assert(!cvhp_isa_compiled(CVHP_ISA_AUTO));
    /* a cap above the CPU's level has no effect beyond the CPU's level */
    ck_assert_ok(cvhp_set_max_isa(CVHP_ISA_SCALAR));
    ck_assert_int_eq(cvhp_active_isa(), CVHP_ISA_SCALAR);
    ck_assert_ok(cvhp_set_max_isa(CVHP_ISA_AUTO));
    ck_assert_int_eq(cvhp_active_isa(), cvhp_cpu_isa());
    ck_assert(cvhp_isa_supported(cvhp_cpu_isa()));
}
END_TEST

/* CVHP_MAX_ISA is read once, when the library first detects the CPU: re-run
 * this test binary in a fresh process (check_main.c answers
 * --print-active-isa) so detection has not happened yet, even when CK_FORK=no. */
static int child_active_isa_with_env(const char *value)
{
    /* resolve the path first: under valgrind /proc/self/exe is valgrind itself
     * for execv, while readlink reports the test binary */
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0)
        return -1;
    self[n] = '\0';
    pid_t pid = fork();
    if (pid == 0) {
        setenv("CVHP_MAX_ISA", value, 1);
        char *argv[] = {self, (char *)"--print-active-isa", NULL};
        execv(self, argv);
        _exit(255);
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
        return -1;
    return WEXITSTATUS(status);
}

START_TEST(env_variable_caps_isa)
{
    ck_assert_int_eq(child_active_isa_with_env("scalar"), CVHP_ISA_SCALAR);
    ck_assert_int_eq(child_active_isa_with_env("bogus"), (int)cvhp_cpu_isa());
    if (cvhp_isa_supported(CVHP_ISA_AVX2))
        ck_assert_int_eq(child_active_isa_with_env("avx2"), CVHP_ISA_AVX2);
}
END_TEST

START_TEST(build_info_describes_build)
{
    const char *info = cvhp_build_info();
    ck_assert_ptr_nonnull(strstr(info, CVHP_VERSION_STRING));
    ck_assert_ptr_nonnull(strstr(info, "isa compiled=scalar"));
    ck_assert_ptr_nonnull(strstr(info, cvhp_have_openmp() ? "openmp=on" : "openmp=off"));
    char active[64];
    snprintf(active, sizeof active, "active=%s", cvhp_isa_name(cvhp_active_isa()));
    ck_assert_ptr_nonnull(strstr(info, active));
#if CVHP_HAVE_AVX2
    ck_assert_ptr_nonnull(strstr(info, "avx2"));
#endif
    ck_assert_int_ge(cvhp_default_threads(), 1);
}
END_TEST

Suite *cvhp_test_suite(void)
{
    Suite *s = suite_create("simd");
    TCase *tc = tcase_create("dispatch");
    tcase_add_test(tc, box_area_every_isa_matches_scalar);
    tcase_add_test(tc, box_area_large_direct_variants);
    tcase_add_test(tc, box_area_semantics);
    tcase_add_test(tc, mask_row_kernels_match_definition);
    tcase_add_test(tc, rdp_far_matches_scalar);
    tcase_add_test(tc, rdp_far_from_matches_a_loop);
    tcase_add_test(tc, corners_match_the_definition);
    tcase_add_test(tc, box_area_bad_arguments);
    tcase_add_test(tc, isa_names_and_caps);
    tcase_add_test(tc, build_info_describes_build);
    suite_add_tcase(s, tc);
    /* its own case: it re-executes this binary, which an emulator (the
     * aarch64 run under qemu-user, scripts/test-aarch64.sh) cannot do */
    tc = tcase_create("environment");
    tcase_add_test(tc, env_variable_caps_isa);
    suite_add_tcase(s, tc);
    return s;
}
