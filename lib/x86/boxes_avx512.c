/* SPDX-License-Identifier: MIT
 * AVX-512 inner loops of box_iou and NMS: 16 candidates per step, the same
 * IEEE operations in the same operand order as the scalar references in
 * kernels.h, so results are bit-identical. */
#include <immintrin.h>
#include <math.h>

#include "../kernels.h"

void cvhp__iou_row_avx512(const float box[5], const float *bx1, const float *by1, const float *bx2,
                          const float *by2, const float *barea, size_t n, float *out)
{
    const __m512 ax1 = _mm512_set1_ps(box[0]), ay1 = _mm512_set1_ps(box[1]);
    const __m512 ax2 = _mm512_set1_ps(box[2]), ay2 = _mm512_set1_ps(box[3]);
    const __m512 aa = _mm512_set1_ps(box[4]), zero = _mm512_setzero_ps();
    size_t j = 0;
    for (; j + 16 <= n; j += 16) {
        __m512 w = _mm512_sub_ps(_mm512_min_ps(ax2, _mm512_loadu_ps(bx2 + j)),
                                 _mm512_max_ps(ax1, _mm512_loadu_ps(bx1 + j)));
        __m512 h = _mm512_sub_ps(_mm512_min_ps(ay2, _mm512_loadu_ps(by2 + j)),
                                 _mm512_max_ps(ay1, _mm512_loadu_ps(by1 + j)));
        w = _mm512_max_ps(zero, w);
        h = _mm512_max_ps(zero, h);
        __m512 inter = _mm512_mul_ps(w, h);
        __m512 uni = _mm512_sub_ps(_mm512_add_ps(aa, _mm512_loadu_ps(barea + j)), inter);
        _mm512_storeu_ps(out + j, _mm512_div_ps(inter, uni));
    }
    cvhp__iou_row_scalar(box, bx1 + j, by1 + j, bx2 + j, by2 + j, barea + j, n - j, out + j);
}

size_t cvhp__suppress_avx512(const float kept[5], const float *x1, const float *y1, const float *x2,
                             const float *y2, const float *area, uint8_t *dead, size_t start, size_t end,
                             float fmin)
{
    const __m512 kx1 = _mm512_set1_ps(kept[0]), ky1 = _mm512_set1_ps(kept[1]);
    const __m512 kx2 = _mm512_set1_ps(kept[2]), ky2 = _mm512_set1_ps(kept[3]);
    const __m512 ka = _mm512_set1_ps(kept[4]), zero = _mm512_setzero_ps();
    const __m512 thr = _mm512_set1_ps(fmin);
    const __m128i zero8 = _mm_setzero_si128();
    size_t killed = 0, j = start;
    for (; j + 16 <= end; j += 16) {
        __m128i d16 = _mm_loadu_si128((const __m128i *)(dead + j));
        __mmask16 alive = _mm_cmpeq_epi8_mask(d16, zero8);
        if (alive == 0)
            continue;
        __m512 xx1 = _mm512_max_ps(_mm512_loadu_ps(x1 + j), kx1);
        __m512 yy1 = _mm512_max_ps(_mm512_loadu_ps(y1 + j), ky1);
        __m512 xx2 = _mm512_min_ps(_mm512_loadu_ps(x2 + j), kx2);
        __m512 yy2 = _mm512_min_ps(_mm512_loadu_ps(y2 + j), ky2);
        __m512 w = _mm512_max_ps(_mm512_sub_ps(xx2, xx1), zero);
        __m512 h = _mm512_max_ps(_mm512_sub_ps(yy2, yy1), zero);
        __m512 inter = _mm512_mul_ps(w, h);
        __m512 ovr = _mm512_div_ps(inter, _mm512_sub_ps(_mm512_add_ps(ka, _mm512_loadu_ps(area + j)), inter));
        __mmask16 kill = _mm512_mask_cmp_ps_mask(alive, ovr, thr, _CMP_GE_OQ);
        if (kill == 0)
            continue;
        killed += (size_t)__builtin_popcount(kill);
        _mm_storeu_si128((__m128i *)(dead + j), _mm_mask_mov_epi8(d16, kill, _mm_set1_epi8(1)));
    }
    return killed + cvhp__suppress_scalar(kept, x1, y1, x2, y2, area, dead, j, end, fmin);
}

int cvhp__any_avx512(const float cand[5], const float *x1, const float *y1, const float *x2, const float *y2,
                     const float *area, size_t n, float fmin)
{
    const __m512 cx1 = _mm512_set1_ps(cand[0]), cy1 = _mm512_set1_ps(cand[1]);
    const __m512 cx2 = _mm512_set1_ps(cand[2]), cy2 = _mm512_set1_ps(cand[3]);
    const __m512 ca = _mm512_set1_ps(cand[4]), zero = _mm512_setzero_ps(), thr = _mm512_set1_ps(fmin);
    for (size_t j = 0; j < n; j += 16) {
        const __mmask16 live = n - j >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << (n - j)) - 1);
        __m512 xx1 = _mm512_max_ps(cx1, _mm512_maskz_loadu_ps(live, x1 + j));
        __m512 yy1 = _mm512_max_ps(cy1, _mm512_maskz_loadu_ps(live, y1 + j));
        __m512 xx2 = _mm512_min_ps(cx2, _mm512_maskz_loadu_ps(live, x2 + j));
        __m512 yy2 = _mm512_min_ps(cy2, _mm512_maskz_loadu_ps(live, y2 + j));
        __m512 w = _mm512_max_ps(_mm512_sub_ps(xx2, xx1), zero);
        __m512 h = _mm512_max_ps(_mm512_sub_ps(yy2, yy1), zero);
        __m512 inter = _mm512_mul_ps(w, h);
        __m512 ovr =
            _mm512_div_ps(inter, _mm512_sub_ps(_mm512_add_ps(_mm512_maskz_loadu_ps(live, area + j), ca), inter));
        if (_mm512_mask_cmp_ps_mask(live, ovr, thr, _CMP_GE_OQ))
            return 1;
    }
    return 0;
}

/* 64 pixels per word: four 16-lane compares into mask registers. */
void cvhp__threshold_bits_avx512(const float *row, size_t width, float thr, uint64_t *bits)
{
    const __m512 t = _mm512_set1_ps(thr);
    size_t c = 0;
    for (; c + 64 <= width; c += 64) {
        for (int l = 0; l < 256; l += 64) /* 4 KB ahead: see the AVX2 variant */
            _mm_prefetch((const char *)((uintptr_t)(row + c) + 4096 + (uintptr_t)l), _MM_HINT_T0);
        uint64_t m = 0;
        for (unsigned j = 0; j < 64; j += 16) /* _CMP_GT_OQ: NaN is not above */
            m |= (uint64_t)_mm512_cmp_ps_mask(_mm512_loadu_ps(row + c + j), t, _CMP_GT_OQ) << j;
        bits[c >> 6] = m;
    }
    if (c < width) {
        uint64_t m = 0;
        for (size_t j = 0; j < width - c; j += 16) {
            const size_t left = width - c - j;
            const __mmask16 live = left >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << left) - 1);
            m |= (uint64_t)_mm512_mask_cmp_ps_mask(live, _mm512_maskz_loadu_ps(live, row + c + j), t, _CMP_GT_OQ) << j;
        }
        bits[c >> 6] = m;
    }
}

void cvhp__nonzero_bits_avx512(const uint8_t *row, size_t width, uint64_t *bits)
{
    size_t c = 0;
    for (; c + 64 <= width; c += 64) {
        _mm_prefetch((const char *)((uintptr_t)(row + c) + 1024), _MM_HINT_T0);
        const __m512i v = _mm512_loadu_si512((const void *)(row + c));
        bits[c >> 6] = (uint64_t)_mm512_test_epi8_mask(v, v);
    }
    if (c < width) {
        const __mmask64 live = (~(__mmask64)0) >> (64 - (width - c));
        const __m512i v = _mm512_maskz_loadu_epi8(live, row + c);
        bits[c >> 6] = (uint64_t)_mm512_test_epi8_mask(v, v);
    }
}

/* Eight points per step, as the AVX2 variant. */
size_t cvhp__rdp_far_avx512(const double *r, const double *c, size_t lo, size_t hi, double ar, double ac, double er,
                            double ec)
{
    size_t i = lo;
    if (hi - lo >= 16) {
        const __m512d ER = _mm512_set1_pd(er), EC = _mm512_set1_pd(ec), AR = _mm512_set1_pd(ar);
        const __m512d AC = _mm512_set1_pd(ac), eight = _mm512_set1_pd(8);
        __m512d vm = _mm512_setzero_pd(), vi = _mm512_setzero_pd();
        __m512d cur = _mm512_add_pd(_mm512_set1_pd((double)lo), _mm512_setr_pd(0, 1, 2, 3, 4, 5, 6, 7));
        for (; i + 8 <= hi; i += 8) {
            const __m512d q = _mm512_abs_pd(_mm512_sub_pd(_mm512_mul_pd(ER, _mm512_sub_pd(AC, _mm512_loadu_pd(c + i))),
                                                          _mm512_mul_pd(EC, _mm512_sub_pd(AR, _mm512_loadu_pd(r + i)))));
            const __mmask8 gt = _mm512_cmp_pd_mask(q, vm, _CMP_GT_OQ);
            vm = _mm512_mask_blend_pd(gt, vm, q);
            vi = _mm512_mask_blend_pd(gt, vi, cur);
            cur = _mm512_add_pd(cur, eight);
        }
        double m[8], ix[8];
        _mm512_storeu_pd(m, vm);
        _mm512_storeu_pd(ix, vi);
        return cvhp__rdp_far_finish(m, ix, 8, r, c, i, hi, ar, ac, er, ec);
    }
    return cvhp__rdp_far_finish(NULL, NULL, 0, r, c, i, hi, ar, ac, er, ec);
}
