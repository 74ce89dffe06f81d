/* SPDX-License-Identifier: MIT
 * Internal declarations shared by libcvhp's sources. Never installed.
 * Every internal symbol is spelled cvhp__name (two underscores) and has hidden
 * visibility, so it never appears in the shared library's dynamic table. */
#ifndef CVHP_INTERNAL_H
#define CVHP_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>

#include "build_config.h"
#include "cvhp/cvhp.h"

#if defined(__GNUC__)
#  define CVHP_PRINTF(a, b) __attribute__((format(printf, a, b)))
#  define CVHP_LIKELY(x) __builtin_expect(!!(x), 1)
#  define CVHP_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#  define CVHP_PRINTF(a, b)
#  define CVHP_LIKELY(x) (x)
#  define CVHP_UNLIKELY(x) (x)
#endif

/* ---- errors (status.c) ---- */
/* Record status and a printf-style detail for this thread; returns status so
 * callers can write `return cvhp__error(CVHP_ERR_..., "x: %d ...", x);`. */
cvhp_status cvhp__error(cvhp_status status, const char *fmt, ...) CVHP_PRINTF(2, 3);
/* Format a double the way messages show values: shortest round-trip text. */
void cvhp__fmt_double(char *buf, size_t cap, double v);

/* Argument-check helpers for the kernels' common preconditions. */
#define CVHP_CHECK_PTR(ptr, n, fn)                                              \
    do {                                                                        \
        if ((ptr) == NULL && (n) > 0)                                           \
            return cvhp__error(CVHP_ERR_INVALID_ARGUMENT,                        \
                               "%s: %s is NULL with n = %zu", fn, #ptr,          \
                               (size_t)(n));                                    \
    } while (0)

/* ---- memory (alloc.c) ---- */
/* The default allocator (malloc/free). */
extern const cvhp_allocator cvhp__default_allocator;
/* Allocate size bytes through a (NULL = default). Returns NULL on failure
 * (or size 0) without recording an error; callers report OUT_OF_MEMORY. */
void *cvhp__alloc(const cvhp_allocator *a, size_t size);
void cvhp__free(const cvhp_allocator *a, void *ptr);
/* *out = a * b; returns false on overflow. */
/* The thread count of a kernel call: num_threads > 0 as given, 0 the OpenMP
 * default; always 1 in a build without OpenMP. */
static inline int cvhp__threads(int num_threads)
{
#if CVHP_HAVE_OPENMP
    return num_threads > 0 ? num_threads : cvhp_default_threads();
#else
    (void)num_threads;
    return 1;
#endif
}

/* ---- batches (parallel.c) ----
 * item(ctx, i) for every i in [0, n), in parallel over num_threads (as
 * cvhp__threads). CVHP_OK, or the status of the lowest failing i with its
 * message: that item is run again on the calling thread, whose thread-local
 * detail the caller then sees (items must be safe to run twice). */
typedef cvhp_status (*cvhp__item_fn)(void *ctx, size_t i);
cvhp_status cvhp__for_each_item(size_t n, int num_threads, cvhp__item_fn item, void *ctx);

static inline bool cvhp__mul_size(size_t a, size_t b, size_t *out)
{
    return !__builtin_mul_overflow(a, b, out);
}

/* ---- text building for the two-call size pattern (strbuf.c) ---- */
/* Appends while there is room and always counts the full length, so one pass
 * both fills a caller's buffer and learns the size it needs. */
typedef struct cvhp__sb {
    char *buf;  /* may be NULL when cap is 0 */
    size_t cap; /* bytes available in buf, including the final NUL */
    size_t len; /* full length of the text so far */
} cvhp__sb;
void cvhp__sb_putn(cvhp__sb *sb, const char *s, size_t n);
void cvhp__sb_puts(cvhp__sb *sb, const char *s);
void cvhp__sb_printf(cvhp__sb *sb, const char *fmt, ...) CVHP_PRINTF(2, 3);
/* JSON string literal with escapes. */
void cvhp__sb_json_string(cvhp__sb *sb, const char *s);
/* NUL-terminate (truncating if needed) and report: *needed = len + 1;
 * CVHP_ERR_BUFFER_TOO_SMALL when it did not fit. what names the caller. */
cvhp_status cvhp__sb_finish(cvhp__sb *sb, size_t *needed, const char *what);

/* ---- CPU dispatch (cpu.c) ---- */
/* The active level (detected, lowered by the cap). Cheap: one atomic load
 * after the first call. */
cvhp_isa cvhp__isa(void);
/* The level the most recent dispatched kernel on this thread actually ran
 * (tests use it to prove the forced path was taken). */
extern _Thread_local cvhp_isa cvhp__last_dispatch;

/* ---- kernels: one prototype, one implementation per ISA ---- */
#define CVHP_DECLARE_ISA_VARIANTS(ret, name, args) \
    ret name##_scalar args;                        \
    ret name##_avx2 args;                          \
    ret name##_avx512 args;                        \
    ret name##_neon args

CVHP_DECLARE_ISA_VARIANTS(void, cvhp__box_area, (const float *boxes, size_t n, float *out));

#endif /* CVHP_INTERNAL_H */
