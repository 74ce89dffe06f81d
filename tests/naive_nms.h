/* SPDX-License-Identifier: MIT
 * torchvision's greedy NMS and batched NMS written plainly: the references
 * the C tests and the NMS fuzz target compare libcvhp against. Stable order
 * (equal scores: lower index first; NaN scores first, as torch.sort). */
#ifndef CVHP_NAIVE_NMS_H
#define CVHP_NAIVE_NMS_H

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    float s;
    size_t i;
} ranked;

static inline int rank_cmp(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    int xn = isnan(x->s), yn = isnan(y->s);
    if (xn != yn)
        return xn ? -1 : 1;
    if (!xn && x->s != y->s)
        return x->s > y->s ? -1 : 1;
    return x->i < y->i ? -1 : 1;
}

/* torchvision's nms_kernel, written plainly (stable order); ge: suppress at
 * IoU >= t instead of > t (CVHP_NMS_SUPPRESS_GE). */
static inline size_t naive_nms_ge(const float *b, const float *s, size_t n, double t, int ge, int64_t *keep)
{
    ranked *r = malloc(n * sizeof *r);
    uint8_t *sup = calloc(n, 1);
    float *area = malloc(n * sizeof *area);
    for (size_t i = 0; i < n; i++) {
        r[i].s = s[i], r[i].i = i;
        area[i] = (b[4 * i + 2] - b[4 * i]) * (b[4 * i + 3] - b[4 * i + 1]);
    }
    qsort(r, n, sizeof *r, rank_cmp);
    size_t nk = 0;
    for (size_t a = 0; a < n; a++) {
        size_t i = r[a].i;
        if (sup[i])
            continue;
        keep[nk++] = (int64_t)i;
        const float *p = b + 4 * i;
        for (size_t c = a + 1; c < n; c++) {
            size_t j = r[c].i;
            if (sup[j])
                continue;
            const float *q = b + 4 * j;
            float xx1 = p[0] < q[0] ? q[0] : p[0], yy1 = p[1] < q[1] ? q[1] : p[1];
            float xx2 = q[2] < p[2] ? q[2] : p[2], yy2 = q[3] < p[3] ? q[3] : p[3];
            float w = 0.0f < xx2 - xx1 ? xx2 - xx1 : 0.0f, h = 0.0f < yy2 - yy1 ? yy2 - yy1 : 0.0f;
            float inter = w * h;
            float ovr = inter / (area[i] + area[j] - inter);
            if (ge ? (double)ovr >= t : (double)ovr > t)
                sup[j] = 1;
        }
    }
    free(r), free(sup), free(area);
    return nk;
}

/* torchvision's batched_nms written plainly: the naive NMS of each class,
 * merged in descending score order (ties: lower index). */
static inline size_t naive_nms(const float *b, const float *s, size_t n, double t, int64_t *keep)
{
    return naive_nms_ge(b, s, n, t, 0, keep);
}

static inline size_t naive_batched_ge(const float *b, const float *s, const int64_t *cls, size_t n, double t, int ge,
                               int64_t *keep)
{
    float *bc = malloc(4 * n * sizeof *bc), *sc = malloc(n * sizeof *sc);
    int64_t *map = malloc(n * sizeof *map);
    uint8_t *done = calloc(n, 1);
    size_t nk = 0;
    for (size_t first = 0; first < n; first++) {
        if (done[first])
            continue;
        size_t m = 0;
        for (size_t i = first; i < n; i++)
            if (cls[i] == cls[first]) {
                memcpy(bc + 4 * m, b + 4 * i, 4 * sizeof *b);
                sc[m] = s[i], map[m] = (int64_t)i, m++;
                done[i] = 1;
            }
        const size_t k = naive_nms_ge(bc, sc, m, t, ge, keep + nk);
        for (size_t j = nk; j < nk + k; j++)
            keep[j] = map[keep[j]];
        nk += k;
    }
    ranked *r = malloc((nk ? nk : 1) * sizeof *r);
    for (size_t j = 0; j < nk; j++)
        r[j].s = s[keep[j]], r[j].i = (size_t)keep[j];
    qsort(r, nk, sizeof *r, rank_cmp);
    for (size_t j = 0; j < nk; j++)
        keep[j] = (int64_t)r[j].i;
    free(bc), free(sc), free(map), free(done), free(r);
    return nk;
}

static inline size_t naive_batched(const float *b, const float *s, const int64_t *cls, size_t n, double t, int64_t *keep)
{
    return naive_batched_ge(b, s, cls, n, t, 0, keep);
}

#endif
