/* SPDX-License-Identifier: MIT
 * Fuzz target: the COCO RLE string parser, the run decoder and the RLE ->
 * polygons path. Bytes 0-1 choose the mask size; the rest is the string. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cvhp/cvhp.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    const size_t h = 1 + data[0] % 48, w = 1 + data[1] % 48;
    char *s = malloc(size - 1);
    memcpy(s, data + 2, size - 2);
    s[size - 2] = '\0';
    uint32_t counts[512];
    size_t n = 0;
    if (cvhp_rle_from_string(s, counts, 512, &n) == CVHP_OK) {
        uint8_t *m = malloc(h * w);
        if (cvhp_rle_decode(counts, n, h, w, m) == CVHP_OK) {
            /* a valid mask must survive encode -> decode and the polygon path */
            uint32_t again[48 * 48 + 1];
            size_t n2;
            if (cvhp_rle_encode(m, h, w, again, 48 * 48 + 1, &n2) != CVHP_OK)
                abort();
            cvhp_mask_options o;
            cvhp_mask_options_init(&o);
            o.max_points = 3 + data[0] % 20;
            cvhp_polygons *p = NULL;
            if (cvhp_rle_to_polygons(counts, n, h, w, &o, &p) != CVHP_OK)
                abort();
            cvhp_polygons_free(p);
        }
        free(m);
        char out[4096];
        size_t need;
        if (n <= 512)
            (void)cvhp_rle_to_string(counts, n, out, sizeof out, &need);
    }
    free(s);
    return 0;
}
