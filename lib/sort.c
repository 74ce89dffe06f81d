/* SPDX-License-Identifier: MIT
 * Stable sorts for NMS: scores descending (ties by index, NaN first, -0 == +0)
 * and 64-bit class keys ascending, both LSD radix with 11-bit digits, so the
 * order is fully determined by the input (torchvision's CPU sort is not). */
#include <string.h>

#include "kernels.h"

/* Counts -> each digit's first output position (exclusive prefix sum). */
static void starts_of_counts(uint32_t *h, size_t n)
{
    uint32_t sum = 0;
    for (size_t d = 0; d < n; d++) {
        const uint32_t c = h[d];
        h[d] = sum;
        sum += c;
    }
}

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

void cvhp__radix_u64(uint64_t *key, uint32_t *val, uint64_t *tkey, uint32_t *tval, size_t n)
{
    if (n < 2)
        return;
    /* keys spanning a small range (class ids): one counting-sort pass */
    uint64_t lo = key[0], hi = key[0];
    for (size_t i = 1; i < n; i++) {
        lo = key[i] < lo ? key[i] : lo;
        hi = key[i] > hi ? key[i] : hi;
    }
    if (hi == lo)
        return;
    if (hi - lo < (1u << 16) && hi - lo < 4 * (uint64_t)n) {
        const size_t range = (size_t)(hi - lo) + 1;
        /* the histogram lives in tval's space when it fits, else on the stack */
        uint32_t stack_hist[4096];
        uint32_t *h = range <= 4096 ? stack_hist : NULL;
        if (h == NULL)
            goto radix; /* rare: wide sparse ranges take the general path */
        memset(h, 0, range * sizeof *h);
        for (size_t i = 0; i < n; i++)
            h[key[i] - lo]++;
        starts_of_counts(h, range);
        for (size_t i = 0; i < n; i++) {
            uint32_t p = h[key[i] - lo]++;
            tkey[p] = key[i];
            tval[p] = val[i];
        }
        memcpy(key, tkey, n * sizeof *key);
        memcpy(val, tval, n * sizeof *val);
        return;
    }
radix:;
    /* general: LSD over the 11-bit digits that differ between lo and hi's prefix */
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
