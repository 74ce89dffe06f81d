/* SPDX-License-Identifier: MIT
 * Mask -> polygons benchmark (meson benchmark "masks"): medians of libcvhp
 * alone next to a plain read of the same mask (cached, and for a batch of
 * 100 masks from memory), on soft masks built like
 * tests/bench/compare_masks.py's (elliptic blobs with holes; its own random
 * draws). The comparison with scikit-image and OpenCV is compare_masks.py.
 *
 *   build/tests/bench/bench_masks [--quick] [filter]
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cvhp/cvhp.h>

#include "bench_util.h"

/* max over blobs of clip(1.2 - d, 0, 1), d the elliptic distance, with the
 * inner third of each blob scaled by 0.2 (a hole) */
static void soft_mask(float *m, size_t h, size_t w, int blobs)
{
    memset(m, 0, h * w * sizeof *m);
    for (int k = 0; k < blobs; k++) {
        const double cy = urand() * (double)h, cx = urand() * (double)w;
        const double ry = (double)h / 30 + urand() * ((double)h / 6 - (double)h / 30);
        const double rx = (double)w / 30 + urand() * ((double)w / 6 - (double)w / 30);
        for (size_t y = 0; y < h; y++)
            for (size_t x = 0; x < w; x++) {
                const double dy = ((double)y - cy) / ry, dx = ((double)x - cx) / rx, d = dy * dy + dx * dx;
                const float v = (float)fmin(fmax(1.2 - d, 0), 1);
                float *p = m + y * w + x;
                *p = v > *p ? v : *p;
                if (d * 9 < 1)
                    *p *= 0.2f;
            }
    }
}

static int quick;
static volatile uint64_t sink;

/* the memory floor: every byte of the mask read once, as fast as a loop
 * goes (an OR over 64-bit words, which the compiler vectorises; on x86-64
 * with 32-byte loads where the CPU has AVX2, as numpy's max over the mask in
 * compare_masks.py does: 16-byte loads read the cached 800x1333 mask about
 * 1.7x slower) */
#define PLAIN_READ_BODY                          \
    uint64_t s = 0;                              \
    for (size_t i = 0; i + 2 <= n; i += 2) {     \
        uint64_t v;                              \
        memcpy(&v, m + i, sizeof v);             \
        s |= v;                                  \
    }                                            \
    sink = s;

#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("avx2"))) static void plain_read_avx2(const float *m, size_t n) { PLAIN_READ_BODY }
#endif

static void plain_read(const float *m, size_t n)
{
#if defined(__x86_64__) && defined(__GNUC__)
    if (__builtin_cpu_supports("avx2")) {
        plain_read_avx2(m, n);
        return;
    }
#endif
    PLAIN_READ_BODY
}

/* the median of v[0, n) (sorts it) */
static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_d);
    return v[n / 2];
}

static int batch(const float *m, size_t n, const cvhp_mask_options *o, cvhp_polygons **out)
{
    const int bad = cvhp_masks_to_polygons_batch(m, n, 800, 1333, o, out) != CVHP_OK;
    for (size_t i = 0; i < n && !bad; i++)
        cvhp_polygons_free(out[i]);
    return bad;
}

int main(int argc, char **argv)
{
    const char *filter = bench_args(argc, argv, &quick);
    printf("%s\n", cvhp_build_info());
    static const size_t shapes[2][2] = {{800, 1333}, {2048, 2048}};
    char label[128];
    cvhp_mask_options o, raw;
    cvhp_mask_options_init(&o);
    cvhp_mask_options_init(&raw);
    raw.flags = CVHP_POLY_RAW;
    cvhp_polygons *p = NULL;
    int bad = 0;
    for (int k = 0; k < 2; k++) {
        const size_t h = shapes[k][0], w = shapes[k][1];
        snprintf(label, sizeof label, "polygons %zux%zu", h, w);
        if (filter && !strstr(label, filter))
            continue;
        float *m = malloc(h * w * sizeof *m);
        soft_mask(m, h, w, 12);
        /* interleaved, a round at a time, so the three see the same
         * stretch of a machine whose speed drifts; the ratios are the
         * medians of each round's */
        enum { ROUNDS = 31 };
        double t[3][ROUNDS], q[2][ROUNDS];
        const int rounds = quick ? 3 : ROUNDS;
        for (int r = -1; r < rounds; r++) { /* round -1 warms up */
            double a = now_ms();
            plain_read(m, h * w);
            const double tr = now_ms() - a;
            a = now_ms();
            bad |= cvhp_mask_to_polygons(m, h, w, &o, &p) != CVHP_OK;
            cvhp_polygons_free(p);
            const double td = now_ms() - a;
            a = now_ms();
            bad |= cvhp_mask_to_polygons(m, h, w, &raw, &p) != CVHP_OK;
            cvhp_polygons_free(p);
            const double tw = now_ms() - a;
            if (r >= 0)
                t[0][r] = tr, t[1][r] = td, t[2][r] = tw, q[0][r] = td / tr, q[1][r] = tw / tr;
        }
        const double tr = median(t[0], rounds), td = median(t[1], rounds), tw = median(t[2], rounds);
        bad |= cvhp_mask_to_polygons(m, h, w, &raw, &p) != CVHP_OK;
        size_t pts = 0;
        for (size_t i = 0; i < cvhp_polygons_count(p); i++)
            pts += cvhp_polygon_points(p, i);
        printf("%-26s read %7.3f ms | polygons %7.3f ms (x%.2f) | find_contours vertices %7.3f ms (x%.2f), "
               "%zu contours, %zu vertices\n",
               label, tr, td, median(q[0], rounds), tw, median(q[1], rounds), cvhp_polygons_count(p), pts);
        fflush(stdout);
        cvhp_polygons_free(p);
        free(m);
    }
    snprintf(label, sizeof label, "batch of %d 800x1333", quick ? 8 : 100);
    if (!filter || strstr(label, filter)) {
        const size_t n = quick ? 8 : 100, cells = 800 * 1333;
        float *m = malloc(n * cells * sizeof *m);
        cvhp_polygons **out = malloc(n * sizeof *out);
        for (size_t i = 0; i < n; i++)
            soft_mask(m + i * cells, 800, 1333, 3);
        /* Rounds of: a plain read of every mask, the batch on one thread,
         * on two. The batch is 426 MB: unlike the single mask above, read
         * over and over from the last-level cache, each of its masks comes
         * from memory, as a detector's fresh output does. Medians, and the
         * median of each round's 1t / read and 1t / 2t. */
        enum { ROUNDS = 15 };
        double t[3][ROUNDS], q[2][ROUNDS];
        const int rounds = quick ? 3 : ROUNDS;
        for (int r = -1; r < rounds; r++) {
            double a = now_ms();
            plain_read(m, n * cells);
            const double tr = now_ms() - a;
            double tt[2];
            for (int threads = 1; threads <= 2; threads++) {
                o.num_threads = threads;
                a = now_ms();
                bad |= batch(m, n, &o, out);
                tt[threads - 1] = now_ms() - a;
            }
            if (r >= 0)
                t[0][r] = tr, t[1][r] = tt[0], t[2][r] = tt[1], q[0][r] = tt[0] / tr, q[1][r] = tt[0] / tt[1];
        }
        printf("%-26s read %7.2f ms | 1t %8.2f ms (x%.2f read) | 2t %8.2f ms (x%.2f)\n", label, median(t[0], rounds),
               median(t[1], rounds), median(q[0], rounds), median(t[2], rounds), median(q[1], rounds));
        free(m), free(out);
    }
    return bad;
}
