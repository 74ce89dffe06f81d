/* SPDX-License-Identifier: MIT
 * AVX2 inner loops of box_iou and NMS: 8 candidates per step, the same IEEE
 * operations in the same operand order as the scalar references in
 * kernels.h, so results are bit-identical. */
#include <immintrin.h>
#include <math.h>
#include <string.h>

#include "../kernels.h"

void cvhp__iou_row_avx2(const float box[5], const float *bx1, const float *by1, const float *bx2,
                        const float *by2, const float *barea, size_t n, float *out)
{
    const __m256 ax1 = _mm256_set1_ps(box[0]), ay1 = _mm256_set1_ps(box[1]);
    const __m256 ax2 = _mm256_set1_ps(box[2]), ay2 = _mm256_set1_ps(box[3]);
    const __m256 aa = _mm256_set1_ps(box[4]), zero = _mm256_setzero_ps();
    size_t j = 0;
    for (; j + 8 <= n; j += 8) {
        __m256 w = _mm256_sub_ps(_mm256_min_ps(ax2, _mm256_loadu_ps(bx2 + j)),
                                 _mm256_max_ps(ax1, _mm256_loadu_ps(bx1 + j)));
        __m256 h = _mm256_sub_ps(_mm256_min_ps(ay2, _mm256_loadu_ps(by2 + j)),
                                 _mm256_max_ps(ay1, _mm256_loadu_ps(by1 + j)));
        w = _mm256_max_ps(zero, w);
        h = _mm256_max_ps(zero, h);
        __m256 inter = _mm256_mul_ps(w, h);
        __m256 uni = _mm256_sub_ps(_mm256_add_ps(aa, _mm256_loadu_ps(barea + j)), inter);
        _mm256_storeu_ps(out + j, _mm256_div_ps(inter, uni));
    }
    cvhp__iou_row_scalar(box, bx1 + j, by1 + j, bx2 + j, by2 + j, barea + j, n - j, out + j);
}

/* The lanes whose candidate (cx1 .. carea, loaded) has IoU >= fmin with the
 * kept box (kx1 .. ka, broadcast), in the scalar reference's operand order. */
static inline unsigned suppress_lanes(__m256 cx1, __m256 cy1, __m256 cx2, __m256 cy2, __m256 carea, __m256 kx1,
                                      __m256 ky1, __m256 kx2, __m256 ky2, __m256 ka, __m256 thr)
{
    const __m256 zero = _mm256_setzero_ps();
    const __m256 w = _mm256_max_ps(_mm256_sub_ps(_mm256_min_ps(cx2, kx2), _mm256_max_ps(cx1, kx1)), zero);
    const __m256 h = _mm256_max_ps(_mm256_sub_ps(_mm256_min_ps(cy2, ky2), _mm256_max_ps(cy1, ky1)), zero);
    const __m256 inter = _mm256_mul_ps(w, h);
    const __m256 ovr = _mm256_div_ps(inter, _mm256_sub_ps(_mm256_add_ps(ka, carea), inter));
    return (unsigned)_mm256_movemask_ps(_mm256_cmp_ps(ovr, thr, _CMP_GE_OQ));
}

/* Marks lanes m of dead[j ..] dead, counting in *killed those that were alive. */
static inline void kill_lanes(uint8_t *dead, size_t j, unsigned m, size_t *killed)
{
    for (; m; m &= m - 1) {
        const unsigned l = (unsigned)__builtin_ctz(m);
        *killed += dead[j + l] == 0;
        dead[j + l] = 1;
    }
}

size_t cvhp__suppress_avx2(const float kept[5], const float *x1, const float *y1, const float *x2, const float *y2,
                           const float *area, uint8_t *dead, size_t start, size_t end, float fmin)
{
    const __m256 kx1 = _mm256_set1_ps(kept[0]), ky1 = _mm256_set1_ps(kept[1]);
    const __m256 kx2 = _mm256_set1_ps(kept[2]), ky2 = _mm256_set1_ps(kept[3]);
    const __m256 ka = _mm256_set1_ps(kept[4]), thr = _mm256_set1_ps(fmin);
    size_t killed = 0, j = start;
    for (; j + 8 <= end; j += 8) {
        uint64_t d8;
        memcpy(&d8, dead + j, 8);
        if (d8 == 0x0101010101010101ull) /* all eight already dead */
            continue;
        const unsigned m = suppress_lanes(_mm256_loadu_ps(x1 + j), _mm256_loadu_ps(y1 + j), _mm256_loadu_ps(x2 + j),
                                          _mm256_loadu_ps(y2 + j), _mm256_loadu_ps(area + j), kx1, ky1, kx2, ky2, ka,
                                          thr);
        if (m != 0)
            kill_lanes(dead, j, m, &killed);
    }
    if (j < end) { /* the last 1-7 candidates: masked loads (they never fault), live lanes only */
        const __m256i live = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(end - j)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
        const unsigned m = suppress_lanes(_mm256_maskload_ps(x1 + j, live), _mm256_maskload_ps(y1 + j, live),
                                          _mm256_maskload_ps(x2 + j, live), _mm256_maskload_ps(y2 + j, live),
                                          _mm256_maskload_ps(area + j, live), kx1, ky1, kx2, ky2, ka, thr) &
                           (unsigned)_mm256_movemask_ps(_mm256_castsi256_ps(live));
        kill_lanes(dead, j, m, &killed);
    }
    return killed;
}

int cvhp__any_avx2(const float cand[5], const float *x1, const float *y1, const float *x2, const float *y2,
                   const float *area, size_t n, float fmin)
{
    const __m256 cx1 = _mm256_set1_ps(cand[0]), cy1 = _mm256_set1_ps(cand[1]);
    const __m256 cx2 = _mm256_set1_ps(cand[2]), cy2 = _mm256_set1_ps(cand[3]);
    const __m256 ca = _mm256_set1_ps(cand[4]), zero = _mm256_setzero_ps(), thr = _mm256_set1_ps(fmin);
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    for (size_t j = 0; j < n; j += 8) {
        /* the last step loads only the remaining lanes (masked loads never fault) */
        const __m256i live = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(n - j < 8 ? n - j : 8)), lane);
        /* kept box in torchvision's first role: std::max(kept, cand) == max_ps(cand, kept) */
        __m256 xx1 = _mm256_max_ps(cx1, _mm256_maskload_ps(x1 + j, live));
        __m256 yy1 = _mm256_max_ps(cy1, _mm256_maskload_ps(y1 + j, live));
        __m256 xx2 = _mm256_min_ps(cx2, _mm256_maskload_ps(x2 + j, live));
        __m256 yy2 = _mm256_min_ps(cy2, _mm256_maskload_ps(y2 + j, live));
        __m256 w = _mm256_max_ps(_mm256_sub_ps(xx2, xx1), zero);
        __m256 h = _mm256_max_ps(_mm256_sub_ps(yy2, yy1), zero);
        __m256 inter = _mm256_mul_ps(w, h);
        __m256 ovr =
            _mm256_div_ps(inter, _mm256_sub_ps(_mm256_add_ps(_mm256_maskload_ps(area + j, live), ca), inter));
        __m256 hit = _mm256_and_ps(_mm256_cmp_ps(ovr, thr, _CMP_GE_OQ), _mm256_castsi256_ps(live));
        if (_mm256_movemask_ps(hit))
            return 1;
    }
    return 0;
}

/* 32 compare results (all-ones or zero lanes) -> 32 bits in pixel order.
 * Two saturating packs leave the bytes of a, b, c, d interleaved by 128-bit
 * lane ([a0-3 b0-3 c0-3 d0-3 | a4-7 b4-7 c4-7 d4-7]); one dword permute puts
 * them back in order for the byte movemask. Fewer uops than eight float
 * movemasks and the shifts to combine them, so the row pass keeps up with
 * a plain read of the mask. */
static inline uint32_t bits32(__m256 a, __m256 b, __m256 c, __m256 d)
{
    const __m256i ab = _mm256_packs_epi32(_mm256_castps_si256(a), _mm256_castps_si256(b));
    const __m256i cd = _mm256_packs_epi32(_mm256_castps_si256(c), _mm256_castps_si256(d));
    const __m256i abcd = _mm256_packs_epi16(ab, cd);
    return (uint32_t)_mm256_movemask_epi8(_mm256_permutevar8x32_epi32(abcd, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7)));
}

/* x > t as t < x (_CMP_LT_OQ: NaN is not above the threshold, as the
 * scalar '>'): with the load as the second operand the compiler folds it
 * into the compare, eight instructions fewer per 64 pixels. */
#define GT(p) _mm256_cmp_ps(t, _mm256_loadu_ps(p), _CMP_LT_OQ)

/* 64 pixels per word; the last 1-63 pixels make one more word from masked
 * loads (no read past the row). The mask streams in with a prefetch 4 KB
 * ahead (1 KB for the uint8 kernel), into every cache level: the whole mask
 * is thresholded before the contours are walked, so there is no contour
 * state to keep cached meanwhile (a non-temporal hint was 3-8% slower on
 * 800x1333). Prefetches never fault; the address past the end of the mask
 * is formed as an integer, not by pointer arithmetic beyond the array. */
void cvhp__threshold_bits_avx2(const float *row, size_t width, float thr, uint64_t *bits)
{
    const __m256 t = _mm256_set1_ps(thr);
    size_t c = 0;
    for (; c + 64 <= width; c += 64) {
        const float *p = row + c;
        for (int l = 0; l < 256; l += 64) /* the stream, 4 KB ahead */
            _mm_prefetch((const char *)((uintptr_t)p + 4096 + (uintptr_t)l), _MM_HINT_T0);
        const uint64_t lo = bits32(GT(p), GT(p + 8), GT(p + 16), GT(p + 24));
        const uint64_t hi = bits32(GT(p + 32), GT(p + 40), GT(p + 48), GT(p + 56));
        bits[c >> 6] = lo | hi << 32;
    }
    if (c < width) { /* the last 1-63 pixels as one word: lanes past the row are not read (masked loads give 0) */
        const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
        const int left = (int)(width - c);
        const uintptr_t p = (uintptr_t)(row + c);
        __m256 g[8];
        for (int k = 0; k < 8; k++) {
            const __m256i live = _mm256_cmpgt_epi32(_mm256_set1_epi32(left - 8 * k), lane);
            const __m256 v = _mm256_maskload_ps((const float *)(p + (uintptr_t)(32 * k)), live);
            /* a lane not read is 0, not above the threshold (>= 0); masked
             * as well, so that holds for any threshold */
            g[k] = _mm256_and_ps(_mm256_cmp_ps(v, t, _CMP_GT_OQ), _mm256_castsi256_ps(live));
        }
        bits[c >> 6] = bits32(g[0], g[1], g[2], g[3]) | (uint64_t)bits32(g[4], g[5], g[6], g[7]) << 32;
    }
}
#undef GT

void cvhp__nonzero_bits_avx2(const uint8_t *row, size_t width, uint64_t *bits)
{
    const __m256i zero = _mm256_setzero_si256();
    size_t c = 0;
    for (; c + 64 <= width; c += 64) {
        _mm_prefetch((const char *)((uintptr_t)(row + c) + 1024), _MM_HINT_T0);
        const uint64_t lo = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)(row + c)), zero));
        const uint64_t hi =
            (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i *)(row + c + 32)), zero));
        bits[c >> 6] = ~(lo | hi << 32);
    }
    if (c < width) {
        uint64_t m = 0;
        for (size_t j = 0; c + j < width; j++)
            m |= (uint64_t)(row[c + j] != 0) << j;
        bits[c >> 6] = m;
    }
}

/* Four points per step: the corners' lanes packed to the front by a
 * permutation from their mask, the group stored whole. */
size_t cvhp__corners_avx2(const uint64_t *p, size_t lo, size_t hi, uint64_t *out)
{
    /* for each mask of 4 lanes, the 32-bit halves of its set lanes first */
    static const int32_t pack[16][8] = {
        {0, 1, 0, 1, 0, 1, 0, 1}, {0, 1, 0, 1, 0, 1, 0, 1}, {2, 3, 0, 1, 0, 1, 0, 1}, {0, 1, 2, 3, 0, 1, 0, 1},
        {4, 5, 0, 1, 0, 1, 0, 1}, {0, 1, 4, 5, 0, 1, 0, 1}, {2, 3, 4, 5, 0, 1, 0, 1}, {0, 1, 2, 3, 4, 5, 0, 1},
        {6, 7, 0, 1, 0, 1, 0, 1}, {0, 1, 6, 7, 0, 1, 0, 1}, {2, 3, 6, 7, 0, 1, 0, 1}, {0, 1, 2, 3, 6, 7, 0, 1},
        {4, 5, 6, 7, 0, 1, 0, 1}, {0, 1, 4, 5, 6, 7, 0, 1}, {2, 3, 4, 5, 6, 7, 0, 1}, {0, 1, 2, 3, 4, 5, 6, 7},
    };
    static const uint8_t count[16] = {0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4};
    size_t n = 0, i = lo;
    for (; i + 4 <= hi; i += 4) {
        const __m256i a = _mm256_loadu_si256((const __m256i *)(p + i - 1));
        const __m256i b = _mm256_loadu_si256((const __m256i *)(p + i));
        const __m256i c = _mm256_loadu_si256((const __m256i *)(p + i + 1));
        const __m256i same = _mm256_cmpeq_epi64(_mm256_sub_epi64(b, a), _mm256_sub_epi64(c, b));
        const unsigned mask = ~(unsigned)_mm256_movemask_pd(_mm256_castsi256_pd(same)) & 15;
        const __m256i perm = _mm256_loadu_si256((const __m256i *)pack[mask]);
        _mm256_storeu_si256((__m256i *)(out + n), _mm256_permutevar8x32_epi32(b, perm));
        n += count[mask];
    }
    return n + cvhp__corners_scalar(p, i, hi, out + n);
}

/* Two passes: the largest q, then the first point with it. The first
 * pass is two chains of max (no compare-and-blend of values and indices
 * waiting on each other, no lane reduction by branches); the second stops
 * at the first match, half the range on average. q is exact (half-integer
 * vertices), so the second pass meets the same value. 15-20% faster than
 * one pass keeping each lane's first maximum (an isolated harness of the
 * 800x1333 benchmark mask's ranges, same results). Ranges shorter than
 * eight points go to the scalar finish. */
#define RDP_Q(i)                                                                                              \
    _mm256_andnot_pd(sign, _mm256_sub_pd(_mm256_mul_pd(ER, _mm256_sub_pd(AC, _mm256_loadu_pd(c + (i)))),      \
                                         _mm256_mul_pd(EC, _mm256_sub_pd(AR, _mm256_loadu_pd(r + (i))))))
size_t cvhp__rdp_far_avx2(const double *r, const double *c, size_t lo, size_t hi, double ar, double ac, double er,
                          double ec)
{
    if (hi - lo < 8)
        return cvhp__rdp_far_finish(NULL, NULL, 0, r, c, lo, hi, ar, ac, er, ec);
    const __m256d ER = _mm256_set1_pd(er), EC = _mm256_set1_pd(ec), AR = _mm256_set1_pd(ar);
    const __m256d AC = _mm256_set1_pd(ac), sign = _mm256_set1_pd(-0.0);
    __m256d v0 = RDP_Q(hi - 4), v1 = _mm256_setzero_pd(); /* the last four (seen twice: no matter for a maximum) */
    size_t i = lo;
    for (; i + 8 <= hi; i += 8)
        v0 = _mm256_max_pd(v0, RDP_Q(i)), v1 = _mm256_max_pd(v1, RDP_Q(i + 4));
    if (i + 4 <= hi)
        v0 = _mm256_max_pd(v0, RDP_Q(i));
    __m256d v = _mm256_max_pd(v0, v1);
    v = _mm256_max_pd(v, _mm256_permute2f128_pd(v, v, 1));
    v = _mm256_max_pd(v, _mm256_permute_pd(v, 5)); /* the largest in every lane */
    if (!(_mm256_cvtsd_f64(v) > 0))
        return hi;
    for (i = lo; i < hi; i += 4) {
        const size_t j = i + 4 <= hi ? i : hi - 4; /* the last four again: the ones before did not match */
        const unsigned k = (unsigned)_mm256_movemask_pd(_mm256_cmp_pd(RDP_Q(j), v, _CMP_EQ_OQ));
        if (k)
            return j + (unsigned)__builtin_ctz(k);
    }
    return cvhp__rdp_far_finish(NULL, NULL, 0, r, c, lo, hi, ar, ac, er, ec); /* (not reached: q is exact) */
}
#undef RDP_Q
