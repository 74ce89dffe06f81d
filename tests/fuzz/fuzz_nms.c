/* SPDX-License-Identifier: MIT
 * Fuzz target: greedy NMS and class-aware NMS (torchvision conventions, with
 * and without CVHP_NMS_SUPPRESS_GE) against the plain O(n^2) reference in
 * tests/naive_nms.h; any difference aborts. Byte 0 is the IoU threshold
 * (/ 255), byte 1 the options (bit 0: suppress at >=, bit 1: two threads,
 * bits 2-3: the coordinate scale), then 6 bytes a box: x, y, w, h (255:
 * NaN or infinity, so inert boxes appear), score (ties are common), class
 * (0 for most boxes, else 1 or -1).
 * Inputs over 1536 bytes give buckets of 256 boxes and more: the grid
 * paths (core_sweep at thresholds >= 0.4, the box-overlap grid below). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cvhp/cvhp.h>

#include "../naive_nms.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static float coord(uint8_t v, float scale, float special)
{
    return v == 255 ? special : (float)v * scale;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    const double t = data[0] / 255.0;
    const int ge = data[1] & 1, threads = 1 + ((data[1] >> 1) & 1);
    const float scale = (float)(1 << ((data[1] >> 2) & 3)); /* 1, 2, 4, 8 */
    const size_t n = (size - 2) / 6;
    float *b = malloc((4 * n + 1) * sizeof *b), *s = malloc((n + 1) * sizeof *s);
    int64_t *cls = malloc((n + 1) * sizeof *cls), *want = malloc((n + 1) * sizeof *want);
    int64_t *got = malloc((n + 1) * sizeof *got);
    for (size_t i = 0; i < n; i++) {
        const uint8_t *q = data + 2 + 6 * i;
        b[4 * i] = coord(q[0], scale, NAN);
        b[4 * i + 1] = coord(q[1], scale, -INFINITY);
        b[4 * i + 2] = b[4 * i] + coord(q[2] % 64 == 63 ? 255 : q[2] % 64, scale, INFINITY);
        b[4 * i + 3] = b[4 * i + 1] + coord(q[3] % 64, scale, 0);
        s[i] = q[4] == 255 ? NAN : (float)(q[4] % 32) / 32.0f;
        cls[i] = q[5] < 200 ? 0 : q[5] % 2 ? 1 : -1; /* class 0 large enough for the grid */
    }
    cvhp_nms_options o;
    cvhp_nms_options_init(&o, CVHP_NMS_PRESET_TORCHVISION);
    o.iou_threshold = t;
    o.num_threads = threads;
    if (ge)
        o.flags |= CVHP_NMS_SUPPRESS_GE;
    size_t ng = 0, nw = naive_nms_ge(b, s, n, t, ge, want);
    if (cvhp_nms(b, s, n, &o, got, n, &ng) != CVHP_OK || ng != nw || memcmp(got, want, ng * sizeof *got) != 0)
        abort();
    nw = naive_batched_ge(b, s, cls, n, t, ge, want);
    if (cvhp_batched_nms(b, s, cls, n, &o, got, n, &ng) != CVHP_OK || ng != nw ||
        memcmp(got, want, ng * sizeof *got) != 0)
        abort();
    free(b), free(s), free(cls), free(want), free(got);
    return 0;
}
