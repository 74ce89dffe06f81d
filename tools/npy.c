/* SPDX-License-Identifier: MIT */
#include "npy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(char *err, size_t cap, const char *path, const char *why)
{
    snprintf(err, cap, "%s: %s", path, why);
    return -1;
}

int npy_read(const char *path, npy_array *out, char *err, size_t errcap)
{
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "rb");
    if (!f)
        return fail(err, errcap, path, "cannot open");
    unsigned char head[10];
    if (fread(head, 1, 10, f) != 10 || memcmp(head, "\x93NUMPY", 6) != 0) {
        fclose(f);
        return fail(err, errcap, path, "not a .npy file");
    }
    size_t hlen;
    if (head[6] == 1) {
        hlen = head[8] | (size_t)head[9] << 8;
    } else {
        unsigned char ext[2];
        if (fread(ext, 1, 2, f) != 2) {
            fclose(f);
            return fail(err, errcap, path, "truncated header");
        }
        hlen = head[8] | (size_t)head[9] << 8 | (size_t)ext[0] << 16 | (size_t)ext[1] << 24;
    }
    if (hlen > 65536) {
        fclose(f);
        return fail(err, errcap, path, "header too long");
    }
    char *h = calloc(1, hlen + 1);
    if (!h || fread(h, 1, hlen, f) != hlen) {
        free(h);
        fclose(f);
        return fail(err, errcap, path, "truncated header");
    }
    const char *d = strstr(h, "'descr':");
    const char *fo = strstr(h, "'fortran_order':");
    const char *sh = strstr(h, "'shape':");
    if (!d || !fo || !sh || strstr(fo, "True") == fo + 17) {
        free(h);
        fclose(f);
        return fail(err, errcap, path, "unsupported header (need C order)");
    }
    if (strstr(d, "'<f4'") == d + 9)
        out->dtype = 'f';
    else if (strstr(d, "'<i8'") == d + 9)
        out->dtype = 'q';
    else if (strstr(d, "'|u1'") == d + 9 || strstr(d, "'|b1'") == d + 9)
        out->dtype = 'u';
    else {
        free(h);
        fclose(f);
        return fail(err, errcap, path, "dtype must be <f4, <i8, |u1 or |b1");
    }
    const char *p = strchr(sh, '(');
    out->ndim = 0;
    out->shape[0] = out->shape[1] = 1;
    while (p && *p && *p != ')' && out->ndim < 3) {
        p++;
        while (*p == ' ')
            p++;
        if (*p == ')')
            break;
        char *end;
        unsigned long long v = strtoull(p, &end, 10);
        if (end == p)
            break;
        if (out->ndim < 2)
            out->shape[out->ndim] = (size_t)v;
        out->ndim++;
        p = end;
        while (*p == ' ')
            p++;
        if (*p != ',')
            break;
    }
    free(h);
    if (out->ndim < 1 || out->ndim > 2) {
        fclose(f);
        return fail(err, errcap, path, "need a 1-D or 2-D array");
    }
    size_t count = out->shape[0] * out->shape[1], esz = out->dtype == 'f' ? 4 : out->dtype == 'u' ? 1 : 8;
    if (out->shape[1] && count / out->shape[1] != out->shape[0]) {
        fclose(f);
        return fail(err, errcap, path, "shape overflows");
    }
    out->data = malloc(count * esz + 1);
    if (!out->data || fread(out->data, esz, count, f) != count) {
        free(out->data);
        out->data = NULL;
        fclose(f);
        return fail(err, errcap, path, "truncated data");
    }
    fclose(f);
    return 0;
}

int npy_write(const char *path, char dtype, const size_t *shape, int ndim, const void *data)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    char h[128];
    int n = ndim == 1 ? snprintf(h, sizeof h, "{'descr': '%s', 'fortran_order': False, 'shape': (%zu,), }",
                                 dtype == 'f' ? "<f4" : "<i8", shape[0])
                      : snprintf(h, sizeof h, "{'descr': '%s', 'fortran_order': False, 'shape': (%zu, %zu), }",
                                 dtype == 'f' ? "<f4" : "<i8", shape[0], shape[1]);
    int total = 10 + n + 1;
    int pad = (64 - total % 64) % 64;
    unsigned short hl = (unsigned short)(n + pad + 1);
    fwrite("\x93NUMPY\x01\x00", 1, 8, f);
    fputc(hl & 255, f), fputc(hl >> 8, f);
    fwrite(h, 1, (size_t)n, f);
    for (int i = 0; i < pad; i++)
        fputc(' ', f);
    fputc('\n', f);
    size_t count = shape[0] * (ndim == 2 ? shape[1] : 1);
    size_t w = fwrite(data, dtype == 'f' ? 4 : 8, count, f);
    return fclose(f) == 0 && w == count ? 0 : -1;
}

void npy_free(npy_array *a)
{
    free(a->data);
    a->data = NULL;
}
