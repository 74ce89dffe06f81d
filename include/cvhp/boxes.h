/* SPDX-License-Identifier: MIT
 * libcvhp box kernels: area, IoU, format conversion, clipping, small-box
 * removal, NMS (torchvision-exact by default), class-aware NMS and soft-NMS.
 *
 * Boxes are float, stored as n consecutive groups of 4 (an n x 4 row-major
 * array), x1, y1, x2, y2 in pixels unless a function says otherwise. Indices
 * are int64_t, like torchvision's. Every kernel gives bit-identical results
 * on every instruction set and thread count. */
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

/* The na x nb matrix out[i * nb + j] = IoU(a[i], b[j]) exactly as
 * torchvision.ops.box_iou computes it in float32: inter = max(0, min(x2) -
 * max(x1)) * max(0, min(y2) - max(y1)), IoU = inter / ((area_a + area_b) -
 * inter). 0/0 (two empty boxes) gives NaN, as in torchvision; any NaN
 * coordinate gives NaN. num_threads: 0 = OpenMP default, 1 = serial; small
 * matrices run serially. out must hold na * nb floats and not alias a or b. */
CVHP_API cvhp_status cvhp_box_iou(const float *a, size_t na, const float *b, size_t nb, float *out,
                                  int num_threads);

typedef enum cvhp_box_format {
    CVHP_BOX_XYXY = 1,  /* x1, y1, x2, y2 */
    CVHP_BOX_XYWH = 2,  /* x1, y1, width, height */
    CVHP_BOX_CXCYWH = 3 /* centre x, centre y, width, height */
} cvhp_box_format;

/* Convert n boxes between formats with torchvision.ops.box_convert's
 * arithmetic (cxcywh -> xyxy: cx - 0.5 * w, ...; xyxy -> cxcywh:
 * (x1 + x2) / 2, ...). out may equal in (in place); otherwise no overlap. */
CVHP_API cvhp_status cvhp_box_convert(const float *in, size_t n, cvhp_box_format from, cvhp_box_format to,
                                      float *out);

/* Clamp x to [0, width] and y to [0, height], as
 * torchvision.ops.clip_boxes_to_image(boxes, (height, width)). NaN stays NaN.
 * out may equal in. width and height must be finite and >= 0. */
CVHP_API cvhp_status cvhp_box_clip(const float *in, size_t n, float width, float height, float *out);

/* Indices of the boxes whose width and height are both >= min_size, in
 * input order, as torchvision.ops.remove_small_boxes. keep must hold n. */
CVHP_API cvhp_status cvhp_box_remove_small(const float *boxes, size_t n, float min_size, int64_t *keep,
                                           size_t *n_keep);

/* ---- non-maximum suppression ---- */

/* Convention flags (cvhp_nms_options.flags). The default, 0, is torchvision. */
#define CVHP_NMS_SUPPRESS_GE 0x01u        /* suppress when IoU >= t (default: IoU > t) */
#define CVHP_NMS_SCORE_THRESHOLD 0x02u    /* drop candidates with score <= score_threshold first */
#define CVHP_NMS_SCORE_GE 0x04u           /* ... keep score >= score_threshold instead of > */
#define CVHP_NMS_TOPK_CANDIDATES 0x08u    /* top_k truncates the sorted candidates (OpenCV), not the output */
#define CVHP_NMS_AREA_PLUS_ONE 0x10u      /* pixel-inclusive areas: w = x2 - x1 + 1 (py-faster-rcnn) */
#define CVHP_NMS_OPENCV_IOU 0x20u         /* IoU as OpenCV's rectOverlap: double precision, two empty
                                             boxes overlap fully, NaN overlap suppresses */
#define CVHP_NMS_NORMALIZE_CORNERS 0x40u  /* corners in any order (min/max), area <= 0 never suppresses
                                             (ONNX NonMaxSuppression) */
#define CVHP_NMS_TOPK_PER_CLASS 0x80u     /* batched: top_k caps each class's output (ONNX
                                             max_output_boxes_per_class) instead of the whole output */

typedef enum cvhp_nms_preset {
    CVHP_NMS_PRESET_TORCHVISION = 1, /* torchvision.ops.nms / batched_nms (the default) */
    CVHP_NMS_PRESET_OPENCV = 2,      /* cv2.dnn.NMSBoxes with eta = 1 */
    CVHP_NMS_PRESET_ONNX = 3         /* ONNX NonMaxSuppression (ONNX Runtime CPU) */
} cvhp_nms_preset;

/* NMS options. Initialise with cvhp_nms_options_init; set fields after.
 * The layout is frozen (size field for future growth). */
typedef struct cvhp_nms_options {
    uint32_t size;                /* sizeof(cvhp_nms_options), set by init */
    uint32_t flags;               /* CVHP_NMS_* conventions */
    double iou_threshold;         /* in [0, 1] */
    double score_threshold;       /* used with CVHP_NMS_SCORE_THRESHOLD */
    int64_t top_k;                /* > 0: keep at most top_k (per class for ONNX); 0: no limit */
    int32_t num_threads;          /* 0: OpenMP default; 1: serial */
    int32_t reserved;             /* 0 */
    const cvhp_allocator *alloc;  /* scratch memory when no workspace is given; NULL: malloc */
} cvhp_nms_options;

#if defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L && UINTPTR_MAX == 0xffffffffffffffffu
_Static_assert(sizeof(cvhp_nms_options) == 48, "cvhp_nms_options is frozen at 48 bytes on 64-bit targets");
#endif

/* Fill opt with a preset's conventions, iou_threshold 0.5, no score
 * threshold, no top_k, num_threads 0. */
CVHP_API cvhp_status cvhp_nms_options_init(cvhp_nms_options *opt, cvhp_nms_preset preset);

/* Greedy NMS. Candidates are visited in descending score order, equal scores
 * by lower index first (NaN scores sort above every number, as torch.sort
 * does); a candidate is suppressed when its IoU with a kept box exceeds the
 * threshold. keep receives the kept indices in that order; keep_cap must be
 * at least the number kept (n always suffices; top_k when set), else
 * CVHP_ERR_BUFFER_TOO_SMALL. Entries of keep past the kept ones (below
 * keep_cap) may be overwritten. opt NULL means
 * torchvision with iou_threshold 0.5. Degenerate boxes (zero or negative
 * width or height, NaN or infinite coordinates) are never suppressed and
 * never suppress, as in torchvision. */
CVHP_API cvhp_status cvhp_nms(const float *boxes, const float *scores, size_t n, const cvhp_nms_options *opt,
                              int64_t *keep, size_t keep_cap, size_t *n_keep);

/* Class-aware NMS: exactly cvhp_nms run independently on the boxes of each
 * idxs value (any int64), the survivors of all classes merged in descending
 * score order (ties by index), like torchvision.ops.batched_nms. */
CVHP_API cvhp_status cvhp_batched_nms(const float *boxes, const float *scores, const int64_t *idxs, size_t n,
                                      const cvhp_nms_options *opt, int64_t *keep, size_t keep_cap,
                                      size_t *n_keep);

/* Allocation-free forms: the scratch memory comes from workspace, at least
 * cvhp_nms_workspace_size(n, batched) bytes, any alignment. */
CVHP_API size_t cvhp_nms_workspace_size(size_t n, int batched);
CVHP_API cvhp_status cvhp_nms_ws(const float *boxes, const float *scores, const int64_t *idxs, size_t n,
                                 const cvhp_nms_options *opt, void *workspace, size_t workspace_size,
                                 int64_t *keep, size_t keep_cap, size_t *n_keep);

typedef enum cvhp_soft_nms_method {
    CVHP_SOFT_NMS_LINEAR = 1,  /* score *= 1 - IoU when IoU > iou_threshold */
    CVHP_SOFT_NMS_GAUSSIAN = 2 /* score *= exp(-IoU^2 / sigma) */
} cvhp_soft_nms_method;

/* Soft-NMS with OpenCV's softNMSBoxes semantics: repeatedly select the
 * highest current score (ties: lowest index), stop when it is below
 * score_threshold or top_k (0: no limit) are selected, and decay every
 * remaining score at or above score_threshold by its overlap with the
 * selected box (OpenCV's rectOverlap IoU). keep and updated_scores (the
 * score each box had when selected) must hold keep_cap entries. O(n * k). */
CVHP_API cvhp_status cvhp_soft_nms(const float *boxes, const float *scores, size_t n, cvhp_soft_nms_method method,
                                   float iou_threshold, float sigma, float score_threshold, size_t top_k,
                                   int64_t *keep, float *updated_scores, size_t keep_cap, size_t *n_keep);

#ifdef __cplusplus
}
#endif

#endif /* CVHP_BOXES_H */
