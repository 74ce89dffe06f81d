/* SPDX-License-Identifier: MIT
 * Box kernels against torchvision and OpenCV (golden data from
 * tests/gen_golden_boxes.py) on every instruction set this CPU runs and with
 * 1 and 2 threads; against a naive in-test greedy NMS on random inputs; the
 * ONNX NonMaxSuppression specification's examples; and every bad input. */
#include <stdio.h>
#include <stdlib.h>

#include "../lib/kernels.h"
#include "cvhp_test.h"
#include "golden.h"
#include "naive_nms.h"

static const cvhp_isa isas[] = {CVHP_ISA_SCALAR, CVHP_ISA_AVX2, CVHP_ISA_AVX512, CVHP_ISA_NEON};
#define N_ISAS 4

/* Runs body for every runnable ISA with the cap set; restores AUTO. */
#define FOR_EACH_ISA(isa_var)                                                               \
    for (size_t isa_i_ = 0; isa_i_ < N_ISAS; isa_i_++)                                      \
        for (cvhp_isa isa_var = isas[isa_i_]; cvhp_isa_supported(isa_var) &&               \
                                              cvhp_set_max_isa(isa_var) == CVHP_OK;         \
             isa_var = (cvhp_isa)0)

static void restore_isa(void) { cvhp_set_max_isa(CVHP_ISA_AUTO); }

static int64_t cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}
static int cmp_i64_int(const void *a, const void *b) { return (int)cmp_i64(a, b); }

static void check_nms_file(const char *file, int batched)
{
    golden_file *g = golden_load(file);
    int64_t *keep = NULL;
    size_t compared = 0, passes = 0, per_pass = 0;
    for (size_t ci = 0; ci < g->ncases; ci++) {
        size_t nt;
        ck_assert_ptr_nonnull(golden_get(&g->cases[ci], "thrs", 'd', &nt));
        per_pass += nt;
    }
    FOR_EACH_ISA(isa)
    {
        for (int threads = 1; threads <= 2; threads++, passes++) {
            for (size_t ci = 0; ci < g->ncases; ci++) {
                const golden_case *c = &g->cases[ci];
                size_t nb, ns, nt, ni = 0;
                const float *boxes = golden_get(c, "boxs", 'f', &nb);
                const float *scores = golden_get(c, "scor", 'f', &ns);
                const double *thr = golden_get(c, "thrs", 'd', &nt);
                const int64_t *idxs = golden_get(c, "idxs", 'q', &ni);
                const int sets = golden_get(c, "sets", 'u', NULL) != NULL;
                ck_assert(boxes && scores && thr && nb == 4 * ns);
                ck_assert(!batched || (idxs && ni == ns));
                keep = realloc(keep, (ns + 1) * sizeof *keep);
                for (size_t ti = 0; ti < nt; ti++) {
                    char tag[16];
                    snprintf(tag, sizeof tag, "kp%02u", (unsigned)(ti % 100));
                    size_t nwant;
                    const int64_t *want = golden_get(c, tag, 'q', &nwant);
                    ck_assert_ptr_nonnull(want);
                    cvhp_nms_options o;
                    ck_assert_ok(cvhp_nms_options_init(&o, CVHP_NMS_PRESET_TORCHVISION));
                    o.iou_threshold = thr[ti];
                    o.num_threads = threads;
                    size_t nk = 0;
                    if (batched)
                        ck_assert_ok(cvhp_batched_nms(boxes, scores, idxs, ns, &o, keep, ns, &nk));
                    else
                        ck_assert_ok(cvhp_nms(boxes, scores, ns, &o, keep, ns, &nk));
                    if (sets)
                        qsort(keep, nk, sizeof *keep, cmp_i64_int);
                    ck_assert_msg(nk == nwant, "%s %s t=%g isa=%s threads=%d: kept %zu, torchvision %zu", file,
                                  c->name, thr[ti], cvhp_isa_name(isa), threads, nk, nwant);
                    for (size_t k = 0; k < nk; k++)
                        ck_assert_msg(keep[k] == want[k], "%s %s t=%g isa=%s: keep[%zu] = %lld, torchvision %lld",
                                      file, c->name, thr[ti], cvhp_isa_name(isa), k, (long long)keep[k],
                                      (long long)want[k]);
                    compared++;
                }
            }
        }
    }
    restore_isa();
    /* every case and threshold, on every runnable ISA (the scalar one at
     * least) with 1 and 2 threads */
    ck_assert_uint_ge(per_pass, 20);
    ck_assert_uint_ge(passes, 2);
    ck_assert_uint_eq(compared, passes * per_pass);
    free(keep);
    golden_free(g);
}

START_TEST(nms_matches_torchvision) { check_nms_file("nms.bin", 0); }
END_TEST

START_TEST(batched_nms_matches_torchvision) { check_nms_file("batched_nms.bin", 1); }
END_TEST

static int same_value(float a, float b) { return (isnan(a) && isnan(b)) || a == b; }

START_TEST(box_ops_match_torchvision)
{
    golden_file *g = golden_load("box_ops.bin");
    FOR_EACH_ISA(isa)
    {
        for (size_t ci = 0; ci < g->ncases; ci++) {
            const golden_case *c = &g->cases[ci];
            size_t na, nb, nm;
            const float *a = golden_get(c, "boxa", 'f', &na);
            const float *b = golden_get(c, "boxb", 'f', &nb);
            const float *m = golden_get(c, "ioum", 'f', &nm);
            na /= 4, nb /= 4;
            ck_assert_uint_eq(nm, na * nb);
            float *out = malloc(nm * sizeof *out);
            for (int threads = 1; threads <= 2; threads++) {
                ck_assert_ok(cvhp_box_iou(a, na, b, nb, out, threads));
                for (size_t k = 0; k < nm; k++)
                    ck_assert_msg(same_value(out[k], m[k]), "%s iou[%zu] isa=%s: %a vs torchvision %a", c->name, k,
                                  cvhp_isa_name(isa), (double)out[k], (double)m[k]);
            }
            const float *area = golden_get(c, "area", 'f', NULL);
            ck_assert_ok(cvhp_box_area(a, na, out));
            for (size_t k = 0; k < na; k++)
                ck_assert(same_value(out[k], area[k]));
            const float *clip = golden_get(c, "clip", 'f', NULL);
            ck_assert_ok(cvhp_box_clip(a, na, 640, 480, out));
            for (size_t k = 0; k < 4 * na; k++)
                ck_assert_msg(same_value(out[k], clip[k]), "%s clip[%zu]: %g vs %g", c->name, k, (double)out[k],
                              (double)clip[k]);
            size_t nsmall, nk;
            const int64_t *small = golden_get(c, "smal", 'q', &nsmall);
            int64_t *keep = malloc(na * sizeof *keep);
            ck_assert_ok(cvhp_box_remove_small(a, na, 20.0f, keep, &nk));
            ck_assert_uint_eq(nk, nsmall);
            for (size_t k = 0; k < nk; k++)
                ck_assert_int_eq(keep[k], small[k]);
            free(keep);
            for (int s = 0; s < 3; s++)
                for (int d = 0; d < 3; d++) {
                    char tag[16];
                    snprintf(tag, sizeof tag, "cv%d%d", s + 1, d + 1);
                    const float *want = golden_get(c, tag, 'f', NULL);
                    ck_assert_msg(want != NULL, "no %s", tag);
                    ck_assert_ok(cvhp_box_convert(a, na, (cvhp_box_format)(s + 1), (cvhp_box_format)(d + 1), out));
                    for (size_t k = 0; k < 4 * na; k++)
                        ck_assert_msg(same_value(out[k], want[k]), "%s convert %s[%zu]: %a vs %a", c->name, tag, k,
                                      (double)out[k], (double)want[k]);
                }
            free(out);
        }
    }
    restore_isa();
    golden_free(g);
}
END_TEST

START_TEST(opencv_presets_match_cv2)
{
    golden_file *g = golden_load("opencv_nms.bin");
    size_t nms_cases = 0, soft_cases = 0;
    for (size_t ci = 0; ci < g->ncases; ci++) {
        const golden_case *c = &g->cases[ci];
        size_t nb, ns, nw, np;
        const float *boxes = golden_get(c, "boxs", 'f', &nb);
        const float *scores = golden_get(c, "scor", 'f', &ns);
        const int64_t *want = golden_get(c, "keep", 'q', &nw);
        const double *prm = golden_get(c, "prms", 'd', &np);
        int64_t *keep = malloc((ns + 1) * sizeof *keep);
        float *upd = malloc((ns + 1) * sizeof *upd);
        size_t nk = 0;
        if (strncmp(c->name, "nms_", 4) == 0) {
            cvhp_nms_options o;
            ck_assert_ok(cvhp_nms_options_init(&o, CVHP_NMS_PRESET_OPENCV));
            o.score_threshold = prm[0];
            o.iou_threshold = prm[1];
            o.top_k = (int64_t)prm[2];
            ck_assert_ok(cvhp_nms(boxes, scores, ns, &o, keep, ns, &nk));
            nms_cases++;
        } else {
            ck_assert_ok(cvhp_soft_nms(boxes, scores, ns, (cvhp_soft_nms_method)(int)prm[0], (float)prm[2],
                                       (float)prm[3], (float)prm[1], (size_t)prm[4], keep, upd, ns, &nk));
            const float *wupd = golden_get(c, "upds", 'f', NULL);
            for (size_t k = 0; k < nk && k < nw; k++)
                ck_assert_msg(fabsf(upd[k] - wupd[k]) <= 1e-6f * fabsf(wupd[k]) + 1e-7f,
                              "%s updated score %zu: %.9g vs cv2 %.9g", c->name, k, (double)upd[k], (double)wupd[k]);
            soft_cases++;
        }
        ck_assert_msg(nk == nw, "%s: kept %zu, cv2 %zu", c->name, nk, nw);
        for (size_t k = 0; k < nk; k++)
            ck_assert_msg(keep[k] == want[k], "%s: keep[%zu] = %lld, cv2 %lld", c->name, k, (long long)keep[k],
                          (long long)want[k]);
        free(keep);
        free(upd);
    }
    ck_assert_uint_gt(nms_cases, 10);
    ck_assert_uint_gt(soft_cases, 4);
    golden_free(g);
}
END_TEST

/* ---- the ONNX NonMaxSuppression operator specification's examples ---- */

static void onnx_run(const float *boxes, const float *scores, size_t n, int64_t max_out, float iou, float st,
                     const int64_t *want, size_t nwant)
{
    cvhp_nms_options o;
    ck_assert_ok(cvhp_nms_options_init(&o, CVHP_NMS_PRESET_ONNX));
    o.iou_threshold = iou;
    o.score_threshold = st;
    o.top_k = max_out;
    int64_t keep[16];
    size_t nk;
    ck_assert_ok(cvhp_nms(boxes, scores, n, &o, keep, 16, &nk));
    ck_assert_uint_eq(nk, nwant);
    for (size_t k = 0; k < nk; k++)
        ck_assert_int_eq(keep[k], want[k]);
}

START_TEST(onnx_spec_examples)
{
    static const float boxes[] = {0.0f, 0.0f, 1.0f, 1.0f,  0.0f, 0.1f,  1.0f, 1.1f,  0.0f, -0.1f, 1.0f, 0.9f,
                                  0.0f, 10.0f, 1.0f, 11.0f, 0.0f, 10.1f, 1.0f, 11.1f, 0.0f, 100.0f, 1.0f, 101.0f};
    static const float flipped[] = {1.0f, 1.0f, 0.0f, 0.0f,  0.0f, 0.1f,  1.0f, 1.1f,  0.0f, 0.9f,   1.0f, -0.1f,
                                    0.0f, 10.0f, 1.0f, 11.0f, 1.0f, 10.1f, 0.0f, 11.1f, 1.0f, 101.0f, 0.0f, 100.0f};
    static const float scores[] = {0.9f, 0.75f, 0.6f, 0.95f, 0.5f, 0.3f};
    /* ONNX boxes are [y1, x1, y2, x2]: IoU is symmetric in the axes, so they are used as given */
    static const int64_t w305[] = {3, 0, 5}, w30[] = {3, 0}, w0[] = {0};
    onnx_run(boxes, scores, 6, 3, 0.5f, 0.0f, w305, 3);   /* suppress_by_IOU */
    onnx_run(flipped, scores, 6, 3, 0.5f, 0.0f, w305, 3); /* flipped_coordinates */
    onnx_run(boxes, scores, 6, 2, 0.5f, 0.0f, w30, 2);    /* limit_output_size */
    onnx_run(boxes, scores, 6, 3, 0.5f, 0.4f, w30, 2);    /* suppress_by_IOU_and_scores */
    onnx_run(boxes, scores, 1, 3, 0.5f, 0.0f, w0, 1);     /* single_box */
    float same[40];
    float same_scores[10];
    for (int i = 0; i < 10; i++) {
        same[4 * i] = 0, same[4 * i + 1] = 0, same[4 * i + 2] = 1, same[4 * i + 3] = 1;
        same_scores[i] = 0.9f;
    }
    onnx_run(same, same_scores, 10, 3, 0.5f, 0.0f, w0, 1); /* identical_boxes */
    /* center_point_box = 1: convert [xc, yc, w, h] first */
    static const float centre[] = {0.5f, 0.5f,  1.0f, 1.0f, 0.5f, 0.6f,  1.0f, 1.0f, 0.5f, 0.4f,   1.0f, 1.0f,
                                   0.5f, 10.5f, 1.0f, 1.0f, 0.5f, 10.6f, 1.0f, 1.0f, 0.5f, 100.5f, 1.0f, 1.0f};
    float conv[24];
    ck_assert_ok(cvhp_box_convert(centre, 6, CVHP_BOX_CXCYWH, CVHP_BOX_XYXY, conv));
    onnx_run(conv, scores, 6, 3, 0.5f, 0.0f, w305, 3);
    /* two_classes: each class keeps [3, 0]; merged in score order per class cap */
    float b2[48], s2[12];
    int64_t cls[12];
    memcpy(b2, boxes, sizeof boxes);
    memcpy(b2 + 24, boxes, sizeof boxes);
    for (int i = 0; i < 12; i++)
        s2[i] = scores[i % 6], cls[i] = i / 6;
    cvhp_nms_options o;
    ck_assert_ok(cvhp_nms_options_init(&o, CVHP_NMS_PRESET_ONNX));
    o.top_k = 2;
    int64_t keep[12];
    size_t nk;
    ck_assert_ok(cvhp_batched_nms(b2, s2, cls, 12, &o, keep, 12, &nk));
    ck_assert_uint_eq(nk, 4);
    ck_assert(keep[0] == 3 && keep[1] == 9 && keep[2] == 0 && keep[3] == 6);
}
END_TEST

/* ---- random cross-check against a naive greedy NMS ---- */

static void random_boxes(test_rng *rng, float *b, float *s, size_t n, float img, float minw, float maxw, int clumps)
{
    size_t objs = clumps ? (n / 15 + 1) : n;
    for (size_t i = 0; i < n; i++) {
        size_t o = clumps ? (size_t)(test_rng_next(rng) % objs) : i;
        test_rng orng = {0x1234567ULL + o * 7919};
        float cx = test_rng_float(&orng, 0, img), cy = test_rng_float(&orng, 0, img);
        float w = test_rng_float(&orng, minw, maxw), h = test_rng_float(&orng, minw, maxw);
        float j = clumps ? 0.1f : 0.0f;
        b[4 * i] = cx + test_rng_float(rng, -j, j) * w, b[4 * i + 1] = cy + test_rng_float(rng, -j, j) * h;
        b[4 * i + 2] = b[4 * i] + w * test_rng_float(rng, 0.8f, 1.2f);
        b[4 * i + 3] = b[4 * i + 1] + h * test_rng_float(rng, 0.8f, 1.2f);
        s[i] = (float)(test_rng_next(rng) % 1000) / 1000.0f; /* many exact ties */
    }
}

/* On every ISA and with 1 and 2 threads (and 4 on the best ISA), at
 * threshold t: cvhp_nms keeps exactly want[0, nw) (unless want is NULL) and,
 * when cls is given, cvhp_batched_nms exactly wantb[0, nwb). what names the
 * case. */
/* cvhp_nms keeps exactly want[0, nw) (unless want is NULL) and, when cls is
 * given, cvhp_batched_nms exactly wantb[0, nwb), on the current ISA with
 * the given thread count; isa names it in messages. */
static void check_run(const float *b, const float *s, const int64_t *cls, size_t n, double t, int threads,
                      const int64_t *want, size_t nw, const int64_t *wantb, size_t nwb, const char *what,
                      const char *isa, int64_t *got)
{
    cvhp_nms_options o;
    cvhp_nms_options_init(&o, CVHP_NMS_PRESET_TORCHVISION);
    o.iou_threshold = t;
    o.num_threads = threads;
    size_t ng;
    if (want != NULL) {
        ck_assert_ok(cvhp_nms(b, s, n, &o, got, n, &ng));
        ck_assert_msg(ng == nw && memcmp(got, want, ng * sizeof *got) == 0,
                      "%s t=%g isa=%s threads=%d: %zu kept, expected %zu", what, t, isa, threads, ng, nw);
    }
    if (cls != NULL) {
        ck_assert_ok(cvhp_batched_nms(b, s, cls, n, &o, got, n, &ng));
        ck_assert_msg(ng == nwb && memcmp(got, wantb, ng * sizeof *got) == 0,
                      "%s batched t=%g isa=%s threads=%d: %zu kept, expected %zu", what, t, isa, threads, ng, nwb);
    }
}

static void check_every_path(const float *b, const float *s, const int64_t *cls, size_t n, double t,
                             const int64_t *want, size_t nw, const int64_t *wantb, size_t nwb, const char *what)
{
    int64_t *got = malloc((n ? n : 1) * sizeof *got);
    FOR_EACH_ISA(isa)
    {
        for (int threads = 1; threads <= 2; threads++)
            check_run(b, s, cls, n, t, threads, want, nw, wantb, nwb, what, cvhp_isa_name(isa), got);
        if (isa == CVHP_ISA_SCALAR) {
            /* room for exactly the kept indices (the output's checked loop
             * when fewer than every box), and for one less */
            cvhp_nms_options o;
            cvhp_nms_options_init(&o, CVHP_NMS_PRESET_TORCHVISION);
            o.iou_threshold = t;
            o.num_threads = 1;
            size_t ng;
            const int64_t *w = want != NULL ? want : wantb;
            const size_t nwant = want != NULL ? nw : nwb;
            ck_assert_ok(want != NULL ? cvhp_nms(b, s, n, &o, got, nwant, &ng)
                                      : cvhp_batched_nms(b, s, cls, n, &o, got, nwant, &ng));
            ck_assert_msg(ng == nwant && memcmp(got, w, ng * sizeof *got) == 0,
                          "%s t=%g keep_cap=%zu: %zu kept, expected %zu", what, t, nwant, ng, nwant);
            if (nwant > 0)
                ck_assert_status(want != NULL ? cvhp_nms(b, s, n, &o, got, nwant - 1, &ng)
                                              : cvhp_batched_nms(b, s, cls, n, &o, got, nwant - 1, &ng),
                                 CVHP_ERR_BUFFER_TOO_SMALL);
        }
    }
    restore_isa();
    /* a team of four threads on the best ISA (more threads than this
     * machine's cores: OpenMP still makes four) */
    check_run(b, s, cls, n, t, 4, want, nw, wantb, nwb, what, "auto", got);
    free(got);
}

START_TEST(random_against_naive)
{
    test_rng rng = {0xC0FFEE + (uint64_t)_i};
    static const struct {
        size_t n;
        float img, minw, maxw;
        int clumps;
    } shapes[] = {{700, 4000, 5, 40, 0},  {3000, 8000, 5, 60, 0},  {2500, 1333, 20, 200, 1},
                  {600, 300, 5, 120, 1},  {5000, 20000, 10, 50, 1}, {1200, 1000, 1, 900, 0}};
    for (size_t sh = 0; sh < sizeof shapes / sizeof shapes[0]; sh++) {
        const size_t n = shapes[sh].n;
        float *b = malloc(4 * n * sizeof *b), *s = malloc(n * sizeof *s);
        int64_t *want = malloc(n * sizeof *want);
        random_boxes(&rng, b, s, n, shapes[sh].img, shapes[sh].minw, shapes[sh].maxw, shapes[sh].clumps);
        const double t = (double)(test_rng_next(&rng) % 101) / 100.0;
        size_t nw = naive_nms(b, s, n, t, want);
        char what[32];
        snprintf(what, sizeof what, "shape %zu", sh);
        check_every_path(b, s, NULL, n, t, want, nw, NULL, 0, what);
        free(b), free(s), free(want);
    }
}
END_TEST

/* Threshold 0 with CVHP_NMS_SUPPRESS_GE: an IoU of 0 suppresses, so every
 * pair whose IoU is not NaN does, disjoint and degenerate boxes included
 * (torchvision's arithmetic with >=); only pairs of zero-area boxes (0 / 0)
 * survive each other. A hand case, then 600 boxes (the size that takes the
 * grid at other thresholds) against the plain NMS. */
START_TEST(suppress_ge_at_zero)
{
    static const float hb[] = {0, 0, 10, 10, 100, 100, 110, 110, 50, 50, 50, 60, 70, 70, 70, 70, 80, 80, 80, 80};
    static const float hs[] = {0.5f, 0.4f, 0.9f, 0.3f, 0.2f};
    cvhp_nms_options o;
    cvhp_nms_options_init(&o, CVHP_NMS_PRESET_TORCHVISION);
    o.iou_threshold = 0;
    o.flags |= CVHP_NMS_SUPPRESS_GE;
    int64_t keep[600];
    size_t nk;
    /* box 2 (zero width, best score) removes 0 and 1 (IoU 0 / their area);
     * the empty boxes 3 and 4 meet it and each other at 0 / 0 */
    ck_assert_ok(cvhp_nms(hb, hs, 5, &o, keep, 600, &nk));
    ck_assert_uint_eq(nk, 3);
    ck_assert(keep[0] == 2 && keep[1] == 3 && keep[2] == 4);
    const size_t n = 600;
    float *b = malloc(4 * n * sizeof *b), *s = malloc(n * sizeof *s);
    int64_t *want = malloc(n * sizeof *want);
    test_rng rng = {0x6E0};
    random_boxes(&rng, b, s, n, 3000, 0, 40, 0);
    for (size_t i = 0; i < n; i += 7) /* zero-area and inverted boxes among them */
        b[4 * i + 2] = b[4 * i] - (float)(i % 3);
    const size_t nw = naive_nms_ge(b, s, n, 0.0, 1, want);
    ck_assert_uint_lt(nw, 120);
    FOR_EACH_ISA(isa)
    {
        for (int threads = 1; threads <= 2; threads++) {
            o.num_threads = threads;
            ck_assert_ok(cvhp_nms(b, s, n, &o, keep, n, &nk));
            ck_assert_msg(nk == nw && memcmp(keep, want, nk * sizeof *keep) == 0, "isa=%s: %zu kept, plain %zu",
                          cvhp_isa_name(isa), nk, nw);
        }
    }
    restore_isa();
    free(b), free(s), free(want);
}
END_TEST

/* Class ids at the ends of int64 (their range overflows), negative ones and
 * spread-out ones take the general class sort; a narrow range of ids
 * (shifted, with gaps) the counting one. Both give torchvision's result. */
START_TEST(batched_class_id_ranges)
{
    static const int64_t spread[] = {INT64_MIN, INT64_MAX, 0, -1, 1, INT64_MIN + 1, 1LL << 40};
    const size_t n = 1500;
    float *b = malloc(4 * n * sizeof *b), *s = malloc(n * sizeof *s);
    int64_t *cls = malloc(n * sizeof *cls), *want = malloc(n * sizeof *want);
    test_rng rng = {0xC1A55};
    random_boxes(&rng, b, s, n, 1333, 20, 200, 1);
    for (int variant = 0; variant < 3; variant++) {
        for (size_t i = 0; i < n; i++) {
            const uint64_t r = test_rng_next(&rng);
            cls[i] = variant == 0 ? spread[r % 7] : variant == 1 ? (int64_t)(r % 40) * 3 - 1000 : (int64_t)(r % 2);
        }
        const size_t nw = naive_batched(b, s, cls, n, 0.5, want);
        check_every_path(b, s, cls, n, 0.5, NULL, 0, want, nw, variant == 0 ? "spread ids" : "narrow ids");
    }
    /* every box its own class, at sizes whose bucket-start list (n + 1
     * entries) ends exactly on a 64-byte boundary of the workspace */
    static const size_t sizes[] = {8, 64, 1024};
    for (size_t k = 0; k < 3; k++) {
        for (size_t i = 0; i < sizes[k]; i++)
            cls[i] = (int64_t)(sizes[k] - i) * 3;
        const size_t nw = naive_batched(b, s, cls, sizes[k], 0.5, want);
        ck_assert_uint_eq(nw, sizes[k]);
        check_every_path(b, s, cls, sizes[k], 0.5, NULL, 0, want, nw, "one class a box");
    }
    free(b), free(s), free(cls), free(want);
}
END_TEST

/* Batched NMS after a score filter and a cut of the candidates to the top k
 * (OpenCV's top_k), on narrow ids (grouped by counts taken as the scores are
 * read, which the cut invalidates) and on spread ids (the general grouping):
 * against the plain batched NMS of the surviving candidates. */
START_TEST(batched_filtered_candidates)
{
    const size_t n = 3000;
    float *b = malloc(4 * n * sizeof *b), *s = malloc(n * sizeof *s), *sb = malloc(4 * n * sizeof *sb);
    float *ss = malloc(n * sizeof *ss);
    int64_t *cls = malloc(n * sizeof *cls), *sc = malloc(n * sizeof *sc), *want = malloc(n * sizeof *want);
    int64_t *got = malloc(n * sizeof *got);
    size_t *from = malloc(n * sizeof *from);
    ranked *r = malloc(n * sizeof *r);
    uint8_t *in = malloc(n);
    test_rng rng = {0xF117E4};
    random_boxes(&rng, b, s, n, 1333, 20, 200, 1);
    for (int spread = 0; spread < 2; spread++) {
        for (size_t i = 0; i < n; i++)
            cls[i] = spread ? (int64_t)(test_rng_next(&rng) % 5) << 40 : (int64_t)(test_rng_next(&rng) % 5) - 2;
        for (int variant = 0; variant < 3; variant++) {
            cvhp_nms_options o;
            cvhp_nms_options_init(&o, CVHP_NMS_PRESET_TORCHVISION);
            const double sthr = variant == 1 ? 0.3 : 0.0;
            const size_t k = variant == 0 ? 1000 : variant == 1 ? 700 : n; /* 1000, 700: cuts */
            if (variant == 1)
                o.flags |= CVHP_NMS_SCORE_THRESHOLD, o.score_threshold = sthr;
            if (k < n)
                o.flags |= CVHP_NMS_TOPK_CANDIDATES, o.top_k = (int64_t)k;
            /* the candidates: score above the filter, then the first k by rank */
            size_t nc = 0;
            for (size_t i = 0; i < n; i++)
                if (!(o.flags & CVHP_NMS_SCORE_THRESHOLD) || s[i] > sthr)
                    r[nc].s = s[i], r[nc].i = i, nc++;
            qsort(r, nc, sizeof *r, rank_cmp);
            memset(in, 0, n);
            for (size_t q = 0; q < nc && q < k; q++)
                in[r[q].i] = 1;
            size_t m = 0;
            for (size_t i = 0; i < n; i++) {
                if (!in[i])
                    continue;
                memcpy(sb + 4 * m, b + 4 * i, 4 * sizeof *b);
                ss[m] = s[i], sc[m] = cls[i], from[m] = i, m++;
            }
            if (variant < 2)
                ck_assert_uint_lt(m, n); /* the filter and the cut take effect */
            const size_t nw = naive_batched(sb, ss, sc, m, 0.5, want);
            for (size_t q = 0; q < nw; q++)
                want[q] = (int64_t)from[want[q]];
            for (int threads = 1; threads <= 2; threads++) {
                o.num_threads = threads;
                size_t ng;
                ck_assert_ok(cvhp_batched_nms(b, s, cls, n, &o, got, n, &ng));
                ck_assert_msg(ng == nw && memcmp(got, want, ng * sizeof *got) == 0,
                              "spread=%d variant %d threads=%d: %zu kept, expected %zu", spread, variant, threads, ng, nw);
            }
        }
    }
    free(b), free(s), free(sb), free(ss), free(cls), free(sc), free(want), free(got), free(from), free(r), free(in);
}
END_TEST

/* Many classes each large enough for the grid, on two to four threads: with
 * up to two threads each sweeps its buckets in scratch of its own
 * (core_sweep), with more each bucket uses its own slice; two threads sharing
 * one region, or a slice overlapping a thread's region, show up here as wrong
 * kept sets. Repeated, as a race need not show every time. */
START_TEST(many_grid_buckets_threads)
{
    const size_t n = 24 * 700;
    float *b = malloc(4 * n * sizeof *b), *s = malloc(n * sizeof *s);
    int64_t *cls = malloc(n * sizeof *cls), *want = malloc(n * sizeof *want), *got = malloc(n * sizeof *got);
    test_rng rng = {0xB0C4E75};
    random_boxes(&rng, b, s, n, 1333, 16, 256, 1);
    for (size_t i = 0; i < n; i++)
        cls[i] = (int64_t)(test_rng_next(&rng) % 24);
    static const double ts[] = {0.5, 0.7};
    for (size_t k = 0; k < 2; k++) {
        const size_t nw = naive_batched(b, s, cls, n, ts[k], want);
        cvhp_nms_options o;
        cvhp_nms_options_init(&o, CVHP_NMS_PRESET_TORCHVISION);
        o.iou_threshold = ts[k];
        for (int rep = 0; rep < 12; rep++) {
            o.num_threads = 2 + rep % 3; /* also teams of 3 and 4 threads */
            size_t ng;
            ck_assert_ok(cvhp_batched_nms(b, s, cls, n, &o, got, n, &ng));
            ck_assert_msg(ng == nw && memcmp(got, want, ng * sizeof *got) == 0,
                          "t=%g rep %d threads=%d: %zu kept, expected %zu", ts[k], rep, o.num_threads, ng, nw);
        }
        check_every_path(b, s, cls, n, ts[k], NULL, 0, want, nw, "24 grid buckets");
    }
    free(b), free(s), free(cls), free(want), free(got);
}
END_TEST

/* Pairs at the edge of what can suppress: with equal, aligned heights, a box
 * K inside a box A 1/t times as wide and touching its side has IoU exactly t
 * and its centre as far from A's as IoU >= t allows (the bound the grid's
 * core mode files by); equal widths give the other extreme. Sizes and
 * offsets are jittered by a relative 1e-3 to both sides of the threshold, the
 * axes swapped for half the pairs, and the pairs packed densely so they also
 * interact. Every bucket is large enough for the grid path. */
static void extreme_pairs(test_rng *rng, float *b, float *s, int64_t *cls, size_t pairs, double t)
{
    for (size_t p = 0; p < pairs; p++) {
        const double wk = test_rng_float(rng, 4, 120), h = test_rng_float(rng, 4, 120);
        const double jit = 1.0 + test_rng_float(rng, -1e-3f, 1e-3f);
        const double tt = t > 0.05 ? t : 0.05;
        double ka[4], kk[4]; /* x1, y1, x2, y2 of the wide (A) and narrow (K) box */
        const double x = test_rng_float(rng, 0, 1500), y = test_rng_float(rng, 0, 1500);
        if (p % 3 != 2) { /* K inside A, at its left or right side */
            const double wa = wk / tt * jit;
            ka[0] = x, ka[2] = x + wa;
            kk[0] = (p & 1) ? ka[2] - wk : x, kk[2] = kk[0] + wk;
            kk[0] += test_rng_float(rng, -1e-3f, 1e-3f) * wk, kk[2] = kk[0] + wk;
        } else { /* equal widths, offset by w (1 - t) / (1 + t) */
            const double d = wk * (1 - tt) / (1 + tt) * jit;
            ka[0] = x, ka[2] = x + wk, kk[0] = x + d, kk[2] = kk[0] + wk;
        }
        ka[1] = kk[1] = y, ka[3] = kk[3] = y + h;
        const int swap = (p / 2) & 1; /* the same in y */
        float *A = b + 8 * p, *K = A + 4;
        for (int i = 0; i < 4; i++) {
            const int j = swap ? (i ^ 1) : i;
            A[j] = (float)ka[i], K[j] = (float)kk[i];
        }
        const int k_first = (int)(test_rng_next(rng) & 1); /* which one is kept first */
        s[2 * p] = k_first ? 0.25f : 0.75f, s[2 * p + 1] = k_first ? 0.75f : 0.25f;
        s[2 * p] += (float)p * 1e-5f, s[2 * p + 1] += (float)p * 1e-5f;
        cls[2 * p] = cls[2 * p + 1] = (int64_t)(p % 2);
    }
}

START_TEST(extreme_pairs_against_naive)
{
    static const double ts[] = {0.0, 0.2, 0.3, 0.39, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7, 0.8, 0.9, 0.97, 1.0};
    test_rng rng = {0xED6E + (uint64_t)_i};
    const size_t pairs = 800, n = 2 * pairs; /* 800 a class: the grid path */
    float *b = malloc(4 * n * sizeof *b), *s = malloc(n * sizeof *s);
    int64_t *cls = malloc(n * sizeof *cls), *want = malloc(n * sizeof *want);
    int64_t *wc = malloc(n * sizeof *wc);
    for (size_t ti = 0; ti < sizeof ts / sizeof ts[0]; ti++) {
        const double t = ts[ti];
        extreme_pairs(&rng, b, s, cls, pairs, t);
        size_t nw = naive_nms(b, s, n, t, want);
        size_t nb = naive_batched(b, s, cls, n, t, wc);
        check_every_path(b, s, cls, n, t, want, nw, wc, nb, "bound pairs");
    }
    free(b), free(s), free(cls), free(want), free(wc);
}
END_TEST

/* Boxes whose suppression regions each straddle three grid cells a side:
 * at t = 0.5 the block-parallel grid (two threads, 40000 boxes) has cells of
 * about 1.5 x 0.5 x (mean width + mean height) = 90 px when 60% of the boxes
 * are 100 px squares, and a square's region (at t = 0.5 the square itself)
 * starting 5% of a cell before a cell line covers 3 x 3 cells. The bucket's
 * cell storage (4 entries a box) cannot hold them all, so some are treated
 * as covering everything; the result must not change (and nothing may
 * overrun: the sanitizer build catches that). The reference is the serial
 * sweep of one thread (checked against a plain NMS by the tests above), as
 * a plain NMS of 40000 boxes is too slow under valgrind. */
START_TEST(crowded_cells_block_parallel)
{
    const size_t n = 40000, large = 24000;
    float *b = malloc(4 * n * sizeof *b), *s = malloc(n * sizeof *s);
    int64_t *cls = calloc(n, sizeof *cls), *want = malloc(n * sizeof *want);
    test_rng rng = {0xB0D6E7};
    const double mean_side = (large * 100.0 + (n - large) * 0.5) / (double)n;
    const double cell = 1.5 * 0.5 * 2 * mean_side;
    for (size_t i = 0; i < n; i++) {
        if (i < large) {
            const size_t gi = 1 + i % 200, gj = 1 + i / 200;
            b[4 * i] = (float)((double)gi * cell - 0.05 * cell);
            b[4 * i + 1] = (float)((double)gj * cell - 0.05 * cell);
            b[4 * i + 2] = b[4 * i] + 100.0f, b[4 * i + 3] = b[4 * i + 1] + 100.0f;
        } else {
            b[4 * i] = i == large ? 0.0f : test_rng_float(&rng, 0, (float)(200 * cell));
            b[4 * i + 1] = i == large ? 0.0f : test_rng_float(&rng, 0, (float)(120 * cell));
            b[4 * i + 2] = b[4 * i] + 0.5f, b[4 * i + 3] = b[4 * i + 1] + 0.5f;
        }
        s[i] = test_rng_float(&rng, 0, 1);
    }
    /* 0.5: core mode; 0.3: the box-overlap grid, whose block-parallel sweep
     * nothing smaller reaches (8192 boxes and two threads) */
    static const double ts[] = {0.5, 0.3};
    for (int k = 0; k < 2; k++) {
        cvhp_nms_options o;
        cvhp_nms_options_init(&o, CVHP_NMS_PRESET_TORCHVISION);
        o.num_threads = 1;
        o.iou_threshold = ts[k];
        size_t nw;
        ck_assert_ok(cvhp_nms(b, s, n, &o, want, n, &nw));
        check_every_path(b, s, cls, n, ts[k], want, nw, want, nw, "crowded");
    }
    free(b), free(s), free(cls), free(want);
}
END_TEST

/* A kernel variant called directly agrees with the scalar reference. */
START_TEST(suppress_variants_agree)
{
    test_rng rng = {99};
    enum { N = 1037 };
    static float x1[N], y1[N], x2[N], y2[N], ar[N];
    for (size_t i = 0; i < N; i++) {
        x1[i] = test_rng_float(&rng, 0, 100), y1[i] = test_rng_float(&rng, 0, 100);
        x2[i] = x1[i] + test_rng_float(&rng, -5, 60), y2[i] = y1[i] + test_rng_float(&rng, -5, 60);
        if (i % 17 == 0)
            x1[i] = NAN;
        if (i % 23 == 0)
            y2[i] = INFINITY;
        ar[i] = (x2[i] - x1[i]) * (y2[i] - y1[i]);
    }
    FOR_EACH_ISA(isa)
    {
        for (int k = 0; k < 50; k++) {
            const float kept[5] = {x1[k], y1[k], x2[k], y2[k], ar[k]};
            uint8_t d_ref[N] = {0}, d[N] = {0};
            for (size_t i = 0; i < N; i += 5)
                d_ref[i] = d[i] = 1;
            const float fmin = k % 5 == 0 ? 0.0f : test_rng_float(&rng, 0, 1); /* 0: suppress at >= 0 */
            size_t a = cvhp__suppress_scalar(kept, x1, y1, x2, y2, ar, d_ref, (size_t)k, N, fmin);
            size_t bb = cvhp__pick_suppress()(kept, x1, y1, x2, y2, ar, d, (size_t)k, N, fmin);
            ck_assert_msg(cvhp__last_dispatch == isa, "forced %s, ran %s", cvhp_isa_name(isa),
                          cvhp_isa_name(cvhp__last_dispatch));
            ck_assert_uint_eq(a, bb);
            ck_assert_int_eq(memcmp(d_ref, d, N), 0);
            /* the column-form test, for every length (masked tails) */
            for (size_t n = 0; n <= 40; n++) {
                const size_t off = (size_t)k * 7 % (N - 41);
                int ra = cvhp__any_scalar(kept, x1 + off, y1 + off, x2 + off, y2 + off, ar + off, n, fmin);
                int rb = cvhp__pick_any()(kept, x1 + off, y1 + off, x2 + off, y2 + off, ar + off, n, fmin);
                ck_assert_msg(ra == rb, "any isa=%s k=%d n=%zu: %d vs scalar %d", cvhp_isa_name(isa), k, n, rb, ra);
                /* the sweep over short ranges (masked tails) */
                uint8_t e_ref[48], e[48];
                for (size_t i = 0; i < 48; i++)
                    e_ref[i] = e[i] = (uint8_t)(i % 3 == 1);
                const size_t ka = cvhp__suppress_scalar(kept, x1 + off, y1 + off, x2 + off, y2 + off, ar + off, e_ref,
                                                        n / 4, n, fmin);
                const size_t kb = cvhp__pick_suppress()(kept, x1 + off, y1 + off, x2 + off, y2 + off, ar + off, e,
                                                        n / 4, n, fmin);
                ck_assert_msg(ka == kb && memcmp(e_ref, e, 48) == 0, "suppress isa=%s k=%d n=%zu", cvhp_isa_name(isa),
                              k, n);
            }
            float row_ref[64], row[64];
            cvhp__iou_row_scalar(kept, x1 + k, y1 + k, x2 + k, y2 + k, ar + k, 61, row_ref);
            cvhp__pick_iou_row()(kept, x1 + k, y1 + k, x2 + k, y2 + k, ar + k, 61, row);
            for (size_t j = 0; j < 61; j++)
                ck_assert_msg(test_same_float(row[j], row_ref[j]), "iou_row isa=%s j=%zu", cvhp_isa_name(isa), j);
        }
    }
    restore_isa();
}
END_TEST

/* ---- options, top_k, score threshold, workspace ---- */

START_TEST(top_k_and_score_threshold)
{
    /* four disjoint boxes, scores descending 0.9 .. 0.6 */
    const float b[] = {0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7};
    const float s[] = {0.6f, 0.9f, 0.7f, 0.8f};
    cvhp_nms_options o;
    cvhp_nms_options_init(&o, CVHP_NMS_PRESET_TORCHVISION);
    int64_t keep[4];
    size_t nk;
    ck_assert_ok(cvhp_nms(b, s, 4, &o, keep, 4, &nk));
    ck_assert(nk == 4 && keep[0] == 1 && keep[1] == 3 && keep[2] == 2 && keep[3] == 0);
    o.top_k = 2;
    ck_assert_ok(cvhp_nms(b, s, 4, &o, keep, 2, &nk));
    ck_assert(nk == 2 && keep[0] == 1 && keep[1] == 3);
    o.top_k = 0;
    o.flags = CVHP_NMS_SCORE_THRESHOLD;
    o.score_threshold = 0.7;
    ck_assert_ok(cvhp_nms(b, s, 4, &o, keep, 4, &nk));
    ck_assert(nk == 2 && keep[0] == 1 && keep[1] == 3); /* 0.7 itself is not > 0.7 */
    o.flags |= CVHP_NMS_SCORE_GE;
    ck_assert_ok(cvhp_nms(b, s, 4, &o, keep, 4, &nk));
    ck_assert(nk == 3 && keep[2] == 2);
    /* top_k on candidates (OpenCV) versus on outputs: box 1 suppresses box 0 */
    const float ov[] = {0, 0, 10, 10, 0, 0, 10, 10, 20, 20, 30, 30};
    const float os[] = {0.8f, 0.9f, 0.7f};
    cvhp_nms_options_init(&o, CVHP_NMS_PRESET_TORCHVISION);
    o.top_k = 2;
    ck_assert_ok(cvhp_nms(ov, os, 3, &o, keep, 4, &nk));
    ck_assert(nk == 2 && keep[0] == 1 && keep[1] == 2);
    o.flags = CVHP_NMS_TOPK_CANDIDATES;
    ck_assert_ok(cvhp_nms(ov, os, 3, &o, keep, 4, &nk));
    ck_assert(nk == 1 && keep[0] == 1);
    /* suppress at >= : identical boxes at threshold 1 */
    cvhp_nms_options_init(&o, CVHP_NMS_PRESET_TORCHVISION);
    o.iou_threshold = 1.0;
    ck_assert_ok(cvhp_nms(ov, os, 3, &o, keep, 4, &nk));
    ck_assert_uint_eq(nk, 3);
    o.flags = CVHP_NMS_SUPPRESS_GE;
    ck_assert_ok(cvhp_nms(ov, os, 3, &o, keep, 4, &nk));
    ck_assert_uint_eq(nk, 2);
    /* +1 areas: boxes touching at one pixel overlap under the inclusive convention */
    const float px[] = {0, 0, 9, 9, 9, 0, 18, 9};
    const float ps[] = {0.9f, 0.8f};
    cvhp_nms_options_init(&o, CVHP_NMS_PRESET_TORCHVISION);
    o.iou_threshold = 0.0;
    ck_assert_ok(cvhp_nms(px, ps, 2, &o, keep, 2, &nk));
    ck_assert_uint_eq(nk, 2);
    o.flags = CVHP_NMS_AREA_PLUS_ONE;
    ck_assert_ok(cvhp_nms(px, ps, 2, &o, keep, 2, &nk));
    ck_assert_uint_eq(nk, 1);
    /* OpenCV: two empty boxes overlap fully; torchvision keeps both */
    const float em[] = {5, 5, 5, 5, 5, 5, 5, 5};
    cvhp_nms_options_init(&o, CVHP_NMS_PRESET_TORCHVISION);
    ck_assert_ok(cvhp_nms(em, ps, 2, &o, keep, 2, &nk));
    ck_assert_uint_eq(nk, 2);
    cvhp_nms_options_init(&o, CVHP_NMS_PRESET_OPENCV);
    ck_assert_ok(cvhp_nms(em, ps, 2, &o, keep, 2, &nk));
    ck_assert_uint_eq(nk, 1);
}
END_TEST

START_TEST(workspace_and_allocator)
{
    test_rng rng = {5};
    enum { N = 4000 };
    float *b = malloc(4 * N * sizeof *b), *s = malloc(N * sizeof *s);
    int64_t *k1 = malloc(N * sizeof *k1), *k2 = malloc(N * sizeof *k2), *cls = malloc(N * sizeof *cls);
    random_boxes(&rng, b, s, N, 2000, 10, 80, 1);
    for (size_t i = 0; i < N; i++)
        cls[i] = (int64_t)(test_rng_next(&rng) % 7) - 3;
    size_t n1, n2;
    ck_assert_ok(cvhp_batched_nms(b, s, cls, N, NULL, k1, N, &n1));
    size_t need = cvhp_nms_workspace_size(N, 1);
    ck_assert_uint_gt(need, cvhp_nms_workspace_size(N, 0));
    unsigned char *ws = malloc(need + 1);
    ck_assert_status(cvhp_nms_ws(b, s, cls, N, NULL, ws + 1, need - 1, k2, N, &n2), CVHP_ERR_BUFFER_TOO_SMALL);
    ck_assert_ok(cvhp_nms_ws(b, s, cls, N, NULL, ws + 1, need, k2, N, &n2)); /* unaligned is fine */
    ck_assert_uint_eq(n1, n2);
    ck_assert_int_eq(memcmp(k1, k2, n1 * sizeof *k1), 0);
    ck_assert_status(cvhp_nms_ws(b, s, cls, N, NULL, NULL, need, k2, N, &n2), CVHP_ERR_INVALID_ARGUMENT);
    /* a failing allocator */
    struct fail_ctx {
        int calls;
    } fc = {0};
    cvhp_allocator fail = {0};
    fail.alloc = NULL;
    cvhp_nms_options o;
    cvhp_nms_options_init(&o, CVHP_NMS_PRESET_TORCHVISION);
    o.alloc = &fail;
    ck_assert_status(cvhp_nms(b, s, N, &o, k2, N, &n2), CVHP_ERR_INVALID_ARGUMENT);
    (void)fc;
    free(ws), free(b), free(s), free(k1), free(k2), free(cls);
}
END_TEST

static void *null_alloc(void *u, size_t n)
{
    (void)u, (void)n;
    return NULL;
}
static void null_free(void *u, void *p) { (void)u, (void)p; }

START_TEST(bad_inputs)
{
    const float b[8] = {0, 0, 1, 1, 0, 0, 1, 1}, s[2] = {0.5f, 0.4f};
    int64_t keep[2];
    size_t nk = 99;
    cvhp_nms_options o;
    cvhp_nms_options_init(&o, CVHP_NMS_PRESET_TORCHVISION);
    ck_assert_status(cvhp_nms(NULL, s, 2, &o, keep, 2, &nk), CVHP_ERR_INVALID_ARGUMENT);
    ck_assert_str_eq(cvhp_last_error_message(), "cvhp_nms: boxes is NULL with n = 2");
    ck_assert_status(cvhp_nms(b, NULL, 2, &o, keep, 2, &nk), CVHP_ERR_INVALID_ARGUMENT);
    ck_assert_status(cvhp_nms(b, s, 2, &o, keep, 2, NULL), CVHP_ERR_INVALID_ARGUMENT);
    ck_assert_status(cvhp_nms(b, s, 2, &o, NULL, 2, &nk), CVHP_ERR_INVALID_ARGUMENT);
    ck_assert_ok(cvhp_nms(NULL, NULL, 0, &o, NULL, 0, &nk));
    ck_assert_uint_eq(nk, 0);
    ck_assert_status(cvhp_nms(b, s, 2, &o, keep, 0, &nk), CVHP_ERR_BUFFER_TOO_SMALL);
    o.iou_threshold = NAN;
    ck_assert_status(cvhp_nms(b, s, 2, &o, keep, 2, &nk), CVHP_ERR_OUT_OF_RANGE);
    ck_assert_str_eq(cvhp_last_error_message(), "iou_threshold: nan is outside [0, 1]");
    o.iou_threshold = 1.5;
    ck_assert_status(cvhp_nms(b, s, 2, &o, keep, 2, &nk), CVHP_ERR_OUT_OF_RANGE);
    o.iou_threshold = -0.1;
    ck_assert_status(cvhp_nms(b, s, 2, &o, keep, 2, &nk), CVHP_ERR_OUT_OF_RANGE);
    cvhp_nms_options_init(&o, CVHP_NMS_PRESET_TORCHVISION);
    o.size = 8;
    ck_assert_status(cvhp_nms(b, s, 2, &o, keep, 2, &nk), CVHP_ERR_INVALID_ARGUMENT);
    cvhp_nms_options_init(&o, CVHP_NMS_PRESET_TORCHVISION);
    o.flags = 0x10000;
    ck_assert_status(cvhp_nms(b, s, 2, &o, keep, 2, &nk), CVHP_ERR_INVALID_ARGUMENT);
    cvhp_nms_options_init(&o, CVHP_NMS_PRESET_TORCHVISION);
    o.top_k = -1;
    ck_assert_status(cvhp_nms(b, s, 2, &o, keep, 2, &nk), CVHP_ERR_OUT_OF_RANGE);
    o.top_k = 0;
    o.num_threads = -2;
    ck_assert_status(cvhp_nms(b, s, 2, &o, keep, 2, &nk), CVHP_ERR_INVALID_ARGUMENT);
    o.num_threads = 0;
    o.flags = CVHP_NMS_SCORE_THRESHOLD;
    o.score_threshold = NAN;
    ck_assert_status(cvhp_nms(b, s, 2, &o, keep, 2, &nk), CVHP_ERR_OUT_OF_RANGE);
    ck_assert_status(cvhp_nms_options_init(&o, (cvhp_nms_preset)9), CVHP_ERR_INVALID_ARGUMENT);
    ck_assert_status(cvhp_nms_options_init(NULL, CVHP_NMS_PRESET_ONNX), CVHP_ERR_INVALID_ARGUMENT);
    ck_assert_status(cvhp_batched_nms(b, s, NULL, 2, NULL, keep, 2, &nk), CVHP_ERR_INVALID_ARGUMENT);
    ck_assert_status(cvhp_nms(b, s, (size_t)UINT32_MAX + 5, NULL, keep, 2, &nk), CVHP_ERR_OVERFLOW);
    ck_assert_uint_eq(cvhp_nms_workspace_size(SIZE_MAX / 8, 1), 0);
    cvhp_allocator none = {null_alloc, null_free, NULL};
    cvhp_nms_options_init(&o, CVHP_NMS_PRESET_TORCHVISION);
    o.alloc = &none;
    ck_assert_status(cvhp_nms(b, s, 2, &o, keep, 2, &nk), CVHP_ERR_OUT_OF_MEMORY);
    /* box_iou */
    float out[4];
    ck_assert_status(cvhp_box_iou(NULL, 1, b, 1, out, 1), CVHP_ERR_INVALID_ARGUMENT);
    ck_assert_status(cvhp_box_iou(b, 1, b, 1, NULL, 1), CVHP_ERR_INVALID_ARGUMENT);
    ck_assert_status(cvhp_box_iou(b, SIZE_MAX / 2, b, 4, out, 1), CVHP_ERR_OVERFLOW);
    ck_assert_status(cvhp_box_iou(b, 1, b, 1, out, -1), CVHP_ERR_INVALID_ARGUMENT);
    ck_assert_status(cvhp_box_iou(b, 2, b, 2, (float *)b + 2, 1), CVHP_ERR_INVALID_ARGUMENT);
    ck_assert_ok(cvhp_box_iou(b, 0, b, 2, NULL, 1));
    /* conversions */
    float c[8];
    ck_assert_status(cvhp_box_convert(b, 2, (cvhp_box_format)7, CVHP_BOX_XYXY, c), CVHP_ERR_INVALID_ARGUMENT);
    ck_assert_status(cvhp_box_convert(b, 2, CVHP_BOX_XYXY, CVHP_BOX_XYWH, (float *)b + 1), CVHP_ERR_INVALID_ARGUMENT);
    memcpy(c, b, sizeof c);
    ck_assert_ok(cvhp_box_convert(c, 2, CVHP_BOX_XYXY, CVHP_BOX_CXCYWH, c)); /* in place */
    ck_assert(c[0] == 0.5f && c[2] == 1.0f);
    ck_assert_status(cvhp_box_clip(b, 2, NAN, 4, c), CVHP_ERR_INVALID_ARGUMENT);
    ck_assert_status(cvhp_box_clip(b, 2, 4, -1, c), CVHP_ERR_INVALID_ARGUMENT);
    ck_assert_status(cvhp_box_remove_small(b, 2, NAN, keep, &nk), CVHP_ERR_INVALID_ARGUMENT);
    /* soft-NMS */
    float upd[2];
    ck_assert_status(cvhp_soft_nms(b, s, 2, (cvhp_soft_nms_method)5, 0.5f, 0.5f, 0, 0, keep, upd, 2, &nk),
                     CVHP_ERR_INVALID_ARGUMENT);
    ck_assert_status(cvhp_soft_nms(b, s, 2, CVHP_SOFT_NMS_GAUSSIAN, 0.5f, 0.0f, 0, 0, keep, upd, 2, &nk),
                     CVHP_ERR_OUT_OF_RANGE);
    ck_assert_status(cvhp_soft_nms(b, s, 2, CVHP_SOFT_NMS_GAUSSIAN, 2.0f, 0.5f, 0, 0, keep, upd, 2, &nk),
                     CVHP_ERR_OUT_OF_RANGE);
    ck_assert_status(cvhp_soft_nms(b, s, 2, CVHP_SOFT_NMS_LINEAR, 0.5f, 0.5f, -1.0f, 0, keep, upd, 2, &nk),
                     CVHP_ERR_OUT_OF_RANGE);
    ck_assert_status(cvhp_soft_nms(b, s, 2, CVHP_SOFT_NMS_LINEAR, 0.5f, 0.5f, 0, 0, keep, upd, 1, &nk),
                     CVHP_ERR_BUFFER_TOO_SMALL);
    ck_assert_ok(cvhp_soft_nms(b, s, 2, CVHP_SOFT_NMS_LINEAR, 0.5f, 0.5f, 0, 0, keep, upd, 2, &nk));
    ck_assert(nk == 2 && keep[0] == 0 && keep[1] == 1 && upd[1] == 0.0f);
}
END_TEST

Suite *cvhp_test_suite(void)
{
    Suite *s = suite_create("boxes");
    TCase *tc = tcase_create("conformance");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, nms_matches_torchvision);
    tcase_add_test(tc, batched_nms_matches_torchvision);
    tcase_add_test(tc, box_ops_match_torchvision);
    tcase_add_test(tc, opencv_presets_match_cv2);
    tcase_add_test(tc, onnx_spec_examples);
    suite_add_tcase(s, tc);
    tc = tcase_create("properties");
    tcase_set_timeout(tc, 600);
    tcase_add_loop_test(tc, random_against_naive, 0, 6);
    tcase_add_loop_test(tc, extreme_pairs_against_naive, 0, 2);
    tcase_add_test(tc, crowded_cells_block_parallel);
    tcase_add_test(tc, batched_class_id_ranges);
    tcase_add_test(tc, many_grid_buckets_threads);
    tcase_add_test(tc, batched_filtered_candidates);
    tcase_add_test(tc, suppress_ge_at_zero);
    tcase_add_test(tc, suppress_variants_agree);
    tcase_add_test(tc, top_k_and_score_threshold);
    tcase_add_test(tc, workspace_and_allocator);
    tcase_add_test(tc, bad_inputs);
    suite_add_tcase(s, tc);
    return s;
}
