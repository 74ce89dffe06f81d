/* SPDX-License-Identifier: MIT
 * Greedy NMS (torchvision-exact by default), class-aware NMS, the other
 * stacks' conventions, and soft-NMS.
 *
 * Fast path (torchvision arithmetic): candidates are radix-sorted (stable),
 * bucketed by class with a second stable radix sort, gathered into
 * structure-of-arrays, and swept per kept box with the SIMD suppress kernel
 * over a "dead" byte map whose tail is compacted lazily. Sparse inputs use
 * a uniform grid instead: a kept box only tests the boxes in the cells it
 * covers. Both visit a superset of the pairs that can suppress (only boxes
 * with a positive-area intersection can have IoU > t >= 0) and use the same
 * pair arithmetic, so the result is exactly the greedy result.
 *
 * Boxes that cannot take part in suppression ("inert": zero or negative
 * width or height, non-finite area) are never suppressed and never suppress,
 * exactly as torchvision's arithmetic makes them. */
#include <math.h>
#include <string.h>

#include "build_config.h"
#include "kernels.h"

#if CVHP_HAVE_OPENMP
#  include <omp.h>
#endif

#define FAST_FLAGS (CVHP_NMS_SUPPRESS_GE | CVHP_NMS_SCORE_THRESHOLD | CVHP_NMS_SCORE_GE | CVHP_NMS_TOPK_CANDIDATES)
#define ALL_FLAGS                                                                                       \
    (FAST_FLAGS | CVHP_NMS_AREA_PLUS_ONE | CVHP_NMS_OPENCV_IOU | CVHP_NMS_NORMALIZE_CORNERS |          \
     CVHP_NMS_TOPK_PER_CLASS)

/* Inputs below these sizes stay serial / dense: a team or a grid costs more. */
#define PAR_TAIL_MIN 16384
#define PAR_BUCKETS_MIN 2048
#define GRID_MIN 512
#define COMPACT_MIN 64

/* ---- options ---- */

cvhp_status cvhp_nms_options_init(cvhp_nms_options *opt, cvhp_nms_preset preset)
{
    if (opt == NULL)
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "cvhp_nms_options_init: opt is NULL");
    memset(opt, 0, sizeof *opt);
    opt->size = sizeof *opt;
    opt->iou_threshold = 0.5;
    switch (preset) {
    case CVHP_NMS_PRESET_TORCHVISION:
        return CVHP_OK;
    case CVHP_NMS_PRESET_OPENCV:
        opt->flags = CVHP_NMS_OPENCV_IOU | CVHP_NMS_SCORE_THRESHOLD | CVHP_NMS_TOPK_CANDIDATES;
        return CVHP_OK;
    case CVHP_NMS_PRESET_ONNX:
        opt->flags = CVHP_NMS_NORMALIZE_CORNERS | CVHP_NMS_SCORE_THRESHOLD | CVHP_NMS_TOPK_PER_CLASS;
        return CVHP_OK;
    }
    return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "cvhp_nms_options_init: unknown preset %d", (int)preset);
}

static cvhp_status check_options(const cvhp_nms_options *o, const char *fn)
{
    if (o->size != sizeof *o)
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "%s: options.size is %u, expected %zu (use cvhp_nms_options_init)",
                           fn, (unsigned)o->size, sizeof *o);
    if (o->flags & ~ALL_FLAGS)
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "%s: unknown flags 0x%x", fn, (unsigned)(o->flags & ~ALL_FLAGS));
    if (!(o->iou_threshold >= 0.0 && o->iou_threshold <= 1.0)) {
        char v[32];
        cvhp__fmt_double(v, sizeof v, o->iou_threshold);
        return cvhp__error(CVHP_ERR_OUT_OF_RANGE, "iou_threshold: %s is outside [0, 1]", v);
    }
    if ((o->flags & CVHP_NMS_SCORE_THRESHOLD) && isnan(o->score_threshold))
        return cvhp__error(CVHP_ERR_OUT_OF_RANGE, "score_threshold: nan is not a number");
    if (o->top_k < 0)
        return cvhp__error(CVHP_ERR_OUT_OF_RANGE, "top_k: %lld is negative", (long long)o->top_k);
    if (o->num_threads < 0)
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "%s: num_threads %d is negative", fn, (int)o->num_threads);
    if (o->alloc != NULL && (o->alloc->alloc == NULL || o->alloc->free == NULL))
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "%s: allocator without alloc or free", fn);
    return CVHP_OK;
}

/* Smallest float f with (double)f > t (or >= t): torchvision compares the
 * float IoU with a double threshold; this turns it into one float compare. */
static float threshold_fmin(double t, int ge)
{
    float f = (float)t;
    if (ge ? (double)f >= t : (double)f > t)
        return f;
    return nextafterf(f, INFINITY);
}

/* The scalar reference of the suppression sweep (kernels.h). */
size_t cvhp__suppress_scalar(const float kept[5], const float *x1, const float *y1, const float *x2, const float *y2,
                             const float *area, uint8_t *dead, size_t start, size_t end, float fmin)
{
    size_t killed = 0;
    for (size_t j = start; j < end; j++) {
        if (dead[j])
            continue;
        if (cvhp__tv_iou(kept, x1[j], y1[j], x2[j], y2[j], area[j]) >= fmin) {
            dead[j] = 1;
            killed++;
        }
    }
    return killed;
}

/* ---- workspace layout ---- */

typedef struct {
    size_t skey, sval, tkey, tval;          /* u32[n] each */
    size_t ckey, tck;                       /* u64[n] each (batched) */
    size_t x1, y1, x2, y2, area;            /* float[n] */
    size_t dead, kept;                      /* u8[n] */
    size_t cellstart, cursor, items;        /* u32[5n + 1], u32[5n], u32[8n] */
    size_t total;
} layout;

static size_t put(size_t *off, size_t n, size_t elem)
{
    size_t at = (*off + 63) & ~(size_t)63;
    *off = at + n * elem;
    return at;
}

/* 0 on overflow */
static size_t plan(size_t n, int batched, layout *L)
{
    if (n > (SIZE_MAX - 4096) / 256)
        return 0;
    size_t off = 0;
    L->skey = put(&off, n, 4), L->sval = put(&off, n, 4), L->tkey = put(&off, n, 4), L->tval = put(&off, n, 4);
    L->ckey = put(&off, batched ? n : 0, 8), L->tck = put(&off, batched ? n : 0, 8);
    L->x1 = put(&off, n, 4), L->y1 = put(&off, n, 4), L->x2 = put(&off, n, 4), L->y2 = put(&off, n, 4);
    L->area = put(&off, n, 4);
    L->dead = put(&off, n, 1), L->kept = put(&off, n, 1);
    L->cellstart = put(&off, 5 * n + 1, 4), L->cursor = put(&off, 5 * n, 4), L->items = put(&off, 8 * n, 4);
    L->total = off + 64; /* alignment slack for the base pointer */
    return L->total;
}

size_t cvhp_nms_workspace_size(size_t n, int batched)
{
    layout L;
    return plan(n, batched != 0, &L);
}

typedef struct {
    float *x1, *y1, *x2, *y2, *area;
    uint32_t *pos;      /* global score rank of each slot */
    uint8_t *dead;
    uint8_t *kept;      /* indexed by global score rank */
    uint32_t *cellstart, *cursor, *items;
    float fmin;
    uint32_t flags;
    float thr_f;
    double thr;
    cvhp__suppress_fn suppress;
} ctx;

static inline int active(const float *x1, const float *y1, const float *x2, const float *y2, const float *a, size_t i)
{
    return x2[i] > x1[i] && y2[i] > y1[i] && a[i] > 0.0f && a[i] < INFINITY;
}

/* ---- fast path: dense sweep with lazy compaction ---- */

static size_t suppress_range(const ctx *c, const float k[5], size_t b, size_t lo, size_t hi, int nt)
{
    float *x1 = c->x1 + b, *y1 = c->y1 + b, *x2 = c->x2 + b, *y2 = c->y2 + b, *ar = c->area + b;
    uint8_t *dead = c->dead + b;
#if CVHP_HAVE_OPENMP
    if (nt > 1 && hi - lo >= PAR_TAIL_MIN) {
        size_t killed = 0;
        const size_t chunks = (size_t)nt * 4, span = ((hi - lo) / chunks + 15) & ~(size_t)15;
#  pragma omp parallel for num_threads(nt) reduction(+ : killed) schedule(static)
        for (size_t ch = 0; ch < chunks; ch++) {
            size_t s = lo + ch * span, e = s + span;
            if (s >= hi)
                continue;
            if (e > hi || ch == chunks - 1)
                e = hi;
            killed += c->suppress(k, x1, y1, x2, y2, ar, dead, s, e, c->fmin);
        }
        return killed;
    }
#endif
    (void)nt;
    return c->suppress(k, x1, y1, x2, y2, ar, dead, lo, hi, c->fmin);
}

static void dense(const ctx *c, size_t b, size_t m, int64_t cap, int nt)
{
    float *x1 = c->x1 + b, *y1 = c->y1 + b, *x2 = c->x2 + b, *y2 = c->y2 + b, *ar = c->area + b;
    uint32_t *pos = c->pos + b;
    uint8_t *dead = c->dead + b;
    size_t L = m, head = 0, dead_tail = 0;
    int64_t kept = 0;
    while (head < L) {
        if (dead[head]) {
            head++;
            dead_tail--;
            continue;
        }
        c->kept[pos[head]] = 1;
        if (++kept == cap)
            return;
        if (active(x1, y1, x2, y2, ar, head)) {
            const float k[5] = {x1[head], y1[head], x2[head], y2[head], ar[head]};
            dead_tail += suppress_range(c, k, b, head + 1, L, nt);
        }
        head++;
        if (dead_tail > COMPACT_MIN && dead_tail * 2 > L - head) {
            size_t w = head;
            for (size_t r = head; r < L; r++) {
                if (dead[r])
                    continue;
                x1[w] = x1[r], y1[w] = y1[r], x2[w] = x2[r], y2[w] = y2[r], ar[w] = ar[r];
                pos[w] = pos[r];
                dead[w] = 0;
                w++;
            }
            L = w;
            dead_tail = 0;
        }
    }
}

/* ---- fast path: uniform grid for sparse inputs ---- */

typedef struct {
    double ox, oy, inv;
    int64_t gx, gy;
} grid_geom;

static inline int64_t cell_of(double v, double o, double inv, int64_t g)
{
    double f = floor((v - o) * inv);
    if (!(f >= 0))
        return 0;
    if (f >= (double)(g - 1))
        return g - 1;
    return (int64_t)f;
}

/* Builds the grid for slots [b, b + m); returns 0 when the grid would not
 * pay off (too many entries, or cells too crowded), so the caller sweeps. */
static int grid_build(const ctx *c, size_t b, size_t m, grid_geom *g)
{
    const float *x1 = c->x1 + b, *y1 = c->y1 + b, *x2 = c->x2 + b, *y2 = c->y2 + b, *ar = c->area + b;
    double minx = INFINITY, miny = INFINITY, maxx = -INFINITY, maxy = -INFINITY, sw = 0;
    size_t na = 0;
    for (size_t i = 0; i < m; i++) {
        if (!active(x1, y1, x2, y2, ar, i))
            continue;
        minx = fmin(minx, x1[i]), miny = fmin(miny, y1[i]);
        maxx = fmax(maxx, x2[i]), maxy = fmax(maxy, y2[i]);
        sw += ((double)x2[i] - x1[i]) + ((double)y2[i] - y1[i]);
        na++;
    }
    if (na < GRID_MIN / 2)
        return 0;
    double cell = sw / (double)na; /* twice the mean side over two: the mean of w and h, times 2 */
    const double ex = maxx - minx, ey = maxy - miny;
    if (!(cell > 0) || !isfinite(ex) || !isfinite(ey))
        return 0;
    const size_t max_cells = 4 * m;
    for (int tries = 0; tries < 64; tries++) {
        double cx = floor(ex / cell) + 1, cy = floor(ey / cell) + 1;
        if (cx * cy <= (double)max_cells)
            break;
        cell *= 1.5;
    }
    g->ox = minx, g->oy = miny, g->inv = 1.0 / cell;
    g->gx = (int64_t)(floor(ex / cell) + 1), g->gy = (int64_t)(floor(ey / cell) + 1);
    if ((double)g->gx * (double)g->gy > (double)max_cells || g->gx * g->gy < 4)
        return 0;
    const size_t ncell = (size_t)(g->gx * g->gy);
    uint32_t *start = c->cellstart + 5 * b, *cur = c->cursor + 5 * b, *items = c->items + 8 * b;
    memset(start, 0, (ncell + 1) * sizeof *start);
    size_t entries = 0;
    for (size_t i = 0; i < m; i++) {
        if (!active(x1, y1, x2, y2, ar, i))
            continue;
        int64_t a0 = cell_of(x1[i], g->ox, g->inv, g->gx), a1 = cell_of(x2[i], g->ox, g->inv, g->gx);
        int64_t b0 = cell_of(y1[i], g->oy, g->inv, g->gy), b1 = cell_of(y2[i], g->oy, g->inv, g->gy);
        entries += (size_t)((a1 - a0 + 1) * (b1 - b0 + 1));
        if (entries > 8 * m)
            return 0;
        for (int64_t yy = b0; yy <= b1; yy++)
            for (int64_t xx = a0; xx <= a1; xx++)
                start[yy * g->gx + xx + 1]++;
    }
    /* Each kept box tests everything in its cells: if that is not far less
     * than the sweep's tail, the SIMD sweep wins. */
    double q = 0;
    for (size_t k = 1; k <= ncell; k++)
        q += (double)start[k] * start[k];
    if (q / (double)na > (double)m / 24)
        return 0;
    for (size_t k = 1; k <= ncell; k++)
        start[k] += start[k - 1];
    memcpy(cur, start, ncell * sizeof *cur);
    for (size_t i = 0; i < m; i++) {
        if (!active(x1, y1, x2, y2, ar, i))
            continue;
        int64_t a0 = cell_of(x1[i], g->ox, g->inv, g->gx), a1 = cell_of(x2[i], g->ox, g->inv, g->gx);
        int64_t b0 = cell_of(y1[i], g->oy, g->inv, g->gy), b1 = cell_of(y2[i], g->oy, g->inv, g->gy);
        for (int64_t yy = b0; yy <= b1; yy++)
            for (int64_t xx = a0; xx <= a1; xx++)
                items[cur[yy * g->gx + xx]++] = (uint32_t)i;
    }
    memcpy(cur, start, ncell * sizeof *cur); /* cursors back to each cell's start */
    return 1;
}

static void gridded(const ctx *c, size_t b, size_t m, int64_t cap, const grid_geom *g)
{
    const float *x1 = c->x1 + b, *y1 = c->y1 + b, *x2 = c->x2 + b, *y2 = c->y2 + b, *ar = c->area + b;
    const uint32_t *pos = c->pos + b;
    uint8_t *dead = c->dead + b;
    const uint32_t *start = c->cellstart + 5 * b, *items = c->items + 8 * b;
    uint32_t *cur = c->cursor + 5 * b;
    int64_t kept = 0;
    for (size_t p = 0; p < m; p++) {
        if (dead[p])
            continue;
        c->kept[pos[p]] = 1;
        if (++kept == cap)
            return;
        if (!active(x1, y1, x2, y2, ar, p))
            continue;
        const float k[5] = {x1[p], y1[p], x2[p], y2[p], ar[p]};
        int64_t a0 = cell_of(k[0], g->ox, g->inv, g->gx), a1 = cell_of(k[2], g->ox, g->inv, g->gx);
        int64_t b0 = cell_of(k[1], g->oy, g->inv, g->gy), b1 = cell_of(k[3], g->oy, g->inv, g->gy);
        for (int64_t yy = b0; yy <= b1; yy++)
            for (int64_t xx = a0; xx <= a1; xx++) {
                const size_t cell = (size_t)(yy * g->gx + xx);
                uint32_t it = cur[cell];
                const uint32_t end = start[cell + 1];
                while (it < end && items[it] <= p)
                    it++;
                cur[cell] = it;
                for (; it < end; it++) {
                    const uint32_t q = items[it];
                    if (!dead[q] && cvhp__tv_iou(k, x1[q], y1[q], x2[q], y2[q], ar[q]) >= c->fmin)
                        dead[q] = 1;
                }
            }
    }
}

/* ---- other conventions: scalar, O(N * K) ---- */

/* OpenCV's Rect_ intersection area (types.hpp operator&=), a = candidate. */
static double opencv_inter(double ax, double ay, double aw, double ah, double bx, double by, double bw, double bh)
{
    if (aw <= 0 || ah <= 0 || bw <= 0 || bh <= 0)
        return 0;
    const int ax_min = ax < bx, ay_min = ay < by;
    double xm = ax_min ? ax : bx, xM = ax_min ? bx : ax, wm = ax_min ? aw : bw, wM = ax_min ? bw : aw;
    double ym = ay_min ? ay : by, yM = ay_min ? by : ay, hm = ay_min ? ah : bh, hM = ay_min ? bh : ah;
    if ((xm < 0 && xm + wm < xM) || (ym < 0 && ym + hm < yM))
        return 0;
    double w = wm - (xM - xm), h = hm - (yM - ym);
    w = wM < w ? wM : w;
    h = hM < h ? hM : h;
    if (w <= 0 || h <= 0)
        return 0;
    return w * h;
}

static float opencv_overlap(const float *a, const float *b)
{
    const double ax = a[0], ay = a[1], aw = (double)a[2] - a[0], ah = (double)a[3] - a[1];
    const double bx = b[0], by = b[1], bw = (double)b[2] - b[0], bh = (double)b[3] - b[1];
    const double Aa = aw * ah, Ab = bw * bh;
    double dist;
    if (Aa + Ab <= 2.220446049250313e-16)
        dist = 0.0;
    else {
        const double Aab = opencv_inter(ax, ay, aw, ah, bx, by, bw, bh);
        dist = 1.0 - Aab / (Aa + Ab - Aab);
    }
    return 1.0f - (float)dist;
}

/* ONNX Runtime's SuppressByIOU (corners in any order), box a = candidate. */
static int onnx_suppress(const float *a, const float *b, float thr)
{
    const float ax0 = fminf(a[0], a[2]), ax1 = fmaxf(a[0], a[2]), ay0 = fminf(a[1], a[3]), ay1 = fmaxf(a[1], a[3]);
    const float bx0 = fminf(b[0], b[2]), bx1 = fmaxf(b[0], b[2]), by0 = fminf(b[1], b[3]), by1 = fmaxf(b[1], b[3]);
    const float ix0 = fmaxf(ax0, bx0), iy0 = fmaxf(ay0, by0), ix1 = fminf(ax1, bx1), iy1 = fminf(ay1, by1);
    const float inter = fmaxf(0.0f, ix1 - ix0) * fmaxf(0.0f, iy1 - iy0);
    if (inter <= 0.0f)
        return 0;
    const float area_a = (ax1 - ax0) * (ay1 - ay0), area_b = (bx1 - bx0) * (by1 - by0);
    const float uni = area_a + area_b - inter;
    if (area_a <= 0.0f || area_b <= 0.0f || uni <= 0.0f)
        return 0;
    return inter / uni > thr;
}

static int generic_suppress(const ctx *c, const float *cand, const float *kept)
{
    if (c->flags & CVHP_NMS_OPENCV_IOU)
        return !(opencv_overlap(cand, kept) <= c->thr_f);
    if (c->flags & CVHP_NMS_NORMALIZE_CORNERS)
        return onnx_suppress(cand, kept, c->thr_f);
    /* torchvision arithmetic, optionally with pixel-inclusive (+1) sizes */
    const float one = (c->flags & CVHP_NMS_AREA_PLUS_ONE) ? 1.0f : 0.0f;
    const float ka = (kept[2] - kept[0] + one) * (kept[3] - kept[1] + one);
    const float ca = (cand[2] - cand[0] + one) * (cand[3] - cand[1] + one);
    const float xx1 = cvhp__vmax(cand[0], kept[0]), yy1 = cvhp__vmax(cand[1], kept[1]);
    const float xx2 = cvhp__vmin(cand[2], kept[2]), yy2 = cvhp__vmin(cand[3], kept[3]);
    const float w = cvhp__vmax(xx2 - xx1 + one, 0.0f), h = cvhp__vmax(yy2 - yy1 + one, 0.0f);
    const float inter = w * h;
    return inter / (ka + ca - inter) >= c->fmin;
}

static void generic(const ctx *c, const float *boxes, const uint32_t *order, size_t b, size_t m, int64_t cap,
                    uint32_t *kept_list)
{
    size_t nk = 0;
    for (size_t t = 0; t < m; t++) {
        const uint32_t rank = c->pos[b + t];
        const float *cand = boxes + 4 * (size_t)order[rank];
        int sup = 0;
        for (size_t k = 0; k < nk && !sup; k++)
            sup = generic_suppress(c, cand, boxes + 4 * (size_t)order[kept_list[k]]);
        if (sup)
            continue;
        kept_list[nk++] = rank;
        c->kept[rank] = 1;
        if ((int64_t)nk == cap)
            return;
    }
}

/* ---- driver ---- */

static cvhp_status run(const float *boxes, const float *scores, const int64_t *idxs, size_t n,
                       const cvhp_nms_options *o, unsigned char *ws, int64_t *keep, size_t keep_cap, size_t *n_keep)
{
    layout L;
    plan(n, idxs != NULL, &L);
    uint32_t *skey = (uint32_t *)(ws + L.skey), *sval = (uint32_t *)(ws + L.sval);
    uint32_t *tkey = (uint32_t *)(ws + L.tkey), *tval = (uint32_t *)(ws + L.tval);
    const uint32_t flags = o->flags;
    const float sthr = (float)o->score_threshold;

    /* 1. candidates (score filter) and their descending-score order */
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        const float s = scores[i];
        if (flags & CVHP_NMS_SCORE_THRESHOLD) {
            if ((flags & CVHP_NMS_SCORE_GE) ? !(s >= sthr) : !(s > sthr))
                continue;
        }
        skey[m] = cvhp__score_key_desc(s);
        sval[m] = (uint32_t)i;
        m++;
    }
    cvhp__radix_u32(skey, sval, tkey, tval, m);
    const uint32_t *order = sval; /* order[rank] = input index */
    if ((flags & CVHP_NMS_TOPK_CANDIDATES) && o->top_k > 0 && (uint64_t)o->top_k < m)
        m = (size_t)o->top_k;

    /* 2. buckets: ranks grouped by class, score order kept inside each */
    uint32_t *pos = tval; /* slot -> rank */
    size_t nb = 1;
    size_t *bstart = NULL;
    if (idxs != NULL) {
        uint64_t *ck = (uint64_t *)(ws + L.ckey), *tck = (uint64_t *)(ws + L.tck);
        for (size_t r = 0; r < m; r++) {
            ck[r] = (uint64_t)idxs[order[r]] ^ 0x8000000000000000ull;
            pos[r] = (uint32_t)r;
        }
        cvhp__radix_u64(ck, pos, tck, tkey, m);
        /* bucket starts go into the (now free) score-key array */
        bstart = (size_t *)(void *)(ws + L.tck);
        nb = 0;
        for (size_t t = 0; t < m; t++)
            if (t == 0 || ck[t] != ck[t - 1])
                bstart[nb++] = t;
        bstart[nb] = m;
    } else {
        for (size_t r = 0; r < m; r++)
            pos[r] = (uint32_t)r;
    }

    ctx c;
    c.x1 = (float *)(ws + L.x1), c.y1 = (float *)(ws + L.y1), c.x2 = (float *)(ws + L.x2);
    c.y2 = (float *)(ws + L.y2), c.area = (float *)(ws + L.area);
    c.pos = pos, c.dead = ws + L.dead, c.kept = ws + L.kept;
    c.cellstart = (uint32_t *)(ws + L.cellstart), c.cursor = (uint32_t *)(ws + L.cursor);
    c.items = (uint32_t *)(ws + L.items);
    c.flags = flags, c.thr = o->iou_threshold, c.thr_f = (float)o->iou_threshold;
    c.fmin = threshold_fmin(o->iou_threshold, (flags & CVHP_NMS_SUPPRESS_GE) != 0);
    memset(c.dead, 0, m);
    memset(c.kept, 0, m);
    const int fast = (flags & ~FAST_FLAGS) == 0 || (flags & ~(FAST_FLAGS | CVHP_NMS_TOPK_PER_CLASS)) == 0;
    for (size_t t = 0; t < m; t++) {
        const float *q = boxes + 4 * (size_t)order[pos[t]];
        c.x1[t] = q[0], c.y1[t] = q[1], c.x2[t] = q[2], c.y2[t] = q[3];
        c.area[t] = (q[2] - q[0]) * (q[3] - q[1]);
    }
    c.suppress = cvhp__pick_suppress();

    /* output cap per bucket: per class for ONNX-style, else the global cap
     * (a class cannot contribute more than top_k to the first top_k) */
    const int64_t cap = (!(flags & CVHP_NMS_TOPK_CANDIDATES) && o->top_k > 0) ? o->top_k : -1;
#if CVHP_HAVE_OPENMP
    int nt = o->num_threads > 0 ? o->num_threads : omp_get_max_threads();
#else
    int nt = 1;
#endif
    if (m < PAR_BUCKETS_MIN)
        nt = 1;
    size_t one_bucket[2] = {0, m};
    if (bstart == NULL)
        bstart = one_bucket;
    /* the generic path keeps its kept list in the score-key array (free now) */
    uint32_t *kept_lists = skey;
#if CVHP_HAVE_OPENMP
#  pragma omp parallel for num_threads(nb > 1 ? nt : 1) schedule(dynamic, 1)
#endif
    for (size_t k = 0; k < nb; k++) {
        const size_t b = bstart[k], mb = bstart[k + 1] - b;
        const int inner = nb > 1 ? 1 : nt;
        if (!fast) {
            generic(&c, boxes, order, b, mb, cap, kept_lists + b);
            continue;
        }
        grid_geom g;
        if (mb >= GRID_MIN && grid_build(&c, b, mb, &g))
            gridded(&c, b, mb, cap, &g);
        else
            dense(&c, b, mb, cap, inner);
    }

    /* 3. output in global score order */
    size_t nk = 0;
    const int per_class = (flags & CVHP_NMS_TOPK_PER_CLASS) != 0;
    for (size_t r = 0; r < m; r++) {
        if (!c.kept[r])
            continue;
        if (!per_class && o->top_k > 0 && !(flags & CVHP_NMS_TOPK_CANDIDATES) && (int64_t)nk == o->top_k)
            break;
        if (nk == keep_cap)
            return cvhp__error(CVHP_ERR_BUFFER_TOO_SMALL, "nms: keep holds %zu indices, more are kept", keep_cap);
        keep[nk++] = (int64_t)order[r];
    }
    *n_keep = nk;
    return CVHP_OK;
}

static cvhp_status nms_entry(const float *boxes, const float *scores, const int64_t *idxs, size_t n,
                             const cvhp_nms_options *opt, void *workspace, size_t ws_size, int64_t *keep,
                             size_t keep_cap, size_t *n_keep, const char *fn)
{
    cvhp_nms_options dflt;
    if (opt == NULL) {
        cvhp_nms_options_init(&dflt, CVHP_NMS_PRESET_TORCHVISION);
        opt = &dflt;
    }
    cvhp_status st = check_options(opt, fn);
    if (st != CVHP_OK)
        return st;
    if (n_keep == NULL)
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "%s: n_keep is NULL", fn);
    *n_keep = 0;
    if ((boxes == NULL || scores == NULL) && n > 0)
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "%s: %s is NULL with n = %zu", fn,
                           boxes == NULL ? "boxes" : "scores", n);
    if (keep == NULL && keep_cap > 0)
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "%s: keep is NULL with keep_cap = %zu", fn, keep_cap);
    if (n >= UINT32_MAX)
        return cvhp__error(CVHP_ERR_OVERFLOW, "%s: n = %zu exceeds the %u boxes one call handles", fn, n,
                           (unsigned)UINT32_MAX - 1);
    layout L;
    size_t need = plan(n, idxs != NULL, &L);
    if (need == 0)
        return cvhp__error(CVHP_ERR_OVERFLOW, "%s: n = %zu overflows the workspace size", fn, n);
    if (n == 0)
        return CVHP_OK;
    void *owned = NULL;
    if (workspace == NULL) {
        owned = cvhp__alloc(opt->alloc, need);
        if (owned == NULL)
            return cvhp__error(CVHP_ERR_OUT_OF_MEMORY, "%s: cannot allocate %zu bytes of scratch", fn, need);
        workspace = owned;
    } else if (ws_size < need) {
        return cvhp__error(CVHP_ERR_BUFFER_TOO_SMALL, "%s: workspace has %zu bytes, needs %zu", fn, ws_size, need);
    }
    unsigned char *base = (unsigned char *)(((uintptr_t)workspace + 63) & ~(uintptr_t)63);
    st = run(boxes, scores, idxs, n, opt, base, keep, keep_cap, n_keep);
    cvhp__free(opt->alloc, owned);
    return st;
}

cvhp_status cvhp_nms(const float *boxes, const float *scores, size_t n, const cvhp_nms_options *opt, int64_t *keep,
                     size_t keep_cap, size_t *n_keep)
{
    return nms_entry(boxes, scores, NULL, n, opt, NULL, 0, keep, keep_cap, n_keep, "cvhp_nms");
}

cvhp_status cvhp_batched_nms(const float *boxes, const float *scores, const int64_t *idxs, size_t n,
                             const cvhp_nms_options *opt, int64_t *keep, size_t keep_cap, size_t *n_keep)
{
    if (idxs == NULL && n > 0)
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "cvhp_batched_nms: idxs is NULL with n = %zu", n);
    static const int64_t none = 0;
    return nms_entry(boxes, scores, idxs ? idxs : &none, n, opt, NULL, 0, keep, keep_cap, n_keep,
                     "cvhp_batched_nms");
}

cvhp_status cvhp_nms_ws(const float *boxes, const float *scores, const int64_t *idxs, size_t n,
                        const cvhp_nms_options *opt, void *workspace, size_t workspace_size, int64_t *keep,
                        size_t keep_cap, size_t *n_keep)
{
    if (workspace == NULL)
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "cvhp_nms_ws: workspace is NULL");
    return nms_entry(boxes, scores, idxs, n, opt, workspace, workspace_size, keep, keep_cap, n_keep, "cvhp_nms_ws");
}

/* ---- soft-NMS (OpenCV softNMSBoxes) ---- */

cvhp_status cvhp_soft_nms(const float *boxes, const float *scores, size_t n, cvhp_soft_nms_method method,
                          float iou_threshold, float sigma, float score_threshold, size_t top_k, int64_t *keep,
                          float *updated_scores, size_t keep_cap, size_t *n_keep)
{
    const char *fn = "cvhp_soft_nms";
    if (n_keep == NULL)
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "%s: n_keep is NULL", fn);
    *n_keep = 0;
    if ((boxes == NULL || scores == NULL) && n > 0)
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "%s: %s is NULL with n = %zu", fn,
                           boxes == NULL ? "boxes" : "scores", n);
    if ((keep == NULL || updated_scores == NULL) && keep_cap > 0)
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "%s: keep or updated_scores is NULL", fn);
    if (method != CVHP_SOFT_NMS_LINEAR && method != CVHP_SOFT_NMS_GAUSSIAN)
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "%s: unknown method %d", fn, (int)method);
    if (!(iou_threshold >= 0 && iou_threshold <= 1))
        return cvhp__error(CVHP_ERR_OUT_OF_RANGE, "iou_threshold: %g is outside [0, 1]", (double)iou_threshold);
    if (!(sigma > 0) || isinf(sigma))
        return cvhp__error(CVHP_ERR_OUT_OF_RANGE, "sigma: %g is not a positive number", (double)sigma);
    if (!(score_threshold >= 0) || isinf(score_threshold))
        return cvhp__error(CVHP_ERR_OUT_OF_RANGE, "score_threshold: %g is not a finite number >= 0",
                           (double)score_threshold);
    size_t bytes;
    if (!cvhp__mul_size(n, sizeof(float) + sizeof(uint32_t), &bytes) || n >= UINT32_MAX)
        return cvhp__error(CVHP_ERR_OVERFLOW, "%s: n = %zu is too large", fn, n);
    if (n == 0)
        return CVHP_OK;
    float *cur = cvhp__alloc(NULL, bytes);
    if (cur == NULL)
        return cvhp__error(CVHP_ERR_OUT_OF_MEMORY, "%s: cannot allocate %zu bytes", fn, bytes);
    uint32_t *idx = (uint32_t *)(cur + n);
    /* live candidates: scores below the threshold can never be selected and
     * are never rescored again, so they leave the list */
    size_t live = 0;
    for (size_t i = 0; i < n; i++)
        if (scores[i] >= score_threshold) {
            cur[live] = scores[i];
            idx[live++] = (uint32_t)i;
        }
    const size_t limit = top_k == 0 ? n : top_k;
    size_t nk = 0;
    cvhp_status st = CVHP_OK;
    while (nk < limit && live > 0) {
        /* the highest score; ties: the lowest index (idx ascending in the list) */
        size_t best = 0;
        for (size_t i = 1; i < live; i++)
            if (cur[i] > cur[best] || (cur[i] == cur[best] && idx[i] < idx[best]))
                best = i;
        if (!(cur[best] >= score_threshold))
            break;
        if (nk == keep_cap) {
            st = cvhp__error(CVHP_ERR_BUFFER_TOO_SMALL, "%s: keep holds %zu entries, more are selected", fn, keep_cap);
            break;
        }
        const uint32_t sel = idx[best];
        keep[nk] = sel;
        updated_scores[nk] = cur[best];
        nk++;
        const float *sb = boxes + 4 * (size_t)sel;
        size_t w = 0;
        for (size_t i = 0; i < live; i++) {
            if (i == best)
                continue;
            float s = cur[i];
            const float ov = opencv_overlap(sb, boxes + 4 * (size_t)idx[i]);
            if (method == CVHP_SOFT_NMS_LINEAR) {
                if (ov > iou_threshold)
                    s *= 1.0f - ov;
            } else {
                s = (float)((double)s * exp((double)(-(ov * ov) / sigma)));
            }
            if (s >= score_threshold) { /* keeps list order: indices stay ascending */
                cur[w] = s;
                idx[w++] = idx[i];
            }
        }
        live = w;
    }
    cvhp__free(NULL, cur);
    *n_keep = nk;
    return st;
}
