/* SPDX-License-Identifier: MIT
 * Fuzz target: mask -> polygons on uint8 and float masks of fuzzed sizes,
 * thresholds and point limits; every vertex must lie on the mask's border
 * lattice [0, W] x [0, H]. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cvhp/cvhp.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const cvhp_polygons *p, size_t h, size_t w)
{
    for (size_t i = 0; i < cvhp_polygons_count(p); i++) {
        const double *c = cvhp_polygon_coords(p, i);
        for (size_t k = 0; k < cvhp_polygon_points(p, i); k++)
            if (!(c[2 * k] >= 0 && c[2 * k] <= (double)w && c[2 * k + 1] >= 0 && c[2 * k + 1] <= (double)h))
                abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 5)
        return 0;
    const size_t h = 1 + data[0] % 40, w = 1 + data[1] % 40, n = h * w;
    uint8_t *m = malloc(n);
    float *f = malloc(n * sizeof *f);
    for (size_t i = 0; i < n; i++) {
        const uint8_t b = data[4 + i % (size - 4)];
        m[i] = b & 1;
        f[i] = (float)b / 255.0f;
    }
    cvhp_mask_options o;
    cvhp_mask_options_init(&o);
    o.flags = CVHP_POLY_PIXELS;
    o.max_points = data[2] % 7 == 0 ? 0 : 3 + data[2] % 50;
    o.score_threshold = data[3] / 255.0;
    cvhp_polygons *p = NULL;
    if (cvhp_mask_u8_to_polygons(m, h, w, &o, &p) != CVHP_OK)
        abort();
    check(p, h, w);
    cvhp_polygons_free(p);
    if (cvhp_mask_to_polygons(f, h, w, &o, &p) != CVHP_OK)
        abort();
    check(p, h, w);
    cvhp_polygons_free(p);
    free(m);
    free(f);
    return 0;
}
