/* SPDX-License-Identifier: MIT
 * Box area, AArch64 Advanced SIMD: vld4q de-interleaves 4 boxes per load. */
#include <arm_neon.h>

#include "../internal.h"

void cvhp__box_area_neon(const float *boxes, size_t n, float *out)
{
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        float32x4x4_t v = vld4q_f32(boxes + 4 * i); /* val[k] = coordinate k of 4 boxes */
        float32x4_t w = vsubq_f32(v.val[2], v.val[0]);
        float32x4_t h = vsubq_f32(v.val[3], v.val[1]);
        vst1q_f32(out + i, vmulq_f32(w, h));
    }
    cvhp__box_area_scalar(boxes + 4 * i, n - i, out + i);
}
