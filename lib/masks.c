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

/* ---- contour assembly ----
 *
 * scikit-image's _assemble_contours joins the segments one at a time, in
 * the order the squares are visited, into chains kept in dicts keyed by
 * their end points. On a thresholded image its outcome has a closed form,
 * which is what is computed here:
 *
 * - Every crossing point (the midpoint of an edge whose two pixels differ)
 *   has exactly one segment arriving and one leaving, so the segments form
 *   disjoint directed cycles, one per contour, and a chain is always a path
 *   along its cycle.
 * - A chain is created by a segment whose two points were not seen before;
 *   merged chains keep the lower creation number, and contours come out
 *   sorted by it. So contours are ordered by the first of their segments in
 *   visiting order, which is the first segment of the cycle whose points
 *   are both new.
 * - A contour is closed by its last segment in visiting order (until then
 *   the chain misses it), which appends its end point to the chain. So the
 *   contour is the cycle read from the end point of its last segment, with
 *   that point repeated at the end.
 *
 * The points are the nodes of a successor graph. A crossing on the bottom
 * edge of square (r, c) is the top crossing of square (r + 1, c), and one
 * on its right edge is the left crossing of (r, c + 1), the next square
 * visited in the row whenever that crossing exists; so a node is created
 * by the square above or to the left of it, found again through one slot
 * per column and one for the left edge, and nothing is ever looked up. */

typedef struct {
    uint32_t r2, c2; /* doubled padded coordinates (2 row, 2 col) */
    int32_t next;    /* the node the segment leaving this one goes to */
    int32_t seg;     /* that segment's place in visiting order; -1 once read out */
} node;

typedef struct {
    arena ar;
    node *nodes;
    size_t nn, ncap;
    int32_t *firsts; /* nodes leaving a segment whose points were both new */
    size_t nf, fcap;
    int32_t *slot;   /* slot[c]: the crossing on the top edge of square (r, c) */
    int32_t nseg;
} assembler;

/* The segments of each square case as indices into {top, left, bottom,
 * right} crossings: from in bits 0-1, to in bits 2-3; bit 4: a second
 * segment follows (from in bits 5-6, to in bits 7-8); bit 9: the last
 * segment of the square has two new points (it starts a chain). */
#define SEG(f, t) ((f) | (t) << 2)
#define SEG2(f, t) (16 | (f) << 5 | (t) << 7)
#define FIRST 512
enum { T_ = 0, L_ = 1, B_ = 2, R_ = 3 };
static const uint16_t seg_table[16] = {
    0,
    SEG(T_, L_),                        /* 1 */
    SEG(R_, T_),                        /* 2 */
    SEG(R_, L_),                        /* 3 */
    SEG(L_, B_),                        /* 4 */
    SEG(T_, B_),                        /* 5 */
    SEG(R_, T_) | SEG2(L_, B_),         /* 6: saddle */
    SEG(R_, B_) | FIRST,                /* 7 */
    SEG(B_, R_) | FIRST,                /* 8 */
    SEG(T_, L_) | SEG2(B_, R_) | FIRST, /* 9: saddle */
    SEG(B_, T_),                        /* 10 */
    SEG(B_, L_),                        /* 11 */
    SEG(L_, R_),                        /* 12 */
    SEG(T_, R_),                        /* 13 */
    SEG(L_, T_),                        /* 14 */
    0,
};
#undef SEG
#undef SEG2

/* The squares of padded row r0. up and dn are the unpadded bit rows of
 * mask rows r0 - 1 and r0 (bit c = pixel c, zero words outside the mask),
 * so padded column c0 of a row is bit c0 - 1 of its word: the square
 * (r0, c0) has corners up/dn bits c0 - 1 (left) and c0 (right). Only
 * squares whose four corners differ are visited, in column order, 64 at a
 * time from the bit words; bits past the width are 0, so the squares past
 * c0 = width come out empty without a mask. The segments of each case, and
 * their order in the saddles 6 and 9, are find_contours' ('low'
 * connectivity: the two high corners are not joined). */
static int march_row(assembler *s, const uint64_t *up, const uint64_t *dn, uint32_t r0, size_t width, size_t mw)
{
    /* at most two new nodes per square (and one spare written past the end) */
    if (s->nn + 2 * (width + 2) > (size_t)INT32_MAX ||
        !grow(&s->ar, (void **)&s->nodes, &s->ncap, s->nn + 2 * (width + 2), sizeof *s->nodes))
        return 0;
    /* locals, so the stores into the nodes cannot alias them */
    node *const nodes = s->nodes;
    int32_t *const slot = s->slot;
    size_t nn = s->nn;
    int32_t nseg = s->nseg, left = -1;
    uint64_t pu = 0, pd = 0; /* the previous words, for the bit shifted in */
    for (size_t k = 0; k <= width / 64; k++) {
        const uint64_t U1 = k < mw ? up[k] : 0, D1 = k < mw ? dn[k] : 0; /* right-hand corners */
        const uint64_t U = U1 << 1 | pu >> 63, D = D1 << 1 | pd >> 63;   /* left-hand corners */
        pu = U1, pd = D1;
        uint64_t x = (U ^ U1) | (U ^ D) | (U ^ D1);
        while (x) {
            const unsigned b = (unsigned)__builtin_ctzll(x);
            x &= x - 1;
            const uint32_t c0 = (uint32_t)(64 * k + b);
            const unsigned sq = (unsigned)((U >> b) & 1) | (unsigned)((U1 >> b) & 1) << 1 |
                                (unsigned)((D >> b) & 1) << 2 | (unsigned)((D1 >> b) & 1) << 3;
            /* the crossings: top and left exist already, bottom and right
             * are new; written without branches (the case is unpredictable),
             * a node slot is claimed only when its crossing exists */
            const unsigned hasB = ((sq ^ sq >> 1) >> 2) & 1; /* bottom-left != bottom-right */
            const unsigned hasR = ((sq ^ sq >> 2) >> 1) & 1; /* top-right != bottom-right */
            int32_t id[4];
            id[T_] = slot[c0], id[L_] = left;
            nodes[nn].r2 = 2 * r0 + 2, nodes[nn].c2 = 2 * c0 + 1;
            id[B_] = (int32_t)nn;
            nn += hasB;
            nodes[nn].r2 = 2 * r0 + 1, nodes[nn].c2 = 2 * c0 + 2;
            id[R_] = (int32_t)nn;
            nn += hasR;
            slot[c0] = hasB ? id[B_] : id[T_];
            left = hasR ? id[R_] : id[L_];
            const unsigned e = seg_table[sq];
            node *f = &nodes[id[e & 3]];
            f->next = id[(e >> 2) & 3], f->seg = nseg++;
            if (e & 16) {
                f = &nodes[id[(e >> 5) & 3]];
                f->next = id[(e >> 7) & 3], f->seg = nseg++;
            }
            if (e & FIRST) { /* the last segment linked starts a chain */
                if (!grow(&s->ar, (void **)&s->firsts, &s->fcap, s->nf + 1, sizeof *s->firsts))
                    return 0;
                s->firsts[s->nf++] = id[e & 16 ? (e >> 5) & 3 : e & 3];
            }
        }
    }
    s->nn = nn, s->nseg = nseg;
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
size_t cvhp_polygons_total_points(const cvhp_polygons *p) { return p ? p->start[p->n] : 0; }

cvhp_status cvhp_polygons_copy(const cvhp_polygons *p, double *xy, size_t xy_cap, size_t *offsets, uint8_t *hole)
{
    const size_t n = p ? p->n : 0, total = cvhp_polygons_total_points(p);
    if (xy != NULL && xy_cap / 2 < total)
        return cvhp__error(CVHP_ERR_BUFFER_TOO_SMALL, "cvhp_polygons_copy: xy holds %zu doubles, %zu points need %zu",
                           xy_cap, total, 2 * total);
    if (xy != NULL && total > 0)
        memcpy(xy, p->xy, 2 * total * sizeof *xy);
    if (offsets != NULL) {
        for (size_t i = 0; i < n; i++)
            offsets[i] = p->start[i];
        offsets[n] = total;
    }
    if (hole != NULL && n > 0)
        memcpy(hole, p->hole, n);
    return CVHP_OK;
}

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
 * maximum, split when dmax > eps. The n points are r[i], c[i] (row, col);
 * keep marks the survivors. */
static double pldist(double pr, double pc, double ar, double ac, double br, double bc)
{
    if (ar == br && ac == bc)
        return sqrt((pr - ar) * (pr - ar) + (pc - ac) * (pc - ac));
    const double ex = br - ar, ey = bc - ac;
    const double cr = ex * (ac - pc) - ey * (ar - pr); /* cross(end - start, start - point) */
    return fabs(cr) / sqrt(ex * ex + ey * ey);
}

/* The scalar reference of the farthest-point kernel (kernels.h). */
size_t cvhp__rdp_far_scalar(const double *r, const double *c, size_t lo, size_t hi, double ar, double ac, double er,
                            double ec)
{
    return cvhp__rdp_far_finish(NULL, NULL, 0, r, c, lo, hi, ar, ac, er, ec);
}

/* The argmax is found on exact quantities: vertices are half-integers, so
 * the cross product (or the squared distance when the endpoints coincide)
 * is exact in double, and dividing by the same positive number (or taking
 * the square root) keeps the order. The division or root runs once per
 * range, on the maximum, exactly as pldist computes it. */
static void rdp(cvhp__rdp_far_fn far, const double *r, const double *c, size_t lo, size_t hi, double eps,
                uint8_t *keep)
{
    size_t stack[128][2], top = 0;
    stack[top][0] = lo, stack[top][1] = hi, top++;
    while (top) {
        top--;
        const size_t a = stack[top][0], b = stack[top][1];
        size_t idx = b;
        if (r[a] == r[b] && c[a] == c[b]) { /* squared distance to the endpoint */
            double qmax = 0;
            for (size_t i = a + 1; i < b; i++) {
                const double q = (r[i] - r[a]) * (r[i] - r[a]) + (c[i] - c[a]) * (c[i] - c[a]);
                if (q > qmax)
                    qmax = q, idx = i;
            }
        } else if (b - a > 1)
            idx = far(r, c, a + 1, b, r[a], c[a], r[b] - r[a], c[b] - c[a]);
        if (idx < b && pldist(r[idx], c[idx], r[a], c[a], r[b], c[b]) > eps) {
            keep[idx] = 1;
            if (top + 2 > 128) { /* very deep: recurse instead */
                rdp(far, r, c, a, idx, eps, keep);
                rdp(far, r, c, idx, b, eps, keep);
                continue;
            }
            /* a range without an inner point has nothing to split */
            if (b - idx > 1)
                stack[top][0] = idx, stack[top][1] = b, top++;
            if (idx - a > 1)
                stack[top][0] = a, stack[top][1] = idx, top++;
        }
    }
}

static cvhp_status build(assembler *s, size_t height, size_t width, const cvhp_mask_options *o, cvhp_polygons **out,
                         const char *fn)
{
    arena *ar = &s->ar;
    /* at most one contour per first, each of its nodes plus the repeated start */
    const size_t maxc = s->nf, total = s->nn + s->nf;
    cvhp_polygons *p = cvhp__alloc(ar->a, sizeof *p);
    double *v = NULL;
    uint8_t *keep = NULL;
    uint64_t *cyc = NULL;
    if (p) {
        memset(p, 0, sizeof *p);
        p->alloc = *ar->a;
        p->start = cvhp__alloc(ar->a, (maxc + 1) * sizeof *p->start);
        p->xy = cvhp__alloc(ar->a, (total ? total : 1) * 2 * sizeof *p->xy);
        p->hole = cvhp__alloc(ar->a, maxc ? maxc : 1);
        v = cvhp__alloc(ar->a, (total ? total : 1) * 2 * sizeof *v);
        keep = cvhp__alloc(ar->a, total ? total : 1);
        cyc = cvhp__alloc(ar->a, (s->nn ? s->nn : 1) * sizeof *cyc);
    }
    cvhp_status st = CVHP_OK;
    if (!p || !p->start || !p->xy || !p->hole || !v || !keep || !cyc) {
        st = cvhp__error(CVHP_ERR_OUT_OF_MEMORY, "%s: cannot allocate the polygons", fn);
        goto done;
    }
    const int pixels = (o->flags & CVHP_POLY_PIXELS) != 0, raw = (o->flags & CVHP_POLY_RAW) != 0;
    double *vr = v, *vc = v + (total ? total : 1); /* the contour being simplified, (row, col) */
    const cvhp__rdp_far_fn far = cvhp__pick_rdp_far();
    size_t at = 0;
    for (size_t f = 0; f < s->nf; f++) {
        const int32_t k0 = s->firsts[f];
        if (s->nodes[k0].seg < 0)
            continue; /* a later chain of a contour already read out */
        /* walk the cycle; the contour starts after its last segment */
        size_t m = 0, last = 0;
        int32_t best = -1, k = k0;
        do {
            node *nd = &s->nodes[k];
            cyc[m] = (uint64_t)nd->r2 << 32 | nd->c2;
            if (nd->seg > best)
                best = nd->seg, last = m;
            nd->seg = -1;
            k = nd->next;
            m++;
        } while (k != k0 && k >= 0 && m < s->nn);
        if (k != k0) {
            st = cvhp__error(CVHP_ERR_INTERNAL, "%s: a contour does not close", fn);
            goto done;
        }
        /* When the tolerance-0 pass will run, a point in the middle of a
         * straight run (the step into it equals the step out of it: the
         * lattice steps are one of 8 fixed vectors) is dropped up front. Its
         * distance to any chord is a convex combination of its neighbours',
         * so it is never the first maximum and that pass would drop it
         * anyway: every split, and so the result, is unchanged. */
        const int prune = !raw && o->max_points > 0 && (int64_t)(m + 1) > o->max_points && o->max_refinements > 0;
        size_t n = 0;
        uint64_t area2 = 0;      /* twice the signed area in doubled units, mod 2^64 */
        uint32_t pr = 0, pc = 0; /* the previous point, doubled */
        uint32_t dr = 0, dc = 0; /* the step into it (mod 2^32) */
        for (size_t i = 0, j = last + 1 == m ? 0 : last + 1; i <= m; i++, j = j + 1 == m ? 0 : j + 1) {
            const uint32_t r2 = (uint32_t)(cyc[j] >> 32), c2 = (uint32_t)cyc[j];
            if (n) {
                const uint32_t sr = r2 - pr, sc = c2 - pc;
                /* x_{i-1} y_i - x_i y_{i-1} = x_{i-1} (y_i - y_{i-1}) - y_{i-1} (x_i - x_{i-1}) */
                area2 += (uint64_t)pc * (uint64_t)(int64_t)(int32_t)sr - (uint64_t)pr * (uint64_t)(int64_t)(int32_t)sc;
                if (prune && n >= 2 && sr == dr && sc == dc)
                    n--; /* the previous point is inside a straight run */
                dr = sr, dc = sc;
            }
            vr[n] = r2 / 2.0, vc[n] = c2 / 2.0;
            n++;
            pr = r2, pc = c2;
        }
        /* cumulative simplification: tolerances 0, 1, 2, ... */
        for (int eps = 0; !raw && o->max_points > 0 && (int64_t)n > o->max_points && eps < o->max_refinements; eps++) {
            memset(keep, 0, n);
            keep[0] = keep[n - 1] = 1;
            if (n > 2)
                rdp(far, vr, vc, 0, n - 1, (double)eps, keep);
            size_t w = 0;
            for (size_t i = 0; i < n; i++)
                if (keep[i])
                    vr[w] = vr[i], vc[w] = vc[i], w++;
            n = w;
        }
        p->start[p->n] = at;
        p->hole[p->n] = (int64_t)area2 < 0; /* (x = col, y = row): outer boundaries come out with area2 > 0 */
        for (size_t i = 0; i < n; i++) {
            if (raw) { /* the padded mask's (row, col) minus the padding */
                p->xy[2 * (at + i)] = vc[i] - 1, p->xy[2 * (at + i) + 1] = vr[i] - 1;
                continue;
            }
            const double x = ceil(vc[i]) - 1, y = ceil(vr[i]) - 1;
            p->xy[2 * (at + i)] = pixels ? x : x / (double)width;
            p->xy[2 * (at + i) + 1] = pixels ? y : y / (double)height;
        }
        at += n;
        p->n++;
    }
    p->start[p->n] = at;
    *out = p;
    p = NULL;
done:
    cvhp_polygons_free(p);
    cvhp__free(ar->a, v);
    cvhp__free(ar->a, keep);
    cvhp__free(ar->a, cyc);
    return st;
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

/* the mask: float scores f (pixel in when > thr), or binary u (nonzero) */
typedef struct {
    const float *f;
    const uint8_t *u;
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
    s.slot = cvhp__alloc(s.ar.a, (width + 1) * sizeof *s.slot);
    cvhp_status st = CVHP_OK;
    /* presized for a typical boundary so the arrays rarely grow */
    size_t guess = 4096;
    while (guess < 16 * (height + width) && guess < ((size_t)1 << 24))
        guess *= 2;
    if (rows == NULL || s.slot == NULL || !grow(&s.ar, (void **)&s.nodes, &s.ncap, guess, sizeof *s.nodes)) {
        st = cvhp__error(CVHP_ERR_OUT_OF_MEMORY, "%s: cannot allocate scratch", fn);
        goto done;
    }
    cvhp__threshold_bits_fn thr_bits = src->f ? cvhp__pick_threshold_bits() : NULL;
    cvhp__nonzero_bits_fn nz_bits = src->f ? NULL : cvhp__pick_nonzero_bits();
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
            st = cvhp__error(CVHP_ERR_OUT_OF_MEMORY, "%s: cannot grow the contour lists (out of memory, or over 2^31 contour points)", fn);
            goto done;
        }
        uint64_t *t = up;
        up = dn, dn = t;
    }
    st = build(&s, height, width, o, out, fn);
done:
    cvhp__free(s.ar.a, rows);
    cvhp__free(s.ar.a, s.slot);
    cvhp__free(s.ar.a, s.nodes);
    cvhp__free(s.ar.a, s.firsts);
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
    source src = {scores, NULL, (float)opt->score_threshold};
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
    source src = {NULL, mask, 0};
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
        source src = {NULL, m, 0};
        st = run(&src, height, width, opt, out, fn);
    }
    cvhp__free(a, m);
    return st;
}

typedef struct {
    const float *scores;
    size_t cells, height, width;
    const cvhp_mask_options *opt;
    cvhp_polygons **out;
} mask_batch;

static cvhp_status mask_item(void *ctx, size_t i)
{
    const mask_batch *b = ctx; /* out[i] is set (NULL on failure, the only case that reruns) */
    return cvhp_mask_to_polygons(b->scores + i * b->cells, b->height, b->width, b->opt, &b->out[i]);
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
    mask_batch mb = {scores, cells, height, width, opt, out};
    st = cvhp__for_each_item(count, opt->num_threads, mask_item, &mb);
    if (st != CVHP_OK) /* all or nothing */
        for (size_t i = 0; i < count; i++) {
            cvhp_polygons_free(out[i]);
            out[i] = NULL;
        }
    return st;
}
