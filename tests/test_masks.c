/* SPDX-License-Identifier: MIT
 * Mask -> polygons against scikit-image's find_contours and the reference
 * pipeline (golden data from tests/gen_golden_masks.py), RLE against its
 * definition, and every bad input. */
#include <stdio.h>
#include <math.h>
#include <stdlib.h>

#include <unistd.h>

#include "cvhp_test.h"
#include "golden.h"
#include "kernels.h"

#if CVHP_TEST_HAVE_PNG
#  include <spng.h>
#endif
#if CVHP_TEST_HAVE_JPEG
#  include <turbojpeg.h>
#endif

static void expect_polys(const cvhp_polygons *p, const int64_t *npts, size_t ncont, const double *xy, int raw,
                         const char *what)
{
    ck_assert_msg(cvhp_polygons_count(p) == ncont, "%s: %zu polygons, expected %zu", what, cvhp_polygons_count(p), ncont);
    size_t at = 0;
    for (size_t i = 0; i < ncont; i++) {
        ck_assert_msg(cvhp_polygon_points(p, i) == (size_t)npts[i], "%s polygon %zu: %zu points, expected %lld", what, i,
                      cvhp_polygon_points(p, i), (long long)npts[i]);
        const double *c = cvhp_polygon_coords(p, i);
        for (size_t k = 0; k < (size_t)npts[i]; k++, at++) {
            /* golden contours are skimage (row, col) of the padded mask; polygons are x, y */
            const double wx = raw ? xy[2 * at + 1] - 1 : xy[2 * at], wy = raw ? xy[2 * at] - 1 : xy[2 * at + 1];
            ck_assert_msg(c[2 * k] == wx && c[2 * k + 1] == wy, "%s polygon %zu vertex %zu: (%g, %g), expected (%g, %g)",
                          what, i, k, c[2 * k], c[2 * k + 1], wx, wy);
        }
    }
}

/* One golden mask: its size, the binary and soft masks, and scikit-image's
 * find_contours on it (ncont contours of npts[i] points, (row, col) of the
 * padded mask, back to back in cont). */
typedef struct {
    size_t h, w, ncont;
    const uint8_t *m;
    const float *soft;
    const int64_t *npts;
    const double *cont;
} golden_mask;

static golden_mask golden_mask_of(const golden_case *c)
{
    golden_mask gm;
    const int64_t *shape = golden_get(c, "shap", 'q', NULL);
    gm.h = (size_t)shape[0], gm.w = (size_t)shape[1];
    gm.m = golden_get(c, "mask", 'u', NULL);
    gm.soft = golden_get(c, "soft", 'f', NULL);
    gm.npts = golden_get(c, "ncon", 'q', &gm.ncont);
    gm.cont = golden_get(c, "cont", 'd', NULL);
    return gm;
}

/* Each polygon's hole flag is the winding of scikit-image's contour i:
 * twice its signed area (x = col, y = row) is negative for a hole. */
static void expect_holes(const cvhp_polygons *p, const golden_mask *gm, const char *what)
{
    const double *v = gm->cont;
    for (size_t i = 0; i < gm->ncont; v += 2 * gm->npts[i], i++) {
        double a2 = 0;
        for (int64_t k = 1; k < gm->npts[i]; k++)
            a2 += v[2 * k - 1] * v[2 * k] - v[2 * k + 1] * v[2 * k - 2];
        ck_assert_msg(a2 != 0 && cvhp_polygon_is_hole(p, i) == (a2 < 0), "%s polygon %zu: hole flag %d, winding %g",
                      what, i, cvhp_polygon_is_hole(p, i), a2);
    }
}

static void check_golden_masks(void)
{
    golden_file *g = golden_load("masks.bin");
    for (size_t ci = 0; ci < g->ncases; ci++) {
        const golden_case *c = &g->cases[ci];
        const golden_mask gm = golden_mask_of(c);
        const size_t h = gm.h, w = gm.w, ncont = gm.ncont;
        const uint8_t *m = gm.m;
        const float *soft = gm.soft;
        const int64_t *npts = gm.npts;
        const double *cont = gm.cont;
        cvhp_mask_options o;
        ck_assert_ok(cvhp_mask_options_init(&o));
        cvhp_polygons *p;
        char what[200];
        /* find_contours, vertex for vertex */
        o.flags = CVHP_POLY_RAW;
        ck_assert_ok(cvhp_mask_u8_to_polygons(m, h, w, &o, &p));
        snprintf(what, sizeof what, "%s contours", c->name);
        expect_polys(p, npts, ncont, cont, 1, what);
        expect_holes(p, &gm, what);
        /* every contour is closed, and holes wind the other way */
        for (size_t i = 0; i < cvhp_polygons_count(p); i++) {
            const double *xy = cvhp_polygon_coords(p, i);
            size_t n = cvhp_polygon_points(p, i);
            ck_assert(xy[0] == xy[2 * n - 2] && xy[1] == xy[2 * n - 1]);
        }
        cvhp_polygons_free(p);
        /* the reference's polygons at four point limits, from u8, float and RLE input */
        static const char *const tags[4][2] = {{"p100", "n100"}, {"p010", "n010"}, {"p004", "n004"}, {"p003", "n003"}};
        static const int64_t limits[4] = {100, 10, 4, 3};
        size_t nr;
        const int64_t *rlec = golden_get(c, "rlec", 'q', &nr);
        uint32_t *counts = malloc((nr + 1) * sizeof *counts);
        for (size_t i = 0; i < nr; i++)
            counts[i] = (uint32_t)rlec[i];
        for (int t = 0; t < 4; t++) {
            size_t np;
            const int64_t *pn = golden_get(c, tags[t][1], 'q', &np);
            const double *pv = golden_get(c, tags[t][0], 'd', NULL);
            o.flags = 0;
            o.max_points = limits[t];
            ck_assert_ok(cvhp_mask_u8_to_polygons(m, h, w, &o, &p));
            snprintf(what, sizeof what, "%s u8 max %lld", c->name, (long long)limits[t]);
            expect_polys(p, pn, np, pv, 0, what);
            expect_holes(p, &gm, what);
            /* in pixels: whole numbers, the same ones the golden coordinates divide */
            cvhp_polygons *px;
            o.flags = CVHP_POLY_PIXELS;
            ck_assert_ok(cvhp_mask_u8_to_polygons(m, h, w, &o, &px));
            o.flags = 0;
            ck_assert_uint_eq(cvhp_polygons_total_points(px), cvhp_polygons_total_points(p));
            for (size_t i = 0; i < cvhp_polygons_count(p); i++) {
                const double *a = cvhp_polygon_coords(p, i), *b = cvhp_polygon_coords(px, i);
                for (size_t k = 0; k < cvhp_polygon_points(p, i); k++)
                    ck_assert_msg(b[2 * k] == floor(b[2 * k]) && b[2 * k + 1] == floor(b[2 * k + 1]) &&
                                      b[2 * k] / (double)w == a[2 * k] && b[2 * k + 1] / (double)h == a[2 * k + 1],
                                  "%s polygon %zu point %zu in pixels: (%g, %g)", what, i, k, b[2 * k], b[2 * k + 1]);
            }
            cvhp_polygons_free(px);
            cvhp_polygons_free(p);
            ck_assert_ok(cvhp_mask_to_polygons(soft, h, w, &o, &p));
            snprintf(what, sizeof what, "%s float max %lld", c->name, (long long)limits[t]);
            expect_polys(p, pn, np, pv, 0, what);
            expect_holes(p, &gm, what);
            cvhp_polygons_free(p);
            ck_assert_ok(cvhp_rle_to_polygons(counts, nr, h, w, &o, &p));
            snprintf(what, sizeof what, "%s rle max %lld", c->name, (long long)limits[t]);
            expect_polys(p, pn, np, pv, 0, what);
            expect_holes(p, &gm, what);
            cvhp_polygons_free(p);
        }
        /* RLE: counts and the compressed string */
        uint32_t *enc = malloc((h * w + 2) * sizeof *enc);
        size_t ne;
        ck_assert_ok(cvhp_rle_encode(m, h, w, enc, h * w + 1, &ne));
        ck_assert_uint_eq(ne, nr);
        ck_assert_int_eq(memcmp(enc, counts, nr * sizeof *enc), 0);
        size_t ns;
        const uint8_t *str = golden_get(c, "rles", 'u', &ns);
        char *buf = malloc(ns + 1);
        size_t need;
        ck_assert_ok(cvhp_rle_to_string(counts, nr, buf, ns + 1, &need));
        ck_assert_uint_eq(need, ns + 1);
        ck_assert_int_eq(memcmp(buf, str, ns), 0);
        ck_assert_ok(cvhp_rle_from_string(buf, enc, h * w + 1, &ne));
        ck_assert_uint_eq(ne, nr);
        ck_assert_int_eq(memcmp(enc, counts, nr * sizeof *enc), 0);
        uint8_t *dec = malloc(h * w);
        ck_assert_ok(cvhp_rle_decode(counts, nr, h, w, dec));
        for (size_t i = 0; i < h * w; i++)
            ck_assert(dec[i] == (m[i] != 0));
        free(dec), free(buf), free(enc), free(counts);
    }
    golden_free(g);
}

/* ...on every instruction-set path compiled in and runnable here (the row
 * kernels and the farthest-point search have one variant per ISA). */
START_TEST(masks_match_skimage_and_reference)
{
    static const cvhp_isa isas[] = {CVHP_ISA_SCALAR, CVHP_ISA_AVX2, CVHP_ISA_AVX512, CVHP_ISA_NEON};
    int ran = 0;
    for (size_t k = 0; k < sizeof isas / sizeof isas[0]; k++) {
        if (!cvhp_isa_compiled(isas[k]) || !cvhp_isa_supported(isas[k]))
            continue;
        ck_assert_ok(cvhp_set_max_isa(isas[k]));
        ck_assert_int_eq(cvhp_active_isa(), isas[k]);
        check_golden_masks();
        ran++;
    }
    ck_assert_ok(cvhp_set_max_isa(CVHP_ISA_AUTO));
    ck_assert_int_ge(ran, 1);
}
END_TEST

/* The reference pipeline's simplification written out from the spec, to
 * check every pass count (max_refinements) against: Ramer-Douglas-Peucker
 * as urschrei/rdp (distance to the infinite line through the ends,
 * Euclidean when they coincide, first maximum, split when > eps), run with
 * tolerances 0, 1, 2, ... while there are more than max_points points. */
static double spec_pldist(const double *p, const double *a, const double *b)
{
    if (a[0] == b[0] && a[1] == b[1])
        return sqrt((p[0] - a[0]) * (p[0] - a[0]) + (p[1] - a[1]) * (p[1] - a[1]));
    const double ex = b[0] - a[0], ey = b[1] - a[1];
    return fabs(ex * (a[1] - p[1]) - ey * (a[0] - p[0])) / sqrt(ex * ex + ey * ey);
}

static size_t spec_rdp(const double *pts, size_t n, double eps, double *out)
{
    double dmax = 0;
    size_t idx = 0;
    for (size_t i = 1; i < n; i++) {
        const double d = spec_pldist(pts + 2 * i, pts, pts + 2 * (n - 1));
        if (d > dmax)
            idx = i, dmax = d;
    }
    if (idx > 0 && dmax > eps) {
        const size_t n1 = spec_rdp(pts, idx + 1, eps, out);
        return n1 - 1 + spec_rdp(pts + 2 * idx, n - idx, eps, out + 2 * (n1 - 1));
    }
    out[0] = pts[0], out[1] = pts[1], out[2] = pts[2 * (n - 1)], out[3] = pts[2 * (n - 1) + 1];
    return 2;
}

/* One golden mask at a point limit and pass count: every polygon is the
 * spec's passes run on scikit-image's contour, vertex for vertex. */
static void check_refinements(const golden_case *c, int64_t max_points, int32_t passes, size_t stack)
{
    const golden_mask gm = golden_mask_of(c);
    cvhp_mask_options o;
    ck_assert_ok(cvhp_mask_options_init(&o));
    o.max_points = max_points, o.max_refinements = passes;
    cvhp_polygons *p;
    ck_assert_ok(cvhp_mask_u8_to_polygons(gm.m, gm.h, gm.w, &o, &p));
    ck_assert_uint_eq(cvhp_polygons_count(p), gm.ncont);
    size_t at = 0;
    for (size_t i = 0; i < gm.ncont; i++) {
        size_t n = (size_t)gm.npts[i];
        double *a = malloc(2 * n * sizeof *a), *b = malloc(2 * n * sizeof *b);
        memcpy(a, gm.cont + 2 * at, 2 * n * sizeof *a);
        at += n;
        for (int eps = 0; (int64_t)n > max_points && eps < passes; eps++) {
            n = spec_rdp(a, n, eps, b);
            double *x = a;
            a = b, b = x;
        }
        ck_assert_msg(cvhp_polygon_points(p, i) == n,
                      "%s max %lld, %d passes, stack %zu, polygon %zu: %zu points, %zu expected", c->name,
                      (long long)max_points, passes, stack, i, cvhp_polygon_points(p, i), n);
        const double *xy = cvhp_polygon_coords(p, i);
        for (size_t k = 0; k < n; k++) {
            const double x = (ceil(a[2 * k + 1]) - 1) / (double)gm.w, y = (ceil(a[2 * k]) - 1) / (double)gm.h;
            ck_assert_msg(xy[2 * k] == x && xy[2 * k + 1] == y, "%s max %lld, %d passes, stack %zu, polygon %zu point %zu",
                          c->name, (long long)max_points, passes, stack, i, k);
        }
        free(a), free(b);
    }
    cvhp_polygons_free(p);
}

START_TEST(refinement_counts_follow_the_spec)
{
    static const int64_t limits[][2] = {{3, 0}, {3, 1}, {3, 2}, {3, 3}, {4, 1}, {10, 2}, {10, 25}, {100, 1}, {3, 200}};
    golden_file *g = golden_load("masks.bin");
    /* and with the simplification's own stack small, so it recurses */
    static const size_t stacks[] = {64, 2, 0};
    for (size_t si = 0; si < 3; si++) {
        cvhp__rdp_stack = stacks[si];
        for (size_t ci = 0; ci < g->ncases; ci++)
            for (size_t l = 0; l < sizeof limits / sizeof limits[0]; l++)
                check_refinements(&g->cases[ci], limits[l][0], (int32_t)limits[l][1], stacks[si]);
    }
    cvhp__rdp_stack = 64;
    golden_free(g);
}
END_TEST

/* polygon -> rasterized area agrees with the mask area: the RAW outer
 * contours minus holes enclose exactly the pixel count (half-pixel lattice
 * boundaries cut each boundary pixel's corners symmetrically) within a
 * stated tolerance of one pixel per boundary vertex */
START_TEST(polygon_area_round_trip)
{
    test_rng r = {3};
    for (int iter = 0; iter < 50; iter++) {
        const size_t h = 30 + test_rng_next(&r) % 40, w = 30 + test_rng_next(&r) % 40;
        uint8_t *m = calloc(h * w, 1);
        for (int b = 0; b < 4; b++) {
            double cy = test_rng_float(&r, 0, (float)h), cx = test_rng_float(&r, 0, (float)w),
                   rr = test_rng_float(&r, 3, 12);
            for (size_t y = 0; y < h; y++)
                for (size_t x = 0; x < w; x++)
                    if ((y - cy) * (y - cy) + (x - cx) * (x - cx) < rr * rr)
                        m[y * w + x] = 1;
        }
        size_t pixels = 0;
        for (size_t i = 0; i < h * w; i++)
            pixels += m[i];
        cvhp_mask_options o;
        cvhp_mask_options_init(&o);
        o.flags = CVHP_POLY_PIXELS;
        o.max_points = 0;
        cvhp_polygons *p;
        ck_assert_ok(cvhp_mask_u8_to_polygons(m, h, w, &o, &p));
        double area = 0;
        size_t verts = 0;
        for (size_t i = 0; i < cvhp_polygons_count(p); i++) {
            const double *c = cvhp_polygon_coords(p, i);
            size_t n = cvhp_polygon_points(p, i);
            double a = 0;
            for (size_t k = 0; k + 1 < n; k++)
                a += c[2 * k] * c[2 * k + 3] - c[2 * k + 2] * c[2 * k + 1];
            area += cvhp_polygon_is_hole(p, i) ? -fabs(a) / 2 : fabs(a) / 2;
            verts += n;
        }
        ck_assert_msg(fabs(area - (double)pixels) <= (double)verts, "iter %d: polygon area %g, mask %zu pixels", iter,
                      area, pixels);
        cvhp_polygons_free(p);
        free(m);
    }
}
END_TEST

/* 1024 isolated pixels, 4 points each: twice the scratch room for points
 * (8 (H + W) + 1024 = 2048), so the array grows in the middle of a
 * contour, with its backward walk's points at the room's end to move.
 * Every contour is its pixel's diamond, in find_contours' order and
 * orientation. */
START_TEST(isolated_pixels_outgrow_the_room)
{
    enum { N = 64 };
    uint8_t m[N * N] = {0};
    for (int y = 0; y < N; y += 2)
        for (int x = 0; x < N; x += 2)
            m[y * N + x] = 1;
    cvhp_mask_options o;
    cvhp_mask_options_init(&o);
    o.flags = CVHP_POLY_RAW;
    cvhp_polygons *p;
    ck_assert_ok(cvhp_mask_u8_to_polygons(m, N, N, &o, &p));
    ck_assert_uint_eq(cvhp_polygons_count(p), (N / 2) * (N / 2));
    for (size_t i = 0; i < cvhp_polygons_count(p); i++) {
        const double x = (double)(2 * (i % (N / 2))), y = (double)(2 * (i / (N / 2)));
        /* (x, y): from the bottom corner, left, top, right, back (find_contours) */
        const double want[5][2] = {{x, y + 0.5}, {x - 0.5, y}, {x, y - 0.5}, {x + 0.5, y}, {x, y + 0.5}};
        ck_assert_uint_eq(cvhp_polygon_points(p, i), 5);
        const double *c = cvhp_polygon_coords(p, i);
        for (int k = 0; k < 5; k++)
            ck_assert_msg(c[2 * k] == want[k][0] && c[2 * k + 1] == want[k][1], "pixel %zu point %d: (%g, %g)", i, k,
                          c[2 * k], c[2 * k + 1]);
    }
    cvhp_polygons_free(p);
}
END_TEST

START_TEST(holes_and_empty)
{
    uint8_t m[10 * 10] = {0};
    for (int y = 2; y < 8; y++)
        for (int x = 2; x < 8; x++)
            m[y * 10 + x] = !(y >= 4 && y < 6 && x >= 4 && x < 6);
    cvhp_mask_options o;
    cvhp_mask_options_init(&o);
    cvhp_polygons *p;
    ck_assert_ok(cvhp_mask_u8_to_polygons(m, 10, 10, &o, &p));
    ck_assert_uint_eq(cvhp_polygons_count(p), 2);
    ck_assert_int_eq(cvhp_polygon_is_hole(p, 0) + cvhp_polygon_is_hole(p, 1), 1);
    cvhp_polygons_free(p);
    memset(m, 0, sizeof m);
    ck_assert_ok(cvhp_mask_u8_to_polygons(m, 10, 10, &o, &p));
    ck_assert_uint_eq(cvhp_polygons_count(p), 0);
    ck_assert_ptr_null(cvhp_polygon_coords(p, 0));
    cvhp_polygons_free(p);
    cvhp_polygons_free(NULL);
    /* config-driven options */
    cvhp_config *cfg;
    ck_assert_ok(cvhp_config_new(CVHP_TASK_INSTANCE_SEGMENTATION, &cfg));
    ck_assert_ok(cvhp_config_set_float(cfg, CVHP_PARAM_MASK_PIXEL_SCORE_THRESHOLD, 0.7));
    ck_assert_ok(cvhp_config_set_int(cfg, CVHP_PARAM_MAX_NUMBER_OF_POLYGON_POINTS, 12));
    ck_assert_ok(cvhp_mask_options_from_config(&o, cfg));
    ck_assert(o.score_threshold == 0.7 && o.max_points == 12);
    cvhp_config_free(cfg);
}
END_TEST

/* cvhp_polygons_copy gives, in one call, what the per-polygon accessors
 * give: every coordinate back to back, the offsets, the hole flags. */
START_TEST(copy_all_equals_accessors)
{
    uint8_t m[24 * 30] = {0};
    for (int y = 2; y < 12; y++) /* a square with a hole, and a second blob */
        for (int x = 2; x < 14; x++)
            m[y * 30 + x] = !(y >= 5 && y < 8 && x >= 5 && x < 9);
    for (int y = 15; y < 22; y++)
        for (int x = 18 + (y & 1); x < 27; x++)
            m[y * 30 + x] = 1;
    cvhp_mask_options o;
    cvhp_mask_options_init(&o);
    o.flags = CVHP_POLY_RAW; /* every vertex: many points */
    cvhp_polygons *p;
    ck_assert_ok(cvhp_mask_u8_to_polygons(m, 24, 30, &o, &p));
    const size_t n = cvhp_polygons_count(p), total = cvhp_polygons_total_points(p);
    ck_assert_uint_eq(n, 3);
    double *xy = malloc(2 * total * sizeof *xy);
    size_t offsets[4];
    uint8_t hole[3];
    ck_assert_ok(cvhp_polygons_copy(p, xy, 2 * total, offsets, hole));
    size_t sum = 0;
    for (size_t i = 0; i < n; i++) {
        const size_t k = cvhp_polygon_points(p, i);
        ck_assert_uint_eq(offsets[i], sum);
        ck_assert_int_eq(memcmp(xy + 2 * sum, cvhp_polygon_coords(p, i), 2 * k * sizeof *xy), 0);
        ck_assert_int_eq(hole[i], cvhp_polygon_is_hole(p, i));
        sum += k;
    }
    ck_assert_uint_eq(sum, total);
    ck_assert_uint_eq(offsets[n], total);
    ck_assert_int_eq(hole[0] + hole[1] + hole[2], 1);
    /* one double short: nothing written, a clear error */
    memset(offsets, 0xAB, sizeof offsets);
    ck_assert_int_eq(cvhp_polygons_copy(p, xy, 2 * total - 1, offsets, hole), CVHP_ERR_BUFFER_TOO_SMALL);
    ck_assert_ptr_nonnull(strstr(cvhp_last_error_message(), "cvhp_polygons_copy"));
    ck_assert_uint_eq(offsets[0], (size_t)0xABABABABABABABABull);
    /* NULL buffers are skipped; a NULL set is empty */
    ck_assert_ok(cvhp_polygons_copy(p, NULL, 0, offsets, NULL));
    ck_assert_uint_eq(offsets[n], total);
    ck_assert_uint_eq(cvhp_polygons_total_points(NULL), 0);
    ck_assert_ok(cvhp_polygons_copy(NULL, NULL, 0, offsets, NULL));
    ck_assert_uint_eq(offsets[0], 0);
    free(xy);
    cvhp_polygons_free(p);
}
END_TEST

START_TEST(bad_inputs)
{
    uint8_t m[4] = {1, 0, 0, 1};
    float f[4] = {1, 0, 0, 1};
    cvhp_mask_options o;
    cvhp_mask_options_init(&o);
    cvhp_polygons *p = (cvhp_polygons *)1;
    ck_assert_status(cvhp_mask_u8_to_polygons(m, 0, 2, &o, &p), CVHP_ERR_OUT_OF_RANGE);
    ck_assert_ptr_null(p);
    ck_assert_status(cvhp_mask_u8_to_polygons(m, SIZE_MAX / 2, 4, &o, &p), CVHP_ERR_OUT_OF_RANGE);
    ck_assert_status(cvhp_mask_u8_to_polygons(NULL, 2, 2, &o, &p), CVHP_ERR_INVALID_ARGUMENT);
    ck_assert_status(cvhp_mask_u8_to_polygons(m, 2, 2, NULL, &p), CVHP_ERR_INVALID_ARGUMENT);
    ck_assert_status(cvhp_mask_u8_to_polygons(m, 2, 2, &o, NULL), CVHP_ERR_INVALID_ARGUMENT);
    o.score_threshold = NAN;
    ck_assert_status(cvhp_mask_to_polygons(f, 2, 2, &o, &p), CVHP_ERR_OUT_OF_RANGE);
    o.score_threshold = 1.5;
    ck_assert_status(cvhp_mask_to_polygons(f, 2, 2, &o, &p), CVHP_ERR_OUT_OF_RANGE);
    cvhp_mask_options_init(&o);
    o.max_points = 2;
    ck_assert_status(cvhp_mask_to_polygons(f, 2, 2, &o, &p), CVHP_ERR_OUT_OF_RANGE);
    ck_assert_str_eq(cvhp_last_error_message(), "max_number_of_polygon_points: 2 is below 3");
    cvhp_mask_options_init(&o);
    o.size = 3;
    ck_assert_status(cvhp_mask_to_polygons(f, 2, 2, &o, &p), CVHP_ERR_INVALID_ARGUMENT);
    /* corrupt RLE */
    uint32_t counts[3] = {1, 2, 2};
    uint8_t out[4];
    ck_assert_status(cvhp_rle_decode(counts, 3, 2, 2, out), CVHP_ERR_PARSE);
    ck_assert_str_eq(cvhp_last_error_message(), "cvhp_rle_decode: runs sum to 5, the mask has 4 pixels");
    cvhp_mask_options_init(&o);
    ck_assert_status(cvhp_rle_to_polygons(counts, 3, 2, 2, &o, &p), CVHP_ERR_PARSE);
    size_t n;
    ck_assert_status(cvhp_rle_from_string("\x7f", counts, 3, &n), CVHP_ERR_PARSE);
    ck_assert_status(cvhp_rle_from_string("oooooooooooooooooo", counts, 3, &n), CVHP_ERR_PARSE);
    ck_assert_status(cvhp_rle_from_string(NULL, counts, 3, &n), CVHP_ERR_INVALID_ARGUMENT);
    ck_assert_status(cvhp_rle_encode(m, 2, 2, counts, 1, &n), CVHP_ERR_BUFFER_TOO_SMALL);
    ck_assert_uint_eq(n, 4);
}
END_TEST

START_TEST(batch_equals_single)
{
    enum { H = 37, W = 45, N = 12 };
    float *m = malloc((size_t)N * H * W * sizeof *m);
    test_rng r = {9};
    for (size_t i = 0; i < (size_t)N * H * W; i++)
        m[i] = test_rng_float(&r, 0, 1) * test_rng_float(&r, 0.6f, 1.4f);
    cvhp_mask_options o;
    cvhp_mask_options_init(&o);
    o.max_points = 20;
    cvhp_polygons *out[N];
    for (int threads = 1; threads <= 4; threads *= 2) { /* 4: more threads than cores */
        o.num_threads = threads;
        ck_assert_ok(cvhp_masks_to_polygons_batch(m, N, H, W, &o, out));
        for (size_t i = 0; i < N; i++) {
            cvhp_polygons *one;
            ck_assert_ok(cvhp_mask_to_polygons(m + i * H * W, H, W, &o, &one));
            ck_assert_uint_eq(cvhp_polygons_count(one), cvhp_polygons_count(out[i]));
            for (size_t k = 0; k < cvhp_polygons_count(one); k++) {
                ck_assert_uint_eq(cvhp_polygon_points(one, k), cvhp_polygon_points(out[i], k));
                ck_assert_int_eq(memcmp(cvhp_polygon_coords(one, k), cvhp_polygon_coords(out[i], k),
                                        2 * cvhp_polygon_points(one, k) * sizeof(double)), 0);
            }
            cvhp_polygons_free(one);
            cvhp_polygons_free(out[i]);
        }
    }
    o.max_points = 1;
    ck_assert_status(cvhp_masks_to_polygons_batch(m, N, H, W, &o, out), CVHP_ERR_OUT_OF_RANGE);
    free(m);
}
END_TEST

static int same_polygons(const cvhp_polygons *a, const cvhp_polygons *b)
{
    if (cvhp_polygons_count(a) != cvhp_polygons_count(b))
        return 0;
    for (size_t k = 0; k < cvhp_polygons_count(a); k++)
        if (cvhp_polygon_points(a, k) != cvhp_polygon_points(b, k) ||
            cvhp_polygon_is_hole(a, k) != cvhp_polygon_is_hole(b, k) ||
            memcmp(cvhp_polygon_coords(a, k), cvhp_polygon_coords(b, k), 2 * cvhp_polygon_points(a, k) * sizeof(double)))
            return 0;
    return 1;
}

/* a backing allocator that counts, and fails once `budget` reaches 0 */
typedef struct {
    size_t allocs, frees;
    long budget;
} counting;
static void *counting_alloc(void *user, size_t n)
{
    counting *c = user;
    if (c->budget == 0)
        return NULL;
    if (c->budget > 0)
        c->budget--;
    c->allocs++;
    return malloc(n);
}
static void counting_free(void *user, void *p)
{
    ((counting *)user)->frees++;
    free(p);
}

START_TEST(workspace_reaches_a_steady_state)
{
    enum { H = 61, W = 73, N = 6 };
    float *m = malloc((size_t)N * H * W * sizeof *m);
    test_rng r = {17};
    for (size_t i = 0; i < (size_t)N * H * W; i++)
        m[i] = test_rng_float(&r, 0, 1) * test_rng_float(&r, 0.6f, 1.4f);
    counting c = {0, 0, -1};
    cvhp_allocator back = {counting_alloc, counting_free, &c};
    cvhp_workspace *ws;
    ck_assert_ok(cvhp_workspace_new(&back, &ws));
    cvhp_mask_options o;
    cvhp_mask_options_init(&o);
    o.alloc = cvhp_workspace_allocator(ws);
    size_t sys_after_first = 0;
    for (int round = 0; round < 4; round++) {
        for (size_t i = 0; i < N; i++) {
            cvhp_polygons *a, *b;
            cvhp_mask_options plain = o;
            plain.alloc = NULL;
            ck_assert_ok(cvhp_mask_to_polygons(m + i * H * W, H, W, &o, &a));
            ck_assert_ok(cvhp_mask_to_polygons(m + i * H * W, H, W, &plain, &b));
            ck_assert_msg(same_polygons(a, b), "round %d mask %zu: workspace result differs", round, i);
            cvhp_polygons_free(a);
            cvhp_polygons_free(b);
        }
        size_t sys, held, live;
        ck_assert_ok(cvhp_workspace_stats(ws, &sys, &held, &live));
        ck_assert_uint_eq(live, 0);
        ck_assert_uint_gt(held, 0);
        if (round == 0)
            sys_after_first = sys;
        else /* the steady state: no allocation from the backing allocator */
            ck_assert_uint_eq(sys, sys_after_first);
    }
    ck_assert_uint_eq(c.allocs, sys_after_first + 1); /* + the workspace itself */
    /* the batch may use it from both threads */
    cvhp_polygons *out[N];
    o.num_threads = 2;
    ck_assert_ok(cvhp_masks_to_polygons_batch(m, N, H, W, &o, out));
    /* freeing the workspace first keeps live results valid */
    cvhp_workspace_free(ws);
    ck_assert_uint_lt(c.frees, c.allocs);
    for (size_t i = 0; i < N; i++) {
        cvhp_polygons *b;
        cvhp_mask_options plain = o;
        plain.alloc = NULL;
        ck_assert_ok(cvhp_mask_to_polygons(m + i * H * W, H, W, &plain, &b));
        ck_assert(same_polygons(out[i], b));
        cvhp_polygons_free(b);
        cvhp_polygons_free(out[i]);
    }
    ck_assert_uint_eq(c.frees, c.allocs); /* everything went back */
    free(m);
}
END_TEST

START_TEST(workspace_bad_inputs_and_oom)
{
    cvhp_workspace *ws = (cvhp_workspace *)1;
    ck_assert_status(cvhp_workspace_new(NULL, NULL), CVHP_ERR_INVALID_ARGUMENT);
    cvhp_allocator half = {counting_alloc, NULL, NULL};
    ck_assert_status(cvhp_workspace_new(&half, &ws), CVHP_ERR_INVALID_ARGUMENT);
    ck_assert_ptr_null(ws);
    ck_assert_ptr_null(cvhp_workspace_allocator(NULL));
    ck_assert_status(cvhp_workspace_stats(NULL, NULL, NULL, NULL), CVHP_ERR_INVALID_ARGUMENT);
    cvhp_workspace_free(NULL);
    counting c = {0, 0, 0};
    cvhp_allocator back = {counting_alloc, counting_free, &c};
    ck_assert_status(cvhp_workspace_new(&back, &ws), CVHP_ERR_OUT_OF_MEMORY);
    /* the pool's backing runs out mid-call: an error, no leak */
    for (long budget = 1; budget < 40; budget++) {
        c = (counting){0, 0, budget};
        ck_assert_ok(cvhp_workspace_new(&back, &ws));
        float m[64];
        for (int i = 0; i < 64; i++)
            m[i] = (i % 3) ? 1.0f : 0.0f;
        cvhp_mask_options o;
        cvhp_mask_options_init(&o);
        o.alloc = cvhp_workspace_allocator(ws);
        cvhp_polygons *p = NULL;
        cvhp_status st = cvhp_mask_to_polygons(m, 8, 8, &o, &p);
        ck_assert(st == CVHP_OK || st == CVHP_ERR_OUT_OF_MEMORY);
        if (st == CVHP_OK)
            cvhp_polygons_free(p);
        size_t live;
        ck_assert_ok(cvhp_workspace_stats(ws, NULL, NULL, &live));
        ck_assert_uint_eq(live, 0);
        cvhp_workspace_free(ws);
        ck_assert_uint_eq(c.frees, c.allocs);
    }
}
END_TEST

static uint8_t *bmp_decode(const unsigned char *b, size_t len, size_t *h, size_t *w)
{
    ck_assert(len > 1078 && b[0] == 'B' && b[1] == 'M');
    uint32_t off = b[10] | b[11] << 8 | (uint32_t)b[12] << 16 | (uint32_t)b[13] << 24;
    *w = b[18] | b[19] << 8 | (size_t)b[20] << 16;
    *h = b[22] | b[23] << 8 | (size_t)b[24] << 16;
    size_t stride = (*w + 3) & ~(size_t)3;
    uint8_t *m = malloc(*h * *w);
    for (size_t r = 0; r < *h; r++)
        memcpy(m + r * *w, b + off + (*h - 1 - r) * stride, *w);
    return m;
}

START_TEST(export_round_trips)
{
    enum { H = 23, W = 31 };
    uint8_t m[H * W];
    test_rng r = {4};
    for (size_t i = 0; i < H * W; i++)
        m[i] = (test_rng_next(&r) % 3 == 0) ? (uint8_t)(1 + test_rng_next(&r) % 200) : 0;
    size_t need;
    ck_assert_status(cvhp_mask_encode(m, H, W, CVHP_IMAGE_BMP, NULL, 0, &need), CVHP_ERR_BUFFER_TOO_SMALL);
    unsigned char *buf = malloc(need);
    ck_assert_ok(cvhp_mask_encode(m, H, W, CVHP_IMAGE_BMP, buf, need, &need));
    size_t h, w;
    uint8_t *d = bmp_decode(buf, need, &h, &w);
    ck_assert(h == H && w == W);
    for (size_t i = 0; i < H * W; i++)
        ck_assert_int_eq(d[i], m[i] ? 255 : 0);
    free(d), free(buf);
    ck_assert(cvhp_have_image_type(CVHP_IMAGE_BMP));
    ck_assert_int_eq(cvhp_have_image_type(CVHP_IMAGE_PNG), CVHP_TEST_HAVE_PNG);
    ck_assert_int_eq(cvhp_have_image_type(CVHP_IMAGE_JPG), CVHP_TEST_HAVE_JPEG);
#if CVHP_TEST_HAVE_PNG
    ck_assert_status(cvhp_mask_encode(m, H, W, CVHP_IMAGE_PNG, NULL, 0, &need), CVHP_ERR_BUFFER_TOO_SMALL);
    buf = malloc(need);
    ck_assert_ok(cvhp_mask_encode(m, H, W, CVHP_IMAGE_PNG, buf, need, &need));
    spng_ctx *ctx = spng_ctx_new(0);
    spng_set_png_buffer(ctx, buf, need);
    struct spng_ihdr ih;
    ck_assert_int_eq(spng_get_ihdr(ctx, &ih), 0);
    ck_assert(ih.width == W && ih.height == H && ih.bit_depth == 8 && ih.color_type == SPNG_COLOR_TYPE_GRAYSCALE);
    uint8_t out[H * W];
    ck_assert_int_eq(spng_decode_image(ctx, out, sizeof out, SPNG_FMT_G8, 0), 0);
    for (size_t i = 0; i < H * W; i++)
        ck_assert_int_eq(out[i], m[i] ? 255 : 0);
    spng_ctx_free(ctx);
    free(buf);
#else
    ck_assert_status(cvhp_mask_encode(m, H, W, CVHP_IMAGE_PNG, NULL, 0, &need), CVHP_ERR_UNSUPPORTED);
#endif
#if CVHP_TEST_HAVE_JPEG
    ck_assert_status(cvhp_mask_encode(m, H, W, CVHP_IMAGE_JPG, NULL, 0, &need), CVHP_ERR_BUFFER_TOO_SMALL);
    buf = malloc(need);
    ck_assert_ok(cvhp_mask_encode(m, H, W, CVHP_IMAGE_JPG, buf, need, &need));
    tjhandle tj = tjInitDecompress();
    int jw, jh, sub, cs;
    ck_assert_int_eq(tjDecompressHeader3(tj, buf, need, &jw, &jh, &sub, &cs), 0);
    ck_assert(jw == W && jh == H);
    uint8_t jo[H * W];
    ck_assert_int_eq(tjDecompress2(tj, buf, need, jo, W, 0, H, TJPF_GRAY, 0), 0);
    double err = 0;
    for (size_t i = 0; i < H * W; i++)
        err += fabs((double)jo[i] - (m[i] ? 255 : 0));
    ck_assert_msg(err / (H * W) < 40, "JPEG mean error %g", err / (H * W)); /* lossy, as the reference's JPG */
    tjDestroy(tj);
    free(buf);
#else
    ck_assert_status(cvhp_mask_encode(m, H, W, CVHP_IMAGE_JPG, NULL, 0, &need), CVHP_ERR_UNSUPPORTED);
#endif
    /* to a file, and the reference's naming */
    char path[] = "/tmp/cvhp_mask_test_XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    ck_assert_ok(cvhp_mask_export(m, H, W, CVHP_IMAGE_BMP, path));
    FILE *f = fopen(path, "rb");
    unsigned char head[2];
    ck_assert(fread(head, 1, 2, f) == 2 && head[0] == 'B');
    fclose(f);
    unlink(path);
    ck_assert_status(cvhp_mask_export(m, H, W, CVHP_IMAGE_BMP, "/nonexistent/dir/x.bmp"), CVHP_ERR_IO);
    ck_assert_status(cvhp_mask_encode(m, H, W, 7, NULL, 0, &need), CVHP_ERR_INVALID_VALUE);
    ck_assert_status(cvhp_mask_encode(m, 0, W, CVHP_IMAGE_BMP, NULL, 0, &need), CVHP_ERR_OUT_OF_RANGE);
    char name[256];
    ck_assert_ok(cvhp_mask_export_path("/data/img.01.jpg", "cat", 3, 0.98765, CVHP_IMAGE_PNG, name, sizeof name, NULL));
    ck_assert_str_eq(name, "masks/img/cat/img_3_label_cat_conf_0987.png");
    ck_assert_ok(cvhp_mask_export_path("a.png", "dog", 0, 1.0, CVHP_IMAGE_JPG, name, sizeof name, NULL));
    ck_assert_str_eq(name, "masks/a/dog/a_0_label_dog_conf_10.jpg");
    ck_assert_ok(cvhp_mask_export_path("b", "x", 1, 0.5, CVHP_IMAGE_BMP, name, sizeof name, NULL));
    ck_assert_str_eq(name, "masks/b/x/b_1_label_x_conf_05.bmp");
    ck_assert_status(cvhp_mask_export_path("b", "x", 1, 0.5, 9, name, sizeof name, NULL), CVHP_ERR_INVALID_VALUE);
}
END_TEST

Suite *cvhp_test_suite(void)
{
    Suite *s = suite_create("masks");
    TCase *tc = tcase_create("polygons");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, masks_match_skimage_and_reference);
    tcase_add_test(tc, refinement_counts_follow_the_spec);
    tcase_add_test(tc, polygon_area_round_trip);
    tcase_add_test(tc, holes_and_empty);
    tcase_add_test(tc, isolated_pixels_outgrow_the_room);
    tcase_add_test(tc, copy_all_equals_accessors);
    tcase_add_test(tc, bad_inputs);
    suite_add_tcase(s, tc);
    tc = tcase_create("batch");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, batch_equals_single);
    suite_add_tcase(s, tc);
    tc = tcase_create("memory");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, workspace_reaches_a_steady_state);
    tcase_add_test(tc, workspace_bad_inputs_and_oom);
    tcase_add_test(tc, export_round_trips);
    suite_add_tcase(s, tc);
    return s;
}
