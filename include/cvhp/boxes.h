/* SPDX-License-Identifier: MIT
 * libcvhp box kernels. Boxes are float x1, y1, x2, y2 in pixels, stored as
 * n consecutive groups of 4 floats (an n x 4 row-major array). */
#ifndef CVHP_BOXES_H
#define CVHP_BOXES_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* out[i] = (x2 - x1) * (y2 - y1) for each box, without +1 and without clamping
 * (an inverted box has a negative or zero area, as in torchvision). NaN and
 * infinite coordinates propagate by IEEE rules. Bit-identical on every ISA.
 * boxes and out may be NULL only when n is 0. out may not alias boxes. */
CVHP_API cvhp_status cvhp_box_area(const float *boxes, size_t n, float *out);

#ifdef __cplusplus
}
#endif

#endif /* CVHP_BOXES_H */
