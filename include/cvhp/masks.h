/* SPDX-License-Identifier: MIT
 * libcvhp instance masks: mask -> polygons exactly as the reference service
 * converts them (threshold, pad 1, scikit-image find_contours at 0.5,
 * cumulative Ramer-Douglas-Peucker, ceil(v) - 1, normalization), and the COCO
 * run-length encoding. ../shared/reference/azure-automl-behaviour.md §2. */
#ifndef CVHP_MASKS_H
#define CVHP_MASKS_H

#include "common.h"
#include "config.h"
#include "params.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The polygons of one mask. Opaque; free with cvhp_polygons_free. */
typedef struct cvhp_polygons cvhp_polygons;

/* Output flags. */
#define CVHP_POLY_PIXELS 0x1u /* integer pixel-corner coordinates instead of normalized ones */
#define CVHP_POLY_RAW 0x2u    /* find_contours' vertices themselves (x = col, y = row of the mask, on
                                 the half-pixel lattice), no simplification, no ceil, no normalization */

typedef struct cvhp_mask_options {
    uint32_t size;               /* sizeof(cvhp_mask_options), set by init */
    uint32_t flags;              /* CVHP_POLY_* */
    double score_threshold;      /* a pixel belongs to the mask when score > this (float masks) */
    int64_t max_points;          /* simplify contours with more vertices than this; 0: never */
    int32_t max_refinements;     /* RDP passes at most (tolerances 0, 1, ...), the reference's 25 */
    int32_t num_threads;         /* batch functions: 0 default, 1 serial */
    const cvhp_allocator *alloc; /* NULL: malloc */
} cvhp_mask_options;

/* The reference's defaults: threshold 0.5, 100 points, 25 refinements. */
CVHP_API cvhp_status cvhp_mask_options_init(cvhp_mask_options *opt);
/* The same from a config (mask_pixel_score_threshold, max_number_of_polygon_points). */
CVHP_API cvhp_status cvhp_mask_options_from_config(cvhp_mask_options *opt, const cvhp_config *cfg);

/* Polygons of an H x W row-major mask of float scores (pixel in the mask
 * when score > opt->score_threshold; NaN is not in it) or of uint8 values
 * (nonzero is in the mask). One polygon per contour, in find_contours order,
 * outer boundaries and holes alike. */
CVHP_API cvhp_status cvhp_mask_to_polygons(const float *scores, size_t height, size_t width,
                                           const cvhp_mask_options *opt, cvhp_polygons **out);
CVHP_API cvhp_status cvhp_mask_u8_to_polygons(const uint8_t *mask, size_t height, size_t width,
                                              const cvhp_mask_options *opt, cvhp_polygons **out);

CVHP_API size_t cvhp_polygons_count(const cvhp_polygons *p);
/* Number of points of polygon i (its flat array holds 2 * that: x1, y1, x2, y2, ...). */
CVHP_API size_t cvhp_polygon_points(const cvhp_polygons *p, size_t i);
/* The flat x, y array of polygon i (normalized, or pixels with CVHP_POLY_PIXELS). */
CVHP_API const double *cvhp_polygon_coords(const cvhp_polygons *p, size_t i);
/* 1 when polygon i bounds a hole, 0 an outer boundary. Drawn with x right and y down,
 * outer boundaries run clockwise and holes counterclockwise. */
CVHP_API int cvhp_polygon_is_hole(const cvhp_polygons *p, size_t i);
/* All polygons in one call, for bindings that would otherwise make three
 * calls per polygon: the total number of points, then the copy. xy receives
 * every polygon's x, y pairs back to back (2 * total doubles, xy_cap is its
 * length in doubles), offsets[i] the index of polygon i's first point
 * (count + 1 entries, the last = total) and hole[i] its is-hole flag (count
 * entries); any of the three may be NULL to skip it. An xy_cap below
 * 2 * total is CVHP_ERR_BUFFER_TOO_SMALL (nothing written); p NULL is an
 * empty set. */
CVHP_API size_t cvhp_polygons_total_points(const cvhp_polygons *p);
CVHP_API cvhp_status cvhp_polygons_copy(const cvhp_polygons *p, double *xy, size_t xy_cap, size_t *offsets,
                                        uint8_t *hole);
CVHP_API void cvhp_polygons_free(cvhp_polygons *p);

/* ---- COCO run-length encoding (column-major, counts start with zeros) ---- */

/* Encode an H x W uint8 mask (nonzero = 1): counts receives the runs;
 * cap is its capacity (H * W + 1 always suffices); *ncounts their number. */
CVHP_API cvhp_status cvhp_rle_encode(const uint8_t *mask, size_t height, size_t width, uint32_t *counts,
                                     size_t cap, size_t *ncounts);
/* Decode runs into an H x W uint8 mask of 0/1. CVHP_ERR_PARSE when the runs
 * do not sum to H * W. */
CVHP_API cvhp_status cvhp_rle_decode(const uint32_t *counts, size_t ncounts, size_t height, size_t width,
                                     uint8_t *mask);
/* pycocotools' compressed string form of runs, and back. Two-call size
 * pattern for the string (*needed includes the NUL). */
CVHP_API cvhp_status cvhp_rle_to_string(const uint32_t *counts, size_t ncounts, char *buf, size_t cap,
                                        size_t *needed);
CVHP_API cvhp_status cvhp_rle_from_string(const char *s, uint32_t *counts, size_t cap, size_t *ncounts);
/* Polygons of an RLE mask (no threshold: already binary). */
CVHP_API cvhp_status cvhp_rle_to_polygons(const uint32_t *counts, size_t ncounts, size_t height, size_t width,
                                          const cvhp_mask_options *opt, cvhp_polygons **out);

/* ---- batches ---- */

/* cvhp_mask_to_polygons for count masks of H x W floats stored one after
 * the other, in parallel over masks (opt->num_threads); out[i] receives
 * mask i's polygons. Identical to one call per mask. On error every out[i]
 * is NULL and the status and message are the first failing mask's. */
CVHP_API cvhp_status cvhp_masks_to_polygons_batch(const float *scores, size_t count, size_t height, size_t width,
                                                  const cvhp_mask_options *opt, cvhp_polygons **out);

/* ---- export as images (reference §2.3) ---- */

/* Encode an H x W mask (nonzero -> 255, zero -> 0) as an 8-bit grayscale
 * image of the given type (CVHP_IMAGE_JPG, _PNG, _BMP of params.h). BMP is
 * always built in; PNG needs libspng and JPEG libturbojpeg (meson features
 * png, jpeg), else CVHP_ERR_UNSUPPORTED. Two-call size pattern into buf; for
 * JPEG (whose size is unknown in advance) needed is an upper bound on the
 * first call and exact on success. */
CVHP_API cvhp_status cvhp_mask_encode(const uint8_t *mask, size_t height, size_t width, int32_t image_type, void *buf,
                                      size_t cap, size_t *needed);
/* The same written to a file (created or truncated). */
CVHP_API cvhp_status cvhp_mask_export(const uint8_t *mask, size_t height, size_t width, int32_t image_type,
                                      const char *path);
/* The reference's relative path of an exported mask:
 * masks/<stem>/<label>/<stem>_<index>_label_<label>_conf_<S>.<ext>, stem =
 * the image file name's base up to the first '.', S = Python's str(score)
 * without its '.', first 4 characters (0.98765 -> 0987), ext = jpg/png/bmp. */
CVHP_API cvhp_status cvhp_mask_export_path(const char *image_file, const char *label, size_t index, double score,
                                           int32_t image_type, char *buf, size_t cap, size_t *needed);
/* 1 when that image type can be encoded by this build. */
CVHP_API int cvhp_have_image_type(int32_t image_type);

#ifdef __cplusplus
}
#endif

#endif /* CVHP_MASKS_H */
