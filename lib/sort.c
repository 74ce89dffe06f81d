/* SPDX-License-Identifier: MIT
 * Stable sorts for NMS and the tile merge: scores descending (ties by
 * index, NaN first, -0 == +0, LSD radix with 11-bit digits) and the
 * grouping by class that follows it, so the order is fully determined by
 * the input (torchvision's CPU sort is not). */
#include <string.h>

#include "kernels.h"

/* Counts -> each one's first output position (exclusive prefix sum), for
 * the radix sort's uint32_t digit counts (a size_t histogram would double
 * its 24 KB on the stack) and the groupings' size_t counts. */
#define STARTS_OF(name, T)                    \
    static void name(T *h, size_t n)          \
    {                                         \
        T sum = 0;                            \
        for (size_t d = 0; d < n; d++) {      \
            const T c = h[d];                 \
            h[d] = sum;                       \
            sum += c;                         \
        }                                     \
    }
STARTS_OF(starts_of_counts, uint32_t)
STARTS_OF(starts_of_sizes, size_t)
#undef STARTS_OF

/* Stable insertion sort for short inputs. */
static void insertion_u32(uint32_t *key, uint32_t *val, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        uint32_t k = key[i], v = val[i];
        size_t j = i;
        while (j > 0 && key[j - 1] > k) {
            key[j] = key[j - 1];
            val[j] = val[j - 1];
            j--;
        }
        key[j] = k;
        val[j] = v;
    }
}

void cvhp__radix_u32(uint32_t *key, uint32_t *val, uint32_t *tkey, uint32_t *tval, size_t n)
{
    if (n < 64) {
        insertion_u32(key, val, n);
        return;
    }
    uint32_t hist[3][2048];
    memset(hist, 0, sizeof hist);
    for (size_t i = 0; i < n; i++) {
        uint32_t k = key[i];
        hist[0][k & 2047]++;
        hist[1][(k >> 11) & 2047]++;
        hist[2][k >> 22]++;
    }
    uint32_t *sk = key, *sv = val, *dk = tkey, *dv = tval;
    for (int pass = 0; pass < 3; pass++) {
        const int shift = 11 * pass;
        uint32_t *h = hist[pass];
        /* a pass whose digit is the same for every key changes nothing */
        if (h[(sk[0] >> shift) & 2047] == n)
            continue;
        starts_of_counts(h, 2048);
        for (size_t i = 0; i < n; i++) {
            uint32_t k = sk[i];
            uint32_t pos = h[(k >> shift) & 2047]++;
            dk[pos] = k;
            dv[pos] = sv[i];
        }
        uint32_t *t = sk;
        sk = dk, dk = t;
        t = sv, sv = dv, dv = t;
    }
    if (sk != key) {
        memcpy(key, sk, n * sizeof *key);
        memcpy(val, sv, n * sizeof *val);
    }
}

/* Stable LSD radix sort of 64-bit keys over the 11-bit digits in which
 * they differ. */
static void radix_u64(uint64_t *key, uint32_t *val, uint64_t *tkey, uint32_t *tval, size_t n, uint64_t lo,
                      uint64_t hi)
{
    uint64_t *sk = key, *dk = tkey;
    uint32_t *sv = val, *dv = tval;
    for (int shift = 0; shift < 64; shift += 11) {
        if (((lo ^ hi) >> shift) == 0)
            break; /* all higher digits are equal for every key */
        uint32_t h[2048];
        memset(h, 0, sizeof h);
        for (size_t i = 0; i < n; i++)
            h[(sk[i] >> shift) & 2047]++;
        if (h[(sk[0] >> shift) & 2047] == n)
            continue;
        starts_of_counts(h, 2048);
        for (size_t i = 0; i < n; i++) {
            uint32_t pos = h[(sk[i] >> shift) & 2047]++;
            dk[pos] = sk[i];
            dv[pos] = sv[i];
        }
        uint64_t *t = sk;
        sk = dk, dk = t;
        uint32_t *tv = sv;
        sv = dv, dv = tv;
    }
    if (sk != key) {
        memcpy(key, sk, n * sizeof *key);
        memcpy(val, sv, n * sizeof *val);
    }
}

/* The scatter of a counting pass leaves each value's cursor where the next
 * value's group starts; this keeps the non-empty groups' starts, in value
 * order, then the end n. Returns the group count. */
static size_t compact_starts(size_t *starts, size_t range, size_t n)
{
    size_t g = 0, prev = 0;
    for (size_t v = 0; v < range; v++) { /* g <= v: each entry is read before it is written */
        const size_t end = starts[v];
        if (end > prev) {
            starts[g++] = prev;
            prev = end;
        }
    }
    starts[g] = n;
    return g;
}

size_t cvhp__group_small(const uint32_t *id, const uint32_t *at, size_t n, size_t range, int counted, size_t *starts,
                         uint32_t *out)
{
    if (!counted) {
        memset(starts, 0, range * sizeof *starts);
        for (size_t r = 0; r < n; r++)
            starts[id[at ? at[r] : r]]++;
    }
    starts_of_sizes(starts, range);
    for (size_t r = 0; r < n; r++) {
        if (at && r + 64 < n) /* a random read: fetch ahead */
            __builtin_prefetch(id + at[r + 64]);
        out[starts[id[at ? at[r] : r]]++] = (uint32_t)r;
    }
    return compact_starts(starts, range, n);
}

size_t cvhp__group_i64(uint64_t *key, const uint32_t *val, uint32_t *out, uint64_t *tkey, uint32_t *tval, size_t n,
                       size_t *starts)
{
    if (n == 0) {
        starts[0] = 0;
        return 0;
    }
    /* signed order as unsigned */
    uint64_t lo = UINT64_MAX, hi = 0;
    for (size_t i = 0; i < n; i++) {
        const uint64_t k = key[i] ^ 0x8000000000000000ull;
        key[i] = k;
        lo = k < lo ? k : lo, hi = k > hi ? k : hi;
    }
    size_t g = 0;
    if (hi - lo < n) {
        /* ids spanning fewer values than there are entries (class ids): one
         * counting pass with its histogram in starts, the values scattered
         * straight into out; a value's cursor ends where the next value
         * starts, which leaves the non-empty groups' ends to compact */
        const size_t range = (size_t)(hi - lo) + 1;
        memset(starts, 0, range * sizeof *starts);
        for (size_t i = 0; i < n; i++)
            starts[key[i] - lo]++;
        starts_of_sizes(starts, range);
        for (size_t i = 0; i < n; i++)
            out[starts[key[i] - lo]++] = val ? val[i] : (uint32_t)i;
        return compact_starts(starts, range, n);
    } else {
        for (size_t i = 0; i < n; i++)
            out[i] = val ? val[i] : (uint32_t)i;
        radix_u64(key, out, tkey, tval, n, lo, hi);
        for (size_t i = 0; i < n; i++)
            if (i == 0 || key[i] != key[i - 1])
                starts[g++] = i;
    }
    starts[g] = n;
    return g;
}
