/* SPDX-License-Identifier: MIT
 * Internal interfaces of the box kernels: the per-ISA inner loops and the
 * sorting helpers. Each inner loop has a scalar reference in boxes.c/nms.c
 * that every SIMD variant must match bit for bit. */
#ifndef CVHP_KERNELS_H
#define CVHP_KERNELS_H

#include <math.h>
#include <string.h>

#include "internal.h"

/* ---- sorting (sort.c) ---- */
/* Key whose ascending order is descending score (NaN first, -0 == +0).
 * Inline: it runs once per candidate ahead of every sort. */
static inline uint32_t cvhp__score_key_desc(float s)
{
    uint32_t b;
    memcpy(&b, &s, 4);
    if ((b & 0x7f800000u) == 0x7f800000u && (b & 0x007fffffu)) /* NaN: above everything */
        return 0;
    if (b == 0x80000000u) /* -0 sorts with +0 */
        b = 0;
    uint32_t asc = (b & 0x80000000u) ? ~b : (b | 0x80000000u);
    return ~asc;
}
/* Stable LSD radix sorts of (key, val) pairs; t* are scratch of n entries. */
void cvhp__radix_u32(uint32_t *key, uint32_t *val, uint32_t *tkey, uint32_t *tval, size_t n);
/* Groups the values val[i] (NULL: i) by key[i] (int64 values stored as
 * uint64_t), stably: out receives them with equal keys adjacent, in
 * ascending (signed) key order, each group in input order; starts[0, g)
 * receives the groups' first positions and starts[g] = n; returns g. Keys
 * spanning fewer values than n (class ids) take one counting pass, others an
 * LSD radix sort. key, tkey and tval are scratch of n entries (tval may be
 * val's memory, not out's); starts needs n + 1 entries and may be tkey's
 * memory. */
size_t cvhp__group_i64(uint64_t *key, const uint32_t *val, uint32_t *out, uint64_t *tkey, uint32_t *tval, size_t n,
                       size_t *starts);
/* The same grouping for small ids: entry r (0 <= r < n) has the id
 * id[at[r]] (at NULL: id[r]), below range <= n; out receives the r grouped
 * by id, ascending, each group in r order, and starts the groups' starts as
 * above (range + 1 entries). counted: starts[0, range) already holds each
 * id's count of entries. */
size_t cvhp__group_small(const uint32_t *id, const uint32_t *at, size_t n, size_t range, int counted, size_t *starts,
                         uint32_t *out);

/* ---- IoU matrix rows ----
 * out[j] = IoU(box, b[j]) for j in [0, n), b in structure-of-arrays form
 * (x1, y1, x2, y2, area), box = {x1, y1, x2, y2, area}. */
typedef void (*cvhp__iou_row_fn)(const float box[5], const float *bx1, const float *by1, const float *bx2,
                                 const float *by2, const float *barea, size_t n, float *out);
CVHP_DECLARE_ISA_VARIANTS(void, cvhp__iou_row,
                          (const float box[5], const float *bx1, const float *by1, const float *bx2,
                           const float *by2, const float *barea, size_t n, float *out));

/* ---- NMS suppression sweep ----
 * For j in [start, end): if IoU(kept, j) >= fmin with torchvision's
 * arithmetic (std::max/std::min operand order, kept box first) then
 * dead[j] = 1. Returns how many j turned from alive to dead. */
typedef size_t (*cvhp__suppress_fn)(const float kept[5], const float *x1, const float *y1, const float *x2,
                                    const float *y2, const float *area, uint8_t *dead, size_t start, size_t end,
                                    float fmin);
CVHP_DECLARE_ISA_VARIANTS(size_t, cvhp__suppress,
                          (const float kept[5], const float *x1, const float *y1, const float *x2, const float *y2,
                           const float *area, uint8_t *dead, size_t start, size_t end, float fmin));

/* ---- NMS: is a candidate suppressed by any of n kept boxes? ----
 * 1 when IoU(kept[j], cand) >= fmin for some j in [0, n), with the kept box
 * in torchvision's first operand role; stops at the first one. */
typedef int (*cvhp__any_fn)(const float cand[5], const float *x1, const float *y1, const float *x2,
                            const float *y2, const float *area, size_t n, float fmin);
CVHP_DECLARE_ISA_VARIANTS(int, cvhp__any, (const float cand[5], const float *x1, const float *y1, const float *x2,
                                           const float *y2, const float *area, size_t n, float fmin));

/* ---- masks: one row -> bits ----
 * bits[c / 64] bit (c % 64) = (row[c] > thr), for the float kernel, or
 * (row[c] != 0), for the uint8 kernel. Every word of bits[0, ceil(width /
 * 64)) is written whole (no zeroing needed) and the bits past width in the
 * last word are 0: the marching squares rely on it for the padding. */
typedef void (*cvhp__threshold_bits_fn)(const float *row, size_t width, float thr, uint64_t *bits);
CVHP_DECLARE_ISA_VARIANTS(void, cvhp__threshold_bits, (const float *row, size_t width, float thr, uint64_t *bits));
typedef void (*cvhp__nonzero_bits_fn)(const uint8_t *row, size_t width, uint64_t *bits);
CVHP_DECLARE_ISA_VARIANTS(void, cvhp__nonzero_bits, (const uint8_t *row, size_t width, uint64_t *bits));

/* ---- masks: the farthest point of a Ramer-Douglas-Peucker range ----
 * The first i in [lo, hi) with the largest q_i = |er (ac - c[i]) - ec (ar -
 * r[i])| (the cross product of the chord (er, ec) from (ar, ac) with the
 * point) when that largest value is > 0, else hi. The vertices are
 * half-integers, so q is exact and every variant finds the same i. */
typedef size_t (*cvhp__rdp_far_fn)(const double *r, const double *c, size_t lo, size_t hi, double ar, double ac,
                                   double er, double ec);
CVHP_DECLARE_ISA_VARIANTS(size_t, cvhp__rdp_far,
                          (const double *r, const double *c, size_t lo, size_t hi, double ar, double ac, double er,
                           double ec));

/* The common end of every rdp_far variant: the lanes' first maxima m[l]
 * at ix[l] reduced to the lowest index among the largest values, then the
 * points [i, hi) one by one. The scalar reference is this with no lanes. */
static inline size_t cvhp__rdp_far_finish(const double *m, const double *ix, int lanes, const double *r,
                                          const double *c, size_t i, size_t hi, double ar, double ac, double er,
                                          double ec)
{
    double best = 0;
    size_t idx = hi;
    for (int l = 0; l < lanes; l++)
        if (m[l] > best || (m[l] == best && best > 0 && (size_t)ix[l] < idx))
            best = m[l], idx = (size_t)ix[l];
    for (; i < hi; i++) {
        const double q = fabs(er * (ac - c[i]) - ec * (ar - r[i])); /* no branch: the sign is unpredictable */
        if (q > best)
            best = q, idx = i;
    }
    return idx;
}

/* The corners of a cycle of packed points p (each (2r) << 32 | 2c; the
 * difference of two is the same for the same lattice step, and only
 * then): the points p[i], i in [lo, hi), where the step into p[i] is not
 * the step out of it, p[i] - p[i - 1] != p[i + 1] - p[i], appended to out
 * in order; how many. Both neighbours are inside: 0 < lo, hi + 1 <= the
 * cycle's length. The AVX2 variant writes whole groups of four: out needs
 * room for 3 points past the last corner. */
size_t cvhp__corners_scalar(const uint64_t *p, size_t lo, size_t hi, uint64_t *out);
#if CVHP_HAVE_AVX2 && defined(__x86_64__)
size_t cvhp__corners_avx2(const uint64_t *p, size_t lo, size_t hi, uint64_t *out);
#endif

/* The first i in (a, b) farthest from point a (squared distance) when
 * that is > 0, else b: the split of a closed contour. Plain, and (x86-64
 * with AVX2 built) an AVX2 build of the same code. */
size_t cvhp__rdp_far_from_scalar(const double *r, const double *c, size_t a, size_t b);
#if CVHP_HAVE_AVX2 && defined(__x86_64__)
size_t cvhp__rdp_far_from_avx2(const double *r, const double *c, size_t a, size_t b);
#endif

/* How many ranges the mask simplification's RDP keeps on its own stack
 * before it recurses (at most 64, the default; tests lower it to take the
 * recursion on small masks). */
extern size_t cvhp__rdp_stack;

/* The variant for the active ISA (records cvhp__last_dispatch). */
cvhp__iou_row_fn cvhp__pick_iou_row(void);
cvhp__suppress_fn cvhp__pick_suppress(void);
cvhp__any_fn cvhp__pick_any(void);
cvhp__threshold_bits_fn cvhp__pick_threshold_bits(void);
cvhp__nonzero_bits_fn cvhp__pick_nonzero_bits(void);
cvhp__rdp_far_fn cvhp__pick_rdp_far(void);

/* Scalar building blocks with the exact semantics the SIMD code reproduces. */
static inline float cvhp__vmax(float a, float b) { return a > b ? a : b; } /* _mm_max_ps(a, b) */
static inline float cvhp__vmin(float a, float b) { return a < b ? a : b; } /* _mm_min_ps(a, b) */

/* torchvision's nms_kernel pair test, kept box k first, candidate j second:
 * std::max(k, j) == _mm_max_ps(j, k), std::min(k, j) == _mm_min_ps(j, k). */
static inline float cvhp__tv_iou(const float k[5], float x1, float y1, float x2, float y2, float area)
{
    float xx1 = cvhp__vmax(x1, k[0]), yy1 = cvhp__vmax(y1, k[1]);
    float xx2 = cvhp__vmin(x2, k[2]), yy2 = cvhp__vmin(y2, k[3]);
    float w = cvhp__vmax(xx2 - xx1, 0.0f), h = cvhp__vmax(yy2 - yy1, 0.0f);
    float inter = w * h;
    return inter / (k[4] + area - inter);
}

/* torchvision.ops.box_iou's arithmetic for one pair (a first): maximum and
 * minimum of the corners, clamp(min=0) as 0 > d ? 0 : d (keeps -0 and NaN). */
static inline float cvhp__iou_pair(const float a[5], float x1, float y1, float x2, float y2, float area)
{
    float w = cvhp__vmax(0.0f, cvhp__vmin(a[2], x2) - cvhp__vmax(a[0], x1));
    float h = cvhp__vmax(0.0f, cvhp__vmin(a[3], y2) - cvhp__vmax(a[1], y1));
    float inter = w * h;
    return inter / ((a[4] + area) - inter);
}

#endif
