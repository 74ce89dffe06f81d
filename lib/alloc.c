/* SPDX-License-Identifier: MIT
 * Allocation through the caller's hooks or malloc. */
#include <stdlib.h>

#include "internal.h"

static void *default_alloc(void *user, size_t size)
{
    (void)user;
    return malloc(size);
}

static void default_free(void *user, void *ptr)
{
    (void)user;
    free(ptr);
}

const cvhp_allocator cvhp__default_allocator = {default_alloc, default_free, NULL};

void *cvhp__alloc(const cvhp_allocator *a, size_t size)
{
    if (size == 0)
        size = 1; /* never hand 0 to a user allocator: its meaning varies */
    if (a == NULL)
        a = &cvhp__default_allocator;
    return a->alloc(a->user, size);
}

void cvhp__free(const cvhp_allocator *a, void *ptr)
{
    if (ptr == NULL)
        return;
    if (a == NULL)
        a = &cvhp__default_allocator;
    a->free(a->user, ptr);
}
