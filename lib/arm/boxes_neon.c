/* SPDX-License-Identifier: MIT
 * AArch64 Advanced SIMD inner loops of box_iou and NMS: 4 candidates per step.
 * vmaxq/vminq would return NaN for NaN inputs where the x86 and scalar code
 * return an operand, so the max/min are written as compare-and-select with
 * the scalar references' operand order (kernels.h). */
#include <arm_neon.h>
#include <math.h>
#include <string.h>

#include "../kernels.h"

/* a > b ? a : b and a < b ? a : b, lane-wise, NaN-faithful to the scalar code */
static inline float32x4_t sel_max(float32x4_t a, float32x4_t b) { return vbslq_f32(vcgtq_f32(a, b), a, b); }
static inline float32x4_t sel_min(float32x4_t a, float32x4_t b) { return vbslq_f32(vcltq_f32(a, b), a, b); }

void cvhp__iou_row_neon(const float box[5], const float *bx1, const float *by1, const float *bx2,
                        const float *by2, const float *barea, size_t n, float *out)
{
    const float32x4_t ax1 = vdupq_n_f32(box[0]), ay1 = vdupq_n_f32(box[1]);
    const float32x4_t ax2 = vdupq_n_f32(box[2]), ay2 = vdupq_n_f32(box[3]);
    const float32x4_t aa = vdupq_n_f32(box[4]), zero = vdupq_n_f32(0.0f);
    size_t j = 0;
    for (; j + 4 <= n; j += 4) {
        float32x4_t w = vsubq_f32(sel_min(ax2, vld1q_f32(bx2 + j)), sel_max(ax1, vld1q_f32(bx1 + j)));
        float32x4_t h = vsubq_f32(sel_min(ay2, vld1q_f32(by2 + j)), sel_max(ay1, vld1q_f32(by1 + j)));
        w = sel_max(zero, w);
        h = sel_max(zero, h);
        float32x4_t inter = vmulq_f32(w, h);
        float32x4_t uni = vsubq_f32(vaddq_f32(aa, vld1q_f32(barea + j)), inter);
        vst1q_f32(out + j, vdivq_f32(inter, uni));
    }
    cvhp__iou_row_scalar(box, bx1 + j, by1 + j, bx2 + j, by2 + j, barea + j, n - j, out + j);
}

size_t cvhp__suppress_neon(const float kept[5], const float *x1, const float *y1, const float *x2, const float *y2,
                           const float *area, uint8_t *dead, size_t start, size_t end, float fmin)
{
    const float32x4_t kx1 = vdupq_n_f32(kept[0]), ky1 = vdupq_n_f32(kept[1]);
    const float32x4_t kx2 = vdupq_n_f32(kept[2]), ky2 = vdupq_n_f32(kept[3]);
    const float32x4_t ka = vdupq_n_f32(kept[4]), zero = vdupq_n_f32(0.0f), thr = vdupq_n_f32(fmin);
    size_t killed = 0, j = start;
    for (; j + 4 <= end; j += 4) {
        uint32_t d4;
        memcpy(&d4, dead + j, 4);
        if (d4 == 0x01010101u)
            continue;
        float32x4_t xx1 = sel_max(vld1q_f32(x1 + j), kx1), yy1 = sel_max(vld1q_f32(y1 + j), ky1);
        float32x4_t xx2 = sel_min(vld1q_f32(x2 + j), kx2), yy2 = sel_min(vld1q_f32(y2 + j), ky2);
        float32x4_t w = sel_max(vsubq_f32(xx2, xx1), zero), h = sel_max(vsubq_f32(yy2, yy1), zero);
        float32x4_t inter = vmulq_f32(w, h);
        float32x4_t ovr = vdivq_f32(inter, vsubq_f32(vaddq_f32(ka, vld1q_f32(area + j)), inter));
        uint32x4_t ge = vcgeq_f32(ovr, thr);
        if (vmaxvq_u32(ge) == 0)
            continue;
        uint32_t lanes[4];
        vst1q_u32(lanes, ge);
        for (int l = 0; l < 4; l++)
            if (lanes[l] && !dead[j + (size_t)l]) {
                dead[j + (size_t)l] = 1;
                killed++;
            }
    }
    return killed + cvhp__suppress_scalar(kept, x1, y1, x2, y2, area, dead, j, end, fmin);
}

int cvhp__any_neon(const float cand[5], const float *x1, const float *y1, const float *x2, const float *y2,
                   const float *area, size_t n, float fmin)
{
    const float32x4_t cx1 = vdupq_n_f32(cand[0]), cy1 = vdupq_n_f32(cand[1]);
    const float32x4_t cx2 = vdupq_n_f32(cand[2]), cy2 = vdupq_n_f32(cand[3]);
    const float32x4_t ca = vdupq_n_f32(cand[4]), zero = vdupq_n_f32(0.0f), thr = vdupq_n_f32(fmin);
    size_t j = 0;
    for (; j + 4 <= n; j += 4) {
        float32x4_t xx1 = sel_max(cx1, vld1q_f32(x1 + j)), yy1 = sel_max(cy1, vld1q_f32(y1 + j));
        float32x4_t xx2 = sel_min(cx2, vld1q_f32(x2 + j)), yy2 = sel_min(cy2, vld1q_f32(y2 + j));
        float32x4_t w = sel_max(vsubq_f32(xx2, xx1), zero), h = sel_max(vsubq_f32(yy2, yy1), zero);
        float32x4_t inter = vmulq_f32(w, h);
        float32x4_t ovr = vdivq_f32(inter, vsubq_f32(vaddq_f32(vld1q_f32(area + j), ca), inter));
        if (vmaxvq_u32(vcgeq_f32(ovr, thr)))
            return 1;
    }
    return cvhp__any_scalar(cand, x1 + j, y1 + j, x2 + j, y2 + j, area + j, n - j, fmin);
}

/* 4 pixels per compare, weighted and summed into a nibble. */
void cvhp__threshold_bits_neon(const float *row, size_t width, float thr, uint64_t *bits)
{
    const float32x4_t t = vdupq_n_f32(thr);
    static const uint32_t weights[4] = {1, 2, 4, 8};
    const uint32x4_t wv = vld1q_u32(weights);
    for (size_t c = 0; c < width; c += 64) {
        uint64_t m = 0;
        size_t j = 0;
        for (; j < 64 && c + j + 4 <= width; j += 4) /* NaN: not greater */
            m |= (uint64_t)vaddvq_u32(vandq_u32(vcgtq_f32(vld1q_f32(row + c + j), t), wv)) << j;
        for (; j < 64 && c + j < width; j++)
            m |= (uint64_t)(row[c + j] > thr) << j;
        bits[c >> 6] = m;
    }
}

/* 16 bytes per test, each nonzero lane weighted by its bit and summed per
 * 8-byte half. */
void cvhp__nonzero_bits_neon(const uint8_t *row, size_t width, uint64_t *bits)
{
    static const uint8_t weights[16] = {1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128};
    const uint8x16_t wv = vld1q_u8(weights);
    for (size_t c = 0; c < width; c += 64) {
        uint64_t m = 0;
        size_t j = 0;
        for (; j < 64 && c + j + 16 <= width; j += 16) {
            const uint8x16_t v = vld1q_u8(row + c + j);
            const uint8x16_t b = vandq_u8(vtstq_u8(v, v), wv);
            m |= ((uint64_t)vaddv_u8(vget_low_u8(b)) | (uint64_t)vaddv_u8(vget_high_u8(b)) << 8) << j;
        }
        for (; j < 64 && c + j < width; j++)
            m |= (uint64_t)(row[c + j] != 0) << j;
        bits[c >> 6] = m;
    }
}

/* Two points per step, as the AVX2 variant. */
size_t cvhp__rdp_far_neon(const double *r, const double *c, size_t lo, size_t hi, double ar, double ac, double er,
                          double ec)
{
    size_t i = lo;
    if (hi - lo >= 4) {
        const float64x2_t ER = vdupq_n_f64(er), EC = vdupq_n_f64(ec), AR = vdupq_n_f64(ar), AC = vdupq_n_f64(ac);
        const float64x2_t two = vdupq_n_f64(2);
        float64x2_t vm = vdupq_n_f64(0), vi = vdupq_n_f64(0);
        float64x2_t cur = vsetq_lane_f64((double)lo + 1, vdupq_n_f64((double)lo), 1);
        for (; i + 2 <= hi; i += 2) {
            const float64x2_t q = vabsq_f64(vsubq_f64(vmulq_f64(ER, vsubq_f64(AC, vld1q_f64(c + i))),
                                                      vmulq_f64(EC, vsubq_f64(AR, vld1q_f64(r + i)))));
            const uint64x2_t gt = vcgtq_f64(q, vm);
            vm = vbslq_f64(gt, q, vm);
            vi = vbslq_f64(gt, cur, vi);
            cur = vaddq_f64(cur, two);
        }
        double m[2], ix[2];
        vst1q_f64(m, vm);
        vst1q_f64(ix, vi);
        return cvhp__rdp_far_finish(m, ix, 2, r, c, i, hi, ar, ac, er, ec);
    }
    return cvhp__rdp_far_finish(NULL, NULL, 0, r, c, i, hi, ar, ac, er, ec);
}
