/* SPDX-License-Identifier: MIT
 * cvhp polygons: the reference's polygons of a mask (.npy: float32 scores,
 * or uint8/bool binary), printed as JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "npy.h"

int cmd_polygons(int argc, char **argv)
{
    const char *path = NULL;
    cvhp_mask_options o;
    cvhp_mask_options_init(&o);
    for (int i = 1; i < argc; i++) {
        char *end;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            printf("usage: cvhp polygons MASK.npy [--threshold T] [--max-points N] [--pixels]\n\n"
                   "Prints {\"polygons\": [[x1, y1, x2, y2, ...], ...], \"holes\": [...]} for a 2-D mask:\n"
                   "float32 scores (in the mask when > T, default 0.5) or uint8/bool (nonzero). Coordinates\n"
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
        fprintf(stderr, "usage: cvhp polygons MASK.npy [--threshold T] [--max-points N] [--pixels]\n");
        return CLI_EXIT_USAGE;
    }
    npy_array a;
    char err[1200];
    if (npy_read(path, &a, err, sizeof err) != 0) {
        fprintf(stderr, "cvhp polygons: %s\n", err);
        return CLI_EXIT_FAILURE;
    }
    if (a.ndim != 2 || a.dtype == 'q') {
        fprintf(stderr, "cvhp polygons: %s: need a 2-D float32 or uint8/bool array\n", path);
        npy_free(&a);
        return CLI_EXIT_FAILURE;
    }
    cvhp_polygons *p = NULL;
    cvhp_status st = a.dtype == 'f' ? cvhp_mask_to_polygons(a.data, a.shape[0], a.shape[1], &o, &p)
                                    : cvhp_mask_u8_to_polygons(a.data, a.shape[0], a.shape[1], &o, &p);
    npy_free(&a);
    if (st != CVHP_OK)
        return cli_fail(st, "polygons");
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
