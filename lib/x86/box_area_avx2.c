/* SPDX-License-Identifier: MIT
 * Box area, AVX2: 8 boxes per iteration, transposed in registers. Built with
 * -mavx2 -mfma; only called when the CPU supports it. -ffp-contract=off keeps
 * (x2 - x1) * (y2 - y1) rounded exactly as the scalar reference rounds it. */
#include <immintrin.h>

#include "../internal.h"

void cvhp__box_area_avx2(const float *boxes, size_t n, float *out)
{
    const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const float *p = boxes + 4 * i;
        /* a = boxes 0,1; b = 2,3; c = 4,5; d = 6,7 */
        __m256 a = _mm256_loadu_ps(p), b = _mm256_loadu_ps(p + 8);
        __m256 c = _mm256_loadu_ps(p + 16), d = _mm256_loadu_ps(p + 24);
        __m256 t0 = _mm256_unpacklo_ps(a, b), t1 = _mm256_unpackhi_ps(a, b);
        __m256 t2 = _mm256_unpacklo_ps(c, d), t3 = _mm256_unpackhi_ps(c, d);
        /* lanes hold boxes [0 2 4 6 | 1 3 5 7] */
        __m256 x1 = _mm256_shuffle_ps(t0, t2, 0x44), y1 = _mm256_shuffle_ps(t0, t2, 0xEE);
        __m256 x2 = _mm256_shuffle_ps(t1, t3, 0x44), y2 = _mm256_shuffle_ps(t1, t3, 0xEE);
        __m256 area = _mm256_mul_ps(_mm256_sub_ps(x2, x1), _mm256_sub_ps(y2, y1));
        _mm256_storeu_ps(out + i, _mm256_permutevar8x32_ps(area, order));
    }
    cvhp__box_area_scalar(boxes + 4 * i, n - i, out + i);
}
