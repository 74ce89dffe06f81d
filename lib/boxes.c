/* SPDX-License-Identifier: MIT
 * Box utilities and the IoU matrix: scalar references and dispatch. */
#include <math.h>
#include <string.h>

#include "build_config.h"
#include "kernels.h"

#if CVHP_HAVE_OPENMP
#  include <omp.h>
#endif

/* ---- IoU matrix ---- */

void cvhp__iou_row_scalar(const float box[5], const float *bx1, const float *by1, const float *bx2,
                          const float *by2, const float *barea, size_t n, float *out)
{
    for (size_t j = 0; j < n; j++)
        out[j] = cvhp__iou_pair(box, bx1[j], by1[j], bx2[j], by2[j], barea[j]);
}

#define PICK(fn, type)                                            \
    type cvhp__pick_##fn(void)                                    \
    {                                                             \
        const cvhp_isa isa = cvhp__isa();                         \
        (void)isa;                                                \
        PICK_X86(fn)                                              \
        PICK_NEON(fn)                                             \
        cvhp__last_dispatch = CVHP_ISA_SCALAR;                    \
        return cvhp__##fn##_scalar;                               \
    }
#if CVHP_HAVE_AVX512
#  define PICK_AVX512(fn)                                          \
    if (isa == CVHP_ISA_AVX512) {                                  \
        cvhp__last_dispatch = CVHP_ISA_AVX512;                     \
        return cvhp__##fn##_avx512;                                \
    }
#else
#  define PICK_AVX512(fn)
#endif
#if CVHP_HAVE_AVX2
#  define PICK_AVX2(fn)                                            \
    if (isa >= CVHP_ISA_AVX2 && isa <= CVHP_ISA_AVX512) {          \
        cvhp__last_dispatch = CVHP_ISA_AVX2;                       \
        return cvhp__##fn##_avx2;                                  \
    }
#else
#  define PICK_AVX2(fn)
#endif
#define PICK_X86(fn) PICK_AVX512(fn) PICK_AVX2(fn)
#if CVHP_HAVE_NEON
#  define PICK_NEON(fn)                                            \
    if (isa == CVHP_ISA_NEON) {                                    \
        cvhp__last_dispatch = CVHP_ISA_NEON;                       \
        return cvhp__##fn##_neon;                                  \
    }
#else
#  define PICK_NEON(fn)
#endif

PICK(iou_row, cvhp__iou_row_fn)
PICK(suppress, cvhp__suppress_fn)
PICK(any, cvhp__any_fn)
PICK(threshold_bits, cvhp__threshold_bits_fn)
PICK(nonzero_bits, cvhp__nonzero_bits_fn)
PICK(rdp_far, cvhp__rdp_far_fn)

/* b is transposed to SoA in blocks of this many boxes, on the stack. */
#define IOU_BLOCK 512

static void iou_rows(const float *a, size_t i0, size_t i1, const float *b, size_t nb, float *out,
                     cvhp__iou_row_fn row)
{
    float soa[5][IOU_BLOCK];
    for (size_t j0 = 0; j0 < nb; j0 += IOU_BLOCK) {
        size_t m = nb - j0 < IOU_BLOCK ? nb - j0 : IOU_BLOCK;
        for (size_t j = 0; j < m; j++) {
            const float *q = b + 4 * (j0 + j);
            soa[0][j] = q[0], soa[1][j] = q[1], soa[2][j] = q[2], soa[3][j] = q[3];
            soa[4][j] = (q[2] - q[0]) * (q[3] - q[1]);
        }
        for (size_t i = i0; i < i1; i++) {
            const float *p = a + 4 * i;
            const float box[5] = {p[0], p[1], p[2], p[3], (p[2] - p[0]) * (p[3] - p[1])};
            row(box, soa[0], soa[1], soa[2], soa[3], soa[4], m, out + i * nb + j0);
        }
    }
}

/* Work below which a parallel region costs more than it saves. */
#define IOU_PARALLEL_MIN_PAIRS (1u << 18)

cvhp_status cvhp_box_iou(const float *a, size_t na, const float *b, size_t nb, float *out, int num_threads)
{
    CVHP_CHECK_PTR(a, na, "cvhp_box_iou");
    CVHP_CHECK_PTR(b, nb, "cvhp_box_iou");
    size_t cells, bytes;
    if (!cvhp__mul_size(na, nb, &cells) || !cvhp__mul_size(cells, sizeof(float), &bytes) ||
        !cvhp__mul_size(na > nb ? na : nb, 4 * sizeof(float), &bytes))
        return cvhp__error(CVHP_ERR_OVERFLOW, "cvhp_box_iou: %zu x %zu overflows size_t", na, nb);
    CVHP_CHECK_PTR(out, cells, "cvhp_box_iou");
    if (num_threads < 0)
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "cvhp_box_iou: num_threads %d is negative", num_threads);
    if (cells == 0)
        return CVHP_OK;
    const char *o = (const char *)out, *oe = (const char *)(out + cells);
    if ((o < (const char *)(a + 4 * na) && (const char *)a < oe) ||
        (o < (const char *)(b + 4 * nb) && (const char *)b < oe))
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "cvhp_box_iou: out overlaps an input");
    cvhp__iou_row_fn row = cvhp__pick_iou_row();
#if CVHP_HAVE_OPENMP
    int nt = cvhp__threads(num_threads);
    if (nt > 1 && cells >= IOU_PARALLEL_MIN_PAIRS && na > 1) {
        if ((size_t)nt > na)
            nt = (int)na;
#  pragma omp parallel num_threads(nt)
        {
            /* static row split: each row is computed the same way whoever computes it */
            const size_t t = (size_t)omp_get_thread_num(), T = (size_t)omp_get_num_threads();
            iou_rows(a, na * t / T, na * (t + 1) / T, b, nb, out, row);
        }
        return CVHP_OK;
    }
#endif
    iou_rows(a, 0, na, b, nb, out, row);
    return CVHP_OK;
}

/* ---- conversion, clipping, small boxes ---- */

static void to_xyxy(const float *q, cvhp_box_format f, float r[4])
{
    switch (f) {
    case CVHP_BOX_XYWH:
        r[0] = q[0], r[1] = q[1], r[2] = q[0] + q[2], r[3] = q[1] + q[3];
        return;
    case CVHP_BOX_CXCYWH:
        r[0] = q[0] - 0.5f * q[2], r[1] = q[1] - 0.5f * q[3];
        r[2] = q[0] + 0.5f * q[2], r[3] = q[1] + 0.5f * q[3];
        return;
    case CVHP_BOX_XYXY:
        break;
    }
    r[0] = q[0], r[1] = q[1], r[2] = q[2], r[3] = q[3];
}

static void from_xyxy(const float r[4], cvhp_box_format f, float *q)
{
    switch (f) {
    case CVHP_BOX_XYWH:
        q[0] = r[0], q[1] = r[1], q[2] = r[2] - r[0], q[3] = r[3] - r[1];
        return;
    case CVHP_BOX_CXCYWH:
        q[0] = (r[0] + r[2]) / 2, q[1] = (r[1] + r[3]) / 2, q[2] = r[2] - r[0], q[3] = r[3] - r[1];
        return;
    case CVHP_BOX_XYXY:
        break;
    }
    q[0] = r[0], q[1] = r[1], q[2] = r[2], q[3] = r[3];
}

static int format_ok(cvhp_box_format f) { return f >= CVHP_BOX_XYXY && f <= CVHP_BOX_CXCYWH; }

static int overlaps_not_equal(const float *in, const float *out, size_t n)
{
    return in != out && n > 0 && out < in + 4 * n && in < out + 4 * n;
}

cvhp_status cvhp_box_convert(const float *in, size_t n, cvhp_box_format from, cvhp_box_format to, float *out)
{
    CVHP_CHECK_PTR(in, n, "cvhp_box_convert");
    CVHP_CHECK_PTR(out, n, "cvhp_box_convert");
    if (!format_ok(from) || !format_ok(to))
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "cvhp_box_convert: unknown box format %d",
                           format_ok(from) ? (int)to : (int)from);
    size_t bytes;
    if (!cvhp__mul_size(n, 4 * sizeof(float), &bytes))
        return cvhp__error(CVHP_ERR_OVERFLOW, "cvhp_box_convert: n = %zu boxes overflows size_t", n);
    if (overlaps_not_equal(in, out, n))
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "cvhp_box_convert: out partially overlaps in");
    if (from == to) { /* torchvision returns a copy */
        if (out != in && n > 0)
            memcpy(out, in, n * 4 * sizeof *in);
        return CVHP_OK;
    }
    for (size_t i = 0; i < n; i++) {
        float r[4];
        to_xyxy(in + 4 * i, from, r); /* torchvision converts through xyxy */
        from_xyxy(r, to, out + 4 * i);
    }
    return CVHP_OK;
}

cvhp_status cvhp_box_clip(const float *in, size_t n, float width, float height, float *out)
{
    CVHP_CHECK_PTR(in, n, "cvhp_box_clip");
    CVHP_CHECK_PTR(out, n, "cvhp_box_clip");
    if (!(width >= 0) || !(height >= 0) || isinf(width) || isinf(height))
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "cvhp_box_clip: image size %gx%g is not finite and >= 0",
                           (double)width, (double)height);
    size_t bytes;
    if (!cvhp__mul_size(n, 4 * sizeof(float), &bytes))
        return cvhp__error(CVHP_ERR_OVERFLOW, "cvhp_box_clip: n = %zu boxes overflows size_t", n);
    if (overlaps_not_equal(in, out, n))
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "cvhp_box_clip: out partially overlaps in");
    for (size_t i = 0; i < 4 * n; i++) {
        const float lim = (i & 1) ? height : width;
        const float v = in[i];
        out[i] = v < 0.0f ? 0.0f : (v > lim ? lim : v); /* torch.clamp: NaN stays NaN */
    }
    return CVHP_OK;
}

cvhp_status cvhp_box_remove_small(const float *boxes, size_t n, float min_size, int64_t *keep, size_t *n_keep)
{
    CVHP_CHECK_PTR(boxes, n, "cvhp_box_remove_small");
    CVHP_CHECK_PTR(keep, n, "cvhp_box_remove_small");
    if (n_keep == NULL)
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "cvhp_box_remove_small: n_keep is NULL");
    if (isnan(min_size))
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "cvhp_box_remove_small: min_size is NaN");
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const float *q = boxes + 4 * i;
        if (q[2] - q[0] >= min_size && q[3] - q[1] >= min_size)
            keep[k++] = (int64_t)i;
    }
    *n_keep = k;
    return CVHP_OK;
}
