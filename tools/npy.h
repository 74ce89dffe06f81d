/* SPDX-License-Identifier: MIT
 * Minimal .npy reader/writer for the command-line program: little-endian
 * float32 ('<f4') and int64 ('<i8') C-order arrays of one or two dimensions. */
#ifndef CVHP_NPY_H
#define CVHP_NPY_H

#include <stddef.h>
#include <stdint.h>

typedef struct npy_array {
    char dtype;      /* 'f' float32, 'q' int64, 'u' uint8 or bool */
    size_t shape[2]; /* shape[1] == 1 for 1-D */
    int ndim;
    void *data;      /* malloc'd */
} npy_array;

/* 0 on success; on failure -1 and a message in err. */
int npy_read(const char *path, npy_array *out, char *err, size_t errcap);
int npy_write(const char *path, char dtype, const size_t *shape, int ndim, const void *data);
void npy_free(npy_array *a);

#endif
