/* SPDX-License-Identifier: MIT
 * libcvhp common definitions: export macro, status codes, error messages,
 * allocator hooks, version queries. Every other public header includes this. */
#ifndef CVHP_COMMON_H
#define CVHP_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "version.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32) && !defined(CVHP_STATIC)
#  if defined(CVHP_BUILDING_DLL)
#    define CVHP_API __declspec(dllexport)
#  else
#    define CVHP_API __declspec(dllimport)
#  endif
#elif defined(__GNUC__) && __GNUC__ >= 4
#  define CVHP_API __attribute__((visibility("default")))
#else
#  define CVHP_API
#endif

/* Status codes. The numeric values are part of the ABI: they never change and
 * new codes are only appended. CVHP_OK is 0; every error is positive. */
typedef enum cvhp_status {
    CVHP_OK = 0,
    CVHP_ERR_INVALID_ARGUMENT = 1,     /* NULL pointer, bad size, bad flag */
    CVHP_ERR_OUT_OF_MEMORY = 2,        /* an allocation failed */
    CVHP_ERR_UNKNOWN_PARAM = 3,        /* no parameter with that id or name */
    CVHP_ERR_TYPE_MISMATCH = 4,        /* wrong accessor type for the parameter */
    CVHP_ERR_OUT_OF_RANGE = 5,         /* value outside its documented range, or NaN */
    CVHP_ERR_INVALID_VALUE = 6,        /* unparsable string or enum label */
    CVHP_ERR_INCOMPATIBLE = 7,         /* does not apply to this task or model */
    CVHP_ERR_BUFFER_TOO_SMALL = 8,     /* caller's buffer or workspace too small */
    CVHP_ERR_UNSUPPORTED = 9,          /* feature not built in, or not on this CPU */
    CVHP_ERR_OVERFLOW = 10,            /* a size computation would overflow */
    CVHP_ERR_PARSE = 11,               /* malformed input document (JSON, RLE, ...) */
    CVHP_ERR_IO = 12,                  /* a file could not be read or written */
    CVHP_ERR_NOT_SET = 13,             /* optional parameter without a value */
    CVHP_ERR_VALIDATION = 14,          /* cvhp_config_check found errors */
    CVHP_ERR_INTERNAL = 99             /* a bug in libcvhp; please report it */
} cvhp_status;

/* Static English text for a status ("value out of range"); never NULL. */
CVHP_API const char *cvhp_status_str(cvhp_status status);
/* Symbolic name of a status ("CVHP_ERR_OUT_OF_RANGE"); never NULL. */
CVHP_API const char *cvhp_status_name(cvhp_status status);

/* The detail message of the most recent failing libcvhp call on the calling
 * thread, e.g. "learning_rate: 1.5 is outside [0, 1]". Like errno, it is only
 * meaningful right after a call returned an error: successful calls do not
 * clear it. Thread-local; the pointer stays valid for the thread's lifetime,
 * the text until the next failing call on this thread. "" before any failure
 * and after cvhp_clear_error(). Never NULL. */
CVHP_API const char *cvhp_last_error_message(void);
/* The status of the most recent failing call on this thread (CVHP_OK if none
 * since the thread started or since cvhp_clear_error()). */
CVHP_API cvhp_status cvhp_last_error(void);
/* Reset this thread's last error to CVHP_OK and "". */
CVHP_API void cvhp_clear_error(void);

/* Allocator hooks. Handles created with an allocator use it for all their
 * memory; the struct is copied, so it need not outlive the call. alloc must
 * return memory aligned for any object type (like malloc) or NULL. free
 * receives NULL never. user is passed back unchanged. */
typedef struct cvhp_allocator {
    void *(*alloc)(void *user, size_t size);
    void (*free)(void *user, void *ptr);
    void *user;
} cvhp_allocator;

/* ---- workspaces ---- */

typedef struct cvhp_workspace cvhp_workspace;

/* A workspace is a recycling memory pool behind a cvhp_allocator: pass
 * cvhp_workspace_allocator(ws) as the `alloc` of cvhp_mask_options,
 * cvhp_nms_options or any other options struct, and blocks freed by one call
 * are reused by the next. A server that processes similar inputs with one
 * workspace per worker stops allocating from the system after the first
 * calls (cvhp_workspace_stats counts the system allocations, so this can be
 * checked). Results allocated from it (cvhp_polygons, ...) are freed as
 * usual and return their memory to the pool. The pool keeps its largest
 * blocks until cvhp_workspace_free; it is thread-safe (a mutex), so the
 * batch functions may use it from all their threads.
 * backing: where the pool's blocks come from; NULL for malloc. */
CVHP_API cvhp_status cvhp_workspace_new(const cvhp_allocator *backing, cvhp_workspace **out);
/* The allocator to pass in options; NULL for a NULL workspace. Valid until
 * cvhp_workspace_free. */
CVHP_API const cvhp_allocator *cvhp_workspace_allocator(const cvhp_workspace *ws);
/* Counters: allocations made from the backing allocator so far, bytes the
 * pool holds (free or in use), blocks currently in use. NULL outputs are
 * skipped. */
CVHP_API cvhp_status cvhp_workspace_stats(cvhp_workspace *ws, size_t *system_allocations, size_t *bytes_held,
                                          size_t *blocks_in_use);
/* Frees the workspace and its blocks. NULL is a no-op. Results still
 * allocated from it stay valid: the pool is then released when the last of
 * them is freed. */
CVHP_API void cvhp_workspace_free(cvhp_workspace *ws);

/* Runtime version of the library, in CVHP_VERSION_NUMBER form. */
CVHP_API uint32_t cvhp_version(void);
/* Runtime version string, "MAJOR.MINOR.PATCH". */
CVHP_API const char *cvhp_version_string(void);

#ifdef __cplusplus
}
#endif

#endif /* CVHP_COMMON_H */
