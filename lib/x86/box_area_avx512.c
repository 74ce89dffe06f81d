/* SPDX-License-Identifier: MIT
 * Box area, AVX-512 (F): 16 boxes per iteration, coordinates gathered with
 * two-source permutes. Built with -mavx512f -mavx512dq -mavx512bw -mavx512vl. */
#include <immintrin.h>

#include "../internal.h"

void cvhp__box_area_avx512(const float *boxes, size_t n, float *out)
{
    /* idx_k selects coordinate k of the 8 boxes held in a pair of registers. */
    const __m512i idx0 = _mm512_setr_epi32(0, 4, 8, 12, 16, 20, 24, 28, 0, 4, 8, 12, 16, 20, 24, 28);
    const __m512i one = _mm512_set1_epi32(1);
    const __m512i idx1 = _mm512_add_epi32(idx0, one);
    const __m512i idx2 = _mm512_add_epi32(idx1, one);
    const __m512i idx3 = _mm512_add_epi32(idx2, one);
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        const float *p = boxes + 4 * i;
        __m512 a = _mm512_loadu_ps(p), b = _mm512_loadu_ps(p + 16);
        __m512 c = _mm512_loadu_ps(p + 32), d = _mm512_loadu_ps(p + 48);
        /* low 256 bits of each: 8 consecutive boxes' coordinate k */
        __m512 x1 = _mm512_shuffle_f32x4(_mm512_permutex2var_ps(a, idx0, b),
                                         _mm512_permutex2var_ps(c, idx0, d), 0x44);
        __m512 y1 = _mm512_shuffle_f32x4(_mm512_permutex2var_ps(a, idx1, b),
                                         _mm512_permutex2var_ps(c, idx1, d), 0x44);
        __m512 x2 = _mm512_shuffle_f32x4(_mm512_permutex2var_ps(a, idx2, b),
                                         _mm512_permutex2var_ps(c, idx2, d), 0x44);
        __m512 y2 = _mm512_shuffle_f32x4(_mm512_permutex2var_ps(a, idx3, b),
                                         _mm512_permutex2var_ps(c, idx3, d), 0x44);
        _mm512_storeu_ps(out + i, _mm512_mul_ps(_mm512_sub_ps(x2, x1), _mm512_sub_ps(y2, y1)));
    }
    cvhp__box_area_scalar(boxes + 4 * i, n - i, out + i);
}
