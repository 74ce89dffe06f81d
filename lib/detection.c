/* SPDX-License-Identifier: MIT
 * The detection pipeline: tiles, mapping, merge, post-processing, YOLOv5
 * decoding, letterbox and output JSON (include/cvhp/detection.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "build_config.h"
#include "config_internal.h"
#include "kernels.h"

#if CVHP_HAVE_OPENMP
#  include <omp.h>
#endif

/* ---- tiles ---- */

#define MAX_SIDE (1 << 24) /* float32 holds every integer up to here */

cvhp_status cvhp_tiles(int64_t width, int64_t height, int32_t nx, int32_t ny, double overlap, float *tiles,
                       size_t cap, size_t *ntiles)
{
    const char *fn = "cvhp_tiles";
    if (ntiles == NULL)
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "%s: ntiles is NULL", fn);
    *ntiles = 0;
    if (width < 1 || height < 1 || width > MAX_SIDE || height > MAX_SIDE)
        return cvhp__error(CVHP_ERR_OUT_OF_RANGE, "%s: image size %lldx%lld is outside [1, %d]", fn, (long long)width,
                           (long long)height, MAX_SIDE);
    if (nx < 1 || ny < 1)
        return cvhp__error(CVHP_ERR_OUT_OF_RANGE, "tile_grid_size: %dx%d needs both dimensions >= 1", (int)nx, (int)ny);
    if (nx == 1 && ny == 1)
        return cvhp__error(CVHP_ERR_OUT_OF_RANGE,
                           "tile_grid_size: 1x1 is not tiling; at least one dimension must be greater than 1");
    if (!(overlap >= 0.0 && overlap < 1.0)) {
        char v[32];
        cvhp__fmt_double(v, sizeof v, overlap);
        return cvhp__error(CVHP_ERR_OUT_OF_RANGE, "tile_overlap_ratio: %s is outside [0, 1)", v);
    }
    /* sizes and steps as Python floats (double) */
    const double tw = (double)width / (overlap + (1.0 - overlap) * nx);
    const double th = (double)height / (overlap + (1.0 - overlap) * ny);
    if (tw < 1.0 || th < 1.0)
        return cvhp__error(CVHP_ERR_OUT_OF_RANGE, "%s: %dx%d tiles of a %lldx%lld image are smaller than a pixel (%gx%g)",
                           fn, (int)nx, (int)ny, (long long)width, (long long)height, tw, th);
    const double sx = (1.0 - overlap) * tw, sy = (1.0 - overlap) * th;
    /* torch.arange(0, W, step) yields ceil(W / step) values, of which the first n are used */
    if (ceil((double)width / sx) < nx || ceil((double)height / sy) < ny)
        return cvhp__error(CVHP_ERR_INTERNAL, "%s: the tile starts do not cover the grid", fn);
    const size_t count = (size_t)nx * (size_t)ny;
    if (tiles == NULL || cap < count) {
        *ntiles = count;
        return cvhp__error(CVHP_ERR_BUFFER_TOO_SMALL, "%s: %zu tiles, room for %zu", fn, count, tiles ? cap : 0);
    }
    const float fw = (float)tw, fh = (float)th;
    size_t k = 0;
    for (int32_t i = 0; i < nx; i++) {
        const float x0 = (float)(sx * i); /* arange: start + i * step in double, stored as float */
        for (int32_t j = 0; j < ny; j++) {
            const float y0 = (float)(sy * j);
            tiles[4 * k] = rintf(x0), tiles[4 * k + 1] = rintf(y0);
            tiles[4 * k + 2] = rintf(x0 + fw), tiles[4 * k + 3] = rintf(y0 + fh);
            k++;
        }
    }
    *ntiles = count;
    return CVHP_OK;
}

cvhp_status cvhp_tiles_from_config(const cvhp_config *cfg, int64_t width, int64_t height, float *tiles, size_t cap,
                                   size_t *ntiles)
{
    if (cfg == NULL || ntiles == NULL)
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "cvhp_tiles_from_config: NULL argument");
    *ntiles = 0;
    if (cfg->task == CVHP_TASK_INSTANCE_SEGMENTATION)
        return cvhp__error(CVHP_ERR_INCOMPATIBLE, "tile_grid_size: tiling is not supported for instance segmentation");
    int32_t nx, ny;
    cvhp_status st = cvhp_config_get_grid(cfg, CVHP_PARAM_TILE_GRID_SIZE, &nx, &ny);
    if (st != CVHP_OK)
        return st;
    double r;
    if ((st = cvhp_config_get_float(cfg, CVHP_PARAM_TILE_OVERLAP_RATIO, &r)) != CVHP_OK)
        return st;
    return cvhp_tiles(width, height, nx, ny, r, tiles, cap, ntiles);
}

cvhp_status cvhp_tile_boxes_to_image(const float *boxes, size_t n, const float tile[4], double tile_tensor_w,
                                     double tile_tensor_h, double image_tensor_w, double image_tensor_h,
                                     double image_w, double image_h, float *out)
{
    const char *fn = "cvhp_tile_boxes_to_image";
    CVHP_CHECK_PTR(boxes, n, fn);
    CVHP_CHECK_PTR(out, n, fn);
    if (tile == NULL)
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "%s: tile is NULL", fn);
    const double cw = (double)tile[2] - tile[0], ch = (double)tile[3] - tile[1];
    const double v[6] = {tile_tensor_w, tile_tensor_h, image_tensor_w, image_tensor_h, image_w, image_h};
    for (int i = 0; i < 6; i++)
        if (!(v[i] > 0) || isinf(v[i]))
            return cvhp__error(CVHP_ERR_OUT_OF_RANGE, "%s: sizes must be finite and > 0", fn);
    if (!(cw > 0) || !(ch > 0))
        return cvhp__error(CVHP_ERR_OUT_OF_RANGE, "%s: tile %g,%g,%g,%g is empty", fn, (double)tile[0],
                           (double)tile[1], (double)tile[2], (double)tile[3]);
    const double rtx = tile_tensor_w / cw, rty = tile_tensor_h / ch;
    const double rix = image_tensor_w / image_w, riy = image_tensor_h / image_h;
    for (size_t i = 0; i < n; i++) {
        const float *b = boxes + 4 * i;
        const double x1 = ((double)b[0] / rtx + tile[0]) * rix, y1 = ((double)b[1] / rty + tile[1]) * riy;
        const double x2 = ((double)b[2] / rtx + tile[0]) * rix, y2 = ((double)b[3] / rty + tile[1]) * riy;
        out[4 * i] = (float)x1, out[4 * i + 1] = (float)y1, out[4 * i + 2] = (float)x2, out[4 * i + 3] = (float)y2;
    }
    return CVHP_OK;
}

/* ---- merge ---- */

/* pycocotools bbIou for two boxes given as x, y, w, h (w, h float32) */
static double coco_iou(const float *a, float aw, float ah, const float *b, float bw, float bh)
{
    const double ax = a[0], ay = a[1], bx = b[0], by = b[1];
    const double w = fmin((double)aw + ax, (double)bw + bx) - fmax(ax, bx);
    if (w <= 0)
        return 0;
    const double h = fmin((double)ah + ay, (double)bh + by) - fmax(ay, by);
    if (h <= 0)
        return 0;
    const double i = w * h;
    return i / ((double)aw * ah + (double)bw * bh - i);
}

cvhp_status cvhp_merge_predictions(const float *boxes, const float *scores, const int64_t *labels,
                                   const int32_t *source, size_t n, const float *source_rects, size_t nsources,
                                   double iou_threshold, uint8_t *duplicate, int64_t *keep, size_t keep_cap,
                                   size_t *n_keep)
{
    const char *fn = "cvhp_merge_predictions";
    if (n_keep == NULL)
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "%s: n_keep is NULL", fn);
    *n_keep = 0;
    if (n > 0 && (boxes == NULL || scores == NULL || labels == NULL || source == NULL || keep == NULL))
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "%s: NULL array with n = %zu", fn, n);
    if (nsources > 0 && source_rects == NULL)
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "%s: source_rects is NULL", fn);
    if (!(iou_threshold >= 0 && iou_threshold <= 1)) {
        char v[32];
        cvhp__fmt_double(v, sizeof v, iou_threshold);
        return cvhp__error(CVHP_ERR_OUT_OF_RANGE, "tile_predictions_nms_threshold: %s is outside [0, 1]", v);
    }
    if (n >= UINT32_MAX / 2 || nsources >= UINT32_MAX / 2)
        return cvhp__error(CVHP_ERR_OVERFLOW, "%s: n = %zu is too large", fn, n);
    for (size_t i = 0; i < n; i++)
        if (source[i] < 0 || (size_t)source[i] >= nsources)
            return cvhp__error(CVHP_ERR_OUT_OF_RANGE, "%s: source[%zu] = %d is outside [0, %zu)", fn, i,
                               (int)source[i], nsources);
    if (n == 0)
        return CVHP_OK;
    /* scratch: canonical source ids, sort keys, class keys, flags, w/h */
    size_t bytes;
    if (!cvhp__mul_size(n, 4 * 4 + 2 * 8 + 1 + 2 * 4, &bytes) || bytes + 8 + nsources * 4 < bytes)
        return cvhp__error(CVHP_ERR_OVERFLOW, "%s: n = %zu overflows", fn, n);
    bytes += 8 + nsources * 4; /* + 8: tck's n + 1st entry (the group starts' end) */
    unsigned char *mem = cvhp__alloc(NULL, bytes);
    if (mem == NULL)
        return cvhp__error(CVHP_ERR_OUT_OF_MEMORY, "%s: cannot allocate %zu bytes", fn, bytes);
    uint64_t *ck = (uint64_t *)mem, *tck = ck + n;
    uint32_t *key = (uint32_t *)(tck + n + 1), *val = key + n, *tkey = val + n, *tval = tkey + n;
    float *bw = (float *)(tval + n), *bh = bw + n;
    uint32_t *canon = (uint32_t *)(bh + n);
    uint8_t *dup = (uint8_t *)(canon + nsources);
    for (size_t s = 0; s < nsources; s++) {
        canon[s] = (uint32_t)s;
        for (size_t t = 0; t < s; t++)
            if (memcmp(source_rects + 4 * t, source_rects + 4 * s, 4 * sizeof(float)) == 0) {
                canon[s] = canon[t];
                break;
            }
    }
    for (size_t i = 0; i < n; i++) {
        key[i] = cvhp__score_key_desc(scores[i]);
        val[i] = (uint32_t)i;
        bw[i] = boxes[4 * i + 2] - boxes[4 * i]; /* xyxy -> xywh in float32 */
        bh[i] = boxes[4 * i + 3] - boxes[4 * i + 1];
        dup[i] = 0;
    }
    cvhp__radix_u32(key, val, tkey, tval, n); /* val: score order */
    for (size_t r = 0; r < n; r++)
        ck[r] = (uint64_t)labels[val[r]];
    /* ord: the score order grouped by label (score order within each) */
    uint32_t *ord = tkey;
    size_t *group = (size_t *)(void *)tck; /* n + 1 entries */
    const size_t ngroups = cvhp__group_i64(ck, val, ord, tck, tval, n, group);
    for (size_t gi = 0; gi < ngroups; gi++) {
        const size_t g0 = group[gi], g1 = group[gi + 1];
        for (size_t a = g0; a < g1; a++) {
            const uint32_t i = ord[a];
            if (dup[i])
                continue;
            for (size_t bb = a + 1; bb < g1; bb++) {
                const uint32_t j = ord[bb];
                if (dup[j] || canon[source[i]] == canon[source[j]])
                    continue;
                if (coco_iou(boxes + 4 * (size_t)i, bw[i], bh[i], boxes + 4 * (size_t)j, bw[j], bh[j]) > iou_threshold)
                    dup[j] = 1;
            }
        }
    }
    size_t nk = 0;
    cvhp_status st = CVHP_OK;
    for (size_t i = 0; i < n; i++) {
        if (duplicate)
            duplicate[i] = dup[i];
        if (dup[i])
            continue;
        if (nk == keep_cap) {
            st = cvhp__error(CVHP_ERR_BUFFER_TOO_SMALL, "%s: keep holds %zu indices, more are kept", fn, keep_cap);
            break;
        }
        keep[nk++] = (int64_t)i;
    }
    cvhp__free(NULL, mem);
    *n_keep = st == CVHP_OK ? nk : 0;
    return st;
}

typedef struct {
    const float *boxes, *scores;
    const int64_t *labels;
    const int32_t *source;
    const size_t *offsets;
    const float *source_rects;
    const size_t *source_offsets;
    double iou_threshold;
    uint8_t *duplicate;
    int64_t *keep;
    size_t *counts;
} merge_batch;

static cvhp_status merge_item(void *ctx, size_t i)
{
    const merge_batch *b = ctx;
    const size_t o = b->offsets[i], n = b->offsets[i + 1] - o, so = b->source_offsets[i];
    return cvhp_merge_predictions(n ? b->boxes + 4 * o : NULL, n ? b->scores + o : NULL, n ? b->labels + o : NULL,
                                  n ? b->source + o : NULL, n, b->source_rects + 4 * so,
                                  b->source_offsets[i + 1] - so, b->iou_threshold,
                                  b->duplicate ? b->duplicate + o : NULL, n ? b->keep + o : NULL, n, &b->counts[i]);
}

cvhp_status cvhp_merge_predictions_batch(const float *boxes, const float *scores, const int64_t *labels,
                                         const int32_t *source, const size_t *offsets, const float *source_rects,
                                         const size_t *source_offsets, size_t nimages, double iou_threshold,
                                         int num_threads, uint8_t *duplicate, int64_t *keep, size_t *counts)
{
    const char *fn = "cvhp_merge_predictions_batch";
    if (nimages > 0 && (offsets == NULL || source_offsets == NULL || counts == NULL))
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "%s: NULL argument", fn);
    if (num_threads < 0)
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "%s: num_threads %d is negative", fn, num_threads);
    for (size_t i = 0; i < nimages; i++)
        if (offsets[i + 1] < offsets[i] || source_offsets[i + 1] < source_offsets[i])
            return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "%s: offsets of image %zu decrease", fn, i);
    if (nimages == 0)
        return CVHP_OK;
    merge_batch mb = {boxes, scores, labels, source, offsets, source_rects, source_offsets, iou_threshold,
                      duplicate, keep, counts};
    return cvhp__for_each_item(nimages, num_threads, merge_item, &mb);
}

/* ---- post-processing ---- */

typedef struct {
    float score_thr;
    double nms_thr;
    int64_t max_det;
    int yolo;
} post_params;

static cvhp_status post_params_of(const cvhp_config *cfg, post_params *p, const char *fn)
{
    if (cfg == NULL)
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "%s: cfg is NULL", fn);
    if (cfg->task != CVHP_TASK_OBJECT_DETECTION && cfg->task != CVHP_TASK_INSTANCE_SEGMENTATION)
        return cvhp__error(CVHP_ERR_INCOMPATIBLE, "%s: the config is for %s, not detection", fn,
                           cvhp_task_name(cfg->task));
    double s;
    cvhp_status st = cvhp_config_get_float(cfg, CVHP_PARAM_BOX_SCORE_THRESHOLD, &s);
    if (st == CVHP_OK)
        st = cvhp_config_get_float(cfg, CVHP_PARAM_NMS_IOU_THRESHOLD, &p->nms_thr);
    if (st != CVHP_OK)
        return st;
    p->score_thr = (float)s;
    p->yolo = cvhp__config_model(cfg) == CVHP_MODEL_YOLOV5;
    if (p->yolo)
        p->max_det = 300;
    else if ((st = cvhp_config_get_int(cfg, CVHP_PARAM_BOX_DETECTIONS_PER_IMAGE, &p->max_det)) != CVHP_OK)
        return st;
    return CVHP_OK;
}

/* batched NMS on the subset idx[0..m) of the inputs; keep receives input
 * indices in descending score order, at most max_det of them */
static cvhp_status nms_subset(const cvhp_allocator *a, const float *boxes, const float *scores, const int64_t *labels,
                              const uint32_t *idx, size_t m, const post_params *p, int num_threads, int64_t *keep,
                              size_t keep_cap, size_t *n_keep, const char *fn)
{
    size_t bytes = m * (4 * sizeof(float) + sizeof(float) + 2 * sizeof(int64_t)) + 64;
    unsigned char *mem = cvhp__alloc(a, bytes);
    if (mem == NULL)
        return cvhp__error(CVHP_ERR_OUT_OF_MEMORY, "%s: cannot allocate %zu bytes", fn, bytes);
    int64_t *lab = (int64_t *)mem, *kk = lab + m;
    float *b = (float *)(kk + m), *s = b + 4 * m;
    for (size_t t = 0; t < m; t++) {
        memcpy(b + 4 * t, boxes + 4 * (size_t)idx[t], 4 * sizeof(float));
        s[t] = scores[idx[t]];
        lab[t] = labels[idx[t]];
    }
    cvhp_nms_options o;
    cvhp_nms_options_init(&o, CVHP_NMS_PRESET_TORCHVISION);
    o.iou_threshold = p->nms_thr;
    o.top_k = p->max_det;
    o.num_threads = num_threads;
    o.alloc = a;
    size_t nk = 0;
    cvhp_status st = cvhp_batched_nms(b, s, lab, m, &o, kk, m, &nk);
    if (st == CVHP_OK && nk > keep_cap)
        st = cvhp__error(CVHP_ERR_BUFFER_TOO_SMALL, "%s: keep holds %zu indices, %zu are kept", fn, keep_cap, nk);
    if (st == CVHP_OK) {
        for (size_t k = 0; k < nk; k++)
            keep[k] = (int64_t)idx[kk[k]];
        *n_keep = nk;
    }
    cvhp__free(a, mem);
    return st;
}

cvhp_status cvhp_detection_postprocess(const cvhp_config *cfg, const float *boxes, const float *scores,
                                       const int64_t *labels, size_t n, int num_threads, int64_t *keep,
                                       size_t keep_cap, size_t *n_keep)
{
    const char *fn = "cvhp_detection_postprocess";
    post_params p;
    cvhp_status st = post_params_of(cfg, &p, fn);
    if (st != CVHP_OK)
        return st;
    if (n_keep == NULL)
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "%s: n_keep is NULL", fn);
    *n_keep = 0;
    if (n > 0 && (boxes == NULL || scores == NULL || labels == NULL || keep == NULL))
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "%s: NULL array with n = %zu", fn, n);
    if (num_threads < 0)
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "%s: num_threads %d is negative", fn, num_threads);
    if (n >= UINT32_MAX)
        return cvhp__error(CVHP_ERR_OVERFLOW, "%s: n = %zu is too large", fn, n);
    if (n == 0)
        return CVHP_OK;
    uint32_t *idx = cvhp__alloc(&cfg->alloc, n * sizeof *idx);
    if (idx == NULL)
        return cvhp__error(CVHP_ERR_OUT_OF_MEMORY, "%s: cannot allocate %zu bytes", fn, n * sizeof *idx);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        const float *q = boxes + 4 * i;
        if (!(scores[i] > p.score_thr))
            continue;
        if (!p.yolo && !(q[2] - q[0] >= 0.01f && q[3] - q[1] >= 0.01f)) /* remove_small_boxes(1e-2) */
            continue;
        idx[m++] = (uint32_t)i;
    }
    st = m ? nms_subset(&cfg->alloc, boxes, scores, labels, idx, m, &p, num_threads, keep, keep_cap, n_keep, fn)
           : CVHP_OK;
    cvhp__free(&cfg->alloc, idx);
    return st;
}

typedef struct {
    const cvhp_config *cfg;
    const float *boxes, *scores;
    const int64_t *labels;
    const size_t *offsets;
    int64_t *keep;
    size_t *counts;
} post_batch;

static cvhp_status post_item(void *ctx, size_t i)
{
    const post_batch *b = ctx;
    const size_t o = b->offsets[i], n = b->offsets[i + 1] - o;
    return cvhp_detection_postprocess(b->cfg, n ? b->boxes + 4 * o : NULL, n ? b->scores + o : NULL,
                                      n ? b->labels + o : NULL, n, 1, n ? b->keep + o : NULL, n, &b->counts[i]);
}

cvhp_status cvhp_detection_postprocess_batch(const cvhp_config *cfg, const float *boxes, const float *scores,
                                             const int64_t *labels, const size_t *offsets, size_t nimages,
                                             int num_threads, int64_t *keep, size_t *counts)
{
    const char *fn = "cvhp_detection_postprocess_batch";
    if (cfg == NULL || (nimages > 0 && (offsets == NULL || counts == NULL)))
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "%s: NULL argument", fn);
    if (num_threads < 0)
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "%s: num_threads %d is negative", fn, num_threads);
    for (size_t i = 0; i < nimages; i++)
        if (offsets[i + 1] < offsets[i])
            return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "%s: offsets[%zu] > offsets[%zu]", fn, i, i + 1);
    if (nimages == 0)
        return CVHP_OK;
    const size_t total = offsets[nimages] - offsets[0];
    if (total > 0 && (boxes == NULL || scores == NULL || labels == NULL || keep == NULL))
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "%s: NULL array with %zu detections", fn, total);
    post_batch pb = {cfg, boxes, scores, labels, offsets, keep, counts};
    return cvhp__for_each_item(nimages, num_threads, post_item, &pb);
}

cvhp_status cvhp_yolo_decode(const cvhp_config *cfg, const float *pred, size_t n, size_t nclasses, int num_threads,
                             float *boxes, float *scores, int64_t *labels, size_t cap, size_t *n_out)
{
    const char *fn = "cvhp_yolo_decode";
    post_params p;
    cvhp_status st = post_params_of(cfg, &p, fn);
    if (st != CVHP_OK)
        return st;
    if (n_out == NULL)
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "%s: n_out is NULL", fn);
    *n_out = 0;
    if (nclasses < 1)
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "%s: nclasses must be >= 1", fn);
    size_t row, total;
    if (nclasses > SIZE_MAX - 5 || !cvhp__mul_size(n, 5 + nclasses, &row) || !cvhp__mul_size(row, sizeof(float), &total) ||
        n >= UINT32_MAX)
        return cvhp__error(CVHP_ERR_OVERFLOW, "%s: %zu x %zu predictions overflow", fn, n, 5 + nclasses);
    if (n > 0 && pred == NULL)
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "%s: pred is NULL with n = %zu", fn, n);
    if (cap > 0 && (boxes == NULL || scores == NULL || labels == NULL))
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "%s: NULL output with cap = %zu", fn, cap);
    if (num_threads < 0)
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "%s: num_threads %d is negative", fn, num_threads);
    if (n == 0)
        return CVHP_OK;
    /* candidates: box, conf, class */
    const size_t stride = 5 + nclasses;
    size_t bytes = n * (4 * sizeof(float) + sizeof(float) + sizeof(int64_t) + sizeof(uint32_t) * 5 + sizeof(int64_t));
    unsigned char *mem = cvhp__alloc(&cfg->alloc, bytes);
    if (mem == NULL)
        return cvhp__error(CVHP_ERR_OUT_OF_MEMORY, "%s: cannot allocate %zu bytes", fn, bytes);
    int64_t *cl = (int64_t *)mem, *kk = cl + n;
    float *cb = (float *)(kk + n), *cs = cb + 4 * n;
    uint32_t *idx = (uint32_t *)(cs + n), *key = idx + n, *tkey = key + n, *tval = tkey + n, *ord = tval + n;
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        const float *r = pred + i * stride;
        const float obj = r[4];
        if (!(obj > p.score_thr))
            continue;
        size_t best = 0;
        float bs = r[5] * obj;
        for (size_t c = 1; c < nclasses; c++) {
            const float v = r[5 + c] * obj;
            if (v > bs) /* first maximum wins, as torch.max */
                bs = v, best = c;
        }
        if (!(bs > p.score_thr))
            continue;
        const float cx = r[0], cy = r[1], w = r[2], h = r[3];
        float *b = cb + 4 * m;
        b[0] = cx - w / 2, b[1] = cy - h / 2, b[2] = cx + w / 2, b[3] = cy + h / 2;
        cs[m] = bs;
        cl[m] = (int64_t)best;
        m++;
    }
    size_t nk = 0;
    if (m > 30000) { /* max_nms: the 30000 best by score */
        for (size_t t = 0; t < m; t++)
            key[t] = cvhp__score_key_desc(cs[t]), ord[t] = (uint32_t)t;
        cvhp__radix_u32(key, ord, tkey, tval, m);
        m = 30000;
        for (size_t t = 0; t < m; t++)
            idx[t] = ord[t];
    } else {
        for (size_t t = 0; t < m; t++)
            idx[t] = (uint32_t)t;
    }
    if (m > 0)
        st = nms_subset(&cfg->alloc, cb, cs, cl, idx, m, &p, num_threads, kk, n, &nk, fn);
    if (st == CVHP_OK && nk > cap)
        st = cvhp__error(CVHP_ERR_BUFFER_TOO_SMALL, "%s: room for %zu detections, %zu found", fn, cap, nk);
    if (st == CVHP_OK) {
        for (size_t k = 0; k < nk; k++) {
            memcpy(boxes + 4 * k, cb + 4 * (size_t)kk[k], 4 * sizeof(float));
            scores[k] = cs[kk[k]];
            labels[k] = cl[kk[k]];
        }
        *n_out = nk;
    }
    cvhp__free(&cfg->alloc, mem);
    return st;
}

/* ---- letterbox ---- */

cvhp_status cvhp_letterbox(int64_t width, int64_t height, int64_t size, double out[7])
{
    if (out == NULL)
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "cvhp_letterbox: out is NULL");
    if (width < 1 || height < 1 || size < 1 || width > MAX_SIDE || height > MAX_SIDE || size > MAX_SIDE)
        return cvhp__error(CVHP_ERR_OUT_OF_RANGE, "cvhp_letterbox: sizes %lldx%lld -> %lld are outside [1, %d]",
                           (long long)width, (long long)height, (long long)size, MAX_SIDE);
    double r = fmin((double)size / (double)height, (double)size / (double)width);
    r = fmin(r, 1.0); /* scaleup=False */
    const double nw = nearbyint((double)width * r), nh = nearbyint((double)height * r);
    const double dw = ((double)size - nw) / 2, dh = ((double)size - nh) / 2;
    out[0] = r, out[1] = nw, out[2] = nh;
    out[3] = nearbyint(dw - 0.1), out[4] = nearbyint(dh - 0.1); /* left, top */
    out[5] = nearbyint(dw + 0.1), out[6] = nearbyint(dh + 0.1); /* right, bottom */
    return CVHP_OK;
}

cvhp_status cvhp_letterbox_unpad(const float *boxes, size_t n, const double lb[7], int64_t size, float *out)
{
    const char *fn = "cvhp_letterbox_unpad";
    CVHP_CHECK_PTR(boxes, n, fn);
    CVHP_CHECK_PTR(out, n, fn);
    if (lb == NULL)
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "%s: letterbox is NULL", fn);
    const double w = (double)size - lb[3] - lb[5], h = (double)size - lb[4] - lb[6];
    if (!(w > 0) || !(h > 0))
        return cvhp__error(CVHP_ERR_OUT_OF_RANGE, "%s: the unpadded area %gx%g is empty", fn, w, h);
    for (size_t i = 0; i < n; i++)
        for (int c = 0; c < 4; c++) {
            const double lim = (c & 1) ? h : w;
            double v = (double)boxes[4 * i + c] - ((c & 1) ? lb[4] : lb[3]);
            v = v < 0 ? 0 : (v > lim ? lim : v);
            out[4 * i + c] = (float)(v / lim);
        }
    return CVHP_OK;
}

/* ---- output JSON ---- */

cvhp_status cvhp_detections_to_json(const float *boxes, const float *scores, const int64_t *labels, size_t n,
                                    double frame_w, double frame_h, const char *const *label_names, size_t nlabels,
                                    char *buf, size_t cap, size_t *needed)
{
    const char *fn = "cvhp_detections_to_json";
    if (n > 0 && (boxes == NULL || scores == NULL || labels == NULL))
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "%s: NULL array with n = %zu", fn, n);
    if (buf == NULL && cap > 0)
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "%s: buf is NULL with cap = %zu", fn, cap);
    if (!(frame_w > 0) || !(frame_h > 0) || isinf(frame_w) || isinf(frame_h))
        return cvhp__error(CVHP_ERR_OUT_OF_RANGE, "%s: frame %gx%g is not a positive size", fn, frame_w, frame_h);
    for (size_t i = 0; i < n; i++)
        if (label_names != NULL && (labels[i] < 0 || (uint64_t)labels[i] >= nlabels || label_names[labels[i]] == NULL))
            return cvhp__error(CVHP_ERR_OUT_OF_RANGE, "%s: label %lld of box %zu has no name (%zu names)", fn,
                               (long long)labels[i], i, nlabels);
    cvhp__sb sb = {buf, cap, 0};
    char num[40];
    cvhp__sb_puts(&sb, "{\"boxes\": [");
    for (size_t i = 0; i < n; i++) {
        const float *b = boxes + 4 * i;
        static const char *const names[4] = {"topX", "topY", "bottomX", "bottomY"};
        cvhp__sb_puts(&sb, i ? ", {\"box\": {" : "{\"box\": {");
        for (int c = 0; c < 4; c++) {
            const double v = (double)b[c] / ((c & 1) ? frame_h : frame_w);
            if (!isfinite(v))
                return cvhp__error(CVHP_ERR_INVALID_VALUE, "%s: box %zu has a non-finite coordinate", fn, i);
            cvhp__fmt_double(num, sizeof num, v);
            cvhp__sb_printf(&sb, "%s\"%s\": %s", c ? ", " : "", names[c], num);
        }
        cvhp__sb_puts(&sb, "}, \"label\": ");
        if (label_names)
            cvhp__sb_json_string(&sb, label_names[labels[i]]);
        else
            cvhp__sb_printf(&sb, "\"%lld\"", (long long)labels[i]);
        if (!isfinite(scores[i]))
            return cvhp__error(CVHP_ERR_INVALID_VALUE, "%s: score %zu is not finite", fn, i);
        cvhp__fmt_double(num, sizeof num, (double)scores[i]);
        cvhp__sb_printf(&sb, ", \"score\": %s}", num);
    }
    cvhp__sb_puts(&sb, "]}");
    return cvhp__sb_finish(&sb, needed, fn);
}
