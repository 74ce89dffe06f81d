/* SPDX-License-Identifier: MIT
 * Reader of the golden-data files written by tests/golden.py. */
#ifndef CVHP_TEST_GOLDEN_H
#define CVHP_TEST_GOLDEN_H

#include <stddef.h>
#include <stdint.h>

typedef struct golden_array {
    char tag[5];
    char dtype; /* f d q i u */
    uint32_t count;
    const void *data;
} golden_array;

typedef struct golden_case {
    char name[128];
    size_t narrays;
    golden_array arrays[32];
} golden_case;

typedef struct golden_file {
    unsigned char *bytes;
    size_t ncases;
    golden_case *cases;
} golden_file;

/* Loads $CVHP_GOLDEN_DIR/name (aborts the test on failure). */
golden_file *golden_load(const char *name);
void golden_free(golden_file *g);
/* The array with that tag and dtype, or NULL; *count receives its length. */
const void *golden_get(const golden_case *c, const char *tag, char dtype, size_t *count);

#endif
