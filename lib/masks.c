/* SPDX-License-Identifier: MIT
 * Mask -> polygons with the reference service's algorithm (§2.1):
 * threshold (>), pad 1, marching squares at 0.5 with scikit-image's
 * find_contours semantics (segment cases, 'low' connectivity and
 * orientation, and its exact contour-assembly order), cumulative RDP, then
 * ceil(v) - pad and normalization. The padding is virtual: rows are
 * thresholded one at a time into two small row buffers, so the mask is read
 * once and never copied. */
#include <math.h>
#include <string.h>

#include "build_config.h"
#include "config_internal.h"
#include "kernels.h"

#if CVHP_HAVE_OPENMP
#  include <omp.h>
#endif

/* ---- growable arrays on the caller's allocator ---- */

typedef struct {
    const cvhp_allocator *a;
    int oom;
} arena;

static int grow(arena *ar, void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 1;
    size_t nc = *cap ? *cap : 64;
    while (nc < need)
        nc *= 2;
    size_t bytes;
    if (!cvhp__mul_size(nc, elem, &bytes)) {
        ar->oom = 1;
        return 0;
    }
    void *q = cvhp__alloc(ar->a, bytes);
    if (q == NULL) {
        ar->oom = 1;
        return 0;
    }
    if (*cap)
        memcpy(q, *p, *cap * elem);
    cvhp__free(ar->a, *p);
    *p = q;
    *cap = nc;
    return 1;
}

/* ---- points: doubled coordinates (2 * row, 2 * col) packed in 64 bits ---- */

static inline uint64_t pkey(uint32_t r2, uint32_t c2) { return (uint64_t)r2 << 32 | c2; }

/* The open contour ends, point -> contour index, with Python dict
 * semantics (set, pop). Rows are marched top to bottom, so every open end
 * lies on the frontier of the current padded row r0: the horizontal lines
 * r0 and r0 + 1 (doubled row 2 r0, 2 r0 + 2) or a vertical edge of band r0
 * (doubled row 2 r0 + 1). A point on line r0 is shared by the squares of
 * rows r0 - 1 and r0 only, and one on a vertical edge of band r0 by two
 * squares of row r0, so once row r0 is done neither kind is an open end:
 * the slots of line r0 are empty again when line r0 + 2 reuses them, and
 * the vertical slots are empty when band r0 + 1 starts. So the maps are
 * direct-indexed arrays, two horizontal lines by parity and one band. */
typedef struct {
    int32_t *h[2]; /* h[line & 1][col], col = (doubled col - 1) / 2, in [0, width] */
    int32_t *v;    /* v[col], col = doubled col / 2, in [0, width + 1] */
} pmap;

static inline int32_t *pslot(pmap *m, uint64_t k)
{
    const uint32_t r2 = (uint32_t)(k >> 32), c2 = (uint32_t)k;
    return (r2 & 1) ? &m->v[c2 >> 1] : &m->h[(r2 >> 1) & 1][c2 >> 1];
}

static inline int pmap_set(pmap *m, uint64_t k, int32_t v)
{
    *pslot(m, k) = v;
    return 1;
}

/* remove k; returns its value or -1 */
static inline int32_t pmap_pop(pmap *m, uint64_t k)
{
    int32_t *p = pslot(m, k);
    const int32_t v = *p;
    *p = -1;
    return v;
}

/* ---- contours as linked point lists ---- */

typedef struct {
    uint32_t r2, c2;
    int32_t next, prev;
} node;

typedef struct {
    int32_t first, last;
    int32_t alive;
    int32_t count;
} chain;

typedef struct {
    arena ar;
    node *nodes;
    size_t nn, ncap;
    chain *ch;
    size_t nc, ccap;
    pmap starts, ends;
} assembler;

static int32_t new_node(assembler *s, uint64_t k)
{
    if (!grow(&s->ar, (void **)&s->nodes, &s->ncap, s->nn + 1, sizeof *s->nodes))
        return -1;
    node *n = &s->nodes[s->nn];
    n->r2 = (uint32_t)(k >> 32), n->c2 = (uint32_t)k, n->next = n->prev = -1;
    return (int32_t)s->nn++;
}

static int append(assembler *s, int32_t c, uint64_t k)
{
    int32_t n = new_node(s, k);
    if (n < 0)
        return 0;
    chain *h = &s->ch[c];
    s->nodes[n].prev = h->last;
    s->nodes[h->last].next = n;
    h->last = n;
    h->count++;
    return 1;
}

static int prepend(assembler *s, int32_t c, uint64_t k)
{
    int32_t n = new_node(s, k);
    if (n < 0)
        return 0;
    chain *h = &s->ch[c];
    s->nodes[n].next = h->first;
    s->nodes[h->first].prev = n;
    h->first = n;
    h->count++;
    return 1;
}

static inline uint64_t node_key(const assembler *s, int32_t n) { return pkey(s->nodes[n].r2, s->nodes[n].c2); }

/* scikit-image's _assemble_contours, one segment at a time */
static int add_segment(assembler *s, uint64_t from, uint64_t to)
{
    if (from == to)
        return 1;
    const int32_t tail = pmap_pop(&s->starts, to);
    const int32_t head = pmap_pop(&s->ends, from);
    if (tail >= 0 && head >= 0) {
        if (tail == head)
            return append(s, head, to); /* closes the contour */
        chain *H = &s->ch[head], *T = &s->ch[tail];
        if (tail > head) { /* append tail to head */
            s->nodes[H->last].next = T->first;
            s->nodes[T->first].prev = H->last;
            H->last = T->last;
            H->count += T->count;
            T->alive = 0;
            return pmap_set(&s->starts, node_key(s, H->first), head) &&
                   pmap_set(&s->ends, node_key(s, H->last), head);
        }
        /* prepend head to tail */
        pmap_pop(&s->starts, node_key(s, H->first));
        s->nodes[H->last].next = T->first;
        s->nodes[T->first].prev = H->last;
        T->first = H->first;
        T->count += H->count;
        H->alive = 0;
        return pmap_set(&s->starts, node_key(s, T->first), tail) &&
               pmap_set(&s->ends, node_key(s, T->last), tail);
    }
    if (tail < 0 && head < 0) {
        if (!grow(&s->ar, (void **)&s->ch, &s->ccap, s->nc + 1, sizeof *s->ch))
            return 0;
        const int32_t c = (int32_t)s->nc;
        int32_t a = new_node(s, from), b = a >= 0 ? new_node(s, to) : -1;
        if (b < 0)
            return 0;
        s->nodes[a].next = b, s->nodes[b].prev = a;
        s->ch[c] = (chain){a, b, 1, 2};
        s->nc++;
        return pmap_set(&s->starts, from, c) && pmap_set(&s->ends, to, c);
    }
    if (head < 0)
        return prepend(s, tail, from) && pmap_set(&s->starts, from, tail);
    return append(s, head, to) && pmap_set(&s->ends, to, head);
}

/* ---- marching squares over the virtually padded binary image ---- */

/* points of square (r0, c0) in doubled coordinates */
#define TOP pkey(2 * r0, 2 * c0 + 1)
#define BOTTOM pkey(2 * r0 + 2, 2 * c0 + 1)
#define LEFT pkey(2 * r0 + 1, 2 * c0)
#define RIGHT pkey(2 * r0 + 1, 2 * c0 + 2)

/* The squares of padded row r0. up and dn are the unpadded bit rows of
 * mask rows r0 - 1 and r0 (bit c = pixel c, zero words outside the mask),
 * so padded column c0 of a row is bit c0 - 1 of its word: the square
 * (r0, c0) has corners up/dn bits c0 - 1 (left) and c0 (right). Only
 * squares whose four corners differ are visited, in column order, 64 at a
 * time from the bit words; bits past the width are 0, so the squares past
 * c0 = width come out empty without a mask. */
static int emit_square(assembler *s, unsigned sq, uint32_t r0, uint32_t c0)
{
    switch (sq) {
    case 1: return add_segment(s, TOP, LEFT);
    case 2: return add_segment(s, RIGHT, TOP);
    case 3: return add_segment(s, RIGHT, LEFT);
    case 4: return add_segment(s, LEFT, BOTTOM);
    case 5: return add_segment(s, TOP, BOTTOM);
    case 6: return add_segment(s, RIGHT, TOP) && add_segment(s, LEFT, BOTTOM);
    case 7: return add_segment(s, RIGHT, BOTTOM);
    case 8: return add_segment(s, BOTTOM, RIGHT);
    case 9: return add_segment(s, TOP, LEFT) && add_segment(s, BOTTOM, RIGHT);
    case 10: return add_segment(s, BOTTOM, TOP);
    case 11: return add_segment(s, BOTTOM, LEFT);
    case 12: return add_segment(s, LEFT, RIGHT);
    case 13: return add_segment(s, TOP, RIGHT);
    case 14: return add_segment(s, LEFT, TOP);
    }
    return 1;
}

static int march_row(assembler *s, const uint64_t *up, const uint64_t *dn, uint32_t r0, size_t width, size_t mw)
{
    uint64_t pu = 0, pd = 0; /* the previous words, for the bit shifted in */
    for (size_t k = 0; k <= width / 64; k++) {
        const uint64_t U1 = k < mw ? up[k] : 0, D1 = k < mw ? dn[k] : 0; /* right-hand corners */
        const uint64_t U = U1 << 1 | pu >> 63, D = D1 << 1 | pd >> 63;   /* left-hand corners */
        pu = U1, pd = D1;
        uint64_t x = (U ^ U1) | (U ^ D) | (U ^ D1);
        const size_t base = 64 * k;
        while (x) {
            const unsigned b = (unsigned)__builtin_ctzll(x);
            x &= x - 1;
            const unsigned sq = (unsigned)((U >> b) & 1) | (unsigned)((U1 >> b) & 1) << 1 |
                                (unsigned)((D >> b) & 1) << 2 | (unsigned)((D1 >> b) & 1) << 3;
            if (!emit_square(s, sq, r0, (uint32_t)(base + b)))
                return 0;
        }
    }
    return 1;
}

/* ---- polygons ---- */

struct cvhp_polygons {
    cvhp_allocator alloc;
    size_t n;
    size_t *start;  /* n + 1 offsets into xy, in points */
    double *xy;
    uint8_t *hole;
};

size_t cvhp_polygons_count(const cvhp_polygons *p) { return p ? p->n : 0; }
size_t cvhp_polygon_points(const cvhp_polygons *p, size_t i) { return p && i < p->n ? p->start[i + 1] - p->start[i] : 0; }
const double *cvhp_polygon_coords(const cvhp_polygons *p, size_t i)
{
    return p && i < p->n ? p->xy + 2 * p->start[i] : NULL;
}
int cvhp_polygon_is_hole(const cvhp_polygons *p, size_t i) { return p && i < p->n ? p->hole[i] : 0; }

void cvhp_polygons_free(cvhp_polygons *p)
{
    if (p == NULL)
        return;
    cvhp_allocator a = p->alloc;
    cvhp__free(&a, p->start);
    cvhp__free(&a, p->xy);
    cvhp__free(&a, p->hole);
    cvhp__free(&a, p);
}

/* Ramer-Douglas-Peucker as urschrei/rdp: distance to the infinite line
 * through the endpoints (to the first endpoint when they coincide), first
 * maximum, split when dmax > eps. v: n points (row, col); keep marks. */
static double pldist(const double *p, const double *a, const double *b)
{
    if (a[0] == b[0] && a[1] == b[1])
        return sqrt((p[0] - a[0]) * (p[0] - a[0]) + (p[1] - a[1]) * (p[1] - a[1]));
    const double ex = b[0] - a[0], ey = b[1] - a[1];
    const double cr = ex * (a[1] - p[1]) - ey * (a[0] - p[0]); /* cross(end - start, start - point) */
    return fabs(cr) / sqrt(ex * ex + ey * ey);
}

/* The argmax is found on exact quantities: vertices are half-integers, so
 * the cross product (or the squared distance when the endpoints coincide)
 * is exact in double, and dividing by the same positive number (or taking
 * the square root) keeps the order. The division or root runs once per
 * range, on the maximum, exactly as pldist computes it. */
static void rdp(const double *v, size_t lo, size_t hi, double eps, uint8_t *keep)
{
    size_t stack[128][2], top = 0;
    stack[top][0] = lo, stack[top][1] = hi, top++;
    while (top) {
        top--;
        const size_t a = stack[top][0], b = stack[top][1];
        const double *A = v + 2 * a, *B = v + 2 * b;
        const int same = A[0] == B[0] && A[1] == B[1];
        const double ex = B[0] - A[0], ey = B[1] - A[1];
        double qmax = 0;
        size_t idx = 0;
        for (size_t i = a + 1; i <= b; i++) {
            const double *P = v + 2 * i;
            const double q = same ? (P[0] - A[0]) * (P[0] - A[0]) + (P[1] - A[1]) * (P[1] - A[1])
                                  : fabs(ex * (A[1] - P[1]) - ey * (A[0] - P[0]));
            if (q > qmax)
                qmax = q, idx = i;
        }
        const double dmax = idx ? pldist(v + 2 * idx, A, B) : 0;
        if (dmax > eps && idx > a && idx < b) {
            keep[idx] = 1;
            if (top + 2 > 128) { /* very deep: recurse instead */
                rdp(v, a, idx, eps, keep);
                rdp(v, idx, b, eps, keep);
                continue;
            }
            stack[top][0] = idx, stack[top][1] = b, top++;
            stack[top][0] = a, stack[top][1] = idx, top++;
        }
    }
}

static cvhp_status build(assembler *s, size_t height, size_t width, const cvhp_mask_options *o, cvhp_polygons **out,
                         const char *fn)
{
    arena *ar = &s->ar;
    size_t total = 0, np = 0;
    for (size_t c = 0; c < s->nc; c++)
        if (s->ch[c].alive)
            total += (size_t)s->ch[c].count, np++;
    cvhp_polygons *p = cvhp__alloc(ar->a, sizeof *p);
    double *v = NULL;
    uint8_t *keep = NULL;
    if (p) {
        memset(p, 0, sizeof *p);
        p->alloc = *ar->a;
        p->start = cvhp__alloc(ar->a, (np + 1) * sizeof *p->start);
        p->xy = cvhp__alloc(ar->a, (total ? total : 1) * 2 * sizeof *p->xy);
        p->hole = cvhp__alloc(ar->a, np ? np : 1);
        v = cvhp__alloc(ar->a, (total ? total : 1) * 2 * sizeof *v);
        keep = cvhp__alloc(ar->a, total ? total : 1);
    }
    if (!p || !p->start || !p->xy || !p->hole || !v || !keep) {
        cvhp_polygons_free(p);
        cvhp__free(ar->a, v);
        cvhp__free(ar->a, keep);
        return cvhp__error(CVHP_ERR_OUT_OF_MEMORY, "%s: cannot allocate the polygons", fn);
    }
    const int pixels = (o->flags & CVHP_POLY_PIXELS) != 0, raw = (o->flags & CVHP_POLY_RAW) != 0;
    size_t at = 0;
    for (size_t c = 0; c < s->nc; c++) {
        if (!s->ch[c].alive)
            continue;
        /* When the tolerance-0 pass will run, a point in the middle of a
         * straight run (the step into it equals the step out of it: the
         * lattice steps are one of 8 fixed vectors) is dropped up front. Its
         * distance to any chord is a convex combination of its neighbours',
         * so it is never the first maximum and that pass would drop it
         * anyway: every split, and so the result, is unchanged. */
        const int prune = !raw && o->max_points > 0 && (int64_t)s->ch[c].count > o->max_points && o->max_refinements > 0;
        size_t n = 0;
        double area2 = 0;
        uint32_t pr = 0, pc = 0;      /* the previous point, doubled */
        uint32_t dr = 0, dc = 0;      /* the step into it (mod 2^32) */
        for (int32_t k = s->ch[c].first; k >= 0; k = s->nodes[k].next) {
            const uint32_t r2 = s->nodes[k].r2, c2 = s->nodes[k].c2;
            if (n) {
                area2 += (double)pc * r2 - (double)c2 * pr; /* x_{i-1} y_i - x_i y_{i-1}, times 4 */
                const uint32_t sr = r2 - pr, sc = c2 - pc;
                if (prune && n >= 2 && sr == dr && sc == dc)
                    n--; /* the previous point is inside a straight run */
                dr = sr, dc = sc;
            }
            v[2 * n] = r2 / 2.0, v[2 * n + 1] = c2 / 2.0;
            n++;
            pr = r2, pc = c2;
        }
        /* cumulative simplification: tolerances 0, 1, 2, ... */
        for (int eps = 0; !raw && o->max_points > 0 && (int64_t)n > o->max_points && eps < o->max_refinements; eps++) {
            memset(keep, 0, n);
            keep[0] = keep[n - 1] = 1;
            if (n > 2)
                rdp(v, 0, n - 1, (double)eps, keep);
            size_t w = 0;
            for (size_t i = 0; i < n; i++)
                if (keep[i])
                    v[2 * w] = v[2 * i], v[2 * w + 1] = v[2 * i + 1], w++;
            n = w;
        }
        p->start[p->n] = at;
        p->hole[p->n] = area2 < 0; /* (x = col, y = row): outer boundaries come out with area2 > 0 */
        for (size_t i = 0; i < n; i++) {
            if (raw) { /* the padded mask's (row, col) minus the padding */
                p->xy[2 * (at + i)] = v[2 * i + 1] - 1, p->xy[2 * (at + i) + 1] = v[2 * i] - 1;
                continue;
            }
            const double x = ceil(v[2 * i + 1]) - 1, y = ceil(v[2 * i]) - 1;
            p->xy[2 * (at + i)] = pixels ? x : x / (double)width;
            p->xy[2 * (at + i) + 1] = pixels ? y : y / (double)height;
        }
        at += n;
        p->n++;
    }
    p->start[p->n] = at;
    cvhp__free(ar->a, v);
    cvhp__free(ar->a, keep);
    *out = p;
    return CVHP_OK;
}

cvhp_status cvhp_mask_options_init(cvhp_mask_options *o)
{
    if (o == NULL)
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "cvhp_mask_options_init: opt is NULL");
    memset(o, 0, sizeof *o);
    o->size = sizeof *o;
    o->score_threshold = 0.5;
    o->max_points = 100;
    o->max_refinements = 25;
    return CVHP_OK;
}

cvhp_status cvhp_mask_options_from_config(cvhp_mask_options *o, const cvhp_config *cfg)
{
    cvhp_status st = cvhp_mask_options_init(o);
    if (st != CVHP_OK)
        return st;
    if (cfg == NULL)
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "cvhp_mask_options_from_config: cfg is NULL");
    if ((st = cvhp_config_get_float(cfg, CVHP_PARAM_MASK_PIXEL_SCORE_THRESHOLD, &o->score_threshold)) != CVHP_OK)
        return st;
    if ((st = cvhp_config_get_int(cfg, CVHP_PARAM_MAX_NUMBER_OF_POLYGON_POINTS, &o->max_points)) != CVHP_OK)
        return st;
    o->alloc = &cfg->alloc;
    return CVHP_OK;
}

typedef enum { SRC_F32, SRC_U8, SRC_RLE } src_kind;

typedef struct {
    src_kind kind;
    const float *f;
    const uint8_t *u;
    const uint32_t *counts;
    size_t ncounts;
    float thr;
} source;

static cvhp_status check_common(size_t height, size_t width, const cvhp_mask_options *o, cvhp_polygons **out,
                                const char *fn)
{
    if (out == NULL)
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "%s: out is NULL", fn);
    *out = NULL;
    if (o == NULL || o->size != sizeof *o)
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "%s: options missing or not initialised (cvhp_mask_options_init)",
                           fn);
    if (!(o->score_threshold >= 0 && o->score_threshold <= 1)) {
        char v[32];
        cvhp__fmt_double(v, sizeof v, o->score_threshold);
        return cvhp__error(CVHP_ERR_OUT_OF_RANGE, "mask_pixel_score_threshold: %s is outside [0, 1]", v);
    }
    if (o->max_points != 0 && o->max_points < 3)
        return cvhp__error(CVHP_ERR_OUT_OF_RANGE, "max_number_of_polygon_points: %lld is below 3",
                           (long long)o->max_points);
    if (o->max_refinements < 0 || o->flags & ~(CVHP_POLY_PIXELS | CVHP_POLY_RAW))
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "%s: bad max_refinements or flags", fn);
    if (o->alloc && (!o->alloc->alloc || !o->alloc->free))
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "%s: allocator without alloc or free", fn);
    size_t cells;
    if (height == 0 || width == 0 || height > (1u << 30) || width > (1u << 30) ||
        !cvhp__mul_size(height, width, &cells))
        return cvhp__error(CVHP_ERR_OUT_OF_RANGE, "%s: mask size %zux%zu is outside [1, 2^30] or overflows", fn, height,
                           width);
    return CVHP_OK;
}

static cvhp_status run(const source *src, size_t height, size_t width, const cvhp_mask_options *o,
                       cvhp_polygons **out, const char *fn)
{
    assembler s;
    memset(&s, 0, sizeof s);
    s.ar.a = o->alloc ? o->alloc : &cvhp__default_allocator;
    const size_t mw = (width + 63) / 64;
    uint64_t *rows = cvhp__alloc(s.ar.a, 2 * mw * sizeof *rows);
    /* the open-end slots: starts then ends, each two lines and one band */
    const size_t nslots = 2 * (2 * (width + 1) + (width + 2));
    int32_t *slots = cvhp__alloc(s.ar.a, nslots * sizeof *slots);
    cvhp_status st = CVHP_OK;
    /* presized for a typical boundary so the arrays rarely grow */
    size_t guess = 4096;
    while (guess < 16 * (height + width) && guess < ((size_t)1 << 24))
        guess *= 2;
    if (rows == NULL || slots == NULL || !grow(&s.ar, (void **)&s.nodes, &s.ncap, guess, sizeof *s.nodes)) {
        st = cvhp__error(CVHP_ERR_OUT_OF_MEMORY, "%s: cannot allocate scratch", fn);
        goto done;
    }
    memset(slots, 0xff, nslots * sizeof *slots); /* -1: no open end */
    s.starts = (pmap){{slots, slots + (width + 1)}, slots + 2 * (width + 1)};
    s.ends = (pmap){{slots + nslots / 2, slots + nslots / 2 + (width + 1)}, slots + nslots / 2 + 2 * (width + 1)};
    cvhp__threshold_bits_fn thr_bits = src->kind == SRC_F32 ? cvhp__pick_threshold_bits() : NULL;
    cvhp__nonzero_bits_fn nz_bits = src->kind == SRC_F32 ? NULL : cvhp__pick_nonzero_bits();
    uint64_t *up = rows, *dn = rows + mw;
    memset(up, 0, mw * sizeof *up); /* mask row -1: the top padding */
    for (size_t r0 = 0; r0 <= height; r0++) {
        /* dn = mask row r0 (zeros past the end: the bottom padding) */
        if (r0 == height)
            memset(dn, 0, mw * sizeof *dn);
        else if (thr_bits)
            thr_bits(src->f + r0 * width, width, src->thr, dn);
        else
            nz_bits(src->u + r0 * width, width, dn);
        if (!march_row(&s, up, dn, (uint32_t)r0, width, mw)) {
            st = cvhp__error(CVHP_ERR_OUT_OF_MEMORY, "%s: cannot grow the contour lists", fn);
            goto done;
        }
        uint64_t *t = up;
        up = dn, dn = t;
    }
    st = build(&s, height, width, o, out, fn);
done:
    cvhp__free(s.ar.a, rows);
    cvhp__free(s.ar.a, slots);
    cvhp__free(s.ar.a, s.nodes);
    cvhp__free(s.ar.a, s.ch);
    return st;
}

cvhp_status cvhp_mask_to_polygons(const float *scores, size_t height, size_t width, const cvhp_mask_options *opt,
                                  cvhp_polygons **out)
{
    const char *fn = "cvhp_mask_to_polygons";
    cvhp_status st = check_common(height, width, opt, out, fn);
    if (st != CVHP_OK)
        return st;
    if (scores == NULL)
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "%s: scores is NULL", fn);
    source src = {SRC_F32, scores, NULL, NULL, 0, (float)opt->score_threshold};
    return run(&src, height, width, opt, out, fn);
}

cvhp_status cvhp_mask_u8_to_polygons(const uint8_t *mask, size_t height, size_t width, const cvhp_mask_options *opt,
                                     cvhp_polygons **out)
{
    const char *fn = "cvhp_mask_u8_to_polygons";
    cvhp_status st = check_common(height, width, opt, out, fn);
    if (st != CVHP_OK)
        return st;
    if (mask == NULL)
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "%s: mask is NULL", fn);
    source src = {SRC_U8, NULL, mask, NULL, 0, 0};
    return run(&src, height, width, opt, out, fn);
}

/* The scalar reference of the thresholding kernel (kernels.h). */
void cvhp__threshold_bits_scalar(const float *row, size_t width, float thr, uint64_t *bits)
{
    for (size_t c = 0; c < width; c += 64) {
        uint64_t m = 0;
        for (size_t j = 0; j < 64 && c + j < width; j++)
            m |= (uint64_t)(row[c + j] > thr) << j;
        bits[c >> 6] = m;
    }
}

void cvhp__nonzero_bits_scalar(const uint8_t *row, size_t width, uint64_t *bits)
{
    for (size_t c = 0; c < width; c += 64) {
        uint64_t m = 0;
        for (size_t j = 0; j < 64 && c + j < width; j++)
            m |= (uint64_t)(row[c + j] != 0) << j;
        bits[c >> 6] = m;
    }
}

/* ---- COCO RLE ---- */

cvhp_status cvhp_rle_encode(const uint8_t *mask, size_t height, size_t width, uint32_t *counts, size_t cap,
                            size_t *ncounts)
{
    const char *fn = "cvhp_rle_encode";
    size_t cells;
    if (ncounts == NULL || mask == NULL || (counts == NULL && cap))
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "%s: NULL argument", fn);
    if (!cvhp__mul_size(height, width, &cells) || cells > UINT32_MAX)
        return cvhp__error(CVHP_ERR_OVERFLOW, "%s: %zux%zu does not fit 32-bit runs", fn, height, width);
    size_t n = 0;
    uint8_t cur = 0;
    uint32_t run = 0;
    for (size_t c = 0; c < width; c++) /* column-major */
        for (size_t r = 0; r < height; r++) {
            const uint8_t v = mask[r * width + c] != 0;
            if (v != cur) {
                if (n < cap)
                    counts[n] = run;
                n++;
                run = 0;
                cur = v;
            }
            run++;
        }
    if (n < cap)
        counts[n] = run;
    n++;
    *ncounts = n;
    if (n > cap)
        return cvhp__error(CVHP_ERR_BUFFER_TOO_SMALL, "%s: %zu runs, room for %zu", fn, n, cap);
    return CVHP_OK;
}

cvhp_status cvhp_rle_decode(const uint32_t *counts, size_t ncounts, size_t height, size_t width, uint8_t *mask)
{
    const char *fn = "cvhp_rle_decode";
    size_t cells;
    if (mask == NULL || (counts == NULL && ncounts))
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "%s: NULL argument", fn);
    if (!cvhp__mul_size(height, width, &cells))
        return cvhp__error(CVHP_ERR_OVERFLOW, "%s: %zux%zu overflows", fn, height, width);
    uint64_t sum = 0;
    for (size_t i = 0; i < ncounts; i++)
        sum += counts[i];
    if (sum != cells)
        return cvhp__error(CVHP_ERR_PARSE, "%s: runs sum to %llu, the mask has %zu pixels", fn,
                           (unsigned long long)sum, cells);
    size_t k = 0;
    uint8_t v = 0;
    for (size_t i = 0; i < ncounts; i++, v ^= 1)
        for (uint32_t j = 0; j < counts[i]; j++, k++) {
            const size_t c = k / height, r = k % height;
            mask[r * width + c] = v;
        }
    return CVHP_OK;
}

/* pycocotools rleToString: delta against the run two before (from the
 * third run on), then 5-bit groups with a continuation bit, + 48 */
cvhp_status cvhp_rle_to_string(const uint32_t *counts, size_t ncounts, char *buf, size_t cap, size_t *needed)
{
    if ((counts == NULL && ncounts) || (buf == NULL && cap))
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "cvhp_rle_to_string: NULL argument");
    cvhp__sb sb = {buf, cap, 0};
    for (size_t i = 0; i < ncounts; i++) {
        int64_t x = (int64_t)counts[i];
        if (i > 2)
            x -= (int64_t)counts[i - 2];
        int more = 1;
        while (more) {
            char ch = (char)(x & 0x1f);
            x >>= 5;
            more = (ch & 0x10) ? x != -1 : x != 0;
            if (more)
                ch |= 0x20;
            ch += 48;
            cvhp__sb_putn(&sb, &ch, 1);
        }
    }
    return cvhp__sb_finish(&sb, needed, "cvhp_rle_to_string");
}

cvhp_status cvhp_rle_from_string(const char *s, uint32_t *counts, size_t cap, size_t *ncounts)
{
    const char *fn = "cvhp_rle_from_string";
    if (s == NULL || ncounts == NULL || (counts == NULL && cap))
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "%s: NULL argument", fn);
    size_t m = 0, p = 0;
    int64_t prev2 = 0, prev1 = 0;
    while (s[p]) {
        uint64_t ux = 0; /* unsigned: no signed-shift overflow */
        int k = 0, more = 1;
        while (more) {
            const int c = (unsigned char)s[p] - 48;
            if (s[p] == '\0' || c < 0 || c > 63)
                return cvhp__error(CVHP_ERR_PARSE, "%s: character %zu ('%c') is not part of a run", fn, p,
                                   s[p] ? s[p] : '?');
            if (k >= 12)
                return cvhp__error(CVHP_ERR_PARSE, "%s: run %zu is too long", fn, m);
            ux |= (uint64_t)(c & 0x1f) << (5 * k);
            more = c & 0x20;
            p++, k++;
            if (!more && (c & 0x10)) /* sign-extend */
                ux |= ~(uint64_t)0 << (5 * k);
        }
        int64_t x = ux > (uint64_t)INT64_MAX ? -(int64_t)(~ux) - 1 : (int64_t)ux;
        if (m > 2)
            x += prev2;
        if (x < 0 || x > UINT32_MAX)
            return cvhp__error(CVHP_ERR_PARSE, "%s: run %zu = %lld is not a count", fn, m, (long long)x);
        if (m < cap)
            counts[m] = (uint32_t)x;
        prev2 = prev1, prev1 = x;
        m++;
    }
    *ncounts = m;
    if (m > cap)
        return cvhp__error(CVHP_ERR_BUFFER_TOO_SMALL, "%s: %zu runs, room for %zu", fn, m, cap);
    return CVHP_OK;
}

cvhp_status cvhp_rle_to_polygons(const uint32_t *counts, size_t ncounts, size_t height, size_t width,
                                 const cvhp_mask_options *opt, cvhp_polygons **out)
{
    const char *fn = "cvhp_rle_to_polygons";
    cvhp_status st = check_common(height, width, opt, out, fn);
    if (st != CVHP_OK)
        return st;
    const cvhp_allocator *a = opt->alloc ? opt->alloc : &cvhp__default_allocator;
    uint8_t *m = cvhp__alloc(a, height * width);
    if (m == NULL)
        return cvhp__error(CVHP_ERR_OUT_OF_MEMORY, "%s: cannot allocate %zu bytes", fn, height * width);
    st = cvhp_rle_decode(counts, ncounts, height, width, m);
    if (st == CVHP_OK) {
        source src = {SRC_RLE, NULL, m, NULL, 0, 0};
        st = run(&src, height, width, opt, out, fn);
    }
    cvhp__free(a, m);
    return st;
}

cvhp_status cvhp_masks_to_polygons_batch(const float *scores, size_t count, size_t height, size_t width,
                                         const cvhp_mask_options *opt, cvhp_polygons **out)
{
    const char *fn = "cvhp_masks_to_polygons_batch";
    if (out == NULL || (scores == NULL && count))
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "%s: NULL argument", fn);
    cvhp_polygons *probe = NULL;
    cvhp_status st = check_common(height, width, opt, &probe, fn);
    if (st != CVHP_OK)
        return st;
    if (opt->num_threads < 0)
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "%s: num_threads %d is negative", fn, (int)opt->num_threads);
    size_t cells = height * width, total;
    if (!cvhp__mul_size(cells, count, &total))
        return cvhp__error(CVHP_ERR_OVERFLOW, "%s: %zu masks of %zux%zu overflow", fn, count, height, width);
    const int nt = cvhp__threads(opt->num_threads);
    int bad = 0;
    (void)nt;
#if CVHP_HAVE_OPENMP
#  pragma omp parallel for num_threads(nt) schedule(dynamic, 1) if (nt > 1 && count > 1) reduction(| : bad)
#endif
    for (size_t i = 0; i < count; i++)
        bad |= cvhp_mask_to_polygons(scores + i * cells, height, width, opt, &out[i]) != CVHP_OK;
    if (!bad)
        return CVHP_OK;
    size_t first = count;
    for (size_t i = 0; i < count; i++) {
        if (out[i] == NULL && first == count)
            first = i;
        cvhp_polygons_free(out[i]);
        out[i] = NULL;
    }
    /* rerun the first failure on this thread for its message */
    cvhp_polygons *p = NULL;
    st = cvhp_mask_to_polygons(scores + first * cells, height, width, opt, &p);
    cvhp_polygons_free(p);
    return st != CVHP_OK ? st : cvhp__error(CVHP_ERR_INTERNAL, "%s: a mask failed only in a worker thread", fn);
}
