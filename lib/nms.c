/* SPDX-License-Identifier: MIT
 * Greedy NMS (torchvision-exact by default), class-aware NMS, the other
 * stacks' conventions, and soft-NMS.
 *
 * Fast path (torchvision arithmetic): candidates are radix-sorted (stable),
 * bucketed by class (one counting pass, or a stable radix sort for ids that
 * spread wider than the candidate count) and gathered into
 * structure-of-arrays. Small buckets are swept per kept box with the SIMD
 * suppress kernel over a "dead" byte map whose tail is compacted lazily.
 * Larger ones use a grid (grid_greedy): at thresholds >= 0.4 on one thread,
 * kept boxes sweep the candidates filed in the cells their "core" covers
 * (core_sweep; the bound is derived above grid_greedy); otherwise, and on
 * two threads from 32768 boxes, the greedy runs in column form against a
 * grid of the boxes kept so far. All visit a superset of the pairs that can
 * suppress (only boxes with a positive-area intersection can have
 * IoU > t >= 0, and only those with centres within the core bound can reach
 * t' >= 0.4) and use the same pair arithmetic, so the result is exactly the
 * greedy result.
 *
 * Boxes that cannot take part in suppression ("inert": zero or negative
 * width or height, non-finite area) are never suppressed and never suppress,
 * exactly as torchvision's arithmetic makes them when the float threshold
 * fmin is above 0. At fmin = 0 (threshold 0 with CVHP_NMS_SUPPRESS_GE) an IoU
 * of 0, or -0 from an inverted box, suppresses too: every pair whose IoU is
 * not NaN, overlapping or not, inert or not. That case skips the pruning and
 * runs the dense sweep with every kept box sweeping (the first kept box
 * usually removes the rest, so it stays fast). */
#include <math.h>
#include <string.h>
#include <stdlib.h>

#include "build_config.h"
#include "kernels.h"

#if CVHP_HAVE_OPENMP
#  include <omp.h>
#endif

/* Cell storage of the grid sweep: FILE_MAX entries per box of a bucket. */
#define FILE_MAX 4

#define FAST_FLAGS (CVHP_NMS_SUPPRESS_GE | CVHP_NMS_SCORE_THRESHOLD | CVHP_NMS_SCORE_GE | CVHP_NMS_TOPK_CANDIDATES)
#define ALL_FLAGS                                                                                       \
    (FAST_FLAGS | CVHP_NMS_AREA_PLUS_ONE | CVHP_NMS_OPENCV_IOU | CVHP_NMS_NORMALIZE_CORNERS |          \
     CVHP_NMS_TOPK_PER_CLASS)

/* Inputs below these sizes stay serial / dense: a team or a grid costs more. */
#define PAR_TAIL_MIN 16384
#define PAR_BUCKETS_MIN 2048
#define GRID_MIN 256
/* how far ahead the random gathers from the input fetch: 16 was 2% slower
 * than 48 to 96 on the 80-class 50k call (80 ns of lookahead is not enough) */
#define PREFETCH_AHEAD 64
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

/* The scalar reference of the column-form test (kernels.h). */
int cvhp__any_scalar(const float cand[5], const float *x1, const float *y1, const float *x2, const float *y2,
                     const float *area, size_t n, float fmin)
{
    for (size_t j = 0; j < n; j++) {
        const float k[5] = {x1[j], y1[j], x2[j], y2[j], area[j]};
        if (cvhp__tv_iou(k, cand[0], cand[1], cand[2], cand[3], cand[4]) >= fmin)
            return 1;
    }
    return 0;
}

/* ---- workspace layout ---- */

typedef struct {
    size_t skey, sval, tkey, tval;          /* u32[n] each */
    size_t ckey, tck;                       /* u64[n] each (batched) */
    size_t x1, y1, x2, y2, area;            /* float[n] */
    size_t dead, kept;                      /* u8[n] */
    size_t cellstart, kcount, stamp, kcprev; /* u32[2n + 1], u32[n] x 3 */
    size_t rect, frect;                      /* i32[4n] each */
    size_t keptv[5], bigv[5], cellv[5];     /* float[n] each, then float[FILE_MAX n] each */
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
    /* tck: n + 1, as it also holds the bucket starts (one bucket a box at most, then the end) */
    L->ckey = put(&off, batched ? n : 0, 8), L->tck = put(&off, batched ? n + 1 : 0, 8);
    L->x1 = put(&off, n, 4), L->y1 = put(&off, n, 4), L->x2 = put(&off, n, 4), L->y2 = put(&off, n, 4);
    L->area = put(&off, n, 4);
    L->dead = put(&off, n, 1), L->kept = put(&off, n, 1);
    L->cellstart = put(&off, 2 * n + 1, 4), L->kcount = put(&off, n, 4);
    L->stamp = put(&off, n, 4), L->kcprev = put(&off, n, 4), L->rect = put(&off, 4 * n, 4);
    L->frect = put(&off, 4 * n, 4);
    for (int f = 0; f < 5; f++) {
        L->keptv[f] = put(&off, n, 4);
        L->bigv[f] = put(&off, n, 4);
    }
    for (int f = 0; f < 5; f++) /* last: a sanitizer sees any overrun */
        L->cellv[f] = put(&off, FILE_MAX * n, 4);
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
    uint32_t *cellstart, *kcount, *stamp, *kcprev;
    int32_t *rect, *frect;
    float *cellv[5], *keptv[5], *bigv[5];
    cvhp__any_fn any;
    float fmin;
    uint32_t flags;
    float thr_f;
    double thr;
    cvhp__suppress_fn suppress;
    size_t n; /* the call's box count (workspace arrays of n entries) */
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
        if (c->fmin <= 0 || active(x1, y1, x2, y2, ar, head)) {
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

/* ---- fast path: greedy in column form over a grid of kept boxes ----
 *
 * Candidates are taken in blocks of BLOCK (score order). Phase 1 marks the
 * candidates of a block that a box kept in an earlier block suppresses; it
 * only reads, so it runs in parallel. Phase 2 walks the block in order and
 * tests each remaining candidate against the boxes kept earlier in the same
 * block. A candidate is thus tested against every earlier kept box that can
 * suppress it, and kept exactly when the sequential greedy keeps it.
 *
 * Kept boxes are filed in a uniform grid; a candidate only looks at some
 * cells (its query rectangle). Two ways to choose them, each visiting a
 * superset of the kept boxes that can suppress the candidate:
 *
 *  - box mode (any threshold): a kept box is filed in the cells its box
 *    covers and a candidate looks at the cells its box covers (cell = twice
 *    the mean box side); two boxes that intersect share a cell.
 *  - core mode (threshold t' >= CORE_T): IoU(A, K) >= t' > 0 means
 *    iw ih >= t' (wA hA + wK hK - iw ih) for the overlap iw x ih, so
 *    iw >= t' (wA hA + wK hK) / ((1 + t') ih) >= t' (wA + wK) / (1 + t')
 *    as ih <= min(hA, hK). With iw <= min(wA, wK) that bounds
 *    wA + wK <= wK (1 + t') / t', and with iw <= (wA + wK)/2 - |cxA - cxK|
 *    (min(p, q) = (p + q)/2 - |p - q|/2 on both ends) it gives
 *    |cxA - cxK| <= (wA + wK)(1 - t') / (2 (1 + t')) <= core(t') wK,
 *    core = (1 - t') / (2 t'); likewise in y, and with A and K swapped. The
 *    bound is reached (K inside A = K / t' wide, at its side, same heights).
 *    So A's centre lies in K's "core", the rectangle of half-sides core wK,
 *    core hK about K's centre: a kept box is filed in the cells its core
 *    covers and a candidate looks at the one cell holding its centre. Cores
 *    are much smaller than boxes (half the side at t' = 1/2, a fifth at 0.7),
 *    so cells hold far fewer boxes.
 *    t' is the float threshold less a relative 1e-4, far more than the few
 *    ulps by which the float IoU can exceed the exact one, and the core is
 *    widened by a relative 1e-4 for the rounding of centres and sides.
 *
 * Boxes whose filing rectangle covers more than SPAN_MAX cells (CORE_SPAN_MAX
 * in core mode), or would overrun the bucket's cell storage (FILE_MAX
 * entries a box, taken in box order), are "big" and tested by every
 * candidate; in box mode a big candidate tests every kept box. */
#define BLOCK 512
#define BLOCK_PAR 4096 /* fewer, larger parallel phases */
/* In core mode one thread's core_sweep beats the block-parallel sweep on two
 * threads below this many boxes (10k: 0.64 against 0.92 ms; 50k: 5.8
 * against 5.6 ms, clustered proposals). */
#define CORE_PAR_MIN 32768
#define SPAN_MAX 4
#define CORE_T 0.4 /* core mode from this threshold up: core <= 0.75 */
#define CORE_CELL 1.5 /* core-mode cell: CORE_CELL core(t') (mean width + mean height) */
#define CORE_SPAN_MAX 9 /* SPAN_MAX in core mode */
#define SWEEP_CALL_COST 30.0 /* core_sweep: a kernel call costs as much as this many pair tests */

typedef struct {
    double ox, oy, inv;
    double xmax, ymax; /* gx - 1, gy - 1 */
    int64_t gx, gy;
    double core; /* core(t') widened, or 0 in box mode */
} grid_geom;

/* The column (row) of coordinate v: truncation is floor as the clamp to 0
 * comes first, and monotone in v, so an interval's cells hold the cells of
 * every point in it; NaN goes to 0. Branch-free (maxsd, minsd). */
static inline int32_t cell_of(double v, double o, double inv, double gmax)
{
    double f = (v - o) * inv;
    f = f > 0 ? f : 0;
    f = f < gmax ? f : gmax;
    return (int32_t)f;
}

/* [c0, c1] x [c2, c3] -> f, or -2 (big) when it has more than max cells */
static inline void put_rect(int32_t *f, int32_t c0, int32_t c1, int32_t c2, int32_t c3, int32_t max)
{
    f[0] = (int64_t)(c1 - c0 + 1) * (c3 - c2 + 1) > max ? -2 : c0; /* int64: up to 2^32 cells */
    f[1] = c1, f[2] = c2, f[3] = c3;
}

/* The column and row of the centre of box k, its flat cell index, and the
 * cells its core covers. */
static inline void centre_cell(const grid_geom *g, const float k[4], int32_t *col, int32_t *row)
{
    *col = cell_of(0.5 * ((double)k[0] + k[2]), g->ox, g->inv, g->xmax);
    *row = cell_of(0.5 * ((double)k[1] + k[3]), g->oy, g->inv, g->ymax);
}

static inline int32_t home_cell(const grid_geom *g, const float k[4])
{
    int32_t col, row;
    centre_cell(g, k, &col, &row);
    return row * (int32_t)g->gx + col;
}

static inline void core_cells(const grid_geom *g, const float k[4], int32_t f[4])
{
    const double cx = 0.5 * ((double)k[0] + k[2]), cy = 0.5 * ((double)k[1] + k[3]);
    const double hx = g->core * ((double)k[2] - k[0]) + 1e-6 * (fabs(cx) + 1.0);
    const double hy = g->core * ((double)k[3] - k[1]) + 1e-6 * (fabs(cy) + 1.0);
    f[0] = cell_of(cx - hx, g->ox, g->inv, g->xmax), f[1] = cell_of(cx + hx, g->ox, g->inv, g->xmax);
    f[2] = cell_of(cy - hy, g->oy, g->inv, g->ymax), f[3] = cell_of(cy + hy, g->oy, g->inv, g->ymax);
}

/* The query (r) and filing (f) rectangles of active box k (see above). */
static inline void box_cells(const grid_geom *g, const float k[4], int32_t *r, int32_t *f)
{
    if (g->core > 0) {
        centre_cell(g, k, &r[0], &r[2]);
        r[1] = r[0], r[3] = r[2];
        int32_t cr[4];
        core_cells(g, k, cr);
        put_rect(f, cr[0], cr[1], cr[2], cr[3], CORE_SPAN_MAX);
    } else {
        put_rect(r, cell_of(k[0], g->ox, g->inv, g->xmax), cell_of(k[2], g->ox, g->inv, g->xmax),
                 cell_of(k[1], g->oy, g->inv, g->ymax), cell_of(k[3], g->oy, g->inv, g->ymax), SPAN_MAX);
    }
}

/* Grid over the active boxes of a bucket; 0 when none is active. inert,
 * when not NULL, receives -1 for each box that is not active, else 0. The cell is
 * scale (mean width + mean height), or for core_sweep (scale 0) x times the
 * mean core side q: a kept box makes about q/s + 1 kernel calls (one per row
 * of cells) over rho (q + s)^2 candidates (rho: boxes per unit area), so the
 * cost alpha (1/x + 1) + beta rho q^2 (1 + x)^2 is least where
 * x^2 (1 + x) = alpha / (2 beta rho q^2); alpha / beta = SWEEP_CALL_COST was
 * fitted on the benchmark's per-class and crowded single-class proposals. */
static int grid_geometry(const ctx *c, size_t b, size_t m, double scale, grid_geom *g, int32_t *inert)
{
    const float *x1 = c->x1 + b, *y1 = c->y1 + b, *x2 = c->x2 + b, *y2 = c->y2 + b, *ar = c->area + b;
    double minx = INFINITY, miny = INFINITY, maxx = -INFINITY, maxy = -INFINITY, sw = 0;
    size_t na = 0;
    for (size_t i = 0; i < m; i++) {
        const int on = active(x1, y1, x2, y2, ar, i);
        if (inert)
            inert[i] = on - 1; /* 0 or -1 */
        if (!on)
            continue;
        minx = x1[i] < minx ? x1[i] : minx, miny = y1[i] < miny ? y1[i] : miny;
        maxx = x2[i] > maxx ? x2[i] : maxx, maxy = y2[i] > maxy ? y2[i] : maxy;
        sw += ((double)x2[i] - x1[i]) + ((double)y2[i] - y1[i]);
        na++;
    }
    if (na == 0)
        return 0;
    const double ex = maxx - minx, ey = maxy - miny;
    if (scale == 0) {
        const double q = g->core * sw / (double)na, rho = (double)na / ((ex + q) * (ey + q));
        const double rhs = SWEEP_CALL_COST / (2 * rho * q * q);
        double x = 4;
        if (rhs < 80) { /* else x >= 4 */
            x = cbrt(rhs) > 1 ? cbrt(rhs) : 1; /* >= the root: Newton descends to it */
            for (int it = 0; it < 8; it++)
                x -= (x * x * (1 + x) - rhs) / (x * (2 + 3 * x));
        }
        x = x < 0.2 ? 0.2 : x > 4 ? 4 : x; /* also takes NaN to 4 */
        scale = x * g->core;
    }
    double cell = scale * sw / (double)na; /* scale (mean width + mean height) */
    if (!(cell > 0) || !isfinite(cell))
        cell = 1;
    /* at most m cells, and int32 cell coordinates on each axis */
    while ((floor(ex / cell) + 1) * (floor(ey / cell) + 1) > (double)m || floor(ex / cell) >= (double)INT32_MAX ||
           floor(ey / cell) >= (double)INT32_MAX)
        cell *= 1.25;
    g->ox = minx, g->oy = miny, g->inv = 1.0 / cell;
    g->gx = (int64_t)(floor(ex / cell) + 1), g->gy = (int64_t)(floor(ey / cell) + 1);
    g->xmax = (double)(g->gx - 1), g->ymax = (double)(g->gy - 1);
    return 1;
}

static inline void push5(float *const v[5], size_t at, const float k[5])
{
    for (int f = 0; f < 5; f++)
        v[f][at] = k[f];
}

static inline void load5(const ctx *c, size_t b, size_t q, float k[5])
{
    k[0] = c->x1[b + q], k[1] = c->y1[b + q], k[2] = c->x2[b + q], k[3] = c->y2[b + q], k[4] = c->area[b + q];
}

/* Shared state of one bucket's sweep. */
typedef struct {
    const ctx *c;
    size_t b;
    const grid_geom *g;
    const int32_t *rect, *frect; /* query and filing rectangles */
    const uint32_t *cstart;
    uint32_t *kc, *stamp, *kcprev;
    float *cell[5], *kept[5], *big[5];
    uint8_t *sup;
    size_t nkept, nbig;
    int64_t kept_total, cap;
    uint32_t blockno;
    int done;
    int track; /* block-parallel sweep: record which boxes each block filed */
} greedy_state;

/* Does a box filed in cell cc suppress candidate k? After phase 1 only the
 * boxes this block filed there count (phase 1 tested the earlier ones). */
static inline int cell_hit(const greedy_state *s, const float k[5], size_t cc, int after_phase1, uint32_t blockno)
{
    const size_t from = !after_phase1 ? 0 : s->stamp[cc] == blockno ? s->kcprev[cc] : s->kc[cc];
    const size_t o = s->cstart[cc] + from;
    return s->kc[cc] > from && s->c->any(k, s->cell[0] + o, s->cell[1] + o, s->cell[2] + o, s->cell[3] + o,
                                         s->cell[4] + o, s->kc[cc] - from, s->c->fmin);
}

#if CVHP_HAVE_OPENMP /* only the block-parallel sweep uses it */
/* Is candidate q suppressed by a box kept in an earlier block? Read-only. */
static int phase1(const greedy_state *s, size_t q)
{
    const int32_t *r = s->rect + 4 * q;
    if (r[0] == -1)
        return 0;
    const ctx *c = s->c;
    float k[5];
    load5(c, s->b, q, k);
    if (s->nbig && c->any(k, s->big[0], s->big[1], s->big[2], s->big[3], s->big[4], s->nbig, c->fmin))
        return 1;
    if (r[0] == -2)
        return c->any(k, s->kept[0], s->kept[1], s->kept[2], s->kept[3], s->kept[4], s->nkept, c->fmin);
    const size_t gx = (size_t)s->g->gx;
    for (int32_t yy = r[2]; yy <= r[3]; yy++)
        for (int32_t xx = r[0]; xx <= r[1]; xx++)
            if (cell_hit(s, k, (size_t)yy * gx + (size_t)xx, 0, 0))
                return 1;
    return 0;
}
#endif

/* Candidates [b0, b1) in order: test against the kept boxes not covered by
 * phase 1 (all of them when phase 1 did not run), keep and file. */
static void phase2(greedy_state *s, size_t b0, size_t b1, int after_phase1)
{
    const ctx *c = s->c;
    const size_t b = s->b, gx = (size_t)s->g->gx;
    const cvhp__any_fn any = c->any;
    const float fmin = c->fmin;
    const size_t kept0 = after_phase1 ? s->nkept : 0, big0 = after_phase1 ? s->nbig : 0;
    const uint32_t blockno = ++s->blockno;
    const int core = s->g->core > 0, track = s->track;
    for (size_t q = b0; q < b1; q++) {
        const int32_t *r = s->rect + 4 * q;
        if (r[0] != -1) {
            if (after_phase1 && s->sup[q])
                continue;
            float k[5];
            load5(c, b, q, k);
            if (s->nbig > big0 && any(k, s->big[0] + big0, s->big[1] + big0, s->big[2] + big0, s->big[3] + big0,
                                      s->big[4] + big0, s->nbig - big0, fmin))
                continue;
            int hit = 0;
            if (core) { /* one cell */
                hit = cell_hit(s, k, (size_t)r[2] * gx + (size_t)r[0], after_phase1, blockno);
            } else if (r[0] == -2) {
                hit = s->nkept > kept0 && any(k, s->kept[0] + kept0, s->kept[1] + kept0, s->kept[2] + kept0,
                                              s->kept[3] + kept0, s->kept[4] + kept0, s->nkept - kept0, fmin);
            } else {
                for (int32_t yy = r[2]; yy <= r[3] && !hit; yy++)
                    for (int32_t xx = r[0]; xx <= r[1] && !hit; xx++)
                        hit = cell_hit(s, k, (size_t)yy * gx + (size_t)xx, after_phase1, blockno);
            }
            if (hit)
                continue;
            /* kept: file it */
            if (!core) /* only big candidates read the list, and only in box mode */
                push5(s->kept, s->nkept++, k);
            const int32_t *f = s->frect + 4 * q;
            if (f[0] == -2) {
                push5(s->big, s->nbig++, k);
            } else {
                for (int32_t yy = f[2]; yy <= f[3]; yy++)
                    for (int32_t xx = f[0]; xx <= f[1]; xx++) {
                        const size_t cc = (size_t)yy * gx + (size_t)xx;
                        if (track && s->stamp[cc] != blockno) {
                            s->stamp[cc] = blockno;
                            s->kcprev[cc] = s->kc[cc];
                        }
                        push5(s->cell, s->cstart[cc] + s->kc[cc]++, k);
                    }
            }
        }
        c->kept[c->pos[b + q]] = 1;
        if (++s->kept_total == s->cap) {
            s->done = 1;
            return;
        }
    }
}

/* One more box in each cell of filing rectangle f, while the bucket's cell
 * storage (FILE_MAX per box) has room; else the box is big. */
static inline void count_cells(uint32_t *cstart, int32_t *f, size_t gx, size_t *filed, size_t room)
{
    const size_t span = (size_t)(f[1] - f[0] + 1) * (size_t)(f[3] - f[2] + 1);
    if (*filed + span > room) {
        f[0] = -2;
        return;
    }
    *filed += span;
    for (int32_t yy = f[2]; yy <= f[3]; yy++)
        for (int32_t xx = f[0]; xx <= f[1]; xx++)
            cstart[(size_t)yy * gx + (size_t)xx + 1]++;
}

/* ---- fast path, core mode, one thread: kept boxes sweep their core's cells ----
 *
 * The same greedy turned around: every candidate is filed once, in the cell
 * holding its centre, in score order (a counting sort). The bucket is walked
 * in score order; each cell's cursor moves past the candidates already
 * visited, and a kept box runs the dense sweep's kernel over the later, live
 * candidates of each cell its core covers, which hold every candidate it can
 * suppress. No storage per kept box, no big boxes (a box with a large core
 * simply sweeps more cells). */
static void core_sweep(const ctx *c, size_t b, size_t bi, size_t m, int64_t cap, const grid_geom *g, int32_t *home,
                       float *const s[5])
{
    const float *x1 = c->x1 + b, *y1 = c->y1 + b, *x2 = c->x2 + b, *y2 = c->y2 + b, *ar = c->area + b;
    const uint32_t *pos = c->pos + b;
    const size_t gx = (size_t)g->gx, ncell = (size_t)(g->gx * g->gy);
    uint32_t *cstart = c->cellstart + b + bi, *cur = c->kcount + b;
    /* home: each box's cell, -1: inert (set by grid_geometry); s: the
     * boxes in cell order */
    uint32_t *slot = (uint32_t *)(home + m); /* a box's place in cell order */
    uint8_t *dead = c->dead + b;

    memset(cstart, 0, (ncell + 1) * sizeof *cstart);
    for (size_t i = 0; i < m; i++) {
        if (home[i] < 0) /* inert (grid_geometry) */
            continue;
        const float k[4] = {x1[i], y1[i], x2[i], y2[i]};
        home[i] = home_cell(g, k);
        cstart[home[i] + 1]++;
    }
    for (size_t k = 1; k <= ncell; k++)
        cstart[k] += cstart[k - 1];
    memcpy(cur, cstart, ncell * sizeof *cur);
    for (size_t i = 0; i < m; i++) {
        if (home[i] < 0)
            continue;
        const uint32_t p = cur[home[i]]++;
        slot[i] = p;
        s[0][p] = x1[i], s[1][p] = y1[i], s[2][p] = x2[i], s[3][p] = y2[i], s[4][p] = ar[i];
    }
    memcpy(cur, cstart, ncell * sizeof *cur); /* dead: zeroed by run() */

    const cvhp__suppress_fn suppress = c->suppress;
    const float fmin = c->fmin;
    int64_t kept = 0;
    for (size_t q = 0; q < m; q++) {
        if (home[q] >= 0) {
            const uint32_t p = slot[q];
            cur[home[q]] = p + 1; /* the cell's candidates up to q are visited */
            if (dead[p])
                continue;
            const float k[5] = {x1[q], y1[q], x2[q], y2[q], ar[q]};
            int32_t f[4];
            core_cells(g, k, f);
            /* a row of cells is one range: from the first cell's cursor to
             * the last cell's end; it also holds the other cells' visited
             * candidates, and marking one of those dead changes nothing
             * (its fate is decided, and no sweep reads a dead mark again) */
            for (int32_t yy = f[2]; yy <= f[3]; yy++) {
                const size_t row = (size_t)yy * gx, lo = cur[row + (size_t)f[0]], hi = cstart[row + (size_t)f[1] + 1];
                if (lo < hi)
                    suppress(k, s[0], s[1], s[2], s[3], s[4], dead, lo, hi, fmin);
            }
        }
        c->kept[pos[q]] = 1;
        if (++kept == cap)
            return;
    }
}

/* tid: the calling thread's number in the team over buckets (0 outside
 * one), team: that team's size (1 outside one) */
static void grid_greedy(const ctx *c, size_t b, size_t bi, size_t m, int64_t cap, int nt, int tid, int team)
{
    const float *x1 = c->x1 + b, *y1 = c->y1 + b, *x2 = c->x2 + b, *y2 = c->y2 + b, *ar = c->area + b;
    const uint32_t *pos = c->pos + b;
    /* core mode: t' and the core's half-side per unit of box side */
    const double tp = (double)c->fmin * (1.0 - 1e-4);
    const double core = tp >= CORE_T ? (1.0 - tp) / (2.0 * tp) * (1.0 + 1e-4) : 0.0;
    grid_geom g;
    g.core = core;
    /* (core_sweep keeps flat cell indices, < m, in int32) */
    const int sweep = core > 0 && m <= INT32_MAX && !(nt > 1 && m >= CORE_PAR_MIN);
    /* core_sweep's scratch: home and slot (2m int32) and the cell-ordered
     * boxes (m floats each); thread tid's own region, which stays in cache
     * from one bucket to the next, while the buckets' slices of rect and
     * cellv are spread over megabytes: 4% of an 80-class 50k call. There
     * are two such regions, so only in teams of up to two threads (a third
     * thread's bucket slice could overlap them); and with n <= INT32_MAX
     * every core-mode bucket on a team thread (nt = 1) takes core_sweep, so
     * no bucket's slice is in use by another thread. */
    const size_t n = c->n;
    const int own = n <= INT32_MAX && team <= 2 && tid >= 0 && tid < 2;
    int32_t *home = own ? c->rect + (size_t)tid * 2 * n : c->rect + 4 * b;
    float *sv[5];
    for (int f = 0; f < 5; f++)
        sv[f] = own ? c->cellv[f] + (size_t)tid * n : c->cellv[f] + FILE_MAX * b;
    if (!grid_geometry(c, b, m, core > 0 ? (sweep ? 0 : CORE_CELL * core) : 1.0, &g, sweep ? home : NULL)) { /* nothing can suppress anything */
        for (size_t q = 0; q < m && (int64_t)q != cap; q++)
            c->kept[pos[q]] = 1;
        return;
    }
    if (sweep) {
        core_sweep(c, b, bi, m, cap, &g, home, sv);
        return;
    }
    const size_t ncell = (size_t)(g.gx * g.gy);
    uint32_t *cstart = c->cellstart + b + bi, *kc = c->kcount + b, *stamp = c->stamp + b, *kcprev = c->kcprev + b;
    /* cell rectangles of each box, [0] = -1: inert, -2: big; as a candidate
     * (rect) and as a kept box (frect, the same in box mode) */
    int32_t *rect = c->rect + 4 * b, *frect = core > 0 ? c->frect + 4 * b : rect;
    float *cell[5], *kept[5], *big[5];
    for (int f = 0; f < 5; f++) {
        cell[f] = c->cellv[f] + FILE_MAX * b;
        kept[f] = c->keptv[f] + b;
        big[f] = c->bigv[f] + b;
    }
    uint8_t *sup = c->dead + b;

    /* each box's cells (in parallel), then each cell's capacity (the boxes
     * filed in it); one pass when serial */
    memset(cstart, 0, (ncell + 1) * sizeof *cstart);
    const int par_cells = nt > 1 && m >= 8192;
    size_t filed = 0;
#if CVHP_HAVE_OPENMP
#  pragma omp parallel for num_threads(nt) schedule(static) if (par_cells)
#endif
    for (size_t i = 0; i < m; i++) {
        int32_t *r = rect + 4 * i, *f = frect + 4 * i;
        if (!active(x1, y1, x2, y2, ar, i)) {
            r[0] = f[0] = -1;
            continue;
        }
        const float k[4] = {x1[i], y1[i], x2[i], y2[i]};
        box_cells(&g, k, r, f);
        if (!par_cells && f[0] >= 0)
            count_cells(cstart, f, (size_t)g.gx, &filed, FILE_MAX * m);
    }
    if (par_cells)
        for (size_t i = 0; i < m; i++)
            if (frect[4 * i] >= 0)
                count_cells(cstart, frect + 4 * i, (size_t)g.gx, &filed, FILE_MAX * m);
    for (size_t k = 1; k <= ncell; k++)
        cstart[k] += cstart[k - 1];
    memset(kc, 0, ncell * sizeof *kc);
    memset(stamp, 0, ncell * sizeof *stamp);

    greedy_state st = {c, b, &g, rect, frect, cstart, kc, stamp, kcprev, {0}, {0}, {0}, sup, 0, 0, 0, cap, 0, 0, 0};
    for (int f = 0; f < 5; f++)
        st.cell[f] = cell[f], st.kept[f] = kept[f], st.big[f] = big[f];
#if CVHP_HAVE_OPENMP
    if (nt > 1 && m >= 2 * BLOCK_PAR) {
        st.track = 1;
        /* one team for the whole sweep: phase 1 is split between the threads,
         * phase 2 runs on one of them while the others wait at the barrier */
#  pragma omp parallel num_threads(nt)
        for (size_t b0 = 0; b0 < m; b0 += BLOCK_PAR) {
            const size_t b1 = m - b0 < BLOCK_PAR ? m : b0 + BLOCK_PAR;
            /* decided from b0 alone: shared state may already be changing in
             * a faster thread's phase 2 of this block */
            const int par = b0 > 0;
            if (par) {
#  pragma omp for schedule(static)
                for (size_t q = b0; q < b1; q++)
                    sup[q] = (uint8_t)phase1(&st, q);
            }
#  pragma omp single
            phase2(&st, b0, b1, par);
            if (st.done)
                break;
        }
        return;
    }
#endif
    (void)nt;
    phase2(&st, 0, m, 0); /* serial: one block */
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

static void run_bucket(const ctx *c, const float *boxes, const uint32_t *order, const size_t *bstart, size_t k,
                       int64_t cap, int fast, int nt, int tid, int team, uint32_t *kept_lists)
{
    const size_t b = bstart[k], mb = bstart[k + 1] - b;
    if (!fast)
        generic(c, boxes, order, b, mb, cap, kept_lists + b);
    else if (mb >= GRID_MIN && c->fmin > 0)
        grid_greedy(c, b, k, mb, cap, nt, tid, team);
    else
        dense(c, b, mb, cap, nt);
}

static cvhp_status run(const float *boxes, const float *scores, const int64_t *idxs, size_t n,
                       const cvhp_nms_options *o, unsigned char *ws, int64_t *keep, size_t keep_cap, size_t *n_keep)
{
    layout L;
    plan(n, idxs != NULL, &L);
    uint32_t *skey = (uint32_t *)(ws + L.skey), *sval = (uint32_t *)(ws + L.sval);
    uint32_t *tkey = (uint32_t *)(ws + L.tkey), *tval = (uint32_t *)(ws + L.tval);
    const uint32_t flags = o->flags;
    const float sthr = (float)o->score_threshold;

    /* Batched with ids spanning fewer values than there are boxes (class
     * ids): each box's id as an offset from the lowest (cid, in ckey's
     * memory) and each id's count of candidates (in bstart) are taken while
     * the scores are read, so the grouping after the sort is one pass that
     * reads 4-byte offsets: 3% of an 80-class 50k call against gathering the
     * 8-byte ids and grouping them apart. */
    uint32_t *cid = NULL;
    size_t range = 0;
    uint64_t idlo = 0;
    size_t *bstart = idxs != NULL ? (size_t *)(void *)(ws + L.tck) : NULL; /* n + 1 entries */
    if (idxs != NULL && n > 0) {
        int64_t lo = idxs[0], hi = idxs[0];
        for (size_t i = 1; i < n; i++)
            lo = idxs[i] < lo ? idxs[i] : lo, hi = idxs[i] > hi ? idxs[i] : hi;
        if ((uint64_t)hi - (uint64_t)lo < n) {
            range = (size_t)((uint64_t)hi - (uint64_t)lo) + 1;
            cid = (uint32_t *)(void *)(ws + L.ckey); /* set for the candidates below */
            idlo = (uint64_t)lo;
            memset(bstart, 0, range * sizeof *bstart);
        }
    }

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
        if (cid != NULL) {
            const uint32_t ci = (uint32_t)((uint64_t)idxs[i] - idlo);
            cid[i] = ci;
            bstart[ci]++;
        }
        m++;
    }
    cvhp__radix_u32(skey, sval, tkey, tval, m);
    const uint32_t *order = sval; /* order[rank] = input index */
    int cut = 0; /* the counts in bstart include candidates cut here */
    if ((flags & CVHP_NMS_TOPK_CANDIDATES) && o->top_k > 0 && (uint64_t)o->top_k < m)
        m = (size_t)o->top_k, cut = 1;

    /* 2. buckets: ranks grouped by class, score order kept inside each */
    uint32_t *pos = tval; /* slot -> rank */
    size_t nb = 1;
    if (cid != NULL) {
        nb = cvhp__group_small(cid, order, m, range, !cut, bstart, pos);
    } else if (idxs != NULL) {
        uint64_t *ck = (uint64_t *)(ws + L.ckey), *tck = (uint64_t *)(ws + L.tck);
        for (size_t r = 0; r < m; r++) {
            if (r + PREFETCH_AHEAD < m) /* a random gather: fetch ahead, as for the boxes */
                __builtin_prefetch(idxs + order[r + PREFETCH_AHEAD]);
            ck[r] = (uint64_t)idxs[order[r]];
        }
        /* pos: the ranks grouped by class; bucket starts in tck (n + 1
         * entries), which is also the grouping's scratch; tkey is free after
         * the score sort */
        nb = cvhp__group_i64(ck, NULL, pos, tck, tkey, m, bstart);
    } else {
        for (size_t r = 0; r < m; r++)
            pos[r] = (uint32_t)r;
    }

    ctx c;
    c.x1 = (float *)(ws + L.x1), c.y1 = (float *)(ws + L.y1), c.x2 = (float *)(ws + L.x2);
    c.y2 = (float *)(ws + L.y2), c.area = (float *)(ws + L.area);
    c.pos = pos, c.dead = ws + L.dead, c.kept = ws + L.kept, c.n = n;
    c.cellstart = (uint32_t *)(ws + L.cellstart), c.kcount = (uint32_t *)(ws + L.kcount);
    c.stamp = (uint32_t *)(ws + L.stamp), c.kcprev = (uint32_t *)(ws + L.kcprev), c.rect = (int32_t *)(ws + L.rect);
    c.frect = (int32_t *)(ws + L.frect);
    for (int f = 0; f < 5; f++) {
        c.cellv[f] = (float *)(ws + L.cellv[f]), c.keptv[f] = (float *)(ws + L.keptv[f]);
        c.bigv[f] = (float *)(ws + L.bigv[f]);
    }
    c.flags = flags, c.thr = o->iou_threshold, c.thr_f = (float)o->iou_threshold;
    c.fmin = threshold_fmin(o->iou_threshold, (flags & CVHP_NMS_SUPPRESS_GE) != 0);
    memset(c.dead, 0, m);
    memset(c.kept, 0, m);
    const int fast = (flags & ~FAST_FLAGS) == 0 || (flags & ~(FAST_FLAGS | CVHP_NMS_TOPK_PER_CLASS)) == 0;
#if CVHP_HAVE_OPENMP
    const int nt_gather = cvhp__threads(o->num_threads);
#  pragma omp parallel for num_threads(nt_gather) schedule(static) if (nt_gather > 1 && m >= 16384)
#endif
    for (size_t t = 0; t < m; t++) {
        /* a random gather from the input: fetch a few boxes ahead */
        if (t + PREFETCH_AHEAD < m)
            __builtin_prefetch(boxes + 4 * (size_t)order[pos[t + PREFETCH_AHEAD]]);
        const float *q = boxes + 4 * (size_t)order[pos[t]];
        c.x1[t] = q[0], c.y1[t] = q[1], c.x2[t] = q[2], c.y2[t] = q[3];
        c.area[t] = (q[2] - q[0]) * (q[3] - q[1]);
    }
    c.suppress = cvhp__pick_suppress();
    c.any = cvhp__pick_any();

    /* output cap per bucket: per class for ONNX-style, else the global cap
     * (a class cannot contribute more than top_k to the first top_k) */
    const int64_t cap = (!(flags & CVHP_NMS_TOPK_CANDIDATES) && o->top_k > 0) ? o->top_k : -1;
    int nt = cvhp__threads(o->num_threads);
    if (m < PAR_BUCKETS_MIN)
        nt = 1;
    size_t one_bucket[2] = {0, m};
    if (bstart == NULL)
        bstart = one_bucket;
    /* the generic path keeps its kept list in the score-key array (free now) */
    uint32_t *kept_lists = skey;
    if (nb == 1) { /* no enclosing team: the sweep may start its own */
        run_bucket(&c, boxes, order, bstart, 0, cap, fast, nt, 0, 1, kept_lists);
    } else {
#if CVHP_HAVE_OPENMP
#  pragma omp parallel for num_threads(nt) schedule(dynamic, 1) if (nt > 1)
#endif
        for (size_t k = 0; k < nb; k++) {
#if CVHP_HAVE_OPENMP
            const int tid = omp_get_thread_num(), team = omp_get_num_threads();
#else
            const int tid = 0, team = 1;
#endif
            run_bucket(&c, boxes, order, bstart, k, cap, fast, 1, tid, team, kept_lists);
        }
    }

    /* 3. output in global score order */
    size_t nk = 0;
    const int per_class = (flags & CVHP_NMS_TOPK_PER_CLASS) != 0;
    const int capped = !per_class && o->top_k > 0 && !(flags & CVHP_NMS_TOPK_CANDIDATES);
    if (!capped && keep_cap >= m) {
        /* no output cap and room for every candidate: branch-free (each
         * candidate is written at nk <= r < keep_cap, and nk moves on when it
         * is kept); a kept flag is 0 or 1 */
        for (size_t r = 0; r < m; r++) {
            keep[nk] = (int64_t)order[r];
            nk += c.kept[r];
        }
        *n_keep = nk;
        return CVHP_OK;
    }
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
