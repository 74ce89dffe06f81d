/* SPDX-License-Identifier: MIT
 * Box-kernel benchmark (meson benchmark "boxes"): medians of repeated runs of
 * libcvhp alone, for profiling and for watching regressions. The comparison
 * with torchvision and OpenCV is tests/bench/compare_boxes.py.
 *
 *   build/tests/bench/bench_boxes [--quick] [filter]
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cvhp/cvhp.h>

#include "bench_util.h"

static double nrand(void)
{
    double u = urand() + 1e-12, v = urand();
    return sqrt(-2 * log(u)) * cos(6.283185307179586 * v);
}

/* boxes jittered around n/20 objects in a 1333-pixel image */
static void clustered(size_t n, int classes, float *b, float *s, int64_t *idx)
{
    size_t objs = n / 20 ? n / 20 : 1;
    double *o = malloc(objs * 4 * sizeof *o);
    for (size_t k = 0; k < objs; k++)
        o[4 * k] = urand() * 1333, o[4 * k + 1] = urand() * 1333, o[4 * k + 2] = 16 + urand() * 240,
                  o[4 * k + 3] = 16 + urand() * 240;
    for (size_t i = 0; i < n; i++) {
        size_t k = (size_t)(urand() * (double)objs) % objs;
        double w = o[4 * k + 2], h = o[4 * k + 3];
        double x1 = o[4 * k] - w / 2 + nrand() * 0.1 * w, y1 = o[4 * k + 1] - h / 2 + nrand() * 0.1 * h;
        double x2 = o[4 * k] + w / 2 + nrand() * 0.1 * w, y2 = o[4 * k + 1] + h / 2 + nrand() * 0.1 * h;
        b[4 * i] = (float)x1, b[4 * i + 1] = (float)y1;
        b[4 * i + 2] = (float)fmax(x2, x1 + 1), b[4 * i + 3] = (float)fmax(y2, y1 + 1);
        s[i] = (float)urand();
        idx[i] = (int64_t)(urand() * classes) % classes;
    }
    free(o);
}

static void sparse(size_t n, float *b, float *s)
{
    double side = 40.0 * sqrt((double)n);
    for (size_t i = 0; i < n; i++) {
        double x = urand() * side, y = urand() * side;
        b[4 * i] = (float)x, b[4 * i + 1] = (float)y;
        b[4 * i + 2] = (float)(x + 8 + urand() * 24), b[4 * i + 3] = (float)(y + 8 + urand() * 24);
        s[i] = (float)urand();
    }
}

static int quick;

#define TIME(label, stmt)                                                              \
    do {                                                                               \
        double med_, min_;                                                             \
        BENCH_TIME(med_, min_, quick ? 3 : 15, stmt);                                  \
        printf("%-44s median %9.3f ms  (min %9.3f)\n", label, med_, min_);             \
        fflush(stdout);                                                                \
    } while (0)

int main(int argc, char **argv)
{
    const char *filter = bench_args(argc, argv, &quick);
    printf("%s\n", cvhp_build_info());
    const size_t N = 50000;
    float *b = malloc(N * 4 * sizeof *b), *s = malloc(N * sizeof *s), *m = NULL;
    int64_t *idx = malloc(N * sizeof *idx), *keep = malloc(N * sizeof *keep);
    size_t nk = 0;
    static const size_t sizes[] = {1000, 10000, 50000};
    char label[128];
    for (int threads = 1; threads <= 2; threads++) {
        cvhp_nms_options o;
        cvhp_nms_options_init(&o, CVHP_NMS_PRESET_TORCHVISION);
        o.num_threads = threads;
        for (size_t k = 0; k < 3; k++) {
            size_t n = sizes[k];
            snprintf(label, sizeof label, "nms clustered %zu, %dt", n, threads);
            if (!filter || strstr(label, filter)) {
                clustered(n, 1, b, s, idx);
                TIME(label, cvhp_nms(b, s, n, &o, keep, n, &nk));
            }
            snprintf(label, sizeof label, "batched_nms 80 classes %zu, %dt", n, threads);
            if (!filter || strstr(label, filter)) {
                clustered(n, 80, b, s, idx);
                TIME(label, cvhp_batched_nms(b, s, idx, n, &o, keep, n, &nk));
            }
            if (n == 50000)
                continue;
            snprintf(label, sizeof label, "nms sparse %zu, %dt", n, threads);
            if (!filter || strstr(label, filter)) {
                sparse(n, b, s);
                TIME(label, cvhp_nms(b, s, n, &o, keep, n, &nk));
            }
        }
        for (size_t n = 1000; n <= 4000; n *= 4) {
            snprintf(label, sizeof label, "box_iou %zux%zu, %dt", n, n, threads);
            if (filter && !strstr(label, filter))
                continue;
            m = realloc(m, n * n * sizeof *m);
            sparse(n, b, s);
            TIME(label, cvhp_box_iou(b, n, b, n, m, threads));
        }
    }
    free(b), free(s), free(idx), free(keep), free(m);
    return nk > N; /* keeps the result alive */
}
