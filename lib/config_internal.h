/* SPDX-License-Identifier: MIT
 * The config handle's layout, shared by config.c, validate.c and json.c. */
#ifndef CVHP_CONFIG_INTERNAL_H
#define CVHP_CONFIG_INTERNAL_H

#include "params_table.h"

typedef struct slot {
    int set; /* the user set it */
    union {
        int64_t i; /* INT, BOOL, ENUM */
        double d;  /* FLOAT */
        char *s;   /* STRING (owned, allocated with the config's allocator) */
        int32_t g[2]; /* GRID */
    } v;
} slot;

struct cvhp_config {
    cvhp_allocator alloc;
    cvhp_task task;
    slot slots[N_PARAMS];
};

/* Effective model of a config. */
cvhp_model cvhp__config_model(const cvhp_config *cfg);
/* Whether row has a value in cfg now (explicit, or an applicable default). */
int cvhp__config_has_value(const cvhp_config *cfg, const param_row *row);
/* Effective numeric value of a row that has a value (not STRING/GRID). */
double cvhp__config_number(const cvhp_config *cfg, const param_row *row);
/* Copy every slot of src into dst (same task), freeing dst's strings. */
void cvhp__config_assign(cvhp_config *dst, cvhp_config *src_moved);
/* Set from text on a row (the core of set_from_string). */
cvhp_status cvhp__config_set_text(cvhp_config *cfg, const param_row *row, const char *value);
/* Append the effective value of row as text to buf (no NUL); returns its length.
 * Writes only while *used < cap. */
size_t cvhp__config_value_text(const cvhp_config *cfg, const param_row *row, char *buf, size_t cap, int json);

#endif
