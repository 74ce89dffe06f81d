/* SPDX-License-Identifier: MIT
 * cvhp_workspace: a recycling pool behind a cvhp_allocator, so a server
 * that calls the same kernels on similar inputs stops allocating from the
 * system after the first calls (see include/cvhp/common.h). */
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "internal.h"

typedef union blk {
    struct {
        size_t cap;      /* usable bytes after the header */
        union blk *next; /* free list link */
    } h;
    max_align_t align;
} blk;

struct cvhp_workspace {
    cvhp_allocator iface; /* what callers pass as `alloc`; user points here */
    cvhp_allocator backing;
    pthread_mutex_t lock;
    blk *free_list;
    size_t live;       /* blocks handed out and not yet returned */
    size_t system;     /* allocations from the backing allocator */
    size_t held_bytes; /* bytes of every block the pool owns (free or live) */
    int orphaned;      /* cvhp_workspace_free was called with live blocks */
};

static void destroy(cvhp_workspace *ws)
{
    blk *b = ws->free_list;
    while (b) {
        blk *n = b->h.next;
        ws->backing.free(ws->backing.user, b);
        b = n;
    }
    pthread_mutex_destroy(&ws->lock);
    cvhp_allocator back = ws->backing;
    back.free(back.user, ws);
}

static void *ws_alloc(void *user, size_t size)
{
    cvhp_workspace *ws = user;
    blk *best = NULL, **best_link = NULL;
    pthread_mutex_lock(&ws->lock);
    for (blk **link = &ws->free_list; *link; link = &(*link)->h.next) {
        blk *b = *link;
        if (b->h.cap >= size && (!best || b->h.cap < best->h.cap)) {
            best = b;
            best_link = link;
            if (b->h.cap == size)
                break;
        }
    }
    if (best) {
        *best_link = best->h.next;
        ws->live++;
        pthread_mutex_unlock(&ws->lock);
        return best + 1;
    }
    pthread_mutex_unlock(&ws->lock);
    /* a new block rounded up to a power of two (from 64 bytes) so that
     * slightly different sizes on the next call reuse it */
    size_t cap = 64;
    while (cap < size) {
        if (cap > (SIZE_MAX - sizeof(blk)) / 2)
            return NULL;
        cap *= 2;
    }
    blk *b = ws->backing.alloc(ws->backing.user, sizeof(blk) + cap);
    if (!b)
        return NULL;
    b->h.cap = cap;
    b->h.next = NULL;
    pthread_mutex_lock(&ws->lock);
    ws->live++;
    ws->system++;
    ws->held_bytes += cap;
    pthread_mutex_unlock(&ws->lock);
    return b + 1;
}

static void ws_free(void *user, void *ptr)
{
    cvhp_workspace *ws = user;
    blk *b = (blk *)ptr - 1;
    pthread_mutex_lock(&ws->lock);
    ws->live--;
    b->h.next = ws->free_list;
    ws->free_list = b;
    int last = ws->orphaned && ws->live == 0;
    pthread_mutex_unlock(&ws->lock);
    if (last)
        destroy(ws);
}

cvhp_status cvhp_workspace_new(const cvhp_allocator *backing, cvhp_workspace **out)
{
    if (out == NULL)
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "cvhp_workspace_new: out is NULL");
    *out = NULL;
    if (backing && (!backing->alloc || !backing->free))
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "cvhp_workspace_new: the allocator needs both alloc and free");
    const cvhp_allocator back = backing ? *backing : cvhp__default_allocator;
    cvhp_workspace *ws = back.alloc(back.user, sizeof *ws);
    if (!ws)
        return cvhp__error(CVHP_ERR_OUT_OF_MEMORY, "cvhp_workspace_new: out of memory");
    *ws = (cvhp_workspace){.iface = {ws_alloc, ws_free, ws}, .backing = back};
    if (pthread_mutex_init(&ws->lock, NULL) != 0) {
        back.free(back.user, ws);
        return cvhp__error(CVHP_ERR_OUT_OF_MEMORY, "cvhp_workspace_new: cannot create a mutex");
    }
    *out = ws;
    return CVHP_OK;
}

const cvhp_allocator *cvhp_workspace_allocator(const cvhp_workspace *ws) { return ws ? &ws->iface : NULL; }

cvhp_status cvhp_workspace_stats(cvhp_workspace *ws, size_t *system_allocations, size_t *bytes_held,
                                 size_t *blocks_in_use)
{
    if (ws == NULL)
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "cvhp_workspace_stats: ws is NULL");
    pthread_mutex_lock(&ws->lock);
    if (system_allocations)
        *system_allocations = ws->system;
    if (bytes_held)
        *bytes_held = ws->held_bytes;
    if (blocks_in_use)
        *blocks_in_use = ws->live;
    pthread_mutex_unlock(&ws->lock);
    return CVHP_OK;
}

void cvhp_workspace_free(cvhp_workspace *ws)
{
    if (ws == NULL)
        return;
    pthread_mutex_lock(&ws->lock);
    int busy = ws->live > 0;
    ws->orphaned = busy;
    pthread_mutex_unlock(&ws->lock);
    if (!busy)
        destroy(ws);
}
