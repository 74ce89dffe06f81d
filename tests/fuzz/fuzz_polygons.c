/* SPDX-License-Identifier: MIT
 * Fuzz target: mask -> polygons on uint8 and float masks of fuzzed sizes
 * (widths up to 150: several bit words per row), thresholds and point
 * limits; every vertex must lie on the mask's border lattice [0, W] x
 * [0, H]. The raw contours (find_contours' vertices) must also be closed,
 * step between neighbouring edge midpoints only, and visit as many points
 * as the padded mask has edges between differing pixels. */
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

/* the raw contours of binary mask m (h x w) */
static void check_raw(const cvhp_polygons *p, const uint8_t *m, size_t h, size_t w)
{
    size_t crossings = 0; /* edges between differing pixels of the padded mask */
    for (size_t y = 0; y <= h + 1; y++)
        for (size_t x = 0; x <= w + 1; x++) {
            const int v = y >= 1 && y <= h && x >= 1 && x <= w && m[(y - 1) * w + (x - 1)];
            const int right = y >= 1 && y <= h && x + 1 >= 1 && x + 1 <= w && m[(y - 1) * w + x];
            const int below = y + 1 >= 1 && y + 1 <= h && x >= 1 && x <= w && m[y * w + (x - 1)];
            crossings += (size_t)(x <= w && v != right) + (size_t)(y <= h && v != below);
        }
    size_t points = 0;
    for (size_t i = 0; i < cvhp_polygons_count(p); i++) {
        const double *c = cvhp_polygon_coords(p, i);
        const size_t n = cvhp_polygon_points(p, i);
        if (n < 3 || c[0] != c[2 * n - 2] || c[1] != c[2 * n - 1])
            abort(); /* not closed */
        for (size_t k = 1; k < n; k++) {
            const double dx = fabs(c[2 * k] - c[2 * k - 2]), dy = fabs(c[2 * k + 1] - c[2 * k - 1]);
            if (!((dx == 0.5 && dy == 0.5) || (dx == 1 && dy == 0) || (dx == 0 && dy == 1)))
                abort(); /* not a step between neighbouring edge midpoints */
        }
        points += n - 1;
    }
    if (points != crossings)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 5)
        return 0;
    const size_t h = 1 + data[0] % 40, w = 1 + data[1] % 150, n = h * w;
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
    cvhp_mask_options raw = o;
    raw.flags = CVHP_POLY_RAW;
    if (cvhp_mask_u8_to_polygons(m, h, w, &raw, &p) != CVHP_OK)
        abort();
    check_raw(p, m, h, w);
    cvhp_polygons_free(p);
    if (cvhp_mask_to_polygons(f, h, w, &o, &p) != CVHP_OK)
        abort();
    check(p, h, w);
    cvhp_polygons_free(p);
    free(m);
    free(f);
    return 0;
}
