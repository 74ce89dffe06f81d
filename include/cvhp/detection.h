/* SPDX-License-Identifier: MIT
 * libcvhp detection pipeline: the reference service's tiling for small
 * objects, the mapping of tile predictions back to the image, the merge of
 * tile and image predictions, config-driven detector post-processing, YOLOv5
 * output decoding with its letterbox geometry, and the output JSON.
 * ../shared/reference/azure-automl-behaviour.md §1 and §5 describe the
 * behaviour matched here. */
#ifndef CVHP_DETECTION_H
#define CVHP_DETECTION_H

#include "common.h"
#include "config.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- tiles ---- */

/* The nx * ny tiles of a width x height image with the given overlap ratio
 * in [0, 1), exactly as the reference computes them: tile size
 * W / (r + (1 - r) * nx), starts i * (1 - r) * size held in float32, ends =
 * start + size in float32, every coordinate rounded half to even; order x
 * outer, y inner. tiles receives 4 floats (x1, y1, x2, y2) per tile; cap is
 * its capacity in tiles. Errors: sizes < 1 or > 2^24 (CVHP_ERR_OUT_OF_RANGE),
 * nx or ny < 1, 1x1, overlap outside [0, 1), a tile smaller than one pixel. */
CVHP_API cvhp_status cvhp_tiles(int64_t width, int64_t height, int32_t nx, int32_t ny, double overlap, float *tiles,
                                size_t cap, size_t *ntiles);
/* The same from a config's tile_grid_size and tile_overlap_ratio.
 * CVHP_ERR_NOT_SET when tile_grid_size is unset (tiling off),
 * CVHP_ERR_INCOMPATIBLE for instance segmentation. */
CVHP_API cvhp_status cvhp_tiles_from_config(const cvhp_config *cfg, int64_t width, int64_t height, float *tiles,
                                            size_t cap, size_t *ntiles);

/* Map n boxes predicted on a tile tensor back to the whole-image pass's
 * frame (reference §1.6): x = (x_tile / (tile_tensor_w / tile_w) + tile.x1) *
 * (image_tensor_w / image_w), likewise y; computed in double, stored as
 * float. tile is the tile's x1, y1, x2, y2 in original-image pixels. out may
 * equal boxes. */
CVHP_API cvhp_status cvhp_tile_boxes_to_image(const float *boxes, size_t n, const float tile[4],
                                              double tile_tensor_w, double tile_tensor_h, double image_tensor_w,
                                              double image_tensor_h, double image_w, double image_h, float *out);

/* ---- merge of tile and image predictions (reference §1.7) ---- */

/* boxes/scores/labels of the whole-image pass and every tile pass,
 * concatenated; source[i] indexes source_rects (4 floats each: the tile's
 * rectangle, or 0, 0, W, H for the whole image). Sources with equal
 * rectangles are the same source. Greedy in descending score order (ties:
 * lower index): a box marks as duplicate every later unmarked box with the
 * same label, a different source and IoU > iou_threshold, IoU as pycocotools
 * computes it (x, y, w, h in double, no +1). keep receives the unmarked
 * indices in input order (keep_cap >= n suffices). duplicate (may be NULL)
 * receives 1/0 per box. */
CVHP_API cvhp_status cvhp_merge_predictions(const float *boxes, const float *scores, const int64_t *labels,
                                            const int32_t *source, size_t n, const float *source_rects,
                                            size_t nsources, double iou_threshold, uint8_t *duplicate, int64_t *keep,
                                            size_t keep_cap, size_t *n_keep);

/* cvhp_merge_predictions for nimages images in one call, in parallel over
 * images (num_threads: 0 default, 1 serial). Image i owns the boxes
 * [offsets[i], offsets[i + 1]) and the source rectangles
 * [source_offsets[i], source_offsets[i + 1]) (its source[] values index
 * its own rectangles). Its kept indices (relative to the image) go to
 * keep + offsets[i], their number to counts[i]; duplicate (may be NULL) is
 * indexed like the boxes. Identical to one call per image. */
CVHP_API cvhp_status cvhp_merge_predictions_batch(const float *boxes, const float *scores, const int64_t *labels,
                                                  const int32_t *source, const size_t *offsets,
                                                  const float *source_rects, const size_t *source_offsets,
                                                  size_t nimages, double iou_threshold, int num_threads,
                                                  uint8_t *duplicate, int64_t *keep, size_t *counts);

/* ---- detector post-processing from a config (reference §5.2) ---- */

/* One pass of a Faster R-CNN style head: keep scores > box_score_threshold
 * (float32 compare), drop boxes narrower or shorter than 0.01 px (not for
 * yolov5), class-aware NMS at nms_iou_threshold, then the first
 * box_detections_per_image by score (300 for yolov5). keep receives indices
 * in descending score order. num_threads: 0 default, 1 serial. */
CVHP_API cvhp_status cvhp_detection_postprocess(const cvhp_config *cfg, const float *boxes, const float *scores,
                                                const int64_t *labels, size_t n, int num_threads, int64_t *keep,
                                                size_t keep_cap, size_t *n_keep);

/* cvhp_detection_postprocess over nimages images in one call, in parallel
 * over images (num_threads: 0 default, 1 serial). Image i owns inputs
 * [offsets[i], offsets[i + 1]); its kept indices (relative to the image)
 * go to keep + offsets[i] and their number to counts[i]. Results are
 * identical to one call per image; on error the status and message are
 * those of the first failing image. */
CVHP_API cvhp_status cvhp_detection_postprocess_batch(const cvhp_config *cfg, const float *boxes, const float *scores,
                                                      const int64_t *labels, const size_t *offsets, size_t nimages,
                                                      int num_threads, int64_t *keep, size_t *counts);

/* ---- YOLOv5 ---- */

/* Decode raw YOLOv5 predictions pred[n][5 + nclasses] = (cx, cy, w, h,
 * objectness, class scores...) as the reference does: objectness >
 * box_score_threshold, score = best class score * objectness (first best on
 * ties), score > box_score_threshold, xywh -> xyxy, at most 30000 candidates
 * by score, class-aware NMS at nms_iou_threshold (exactly per class), at
 * most 300 detections. Writes boxes (4 floats), scores and labels for each
 * detection in descending score order; cap is the capacity in detections. */
CVHP_API cvhp_status cvhp_yolo_decode(const cvhp_config *cfg, const float *pred, size_t n, size_t nclasses,
                                      int num_threads, float *boxes, float *scores, int64_t *labels, size_t cap,
                                      size_t *n_out);

/* The letterbox of a width x height image into a size x size input
 * (yolov5 letterbox, auto=False, scaleup=False): scale r = min(size / h,
 * size / w, 1), new size round(w * r) x round(h * r), padding split with the
 * reference's round(d/2 -+ 0.1) (half to even). out[0..6] = r, new_w,
 * new_h, left, top, right, bottom. */
CVHP_API cvhp_status cvhp_letterbox(int64_t width, int64_t height, int64_t size, double out[7]);

/* Boxes in letterboxed-input pixels -> normalized boxes of the original
 * image: subtract left/top, clip to the unpadded area, divide by its width
 * and height. letterbox is cvhp_letterbox's out; size the input size. */
CVHP_API cvhp_status cvhp_letterbox_unpad(const float *boxes, size_t n, const double letterbox[7], int64_t size,
                                          float *out);

/* ---- output ---- */

/* The reference's prediction JSON for one image:
 * {"boxes": [{"box": {"topX": x1 / W, "topY": y1 / H, "bottomX": x2 / W,
 * "bottomY": y2 / H}, "label": "<name>", "score": s}, ...]} with W, H the
 * frame the boxes are in, numbers as the shortest text that reads back to the
 * same double, labels named by label_names (NULL: the label number as text).
 * Two-call size pattern: *needed gets the full length + 1. */
CVHP_API cvhp_status cvhp_detections_to_json(const float *boxes, const float *scores, const int64_t *labels,
                                             size_t n, double frame_w, double frame_h,
                                             const char *const *label_names, size_t nlabels, char *buf, size_t cap,
                                             size_t *needed);

#ifdef __cplusplus
}
#endif

#endif /* CVHP_DETECTION_H */
