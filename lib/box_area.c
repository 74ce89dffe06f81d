/* SPDX-License-Identifier: MIT
 * Box area: the scalar reference and the run-time dispatcher. */
#include "build_config.h"
#include "internal.h"

void cvhp__box_area_scalar(const float *boxes, size_t n, float *out)
{
    for (size_t i = 0; i < n; i++) {
        const float *b = boxes + 4 * i;
        out[i] = (b[2] - b[0]) * (b[3] - b[1]);
    }
}

typedef void (*box_area_fn)(const float *, size_t, float *);

static box_area_fn pick_box_area(void)
{
    const cvhp_isa isa = cvhp__isa();
    (void)isa;
#if CVHP_HAVE_AVX512
    if (isa >= CVHP_ISA_AVX512 && isa < CVHP_ISA_NEON) {
        cvhp__last_dispatch = CVHP_ISA_AVX512;
        return cvhp__box_area_avx512;
    }
#endif
#if CVHP_HAVE_AVX2
    if (isa >= CVHP_ISA_AVX2 && isa < CVHP_ISA_NEON) {
        cvhp__last_dispatch = CVHP_ISA_AVX2;
        return cvhp__box_area_avx2;
    }
#endif
#if CVHP_HAVE_NEON
    if (isa == CVHP_ISA_NEON) {
        cvhp__last_dispatch = CVHP_ISA_NEON;
        return cvhp__box_area_neon;
    }
#endif
    cvhp__last_dispatch = CVHP_ISA_SCALAR;
    return cvhp__box_area_scalar;
}

cvhp_status cvhp_box_area(const float *boxes, size_t n, float *out)
{
    CVHP_CHECK_PTR(boxes, n, "cvhp_box_area");
    CVHP_CHECK_PTR(out, n, "cvhp_box_area");
    size_t bytes;
    if (!cvhp__mul_size(n, 4 * sizeof(float), &bytes))
        return cvhp__error(CVHP_ERR_OVERFLOW, "cvhp_box_area: n = %zu boxes overflows size_t", n);
    if (n > 0 && (const void *)out < (const void *)(boxes + 4 * n) &&
        (const void *)boxes < (const void *)(out + n))
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "cvhp_box_area: out overlaps boxes");
    pick_box_area()(boxes, n, out);
    return CVHP_OK;
}
