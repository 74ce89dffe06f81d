/* SPDX-License-Identifier: MIT */
#include "golden.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t elem_size(char d)
{
    switch (d) {
    case 'f':
    case 'i':
        return 4;
    case 'd':
    case 'q':
        return 8;
    case 'u':
        return 1;
    }
    return 0;
}

golden_file *golden_load(const char *name)
{
    const char *dir = getenv("CVHP_GOLDEN_DIR");
    ck_assert_msg(dir != NULL, "CVHP_GOLDEN_DIR is not set (meson sets it)");
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    golden_file *g = calloc(1, sizeof *g);
    g->bytes = malloc((size_t)len + 1);
    ck_assert(g->bytes && fread(g->bytes, 1, (size_t)len, f) == (size_t)len);
    fclose(f);
    size_t cap = 16, p = 0;
    g->cases = calloc(cap, sizeof *g->cases);
    while (p < (size_t)len) {
        ck_assert_msg(memcmp(g->bytes + p, "CASE", 4) == 0, "%s: bad record at %zu", path, p);
        uint32_t nl;
        memcpy(&nl, g->bytes + p + 4, 4);
        if (g->ncases == cap) {
            cap *= 2;
            g->cases = realloc(g->cases, cap * sizeof *g->cases);
        }
        golden_case *c = &g->cases[g->ncases++];
        memset(c, 0, sizeof *c);
        memcpy(c->name, g->bytes + p + 8, nl < sizeof c->name - 1 ? nl : sizeof c->name - 1);
        p += 8 + nl;
        while (memcmp(g->bytes + p, "END!", 4) != 0) {
            ck_assert(c->narrays < 32);
            golden_array *a = &c->arrays[c->narrays++];
            memcpy(a->tag, g->bytes + p, 4);
            a->tag[4] = '\0';
            a->dtype = (char)g->bytes[p + 4];
            memcpy(&a->count, g->bytes + p + 5, 4);
            /* copied out so every array is aligned for its type */
            const size_t bytes = (size_t)a->count * elem_size(a->dtype);
            void *copy = malloc(bytes ? bytes : 1);
            ck_assert(copy != NULL);
            memcpy(copy, g->bytes + p + 9, bytes);
            a->data = copy;
            p += 9 + bytes;
        }
        p += 4;
    }
    return g;
}

void golden_free(golden_file *g)
{
    if (!g)
        return;
    for (size_t i = 0; i < g->ncases; i++)
        for (size_t k = 0; k < g->cases[i].narrays; k++)
            free((void *)g->cases[i].arrays[k].data);
    free(g->bytes);
    free(g->cases);
    free(g);
}

const void *golden_get(const golden_case *c, const char *tag, char dtype, size_t *count)
{
    for (size_t i = 0; i < c->narrays; i++)
        if (strcmp(c->arrays[i].tag, tag) == 0 && c->arrays[i].dtype == dtype) {
            if (count)
                *count = c->arrays[i].count;
            return c->arrays[i].data;
        }
    return NULL;
}
