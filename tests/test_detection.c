/* SPDX-License-Identifier: MIT
 * The detection pipeline against the reference service's worked examples,
 * test vectors and golden data (tests/gen_golden_detection.py). */
#include <stdio.h>
#include <stdlib.h>

#include "cvhp_test.h"
#include "golden.h"

static cvhp_config *det_cfg(const char *model)
{
    cvhp_config *c;
    ck_assert_ok(cvhp_config_new(CVHP_TASK_OBJECT_DETECTION, &c));
    if (model)
        ck_assert_ok(cvhp_config_set_from_string(c, "model_name", model));
    return c;
}

/* §1.4 worked examples */
START_TEST(tile_worked_examples)
{
    float t[64];
    size_t n;
    ck_assert_ok(cvhp_tiles(640, 480, 3, 2, 0.25, t, 16, &n));
    const float want[] = {0, 0, 256, 274, 0, 206, 256, 480, 192, 0, 448, 274,
                          192, 206, 448, 480, 384, 0, 640, 274, 384, 206, 640, 480};
    ck_assert_uint_eq(n, 6);
    for (int i = 0; i < 24; i++)
        ck_assert_msg(t[i] == want[i], "640x480 3x2: [%d] = %g, expected %g", i, (double)t[i], (double)want[i]);
    ck_assert_ok(cvhp_tiles(1920, 1080, 2, 1, 0.0, t, 16, &n));
    const float w2[] = {0, 0, 960, 1080, 960, 0, 1920, 1080};
    ck_assert_int_eq(memcmp(t, w2, sizeof w2), 0);
    ck_assert_ok(cvhp_tiles(1280, 720, 4, 3, 0.5, t, 16, &n));
    ck_assert_uint_eq(n, 12);
    for (size_t k = 0; k < n; k++) {
        ck_assert(t[4 * k] == (float)(256 * (k / 3)) && t[4 * k + 1] == (float)(180 * (k % 3)));
        ck_assert(t[4 * k + 2] - t[4 * k] == 512 && t[4 * k + 3] - t[4 * k + 1] == 360);
    }
    ck_assert_ok(cvhp_tiles(1000, 1000, 3, 3, 0.25, t, 16, &n));
    for (size_t k = 0; k < n; k++)
        ck_assert(t[4 * k] == (float)(300 * (k / 3)) && t[4 * k + 1] == (float)(300 * (k % 3)));
    /* a tie rounds half to even: W=5, 2 tiles, r=0 -> [0,2] and [2,5] */
    ck_assert_ok(cvhp_tiles(5, 5, 2, 1, 0.0, t, 16, &n));
    ck_assert(t[0] == 0 && t[2] == 2 && t[4] == 2 && t[6] == 5);
}
END_TEST

START_TEST(tiles_match_golden)
{
    golden_file *g = golden_load("detection.bin");
    size_t cases = 0;
    float t[4 * 64];
    for (size_t ci = 0; ci < g->ncases; ci++) {
        const golden_case *c = &g->cases[ci];
        if (strncmp(c->name, "tiles_", 6) != 0)
            continue;
        const double *p = golden_get(c, "prms", 'd', NULL);
        size_t nw;
        const float *want = golden_get(c, "tile", 'f', &nw);
        size_t n;
        ck_assert_ok(cvhp_tiles((int64_t)p[0], (int64_t)p[1], (int32_t)p[2], (int32_t)p[3], p[4], t, 64, &n));
        ck_assert_uint_eq(4 * n, nw);
        for (size_t k = 0; k < nw; k++)
            ck_assert_msg(t[k] == want[k], "%s [%zu]: %g vs %g", c->name, k, (double)t[k], (double)want[k]);
        /* the last tile ends at the image edge */
        ck_assert(t[nw - 2] == (float)p[0] && t[nw - 1] == (float)p[1]);
        cases++;
    }
    ck_assert_uint_gt(cases, 200);
    golden_free(g);
}
END_TEST

START_TEST(tiles_bad_input_and_config)
{
    float t[64];
    size_t n;
    ck_assert_status(cvhp_tiles(0, 480, 3, 2, 0.25, t, 16, &n), CVHP_ERR_OUT_OF_RANGE);
    ck_assert_status(cvhp_tiles(640, (int64_t)1 << 40, 3, 2, 0.25, t, 16, &n), CVHP_ERR_OUT_OF_RANGE);
    ck_assert_status(cvhp_tiles(640, 480, 1, 1, 0.25, t, 16, &n), CVHP_ERR_OUT_OF_RANGE);
    ck_assert_status(cvhp_tiles(640, 480, 0, 2, 0.25, t, 16, &n), CVHP_ERR_OUT_OF_RANGE);
    ck_assert_status(cvhp_tiles(640, 480, 3, 2, 1.0, t, 16, &n), CVHP_ERR_OUT_OF_RANGE);
    ck_assert_status(cvhp_tiles(640, 480, 3, 2, NAN, t, 16, &n), CVHP_ERR_OUT_OF_RANGE);
    ck_assert_status(cvhp_tiles(10, 10, 20, 2, 0.0, t, 64, &n), CVHP_ERR_OUT_OF_RANGE); /* tiles < 1 px */
    ck_assert_ptr_nonnull(strstr(cvhp_last_error_message(), "smaller than a pixel"));
    ck_assert_status(cvhp_tiles(640, 480, 3, 2, 0.25, t, 5, &n), CVHP_ERR_BUFFER_TOO_SMALL);
    ck_assert_uint_eq(n, 6);
    ck_assert_status(cvhp_tiles(640, 480, 3, 2, 0.25, t, 16, NULL), CVHP_ERR_INVALID_ARGUMENT);
    cvhp_config *c = det_cfg(NULL);
    ck_assert_status(cvhp_tiles_from_config(c, 640, 480, t, 16, &n), CVHP_ERR_NOT_SET);
    ck_assert_ok(cvhp_config_set_from_string(c, "tile_grid_size", "3x2"));
    ck_assert_ok(cvhp_tiles_from_config(c, 640, 480, t, 16, &n));
    ck_assert(n == 6 && t[3] == 274);
    cvhp_config_free(c);
    cvhp_config *is;
    ck_assert_ok(cvhp_config_new(CVHP_TASK_INSTANCE_SEGMENTATION, &is));
    ck_assert_ok(cvhp_config_set_from_string(is, "tile_grid_size", "3x2"));
    ck_assert_status(cvhp_tiles_from_config(is, 640, 480, t, 16, &n), CVHP_ERR_INCOMPATIBLE);
    cvhp_config_free(is);
}
END_TEST

/* §1.6 mapping test: image 640x480, ratios {0.7, 1, 1.3} */
START_TEST(mapping_vectors)
{
    static const float tiles[3][4] = {{0, 0, 300, 200}, {100, 100, 400, 300}, {340, 280, 640, 480}};
    static const double factors[] = {0.7, 1.0, 1.3};
    const float b[8] = {10, 20, 50, 80, 0, 0, 300, 200};
    float out[8];
    for (int t = 0; t < 3; t++)
        for (int fi = 0; fi < 3; fi++)
            for (int fj = 0; fj < 3; fj++) {
                const double ti = factors[fi], im = factors[fj];
                const double tw = (tiles[t][2] - tiles[t][0]) * ti, th = (tiles[t][3] - tiles[t][1]) * ti;
                ck_assert_ok(cvhp_tile_boxes_to_image(b, 2, tiles[t], tw, th, 640 * im, 480 * im, 640, 480, out));
                for (int k = 0; k < 8; k++) {
                    const double want = ((double)b[k] / ti + tiles[t][k & 1]) * im;
                    ck_assert_msg(fabs(out[k] - want) <= 1e-4 * fabs(want) + 1e-4, "tile %d f %g/%g [%d]: %g vs %g",
                                  t, ti, im, k, (double)out[k], want);
                }
            }
    ck_assert_status(cvhp_tile_boxes_to_image(b, 2, tiles[0], 0, 1, 1, 1, 1, 1, out), CVHP_ERR_OUT_OF_RANGE);
    const float empty[4] = {5, 5, 5, 9};
    ck_assert_status(cvhp_tile_boxes_to_image(b, 2, empty, 1, 1, 1, 1, 1, 1, out), CVHP_ERR_OUT_OF_RANGE);
    ck_assert_status(cvhp_tile_boxes_to_image(NULL, 2, tiles[0], 1, 1, 1, 1, 1, 1, out), CVHP_ERR_INVALID_ARGUMENT);
}
END_TEST

/* §1.7 merge test vectors (threshold 0.25) */
static void merge_vec(size_t n, const float *b, const float *s, const int64_t *lab, const int32_t *src,
                      const uint8_t *want)
{
    static const float rects[] = {0, 0, 600, 400, 0, 0, 400, 300, 0, 100, 400, 400, 200, 0, 600, 300, 200, 100, 600, 400};
    uint8_t dup[8];
    int64_t keep[8];
    size_t nk;
    ck_assert_ok(cvhp_merge_predictions(b, s, lab, src, n, rects, 5, 0.25, dup, keep, 8, &nk));
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(dup[i] == want[i], "box %zu: duplicate %d, expected %d", i, dup[i], want[i]);
}

START_TEST(merge_vectors)
{
    /* sources: 0 = image, 1 = T0, 2 = T1 */
    const float two[] = {0, 100, 100, 200, 0, 100, 100, 200};
    const float s98[] = {0.9f, 0.8f}, s89[] = {0.8f, 0.9f};
    const int64_t l12[] = {1, 2}, l11[] = {1, 1};
    const int32_t t0t1[] = {1, 2}, t0t0[] = {1, 1}, t0img[] = {1, 0};
    const uint8_t none[] = {0, 0}, second[] = {0, 1}, first[] = {1, 0};
    uint8_t dup[1];
    int64_t keep[1];
    size_t nk;
    ck_assert_ok(cvhp_merge_predictions(NULL, NULL, NULL, NULL, 0, NULL, 0, 0.25, dup, keep, 1, &nk));
    ck_assert_uint_eq(nk, 0);
    merge_vec(2, two, s98, l12, t0t1, none);  /* different labels */
    merge_vec(2, two, s98, l11, t0t0, none);  /* same tile */
    const float apart[] = {0, 100, 100, 200, 0, 175, 100, 275};
    merge_vec(2, apart, s98, l11, t0t1, none); /* IoU < 0.25 */
    merge_vec(2, two, s98, l11, t0t1, second);
    merge_vec(2, two, s89, l11, t0t1, first);
    merge_vec(2, two, s98, l11, t0img, second);
    const float near[] = {0, 90, 100, 190, 0, 100, 100, 190};
    merge_vec(2, near, s98, l11, t0t1, second);
    const float three[] = {0, 100, 50, 200, 50, 100, 100, 200, 0, 100, 100, 200};
    const float s998[] = {0.9f, 0.9f, 0.8f}, s789[] = {0.7f, 0.8f, 0.9f};
    const int64_t l111[] = {1, 1, 1};
    const int32_t ttimg[] = {1, 1, 0};
    const uint8_t w001[] = {0, 0, 1}, w110[] = {1, 1, 0};
    merge_vec(3, three, s998, l111, ttimg, w001);
    merge_vec(3, three, s789, l111, ttimg, w110);
}
END_TEST

/* property: the merge equals a plain O(n^2) rendering of the rule on many
 * random cases, and the golden cases from the generator */
static double coco(const float *a, const float *b)
{
    float aw = a[2] - a[0], ah = a[3] - a[1], bw = b[2] - b[0], bh = b[3] - b[1];
    double w = fmin((double)aw + a[0], (double)bw + b[0]) - fmax(a[0], b[0]);
    if (w <= 0)
        return 0;
    double h = fmin((double)ah + a[1], (double)bh + b[1]) - fmax(a[1], b[1]);
    if (h <= 0)
        return 0;
    return w * h / ((double)aw * ah + (double)bw * bh - w * h);
}

static void naive_merge(const float *b, const float *s, const int64_t *l, const int32_t *src, const float *rects,
                        size_t n, double thr, uint8_t *dup)
{
    size_t *ord = malloc(n * sizeof *ord);
    for (size_t i = 0; i < n; i++)
        ord[i] = i, dup[i] = 0;
    for (size_t i = 1; i < n; i++) /* insertion sort: score desc, index asc */
        for (size_t j = i; j > 0 && (s[ord[j]] > s[ord[j - 1]] || (s[ord[j]] == s[ord[j - 1]] && ord[j] < ord[j - 1]));
             j--) {
            size_t t = ord[j];
            ord[j] = ord[j - 1], ord[j - 1] = t;
        }
    for (size_t a = 0; a < n; a++) {
        size_t i = ord[a];
        if (dup[i])
            continue;
        for (size_t c = a + 1; c < n; c++) {
            size_t j = ord[c];
            if (dup[j] || l[j] != l[i] || memcmp(rects + 4 * src[i], rects + 4 * src[j], 16) == 0)
                continue;
            if (coco(b + 4 * i, b + 4 * j) > thr)
                dup[j] = 1;
        }
    }
    free(ord);
}

START_TEST(merge_property_and_golden)
{
    test_rng r = {77};
    static const float rects[] = {0, 0, 600, 400, 0, 0, 400, 300, 0, 100, 400, 400, 200, 0, 600, 300,
                                  200, 100, 600, 400, 0, 0, 400, 300}; /* source 5 equals source 1 */
    enum { N = 300 };
    float b[4 * N], s[N];
    int64_t l[N], keep[N];
    int32_t src[N];
    uint8_t want[N], got[N];
    for (int iter = 0; iter < 2000; iter++) {
        size_t n = (size_t)(test_rng_next(&r) % (iter < 1900 ? 40 : N));
        for (size_t i = 0; i < n; i++) {
            float x = test_rng_float(&r, 0, 550), y = test_rng_float(&r, 0, 350);
            float w = test_rng_float(&r, 1, 80), h = test_rng_float(&r, 1, 80);
            if (i > 3 && test_rng_next(&r) % 2) { /* near-duplicate of an earlier box */
                size_t k = (size_t)(test_rng_next(&r) % i);
                x = b[4 * k] + test_rng_float(&r, -5, 5), y = b[4 * k + 1] + test_rng_float(&r, -5, 5);
                w = b[4 * k + 2] - b[4 * k], h = b[4 * k + 3] - b[4 * k + 1];
            }
            b[4 * i] = x, b[4 * i + 1] = y, b[4 * i + 2] = x + w, b[4 * i + 3] = y + h;
            s[i] = (float)(test_rng_next(&r) % 20) / 20.0f;
            l[i] = (int64_t)(test_rng_next(&r) % 3);
            src[i] = (int32_t)(test_rng_next(&r) % 6);
        }
        const double thr = (double)(test_rng_next(&r) % 11) / 10.0;
        naive_merge(b, s, l, src, rects, n, thr, want);
        size_t nk;
        ck_assert_ok(cvhp_merge_predictions(b, s, l, src, n, rects, 6, thr, got, keep, N, &nk));
        size_t k = 0;
        for (size_t i = 0; i < n; i++) {
            ck_assert_msg(got[i] == want[i], "iter %d box %zu", iter, i);
            if (!want[i])
                ck_assert_int_eq(keep[k++], (int64_t)i); /* survivors in input order */
        }
        ck_assert_uint_eq(nk, k);
    }
    golden_file *g = golden_load("detection.bin");
    size_t cases = 0;
    for (size_t ci = 0; ci < g->ncases; ci++) {
        const golden_case *c = &g->cases[ci];
        if (strncmp(c->name, "merge_", 6) != 0)
            continue;
        size_t n, nr;
        const float *gb = golden_get(c, "boxs", 'f', NULL), *gs = golden_get(c, "scor", 'f', &n);
        const int64_t *gl = golden_get(c, "labl", 'q', NULL);
        const int32_t *gsrc = golden_get(c, "srcs", 'i', NULL);
        const float *gr = golden_get(c, "rect", 'f', &nr);
        const double *thr = golden_get(c, "thrs", 'd', NULL);
        const uint8_t *gd = golden_get(c, "dups", 'u', NULL);
        size_t nk;
        ck_assert_ok(cvhp_merge_predictions(gb, gs, gl, gsrc, n, gr, nr / 4, thr[0], got, keep, N, &nk));
        for (size_t i = 0; i < n; i++)
            ck_assert_msg(got[i] == gd[i], "%s box %zu", c->name, i);
        cases++;
    }
    ck_assert_uint_eq(cases, 40);
    golden_free(g);
    /* bad input */
    size_t nk;
    const int32_t badsrc[1] = {9};
    ck_assert_status(cvhp_merge_predictions(b, s, l, badsrc, 1, rects, 6, 0.25, got, keep, N, &nk), CVHP_ERR_OUT_OF_RANGE);
    ck_assert_status(cvhp_merge_predictions(b, s, l, src, 1, rects, 6, 1.5, got, keep, N, &nk), CVHP_ERR_OUT_OF_RANGE);
    ck_assert_status(cvhp_merge_predictions(NULL, s, l, src, 1, rects, 6, 0.25, got, keep, N, &nk),
                     CVHP_ERR_INVALID_ARGUMENT);
}
END_TEST

START_TEST(postprocess_matches_torchvision_head)
{
    golden_file *g = golden_load("detection.bin");
    size_t cases = 0;
    for (size_t ci = 0; ci < g->ncases; ci++) {
        const golden_case *c = &g->cases[ci];
        if (strncmp(c->name, "frcnn_", 6) != 0)
            continue;
        size_t n, nw;
        const float *b = golden_get(c, "boxs", 'f', NULL), *s = golden_get(c, "scor", 'f', &n);
        const int64_t *l = golden_get(c, "labl", 'q', NULL), *want = golden_get(c, "keep", 'q', &nw);
        const double *p = golden_get(c, "prms", 'd', NULL);
        cvhp_config *cfg = det_cfg(NULL);
        ck_assert_ok(cvhp_config_set_float(cfg, CVHP_PARAM_BOX_SCORE_THRESHOLD, p[0]));
        ck_assert_ok(cvhp_config_set_float(cfg, CVHP_PARAM_NMS_IOU_THRESHOLD, p[1]));
        ck_assert_ok(cvhp_config_set_int(cfg, CVHP_PARAM_BOX_DETECTIONS_PER_IMAGE, (int64_t)p[2]));
        int64_t *keep = malloc(n * sizeof *keep);
        size_t nk;
        for (int threads = 1; threads <= 4; threads *= 2) { /* 4: more threads than cores */
            ck_assert_ok(cvhp_detection_postprocess(cfg, b, s, l, n, threads, keep, n, &nk));
            ck_assert_msg(nk == nw, "%s: %zu kept, reference %zu", c->name, nk, nw);
            for (size_t k = 0; k < nk; k++)
                ck_assert_int_eq(keep[k], want[k]);
        }
        free(keep);
        cvhp_config_free(cfg);
        cases++;
    }
    ck_assert_uint_eq(cases, 10);
    golden_free(g);
    /* wrong task */
    cvhp_config *mc;
    ck_assert_ok(cvhp_config_new(CVHP_TASK_MULTICLASS, &mc));
    size_t nk;
    ck_assert_status(cvhp_detection_postprocess(mc, NULL, NULL, NULL, 0, 1, NULL, 0, &nk), CVHP_ERR_INCOMPATIBLE);
    cvhp_config_free(mc);
}
END_TEST

START_TEST(yolo_decode_matches_reference)
{
    golden_file *g = golden_load("detection.bin");
    size_t cases = 0;
    for (size_t ci = 0; ci < g->ncases; ci++) {
        const golden_case *c = &g->cases[ci];
        if (strncmp(c->name, "yolo_", 5) != 0)
            continue;
        size_t np, nd;
        const float *pred = golden_get(c, "pred", 'f', &np);
        const double *p = golden_get(c, "prms", 'd', NULL);
        const float *wb = golden_get(c, "dbox", 'f', NULL), *ws = golden_get(c, "dscr", 'f', &nd);
        const int64_t *wl = golden_get(c, "dlab", 'q', NULL);
        const size_t nc = (size_t)p[2], n = np / (5 + nc);
        cvhp_config *cfg = det_cfg("yolov5");
        ck_assert_ok(cvhp_config_set_float(cfg, CVHP_PARAM_BOX_SCORE_THRESHOLD, p[0]));
        ck_assert_ok(cvhp_config_set_float(cfg, CVHP_PARAM_NMS_IOU_THRESHOLD, p[1]));
        float ob[4 * 300], os[300];
        int64_t ol[300];
        size_t no;
        ck_assert_ok(cvhp_yolo_decode(cfg, pred, n, nc, 1, ob, os, ol, 300, &no));
        ck_assert_msg(no == nd, "%s: %zu detections, reference %zu", c->name, no, nd);
        for (size_t k = 0; k < no; k++) {
            ck_assert_msg(os[k] == ws[k] && ol[k] == wl[k], "%s det %zu", c->name, k);
            for (int q = 0; q < 4; q++)
                ck_assert(ob[4 * k + q] == wb[4 * k + q]);
        }
        if (no > 0) {
            const size_t found = no;
            ck_assert_status(cvhp_yolo_decode(cfg, pred, n, nc, 1, ob, os, ol, found - 1, &no),
                             CVHP_ERR_BUFFER_TOO_SMALL);
        }
        cvhp_config_free(cfg);
        cases++;
    }
    ck_assert_uint_eq(cases, 4);
    golden_free(g);
    cvhp_config *cfg = det_cfg("yolov5");
    size_t no;
    float x[6] = {0};
    ck_assert_status(cvhp_yolo_decode(cfg, x, 1, 0, 1, NULL, NULL, NULL, 0, &no), CVHP_ERR_INVALID_ARGUMENT);
    ck_assert_status(cvhp_yolo_decode(cfg, x, SIZE_MAX / 4, 1, 1, NULL, NULL, NULL, 0, &no), CVHP_ERR_OVERFLOW);
    ck_assert_status(cvhp_yolo_decode(cfg, NULL, 3, 1, 1, NULL, NULL, NULL, 0, &no), CVHP_ERR_INVALID_ARGUMENT);
    cvhp_config_free(cfg);
}
END_TEST

START_TEST(letterbox_matches_reference)
{
    golden_file *g = golden_load("detection.bin");
    size_t n = 0;
    const double *lb = NULL;
    for (size_t ci = 0; ci < g->ncases && !lb; ci++)
        if (strcmp(g->cases[ci].name, "letterbox") == 0)
            lb = golden_get(&g->cases[ci], "lbox", 'd', &n);
    ck_assert_ptr_nonnull(lb);
    for (size_t k = 0; k < n / 10; k++) {
        const double *w = lb + 10 * k;
        double out[7];
        ck_assert_ok(cvhp_letterbox((int64_t)w[0], (int64_t)w[1], (int64_t)w[2], out));
        for (int q = 0; q < 7; q++)
            ck_assert_msg(out[q] == w[3 + q], "letterbox %g x %g -> %g: [%d] %g vs %g", w[0], w[1], w[2], q, out[q],
                          w[3 + q]);
    }
    golden_free(g);
    double out[7];
    ck_assert_ok(cvhp_letterbox(1920, 1080, 640, out)); /* r = 1/3, 640x360, pad 140 top and bottom */
    const float b[4] = {0, 140, 640, 500};
    float nb[4];
    ck_assert_ok(cvhp_letterbox_unpad(b, 1, out, 640, nb));
    ck_assert(nb[0] == 0 && nb[1] == 0 && nb[2] == 1 && nb[3] == 1);
    const float outside[4] = {-20, 100, 700, 600};
    ck_assert_ok(cvhp_letterbox_unpad(outside, 1, out, 640, nb));
    ck_assert(nb[0] == 0 && nb[1] == 0 && nb[2] == 1 && nb[3] == 1); /* clipped */
    ck_assert_status(cvhp_letterbox(0, 10, 640, out), CVHP_ERR_OUT_OF_RANGE);
    ck_assert_status(cvhp_letterbox(10, 10, 640, NULL), CVHP_ERR_INVALID_ARGUMENT);
}
END_TEST

START_TEST(output_json)
{
    const float b[8] = {0, 0, 320, 240, 64, 48, 640, 480};
    const float s[2] = {0.5f, 0.25f};
    const int64_t l[2] = {1, 0};
    const char *names[] = {"can", "carton"};
    size_t need;
    ck_assert_status(cvhp_detections_to_json(b, s, l, 2, 640, 480, names, 2, NULL, 0, &need), CVHP_ERR_BUFFER_TOO_SMALL);
    char *buf = malloc(need);
    ck_assert_ok(cvhp_detections_to_json(b, s, l, 2, 640, 480, names, 2, buf, need, NULL));
    ck_assert_str_eq(buf, "{\"boxes\": [{\"box\": {\"topX\": 0, \"topY\": 0, \"bottomX\": 0.5, \"bottomY\": 0.5}, "
                          "\"label\": \"carton\", \"score\": 0.5}, {\"box\": {\"topX\": 0.1, \"topY\": 0.1, "
                          "\"bottomX\": 1, \"bottomY\": 1}, \"label\": \"can\", \"score\": 0.25}]}");
    free(buf);
    char small[256];
    ck_assert_ok(cvhp_detections_to_json(NULL, NULL, NULL, 0, 640, 480, NULL, 0, small, sizeof small, NULL));
    ck_assert_str_eq(small, "{\"boxes\": []}");
    ck_assert_status(cvhp_detections_to_json(b, s, l, 2, 640, 480, names, 1, small, sizeof small, NULL),
                     CVHP_ERR_OUT_OF_RANGE); /* label 1 has no name */
    ck_assert_status(cvhp_detections_to_json(b, s, l, 2, 0, 480, names, 2, small, sizeof small, NULL),
                     CVHP_ERR_OUT_OF_RANGE);
    ck_assert_ok(cvhp_detections_to_json(b, s, l, 1, 640, 480, NULL, 0, small, sizeof small, NULL));
    ck_assert_ptr_nonnull(strstr(small, "\"label\": \"1\""));
}
END_TEST

/* the batch call equals one call per image, with threads */
START_TEST(postprocess_batch_equals_single)
{
    test_rng r = {31};
    enum { IMAGES = 9, PER = 700 };
    size_t offsets[IMAGES + 1];
    float *b = malloc(IMAGES * PER * 4 * sizeof *b), *s = malloc(IMAGES * PER * sizeof *s);
    int64_t *l = malloc(IMAGES * PER * sizeof *l), *keep = malloc(IMAGES * PER * sizeof *keep), one[PER];
    size_t counts[IMAGES], o = 0;
    for (int i = 0; i < IMAGES; i++) {
        offsets[i] = o;
        size_t n = (size_t)(test_rng_next(&r) % PER);
        for (size_t k = 0; k < n; k++, o++) {
            float x = test_rng_float(&r, 0, 500), y = test_rng_float(&r, 0, 500);
            b[4 * o] = x, b[4 * o + 1] = y;
            b[4 * o + 2] = x + test_rng_float(&r, 5, 60), b[4 * o + 3] = y + test_rng_float(&r, 5, 60);
            s[o] = test_rng_float(&r, 0, 1);
            l[o] = (int64_t)(test_rng_next(&r) % 4);
        }
    }
    offsets[IMAGES] = o;
    cvhp_config *cfg = det_cfg(NULL);
    for (int threads = 1; threads <= 4; threads *= 2) { /* 4: more threads than cores */
        ck_assert_ok(cvhp_detection_postprocess_batch(cfg, b, s, l, offsets, IMAGES, threads, keep, counts));
        for (int i = 0; i < IMAGES; i++) {
            size_t n = offsets[i + 1] - offsets[i], nk;
            ck_assert_ok(cvhp_detection_postprocess(cfg, b + 4 * offsets[i], s + offsets[i], l + offsets[i], n, 1, one,
                                                    PER, &nk));
            ck_assert_uint_eq(counts[i], nk);
            ck_assert_int_eq(memcmp(one, keep + offsets[i], nk * sizeof *one), 0);
        }
    }
    /* errors: decreasing offsets; a config of another task */
    size_t bad[3] = {0, 5, 2};
    ck_assert_status(cvhp_detection_postprocess_batch(cfg, b, s, l, bad, 2, 1, keep, counts), CVHP_ERR_INVALID_ARGUMENT);
    cvhp_config *mc;
    ck_assert_ok(cvhp_config_new(CVHP_TASK_MULTILABEL, &mc));
    ck_assert_status(cvhp_detection_postprocess_batch(mc, b, s, l, offsets, IMAGES, 2, keep, counts),
                     CVHP_ERR_INCOMPATIBLE);
    ck_assert_ptr_nonnull(strstr(cvhp_last_error_message(), "not detection"));
    cvhp_config_free(mc);
    cvhp_config_free(cfg);
    free(b), free(s), free(l), free(keep);
}
END_TEST

START_TEST(merge_batch_equals_single)
{
    test_rng r = {8};
    enum { IMAGES = 7, PER = 120 };
    static const float rect1[] = {0, 0, 600, 400, 0, 0, 400, 300, 200, 100, 600, 400};
    float b[IMAGES * PER * 4], s[IMAGES * PER], rects[IMAGES * 12];
    int64_t l[IMAGES * PER], keep[IMAGES * PER], one[PER];
    int32_t src[IMAGES * PER];
    uint8_t dup[IMAGES * PER], dup1[PER];
    size_t offsets[IMAGES + 1], soff[IMAGES + 1], counts[IMAGES], o = 0;
    for (int i = 0; i < IMAGES; i++) {
        offsets[i] = o, soff[i] = (size_t)i * 3;
        memcpy(rects + 12 * i, rect1, sizeof rect1);
        size_t n = (size_t)(test_rng_next(&r) % PER);
        for (size_t k = 0; k < n; k++, o++) {
            float x = test_rng_float(&r, 0, 200), y = test_rng_float(&r, 0, 150);
            b[4 * o] = x, b[4 * o + 1] = y, b[4 * o + 2] = x + test_rng_float(&r, 10, 80);
            b[4 * o + 3] = y + test_rng_float(&r, 10, 80);
            s[o] = test_rng_float(&r, 0, 1), l[o] = (int64_t)(test_rng_next(&r) % 3);
            src[o] = (int32_t)(test_rng_next(&r) % 3);
        }
    }
    offsets[IMAGES] = o, soff[IMAGES] = IMAGES * 3;
    for (int threads = 1; threads <= 4; threads *= 2) { /* 4: more threads than cores */
        ck_assert_ok(cvhp_merge_predictions_batch(b, s, l, src, offsets, rects, soff, IMAGES, 0.25, threads, dup, keep,
                                                  counts));
        for (int i = 0; i < IMAGES; i++) {
            size_t n = offsets[i + 1] - offsets[i], nk;
            ck_assert_ok(cvhp_merge_predictions(b + 4 * offsets[i], s + offsets[i], l + offsets[i], src + offsets[i], n,
                                                rect1, 3, 0.25, dup1, one, PER, &nk));
            ck_assert_uint_eq(nk, counts[i]);
            ck_assert_int_eq(memcmp(one, keep + offsets[i], nk * sizeof *one), 0);
            ck_assert_int_eq(memcmp(dup1, dup + offsets[i], n), 0);
        }
    }
    src[0] = 5; /* outside its image's 3 rectangles */
    ck_assert_status(cvhp_merge_predictions_batch(b, s, l, src, offsets, rects, soff, IMAGES, 0.25, 2, dup, keep, counts),
                     CVHP_ERR_OUT_OF_RANGE);
}
END_TEST

Suite *cvhp_test_suite(void)
{
    Suite *s = suite_create("detection");
    TCase *tc = tcase_create("tiling");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, tile_worked_examples);
    tcase_add_test(tc, tiles_match_golden);
    tcase_add_test(tc, tiles_bad_input_and_config);
    tcase_add_test(tc, mapping_vectors);
    tcase_add_test(tc, merge_vectors);
    tcase_add_test(tc, merge_property_and_golden);
    suite_add_tcase(s, tc);
    tc = tcase_create("postprocess");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, postprocess_matches_torchvision_head);
    tcase_add_test(tc, yolo_decode_matches_reference);
    tcase_add_test(tc, letterbox_matches_reference);
    tcase_add_test(tc, output_json);
    suite_add_tcase(s, tc);
    /* the parallel forms: their own case (OpenMP threads do not start under
     * qemu-user, so scripts/test-aarch64.sh leaves them to the native runs) */
    tc = tcase_create("batch");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, merge_batch_equals_single);
    tcase_add_test(tc, postprocess_batch_equals_single);
    suite_add_tcase(s, tc);
    return s;
}
