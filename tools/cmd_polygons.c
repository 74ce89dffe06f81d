/* SPDX-License-Identifier: MIT
 * cvhp polygons: the reference's polygons of a mask (.npy: float32 scores,
 * or uint8/bool binary; .png: a binary mask, nonzero pixels in the mask),
 * printed as JSON. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "npy.h"

#if CLI_HAVE_PNG
#include <spng.h>

/* Largest PNG mask accepted: 32768 x 32768 (1 GiB of 8-bit pixels). */
#define PNG_MAX_SIDE 32768u

/* Reads a PNG as an 8-bit mask: grayscale of depth <= 8 as is, anything
 * else decoded to RGBA8 and reduced to max(R, G, B) (alpha ignored). The
 * caller frees *out. Returns 0, or -1 with a message in err. */
static int png_read_mask(const char *path, uint8_t **out, size_t *h, size_t *w, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open", path);
        return -1;
    }
    spng_ctx *ctx = spng_ctx_new(0);
    uint8_t *buf = NULL, *mask = NULL;
    int rc = -1, e;
    struct spng_ihdr ihdr;
    size_t size = 0;
    if (!ctx) {
        snprintf(err, errlen, "%s: out of memory", path);
        goto done;
    }
    spng_set_image_limits(ctx, PNG_MAX_SIDE, PNG_MAX_SIDE);
    spng_set_chunk_limits(ctx, 1u << 26, 1u << 26);
    spng_set_png_file(ctx, f);
    if ((e = spng_get_ihdr(ctx, &ihdr)) != 0) {
        snprintf(err, errlen, "%s: not a readable PNG: %s", path, spng_strerror(e));
        goto done;
    }
    int gray8 = ihdr.color_type == SPNG_COLOR_TYPE_GRAYSCALE && ihdr.bit_depth <= 8;
    int fmt = gray8 ? SPNG_FMT_G8 : SPNG_FMT_RGBA8;
    if ((e = spng_decoded_image_size(ctx, fmt, &size)) != 0 || !(buf = malloc(size ? size : 1))) {
        snprintf(err, errlen, "%s: %s", path, e ? spng_strerror(e) : "out of memory");
        goto done;
    }
    if ((e = spng_decode_image(ctx, buf, size, fmt, SPNG_DECODE_TRNS)) != 0) {
        snprintf(err, errlen, "%s: cannot decode: %s", path, spng_strerror(e));
        goto done;
    }
    size_t n = (size_t)ihdr.width * ihdr.height;
    if (gray8) {
        mask = buf;
        buf = NULL;
    } else {
        if (!(mask = malloc(n ? n : 1))) {
            snprintf(err, errlen, "%s: out of memory", path);
            goto done;
        }
        for (size_t i = 0; i < n; i++) {
            uint8_t r = buf[4 * i], g = buf[4 * i + 1], b = buf[4 * i + 2];
            uint8_t m = r > g ? r : g;
            mask[i] = m > b ? m : b;
        }
    }
    *out = mask;
    *h = ihdr.height;
    *w = ihdr.width;
    rc = 0;
done:
    free(buf);
    spng_ctx_free(ctx);
    fclose(f);
    return rc;
}
#endif

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

static int print_polygons(cvhp_polygons *p);

int cmd_polygons(int argc, char **argv)
{
    const char *path = NULL;
    cvhp_mask_options o;
    cvhp_mask_options_init(&o);
    for (int i = 1; i < argc; i++) {
        char *end;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            printf("usage: cvhp polygons MASK.npy|MASK.png [--threshold T] [--max-points N] [--pixels]\n\n"
                   "Prints {\"polygons\": [[x1, y1, x2, y2, ...], ...], \"holes\": [...]} for a 2-D mask:\n"
                   "float32 scores (in the mask when > T, default 0.5) or uint8/bool (nonzero); a PNG is a\n"
                   "binary mask (nonzero pixels, max of R, G, B for colour images). Coordinates\n"
                   "are normalized by the mask size, or integer pixels with --pixels. --max-points 0 keeps\n"
                   "every vertex (default 100, the reference's max_number_of_polygon_points).\n");
            return 0;
        } else if (strcmp(argv[i], "--threshold") == 0 && i + 1 < argc) {
            o.score_threshold = strtod(argv[++i], &end);
            if (*end) {
                fprintf(stderr, "cvhp polygons: --threshold wants a number\n");
                return CLI_EXIT_USAGE;
            }
        } else if (strcmp(argv[i], "--max-points") == 0 && i + 1 < argc) {
            o.max_points = strtoll(argv[++i], &end, 10);
            if (*end) {
                fprintf(stderr, "cvhp polygons: --max-points wants an integer\n");
                return CLI_EXIT_USAGE;
            }
        } else if (strcmp(argv[i], "--pixels") == 0) {
            o.flags |= CVHP_POLY_PIXELS;
        } else if (!path && argv[i][0] != '-') {
            path = argv[i];
        } else {
            fprintf(stderr, "cvhp polygons: unexpected argument '%s'\n", argv[i]);
            return CLI_EXIT_USAGE;
        }
    }
    if (!path) {
        fprintf(stderr, "usage: cvhp polygons MASK.npy|MASK.png [--threshold T] [--max-points N] [--pixels]\n");
        return CLI_EXIT_USAGE;
    }
    char err[1200];
    cvhp_polygons *p = NULL;
    cvhp_status st;
    if (ends_with(path, ".png") || ends_with(path, ".PNG")) {
#if CLI_HAVE_PNG
        uint8_t *m = NULL;
        size_t h = 0, w = 0;
        if (png_read_mask(path, &m, &h, &w, err, sizeof err) != 0) {
            fprintf(stderr, "cvhp polygons: %s\n", err);
            return CLI_EXIT_FAILURE;
        }
        st = cvhp_mask_u8_to_polygons(m, h, w, &o, &p);
        free(m);
        if (st != CVHP_OK)
            return cli_fail(st, "polygons");
        return print_polygons(p);
#else
        fprintf(stderr, "cvhp polygons: %s: this cvhp was built without PNG support (meson -Dpng=enabled)\n", path);
        return CLI_EXIT_FAILURE;
#endif
    }
    npy_array a;
    if (npy_read(path, &a, err, sizeof err) != 0) {
        fprintf(stderr, "cvhp polygons: %s\n", err);
        return CLI_EXIT_FAILURE;
    }
    if (a.ndim != 2 || a.dtype == 'q') {
        fprintf(stderr, "cvhp polygons: %s: need a 2-D float32 or uint8/bool array\n", path);
        npy_free(&a);
        return CLI_EXIT_FAILURE;
    }
    st = a.dtype == 'f' ? cvhp_mask_to_polygons(a.data, a.shape[0], a.shape[1], &o, &p)
                        : cvhp_mask_u8_to_polygons(a.data, a.shape[0], a.shape[1], &o, &p);
    npy_free(&a);
    if (st != CVHP_OK)
        return cli_fail(st, "polygons");
    return print_polygons(p);
}

/* Prints {"polygons": [...], "holes": [...]} and frees p. */
static int print_polygons(cvhp_polygons *p)
{
    printf("{\"polygons\": [");
    for (size_t i = 0; i < cvhp_polygons_count(p); i++) {
        const double *c = cvhp_polygon_coords(p, i);
        printf("%s[", i ? ", " : "");
        for (size_t k = 0; k < 2 * cvhp_polygon_points(p, i); k++)
            printf("%s%.17g", k ? ", " : "", c[k]);
        printf("]");
    }
    printf("], \"holes\": [");
    for (size_t i = 0; i < cvhp_polygons_count(p); i++)
        printf("%s%s", i ? ", " : "", cvhp_polygon_is_hole(p, i) ? "true" : "false");
    printf("]}\n");
    cvhp_polygons_free(p);
    return 0;
}
