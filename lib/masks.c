/* SPDX-License-Identifier: MIT
 * Mask -> polygons with the reference service's algorithm (§2.1):
 * threshold (>), pad 1, marching squares at 0.5 with scikit-image's
 * find_contours semantics (segment cases, 'low' connectivity and
 * orientation, and its exact contour-assembly order), cumulative RDP, then
 * ceil(v) - pad and normalization. The mask is read once, into a padded
 * bit matrix (one bit per pixel, H x W / 8 bytes); it is never copied. */
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
    /* a first reservation is taken as asked (it is often exact), growth doubles */
    size_t nc = *cap ? *cap : need > 64 ? need : 64;
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

struct cvhp_polygons {
    cvhp_allocator alloc;
    size_t n;
    size_t *start;  /* n + 1 offsets into xy, in points */
    double *xy;
    uint8_t *hole;
};

/* ---- contours ----
 *
 * scikit-image's _assemble_contours joins the segments one at a time, in
 * the order the squares are visited (row by row; a saddle's two segments in
 * seg_table's order), into chains kept in dicts keyed by their end points.
 * On a thresholded image its outcome has a closed form, which is what is
 * computed here:
 *
 * - Every crossing point (the midpoint of an edge whose two pixels differ)
 *   has exactly one segment arriving and one leaving, so the segments form
 *   disjoint directed cycles, one per contour, and a chain is always a path
 *   along its cycle.
 * - A chain is created by a segment whose two points were not seen before;
 *   merged chains keep the lower creation number, and contours come out
 *   sorted by it. The first segment of a cycle in visiting order has both
 *   points new, so contours are ordered by their first segments.
 * - A contour is closed by its last segment in visiting order (until then
 *   the chain misses it), which appends its end point to the chain. So the
 *   contour is the cycle read from the end point of its last segment, with
 *   that point repeated at the end.
 *
 * The first segment of a cycle joins the bottom and right edges of its
 * square: the cycle's leftmost square in its top row is entered and left
 * only through them. Those segments (cases 7 and 8 and the second of 9:
 * the corners open to the top left) are about a quarter of the points.
 *
 * The last segment of a cycle joins the top and left edges of its square
 * (the rightmost square in the cycle's bottom row: the same argument upside
 * down), so it passes the cycle's largest point in (row, col) order, the
 * crossing on that square's left edge. A ray from the square's top-left
 * corner down and to the right crosses the cycle once, so that pixel is
 * inside, as the bottom-right pixel of the first segment's square is (a
 * ray up and to the left): both are in for an outer boundary, whose last
 * segment runs top to left (cases 1 and 9) and ends at the largest point,
 * and out for a hole, whose last segment runs left to top (case 14) and
 * starts there.
 *
 * So the mask is thresholded once into a padded bit matrix, and a scan
 * visits the squares in order: at a bottom-right segment not traced yet
 * (the first of its cycle), it follows the cycle square by square (a
 * segment leaving a square through an edge enters the neighbour across it,
 * at the segment that starts on that edge), marking the bottom-right
 * segments it passes. Nothing is looked up and nothing is linked: the cost
 * is one step per contour point and one pass over the bits. */

enum { T_ = 0, L_ = 1, B_ = 2, R_ = 3 }; /* a square's edges; the one across from e is e ^ 2 */
enum { ADV, VEC, NEXT, FL };             /* the walk tables' arrays */

/* The segments of each square case (corners: bit 0 top-left, 1 top-right,
 * 2 bottom-left, 3 bottom-right) as edges {top, left, bottom, right}: from
 * in bits 0-1, to in bits 2-3; bit 4: a second segment follows (from in
 * bits 5-6, to in bits 7-8). The cases, and the order of the segments in
 * the saddles 6 and 9, are find_contours' ('low' connectivity: the two high
 * corners are not joined). */
#define SEG(f, t) ((f) | (t) << 2)
#define SEG2(f, t) (16 | (f) << 5 | (t) << 7)
static const uint16_t seg_table[16] = {
    0,
    SEG(T_, L_),                /* 1 */
    SEG(R_, T_),                /* 2 */
    SEG(R_, L_),                /* 3 */
    SEG(L_, B_),                /* 4 */
    SEG(T_, B_),                /* 5 */
    SEG(R_, T_) | SEG2(L_, B_), /* 6: saddle */
    SEG(R_, B_),                /* 7 */
    SEG(B_, R_),                /* 8 */
    SEG(T_, L_) | SEG2(B_, R_), /* 9: saddle */
    SEG(B_, T_),                /* 10 */
    SEG(B_, L_),                /* 11 */
    SEG(L_, R_),                /* 12 */
    SEG(T_, R_),                /* 13 */
    SEG(L_, T_),                /* 14 */
    0,
};
#undef SEG
#undef SEG2

typedef struct {
    size_t start, m; /* the cycle's m points at cyc[start..], from its first segment on */
    uint64_t top; /* its largest point */
    int hole;
} contour;

/* each edge's crossing relative to the square's doubled corner (2 r0, 2 c0) */
static const uint32_t CROSS_R2[4] = {0, 1, 2, 1}, CROSS_C2[4] = {1, 0, 1, 2};

typedef struct {
    arena ar;
    /* padded pixel (r0, c0), r0 in [0, H + 1] and c0 in [0, W + 1], is bit
     * c0 + 63 of row r0 (S words): rows 0 and H + 1 and word 0 are zero,
     * mask row r0 - 1 starts at word 1 */
    uint64_t *bits;
    /* square (r0, c0), r0 in [0, H] and c0 in [0, W], is bit c0 + 63 of row
     * r0 of seen: its bottom-right segment is traced */
    uint64_t *seen;
    size_t S;
    /* The walks' tables: tab[0] forwards for the segment that starts on an
     * edge, tab[1] backwards for the one that ends on it, each four arrays
     * of words at [edge * 16 + case]: ADV moves a walk's square (a bit
     * place) to the next segment's (across the segment's far end), VEC
     * moves its point (a packed (2r, 2c), mod 2^64), NEXT points at the
     * arrays' row for the next segment's edge, FL: 8 a segment is there, 16
     * it joins the bottom and right edges. A walk's state is its square and
     * its row (a pointer): each entry is one load at a fixed displacement
     * from it, indexed by the case, with no index arithmetic or shifts in
     * the step's chain (two of Zen 3's four integer pipes take shifts: they
     * bounded the walk). */
    int64_t tab[2][4][64];
    int64_t delta[4];  /* the step to the square across each edge */
    /* the points of every contour, (2 r0) << 32 | 2 c0 in padded
     * coordinates; at most vmax, two per square. In the call's scratch
     * block until they outgrow it (cyc_owned then). */
    uint64_t *cyc;
    size_t nv, vcap, vmax;
    int cyc_owned;
    contour *cs;
    size_t nc, ccap;
    /* then each contour is simplified and appended to the polygons */
    const cvhp_mask_options *o;
    size_t height, width;
    struct cvhp_polygons *p;
    size_t startcap, xycap, holecap;
    /* the contour being simplified: rows, columns, the levels and indices
     * of the points rdp keeps (the packed points before them) */
    double *v;
    size_t v_cap;
    cvhp__rdp_far_fn far;
    size_t (*corners)(const uint64_t *p, size_t lo, size_t hi, uint64_t *out);
    size_t (*find_point)(const uint64_t *p, size_t m, uint64_t x);
    size_t (*far_from)(const double *r, const double *c, size_t a, size_t b);
} tracer;

static void step_table(tracer *t, int64_t rowbits)
{
    memset(t->tab, 0, sizeof t->tab);
    int64_t *const delta = t->delta; /* the square across each edge */
    delta[T_] = -rowbits, delta[L_] = -1, delta[B_] = rowbits, delta[R_] = 1;
    for (unsigned sq = 1; sq < 15; sq++) {
        const unsigned e = seg_table[sq];
        for (unsigned second = 0; second <= (e >> 4 & 1); second++) {
            const unsigned from = e >> 5 * second & 3, to = e >> (5 * second + 2) & 3;
            const uint8_t fl = (uint8_t)((from + to == B_ + R_ ? 16 : 0) | 8); /* 16: the pair {B, R} */
            /* (r, c) packed as r << 32 | c: a difference mod 2^64 */
            const uint64_t vec = ((uint64_t)CROSS_R2[to] - CROSS_R2[from]) * ((uint64_t)1 << 32) +
                                 ((uint64_t)CROSS_C2[to] - CROSS_C2[from]);
            int64_t(*const f)[64] = t->tab[0], (*const b)[64] = t->tab[1];
            const unsigned i = from * 16 + sq, j = to * 16 + sq;
            f[ADV][i] = delta[to], f[VEC][i] = (int64_t)vec, f[FL][i] = fl;
            f[NEXT][i] = (int64_t)(intptr_t)&f[0][(to ^ 2) * 16];
            b[ADV][j] = delta[from], b[VEC][j] = (int64_t)((uint64_t)0 - vec), b[FL][j] = fl;
            b[NEXT][j] = (int64_t)(intptr_t)&b[0][(from ^ 2) * 16];
        }
    }
}

/* Room for need points; out of the scratch block, into memory of their own */
static int grow_points(tracer *t, size_t need)
{
    if (t->cyc_owned)
        return grow(&t->ar, (void **)&t->cyc, &t->vcap, need, sizeof *t->cyc);
    uint64_t *old = t->cyc, *q = NULL;
    size_t cap = 0;
    if (!grow(&t->ar, (void **)&q, &cap, need > 2 * t->vcap ? need : 2 * t->vcap, sizeof *q))
        return 0;
    memcpy(q, old, t->vcap * sizeof *q);
    t->cyc = q, t->vcap = cap, t->cyc_owned = 1;
    return 1;
}

/* A trace's room is full (pf, pb: where its forward and backward walks'
 * next points go): a larger one, the backward walk's points moved to its
 * end. Out of the walk's loop: GCC then keeps the walks' table rows in
 * registers (1-2% on the raw call, A/B; passing the point counts instead
 * of the pointers measured half of that). 1, or 0 out of memory, or -1
 * more points than segments (a bug). */
static __attribute__((noinline)) int more_room(tracer *t, size_t m0, uint64_t **pf, uint64_t **pb)
{
    const size_t a = (size_t)(*pf - (t->cyc + m0)), b = (size_t)(t->cyc + t->vcap - 1 - *pb), cap = t->vcap;
    if (m0 + a + b >= t->vmax)
        return -1;
    if (!grow_points(t, m0 + a + b + 2))
        return 0;
    memmove(t->cyc + t->vcap - b, t->cyc + cap - b, b * sizeof *t->cyc);
    *pf = t->cyc + m0 + a, *pb = t->cyc + t->vcap - 1 - b;
    return 1;
}

/* The walk table row's entry for the case of the square whose top-left
 * corner is bit pos of the matrix (bytes; lower is bytes + the row's
 * length - 1): the lower row is read from a byte earlier, so each row's
 * two bits land in place with one shift and one mask. The upper row's
 * bits are added to the row pointer and the lower row's are left for the
 * load's index, one addition fewer in the walk's chain. */
static inline const int64_t *square_entry(const int64_t *row, const unsigned char *bytes, const unsigned char *lower,
                                          size_t pos)
{
    uint64_t a, b;
    memcpy(&a, bytes + (pos >> 3), sizeof a);
    memcpy(&b, lower + (pos >> 3), sizeof b); /* bit 8 + j: bit j of the lower row */
    const unsigned sh = (unsigned)(pos & 7);
    const int64_t *upper = row + (a >> sh & 3);
    __asm__("" : "+r"(upper)); /* kept apart: the compiler would join the two indices first */
    return upper + (b >> (sh + 6) & 12);
}

/* One step of a walk (W: f or b, its table; out: where its next point
 * goes; CHECK: whether the other walk may already have taken the segment,
 * i.e. its last point is this one's next): the point recorded, a
 * bottom-right segment marked for the scan. Little state, so both walks
 * stay in registers. */
#define WALK_STEP(W, out, q, pos, row, CHECK)                                           \
    do {                                                                                \
        const int64_t *const e_ = square_entry(row, bytes, lower, pos);                 \
        const uint64_t fl_ = (uint64_t)e_[FL * 64], vec_ = (uint64_t)e_[VEC * 64];      \
        if (!(fl_ & 8))                                                                 \
            return -1;                                                                  \
        CHECK;                                                                          \
        if (fl_ & 16)                                                                   \
            t->seen[pos >> 6] |= (uint64_t)1 << (pos & 63);                             \
        pos += (size_t)e_[ADV * 64], row = (const int64_t *)(intptr_t)e_[NEXT * 64];   \
        W##_RECORD(out, q, vec_);                                                       \
    } while (0)
/* forwards the point is where the segment starts, backwards where it ends */
#define f_RECORD(out, q, vec) (*out++ = q, top = q > top ? q : top, q += vec)
#define b_RECORD(out, q, vec) (q += vec, *out-- = q, top = q > top ? q : top)

/* Follows the cycle through the segment leaving edge e of square (r0, c0)
 * and appends it to the contours. 0: out of memory; -1: it does not close
 * (a bug). A step is a chain of dependent loads: the square's bits, then
 * its table entry, and only then is the next square known. So the cycle is
 * walked from both ends at once, forwards from that segment and backwards
 * from the one before it, until one reaches the other's last point: two
 * independent chains, each a square and a table row. */
static int trace(tracer *t, uint32_t r0, uint32_t c0, unsigned e)
{
    const unsigned char *const bytes = (const unsigned char *)t->bits, *const lower = bytes + 8 * t->S - 1;
    const size_t m0 = t->nv, pos = r0 * 64 * t->S + c0 + 63;
    size_t pf_ = pos, pb_ = pos + (size_t)t->delta[e]; /* each walk's square, and its table row (its edge) */
    const int64_t *ef = &t->tab[0][0][e * 16], *eb = &t->tab[1][0][(e ^ 2) * 16];
    uint64_t top = 0; /* the largest point either walk has met */
    uint64_t qf = (uint64_t)(2 * r0 + CROSS_R2[e]) << 32 | (2 * c0 + CROSS_C2[e]), qb = qf;
    /* where each walk's next point goes: the forward walk's up from the
     * start of the free room, the backward walk's down from its end, so
     * both lie in the cycle's order; one test a round tells the room is
     * full (two points a round). A trace leaves a point free at least; the
     * first backward step needs one. */
    if (t->vcap == m0 && !grow_points(t, m0 + 2))
        return 0;
    uint64_t *pf = t->cyc + m0, *pb = t->cyc + t->vcap - 1;
    WALK_STEP(b, pb, qb, pb_, eb, (void)0); /* s[-1]: the forward walk has not started */
    for (;;) {
        if (pb <= pf) { /* rare: room for one point or none */
            const int rc = more_room(t, m0, &pf, &pb);
            if (rc != 1)
                return rc;
        }
        WALK_STEP(f, pf, qf, pf_, ef, if (qf == qb) goto met);
        WALK_STEP(b, pb, qb, pb_, eb, if (qb + vec_ == pf[-1]) goto met);
    }
met:;
    /* the cycle from the first segment: the forward walk's points, then the
     * backward walk's (its far end is where the forward walk stopped) */
    uint64_t *const cyc = t->cyc + m0;
    const size_t a = (size_t)(pf - cyc), b = (size_t)(t->cyc + t->vcap - 1 - pb), m = a + b;
    memmove(cyc + a, pb + 1, b * sizeof *cyc);
    if (!grow(&t->ar, (void **)&t->cs, &t->ccap, t->nc + 1, sizeof *t->cs))
        return 0;
    t->cs[t->nc].start = m0, t->cs[t->nc].m = m, t->cs[t->nc].top = top;
    /* the first segment's bottom-right pixel out (case 7, the segment from
     * the right edge): a hole (see above; the windings follow, as
     * find_contours keeps the object on one side) */
    t->cs[t->nc].hole = e == R_;
    t->nc++;
    t->nv = m0 + m;
    return 1;
}
#undef WALK_STEP
#undef f_RECORD
#undef b_RECORD

/* Four words of bits at once (GCC and clang vectors: SSE2 or NEON pairs,
 * or one AVX2 register) */
typedef uint64_t u64x4 __attribute__((vector_size(32)));

/* A plain build named plain and (x86-64, AVX2 kernels built) an AVX2 build
 * named avx2 of the always-inlined body; avx2_active() says which to call. */
#if CVHP_HAVE_AVX2 && defined(__x86_64__)
#  define AVX2_BUILDS 1
#  define PLAIN_AND_AVX2(ret, plain, avx2, params, body, args) \
      ret plain params { return body args; }                   \
      __attribute__((target("avx2"))) ret avx2 params { return body args; }
static int avx2_active(void)
{
    const cvhp_isa isa = cvhp__isa();
    return isa >= CVHP_ISA_AVX2 && isa <= CVHP_ISA_AVX512;
}
#else
#  define AVX2_BUILDS 0
#  define PLAIN_AND_AVX2(ret, plain, avx2, params, body, args) \
      ret plain params { return body args; }
#endif

/* bit j: the square whose top-left corner is bit j of U; its bottom-right
 * segment: cases 8 and 9 (bottom-right set, top-right and bottom-left
 * clear) and 7 (all but bottom-right set). The right-hand corners are the
 * rows shifted by one, the next word's first bit coming in. */
#define SCAN_TOPS(u, un, d, dn)                                                            \
    ((~((u) >> 1 | (un) << 63) & ~(d) & ((d) >> 1 | (dn) << 63)) |                         \
     ((u) & ((u) >> 1 | (un) << 63) & (d) & ~((d) >> 1 | (dn) << 63)))

/* Visits the squares in order, 512 at a time from the bit words, and
 * traces each cycle at its first segment: the first bottom-right segment
 * not traced yet. Almost every word has none, so eight words are tested at
 * once. The rows' words past the last square are zero, up to a multiple of
 * 8 (t->S). Inlined into a plain and an AVX2 build (one register for four
 * words). */
static inline __attribute__((always_inline)) int scan_rows(tracer *t, size_t height, size_t width)
{
    const size_t S = t->S, kend = ((width + 63) / 64 + 8) & ~(size_t)7; /* past the word of square c0 = width */
    for (size_t r0 = 0; r0 <= height; r0++) {
        const uint64_t *U = t->bits + r0 * S, *D = U + S, *V = t->seen + r0 * S;
        u64x4 any = {0, 0, 0, 0}; /* over the whole row: almost every row has none */
        for (size_t k = 0; k < kend; k += 4) {
            u64x4 u, un, d, dn, v;
            memcpy(&u, U + k, sizeof u), memcpy(&un, U + k + 1, sizeof un);
            memcpy(&d, D + k, sizeof d), memcpy(&dn, D + k + 1, sizeof dn);
            memcpy(&v, V + k, sizeof v);
            any |= SCAN_TOPS(u, un, d, dn) & ~v;
        }
        if (!((any[0] | any[1]) | (any[2] | any[3])))
            continue;
        for (size_t w = 0; w < kend; w++) {
            const uint64_t top = SCAN_TOPS(U[w], U[w + 1], D[w], D[w + 1]);
            for (uint64_t cand = top & ~V[w]; cand; cand = top & ~V[w]) { /* not traced yet */
                const unsigned j = (unsigned)__builtin_ctzll(cand);
                const unsigned tr = (unsigned)((j == 63 ? U[w + 1] : U[w] >> (j + 1)) & 1); /* top-right */
                /* 7: right to bottom; 8, 9: bottom to right */
                const int rc = trace(t, (uint32_t)r0, (uint32_t)(64 * w + j - 63), tr ? R_ : B_);
                if (rc != 1)
                    return rc;
                if (!(V[w] >> j & 1)) /* the trace passes its first segment */
                    return -1;
            }
        }
    }
    return 1;
}
#undef SCAN_TOPS

/* Where x is in p[0, m) (it is there): sixteen at a time, then found.
 * Inlined into a plain and an AVX2 build: SSE2 has no 64-bit compare, and
 * the search looks at half of every contour on average. */
static inline __attribute__((always_inline)) size_t find_point_rows(const uint64_t *p, size_t m, uint64_t x)
{
    size_t j = 0;
    for (; j + 16 <= m; j += 16) { /* sixteen at a time, one test */
        u64x4 a, b, c, d;
        memcpy(&a, p + j, sizeof a), memcpy(&b, p + j + 4, sizeof b);
        memcpy(&c, p + j + 8, sizeof c), memcpy(&d, p + j + 12, sizeof d);
        const u64x4 eq = (u64x4)((a == x) | (b == x)) | (u64x4)((c == x) | (d == x));
        if ((eq[0] | eq[1]) | (eq[2] | eq[3]))
            break;
    }
    while (j < m && p[j] != x)
        j++;
    return j < m ? j : 0; /* (it is there: the walks saw every point; bounded all the same) */
}

PLAIN_AND_AVX2(static size_t, find_point, find_point_avx2, (const uint64_t *p, size_t m, uint64_t x), find_point_rows,
               (p, m, x))
PLAIN_AND_AVX2(static int, scan_plain, scan_avx2, (tracer *t, size_t height, size_t width), scan_rows,
               (t, height, width))

static int scan(tracer *t, size_t height, size_t width)
{
#if AVX2_BUILDS
    if (avx2_active())
        return scan_avx2(t, height, width);
#endif
    return scan_plain(t, height, width);
}

/* ---- polygons ---- */

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
 * maximum, split when dmax > eps. The points are r[i], c[i] (row, col). */
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
/* pldist(p, a, b) > 1, decided on exact quantities so the split need not
 * wait for a square root and a division. The vertices are half-integers,
 * so the cross product cr (a multiple of 1/4) and the squared chord length
 * L (of 1/4) are exact, and |cr| / sqrt(L) > 1 exactly when cr^2 > L: when
 * cr^2 > L, cr^2 >= L + 1/16, so the quotient exceeds 1 by a relative
 * 1 / (32 L) at least, far above the roundings of the root and the
 * division while L < 2^40 (equal: the root of the square is exact, the
 * quotient 1). Near the boundary |cr| < 2^20 and cr^2 is exact; far from
 * it, its rounding cannot cross L. Longer chords take pldist itself. */
static int beyond_one(double pr, double pc, double ar, double ac, double br, double bc)
{
    if (ar == br && ac == bc) /* the squared distance, exact */
        return (pr - ar) * (pr - ar) + (pc - ac) * (pc - ac) > 1;
    const double ex = br - ar, ey = bc - ac, L = ex * ex + ey * ey;
    if (!(L < 0x1p40))
        return pldist(pr, pc, ar, ac, br, bc) > 1;
    const double cr = ex * (ac - pc) - ey * (ar - pr);
    return cr * cr > L;
}

/* The passes (tolerances 1, 2, ...) that keep a point whose smallest
 * distance on its path of splits is lvl > 1: those below lvl, so
 * ceil(lvl) - 1 of them; LEVELS - 1 for all from there on. */
enum { LEVELS = 64 };
static inline size_t passes_keeping(double lvl)
{
    if (lvl > LEVELS - 1)
        return LEVELS - 1;
    const size_t f = (size_t)lvl; /* floor (lvl > 1); ceil is a libm call on baseline x86-64 */
    return f - ((double)f == lvl);
}

size_t cvhp__rdp_stack = 64;

typedef double f64x4 __attribute__((vector_size(32)));
typedef int64_t i64x4 __attribute__((vector_size(32)));

/* The first i in (a, b) farthest from point a, when that distance is > 0,
 * else b: the split of a closed contour (its ends coincide), which looks
 * at every point. Decided on squared distances, exact on half-integers;
 * four lanes keep their first maxima, and the lowest index among the
 * largest wins, as one loop would find. Inlined into a plain and an AVX2
 * build. */
static inline __attribute__((always_inline)) size_t far_from_rows(const double *r, const double *c, size_t a,
                                                                  size_t b)
{
    const double ar = r[a], ac = c[a];
    size_t i = a + 1, idx = b;
    double qmax = 0;
    if (b - i >= 8) {
        f64x4 vm = {0, 0, 0, 0}, vi = {0, 0, 0, 0};
        f64x4 cur = {(double)i, (double)i + 1, (double)i + 2, (double)i + 3};
        for (; i + 4 <= b; i += 4) {
            f64x4 rr, cc;
            memcpy(&rr, r + i, sizeof rr), memcpy(&cc, c + i, sizeof cc);
            const f64x4 dr = rr - ar, dc = cc - ac, q = dr * dr + dc * dc;
            const i64x4 gt = q > vm;
            vm = (f64x4)(((i64x4)q & gt) | ((i64x4)vm & ~gt));
            vi = (f64x4)(((i64x4)cur & gt) | ((i64x4)vi & ~gt));
            cur += 4;
        }
        for (int l = 0; l < 4; l++)
            if (vm[l] > qmax || (vm[l] == qmax && qmax > 0 && (size_t)vi[l] < idx))
                qmax = vm[l], idx = (size_t)vi[l];
    }
    for (; i < b; i++) {
        const double q = (r[i] - ar) * (r[i] - ar) + (c[i] - ac) * (c[i] - ac);
        if (q > qmax)
            qmax = q, idx = i;
    }
    return idx;
}

PLAIN_AND_AVX2(size_t, cvhp__rdp_far_from_scalar, cvhp__rdp_far_from_avx2,
               (const double *r, const double *c, size_t a, size_t b), far_from_rows, (r, c, a, b))

/* One RDP pass at tolerance 1 over the range [a, b] of the points, whose
 * ends are kept: the points it keeps are appended in order to kidx[nk..],
 * each with the smallest distance on its path of splits (dm for the
 * range's own) in klvl; the new nk. The ranges go depth first, left part
 * first, and a kept point is appended when its right part is taken up:
 * after every point on its left. Ranges of a few points are searched
 * inline (a call costs more than they do). Nothing in the loop waits for a
 * level (a square root and a division): the histogram is counted after. */
static size_t rdp(const tracer *t, const double *r, const double *c, size_t a, size_t b, double dm, size_t *kidx,
                  double *klvl, size_t nk)
{
    struct {
        size_t a, b;
        double dm;
    } stack[64];
    const size_t cap = cvhp__rdp_stack < 64 ? cvhp__rdp_stack : 64;
    size_t top = 0;
    for (;;) {
        if (b - a > 1) {
            size_t idx;
            if (r[a] == r[b] && c[a] == c[b]) /* the closed contour's ends: the distance to them */
                idx = t->far_from(r, c, a, b);
            else if (b - a <= 8)
                idx = cvhp__rdp_far_finish(NULL, NULL, 0, r, c, a + 1, b, r[a], c[a], r[b] - r[a], c[b] - c[a]);
            else
                idx = t->far(r, c, a + 1, b, r[a], c[a], r[b] - r[a], c[b] - c[a]);
            if (idx < b && beyond_one(r[idx], c[idx], r[a], c[a], r[b], c[b])) {
                const double d = pldist(r[idx], c[idx], r[a], c[a], r[b], c[b]);
                const double m = d < dm ? d : dm;
                if (top == cap) { /* very deep: the left part recursively, then idx and its right part */
                    nk = rdp(t, r, c, a, idx, m, kidx, klvl, nk);
                    kidx[nk] = idx, klvl[nk] = m, nk++;
                    a = idx, dm = m;
                    continue;
                }
                stack[top].a = idx, stack[top].b = b, stack[top].dm = m, top++;
                b = idx, dm = m; /* then the left part */
                continue;
            }
        }
        if (top == 0)
            return nk;
        top--;
        a = stack[top].a, b = stack[top].b, dm = stack[top].dm;
        kidx[nk] = a, klvl[nk] = dm, nk++;
    }
}

/* Appends to pk[n..] the points cyc[i], i in [lo, hi), of the m-point
 * cycle: all of them (keep_all), or its corners (the points where the step
 * in is not the step out, neighbours taken around the cycle); the new n.
 * pk has room for 3 points past the last. */
static size_t corners_of(const tracer *t, const uint64_t *cyc, size_t m, size_t lo, size_t hi, uint64_t *pk, size_t n,
                         int keep_all)
{
    if (keep_all) {
        memcpy(pk + n, cyc + lo, (hi - lo) * sizeof *pk);
        return n + hi - lo;
    }
    if (lo == 0 && hi > 0) { /* its step in comes from the last point */
        pk[n] = cyc[0];
        n += cyc[0] - cyc[m - 1] != cyc[1] - cyc[0];
        lo = 1;
    }
    const size_t mid = hi == m ? m - 1 : hi; /* the last point's step out goes to the first */
    if (lo < mid)
        n += t->corners(cyc, lo, mid, pk + n);
    if (hi == m && lo < m) {
        pk[n] = cyc[m - 1];
        n += cyc[m - 1] - cyc[m - 2] != cyc[0] - cyc[m - 1];
    }
    return n;
}

/* Packed points (2r) << 32 | 2c to (r, c) as doubles. The bits of 2^51
 * with a 32-bit x in the low mantissa are the double 2^51 + x / 2 exactly
 * (its last place is 1/2), so one OR and one subtraction convert and halve:
 * plain integer and double lanes the compiler vectorizes. */
static void unpack_points(const uint64_t *pk, size_t n, double *vr, double *vc)
{
    const uint64_t two51 = 0x4320000000000000u;
    for (size_t i = 0; i < n; i++) {
        const uint64_t br = pk[i] >> 32 | two51, bc = (pk[i] & 0xffffffffu) | two51;
        double r, c;
        memcpy(&r, &br, sizeof r), memcpy(&c, &bc, sizeof c);
        vr[i] = r - 0x1p51, vc[i] = c - 0x1p51;
    }
}

size_t cvhp__corners_scalar(const uint64_t *p, size_t lo, size_t hi, uint64_t *out)
{
    size_t n = 0;
    for (size_t i = lo; i < hi; i++) { /* no branch: which points are corners is unpredictable */
        out[n] = p[i];
        n += p[i] - p[i - 1] != p[i + 1] - p[i];
    }
    return n;
}

/* whether the pass at tolerance eps keeps a point whose smallest distance
 * on its path of splits is lvl (rdp splits where the distance is > eps) */
static inline int kept_by_pass(double lvl, int eps) { return lvl > eps; }

/* Appends contour f to the polygons: its cycle read from the end point of
 * its last segment in visiting order and closed by repeating it;
 * simplified, and as the options ask. 0: out of memory. */
static int emit(tracer *t, const contour *f)
{
    const cvhp_mask_options *o = t->o;
    cvhp_polygons *p = t->p;
    const size_t at = p->start[p->n], m = f->m;
    const uint64_t *cyc = t->cyc + f->start;
    /* (row, col); the points rdp keeps, in order, and their levels */
    double *vr = t->v, *vc = vr + m + 1, *klvl = vc + m + 1;
    size_t *kidx = (size_t *)(void *)(klvl + m + 1);
    uint64_t *pk = (uint64_t *)(void *)kidx; /* before them: the packed points */
    const int pixels = (o->flags & CVHP_POLY_PIXELS) != 0, raw = (o->flags & CVHP_POLY_RAW) != 0;
    /* When the tolerance-0 pass will run, a point in the middle of a
     * straight run (the step into it equals the step out of it: the
     * lattice steps are one of 8 fixed vectors) is dropped up front. Its
     * distance to any chord is a convex combination of its neighbours',
     * so it is never the first maximum and that pass would drop it
     * anyway: every split, and so the result, is unchanged. */
    const int prune = !raw && o->max_points > 0 && (int64_t)(m + 1) > o->max_points && o->max_refinements > 0;
    /* from the end of its last segment in visiting order: the largest point
     * for an outer boundary, the one after it for a hole (see above) */
    size_t s0 = t->find_point(cyc, m, f->top);
    s0 = !f->hole ? s0 : s0 + 1 < m ? s0 + 1 : 0;
    /* the contour in order, packed (the packed difference of two points is
     * the same for the same step, and only then), the inside points of
     * straight runs left out; then as doubles */
    size_t n = 0;
    pk[n++] = cyc[s0]; /* the first point stays, */
    n = corners_of(t, cyc, m, s0 + 1, m, pk, n, !prune);
    n = corners_of(t, cyc, m, 0, s0, pk, n, !prune);
    pk[n++] = cyc[s0]; /* and closes the contour */
    unpack_points(pk, n, vr, vc);
    /* Cumulative simplification, tolerances 0, 1, 2, ... while there are
     * too many points. The pass at 0 drops exactly the points inside
     * straight runs, which the prune above has dropped: a point it drops
     * lies on the chord of its final range, as all that range's points do,
     * and a path of lattice steps along a line repeats one step. Each later
     * pass splits the same ranges at the same points as the pass before
     * (the first farthest point of a range is kept, so it is still the
     * first farthest among the survivors) and stops where the distance is
     * within the tolerance: so one pass at 1 gives every point the smallest
     * distance on its path of splits, and the pass at k keeps the points
     * where that is > k. */
    if (prune && (int64_t)n > o->max_points && o->max_refinements > 1) {
        size_t hist[LEVELS] = {0}, above = 2; /* the ends stay */
        kidx[0] = 0, klvl[0] = HUGE_VAL;
        size_t nk = rdp(t, vr, vc, 0, n - 1, HUGE_VAL, kidx, klvl, 1);
        kidx[nk] = n - 1, klvl[nk] = HUGE_VAL, nk++;
        for (size_t i = 1; i + 1 < nk; i++) /* out of the pass: its chain need not wait for the levels */
            hist[passes_keeping(klvl[i])]++;
        for (size_t k = 1; k < LEVELS; k++)
            above += hist[k];
        int eps = 1; /* above: the points the pass at eps keeps */
        for (size_t count = n; (int64_t)count > o->max_points && eps < o->max_refinements; eps++) {
            if (eps < LEVELS) {
                count = above;
                above -= hist[eps];
                continue;
            }
            count = 0; /* passes beyond the histogram: rare */
            for (size_t i = 0; i < nk; i++)
                count += kept_by_pass(klvl[i], eps);
        }
        /* in place: the kept points' indices grow at least as fast as w */
        size_t w = 0;
        for (size_t i = 0; i < nk; i++) { /* no branch: which points stay is unpredictable */
            vr[w] = vr[kidx[i]], vc[w] = vc[kidx[i]];
            w += (size_t)kept_by_pass(klvl[i], eps - 1); /* the last pass run */
        }
        n = w;
    }
    if (!grow(&t->ar, (void **)&p->xy, &t->xycap, 2 * (at + n), sizeof *p->xy))
        return 0;
    p->hole[p->n] = (uint8_t)f->hole;
    double *xy = p->xy + 2 * at;
    /* One plain loop per form, which the compiler vectorizes. ceil(v) - 1
     * of a half-integer v >= 0.5 is floor(v - 1/2), and v - 3/4 is never a
     * tie, so rounding it to the nearest integer (adding and taking away
     * 1.5 x 2^52, exact below 2^51) gives it: no libm call (ceil is one on
     * baseline x86-64) and no conversions. */
    const double round = 0x1.8p52, w = (double)t->width, h = (double)t->height;
    if (raw) /* the padded mask's (row, col) minus the padding */
        for (size_t i = 0; i < n; i++)
            xy[2 * i] = vc[i] - 1, xy[2 * i + 1] = vr[i] - 1;
    else if (pixels)
        for (size_t i = 0; i < n; i++)
            xy[2 * i] = (vc[i] - 0.75 + round) - round, xy[2 * i + 1] = (vr[i] - 0.75 + round) - round;
    else
        for (size_t i = 0; i < n; i++)
            xy[2 * i] = ((vc[i] - 0.75 + round) - round) / w, xy[2 * i + 1] = ((vr[i] - 0.75 + round) - round) / h;
    p->n++;
    p->start[p->n] = at + n;
    return 1;
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
    tracer t;
    memset(&t, 0, sizeof t);
    t.ar.a = o->alloc ? o->alloc : &cvhp__default_allocator;
    const size_t mw = (width + 63) / 64;
    t.S = ((mw + 8) & ~(size_t)7) + 1; /* the scan reads words [0, kend] of a row, kend a multiple of 8 */
    cvhp_status st = CVHP_OK;
    size_t nbits, squares, bytes; /* nbits: the words of the bits and the marks */
    /* One scratch block (one large allocation a call: the system allocator
     * then recycles it rather than mapping fresh pages each time): the bits
     * and the marks, then room for a typical boundary's points. And a bound
     * on the points: two segments per square at most. */
    const size_t points0 = 8 * (height + width) + 1024;
    if (!cvhp__mul_size(2 * height + 3, t.S, &nbits) || !cvhp__mul_size(height + 1, width + 1, &squares) ||
        !cvhp__mul_size(squares, 2, &t.vmax) || nbits + points0 < nbits ||
        !cvhp__mul_size(nbits + points0, sizeof *t.bits, &bytes)) {
        return cvhp__error(CVHP_ERR_OVERFLOW, "%s: the %zux%zu mask's bit planes overflow", fn, height, width);
    }
    t.o = o, t.height = height, t.width = width;
    t.far = cvhp__pick_rdp_far();
    t.far_from = cvhp__rdp_far_from_scalar;
    t.corners = cvhp__corners_scalar;
    t.find_point = find_point;
#if AVX2_BUILDS
    if (avx2_active())
        t.far_from = cvhp__rdp_far_from_avx2, t.corners = cvhp__corners_avx2, t.find_point = find_point_avx2;
#endif
    uint64_t *block = cvhp__alloc(t.ar.a, bytes);
    if (block == NULL) {
        st = cvhp__error(CVHP_ERR_OUT_OF_MEMORY, "%s: cannot allocate scratch", fn);
        goto done;
    }
    t.bits = block;
    t.cyc = block + nbits, t.vcap = points0;
    t.seen = t.bits + (height + 2) * t.S;
    memset(t.seen, 0, (height + 1) * t.S * sizeof *t.seen);
    step_table(&t, (int64_t)(64 * t.S));
    cvhp__threshold_bits_fn thr_bits = src->f ? cvhp__pick_threshold_bits() : NULL;
    cvhp__nonzero_bits_fn nz_bits = src->f ? NULL : cvhp__pick_nonzero_bits();
    memset(t.bits, 0, t.S * sizeof *t.bits); /* the top padding */
    /* A row is thresholded in whole words of 64 pixels, reading on into
     * the next rows (the mask is one array), and the bits past its end are
     * cleared: the kernels' tail (a masked word) runs only where whole
     * words would read past the mask's last pixel. */
    const size_t whole = 64 * mw, cells = height * width; /* (no overflow: checked above) */
    const uint64_t last = width % 64 ? ((uint64_t)1 << width % 64) - 1 : ~(uint64_t)0;
    for (size_t r = 0; r < height; r++) {
        uint64_t *row = t.bits + (r + 1) * t.S;
        row[0] = 0; /* the left and right padding */
        for (size_t k = mw + 1; k < t.S; k++)
            row[k] = 0;
        const size_t at = r * width, n = cells - at >= whole ? whole : width;
        if (thr_bits)
            thr_bits(src->f + at, n, src->thr, row + 1);
        else
            nz_bits(src->u + at, n, row + 1);
        row[mw] &= last;
    }
    memset(t.bits + (height + 1) * t.S, 0, t.S * sizeof *t.bits); /* the bottom padding */
    const int rc = scan(&t, height, width);
    if (rc <= 0) {
        st = rc == 0 ? cvhp__error(CVHP_ERR_OUT_OF_MEMORY, "%s: cannot grow the contour lists", fn)
                     : cvhp__error(CVHP_ERR_INTERNAL, "%s: a contour does not close", fn);
        goto done;
    }
    /* the polygons: the contours' offsets and hole flags exactly, the
     * coordinates reserved below */
    t.p = cvhp__alloc(t.ar.a, sizeof *t.p);
    if (t.p != NULL) {
        memset(t.p, 0, sizeof *t.p);
        t.p->alloc = *t.ar.a;
    }
    /* raw: every point; else each contour ends with at most max_points
     * points unless its passes run out (then the array grows) */
    size_t xy_room = t.nv + t.nc;
    if (!(o->flags & CVHP_POLY_RAW) && o->max_points > 0 && (uint64_t)o->max_points < xy_room / (t.nc ? t.nc : 1))
        xy_room = t.nc * (size_t)o->max_points;
    xy_room = 2 * (xy_room ? xy_room : 1);
    if (t.p == NULL || !grow(&t.ar, (void **)&t.p->start, &t.startcap, t.nc + 1, sizeof *t.p->start) ||
        !grow(&t.ar, (void **)&t.p->hole, &t.holecap, t.nc ? t.nc : 1, sizeof *t.p->hole) ||
        !grow(&t.ar, (void **)&t.p->xy, &t.xycap, xy_room, sizeof *t.p->xy)) {
        st = cvhp__error(CVHP_ERR_OUT_OF_MEMORY, "%s: cannot allocate the polygons", fn);
        goto done;
    }
    t.p->start[0] = 0;
    size_t big = 0; /* the largest contour: the scratch for one at a time */
    for (size_t f = 0; f < t.nc; f++)
        big = t.cs[f].m > big ? t.cs[f].m : big;
    if (4 * (big + 2) <= nbits) /* in the block: the bits are done with */
        t.v = (double *)(void *)block;
    else if (!grow(&t.ar, (void **)&t.v, &t.v_cap, 4 * (big + 2), sizeof *t.v)) {
        st = cvhp__error(CVHP_ERR_OUT_OF_MEMORY, "%s: cannot allocate scratch", fn);
        goto done;
    }
    for (size_t f = 0; f < t.nc; f++)
        if (!emit(&t, &t.cs[f])) {
            st = cvhp__error(CVHP_ERR_OUT_OF_MEMORY, "%s: cannot allocate the polygons", fn);
            goto done;
        }
    *out = t.p;
    t.p = NULL;
done:
    cvhp_polygons_free(t.p);
    if (t.cyc_owned)
        cvhp__free(t.ar.a, t.cyc);
    if (t.v_cap) /* not in the block */
        cvhp__free(t.ar.a, t.v);
    cvhp__free(t.ar.a, t.cs);
    cvhp__free(t.ar.a, block);
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
