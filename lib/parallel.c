/* SPDX-License-Identifier: MIT
 * The batch forms' common loop: independent items in parallel, and the
 * status and message of the lowest failing one. */
#include "internal.h"

cvhp_status cvhp__for_each_item(size_t n, int num_threads, cvhp__item_fn item, void *ctx)
{
    const int nt = cvhp__threads(num_threads);
    size_t first_bad = n;
    (void)nt;
#if CVHP_HAVE_OPENMP
#  pragma omp parallel for num_threads(nt) schedule(dynamic, 1) if (nt > 1 && n > 1)
#endif
    for (size_t i = 0; i < n; i++) {
        if (item(ctx, i) != CVHP_OK) {
#if CVHP_HAVE_OPENMP
#  pragma omp critical(cvhp_for_each_item)
#endif
            if (i < first_bad)
                first_bad = i;
        }
    }
    if (first_bad == n)
        return CVHP_OK;
    /* the message is thread-local: rerun the first failure on this thread */
    const cvhp_status st = item(ctx, first_bad);
    return st != CVHP_OK ? st : cvhp__error(CVHP_ERR_INTERNAL, "item %zu failed only in a worker thread", first_bad);
}
