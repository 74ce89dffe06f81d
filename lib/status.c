/* SPDX-License-Identifier: MIT
 * Status strings and the thread-local detail message. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define CVHP_ERRMSG_CAP 512

static _Thread_local char errmsg[CVHP_ERRMSG_CAP];
static _Thread_local cvhp_status errstatus = CVHP_OK;

static const struct {
    cvhp_status status;
    const char *name;
    const char *text;
} status_table[] = {
    {CVHP_OK, "CVHP_OK", "success"},
    {CVHP_ERR_INVALID_ARGUMENT, "CVHP_ERR_INVALID_ARGUMENT", "invalid argument"},
    {CVHP_ERR_OUT_OF_MEMORY, "CVHP_ERR_OUT_OF_MEMORY", "out of memory"},
    {CVHP_ERR_UNKNOWN_PARAM, "CVHP_ERR_UNKNOWN_PARAM", "unknown parameter"},
    {CVHP_ERR_TYPE_MISMATCH, "CVHP_ERR_TYPE_MISMATCH", "parameter type mismatch"},
    {CVHP_ERR_OUT_OF_RANGE, "CVHP_ERR_OUT_OF_RANGE", "value out of range"},
    {CVHP_ERR_INVALID_VALUE, "CVHP_ERR_INVALID_VALUE", "invalid value"},
    {CVHP_ERR_INCOMPATIBLE, "CVHP_ERR_INCOMPATIBLE", "not applicable to this task or model"},
    {CVHP_ERR_BUFFER_TOO_SMALL, "CVHP_ERR_BUFFER_TOO_SMALL", "buffer too small"},
    {CVHP_ERR_UNSUPPORTED, "CVHP_ERR_UNSUPPORTED", "not supported by this build or CPU"},
    {CVHP_ERR_OVERFLOW, "CVHP_ERR_OVERFLOW", "size computation overflows"},
    {CVHP_ERR_PARSE, "CVHP_ERR_PARSE", "malformed input"},
    {CVHP_ERR_IO, "CVHP_ERR_IO", "input/output error"},
    {CVHP_ERR_NOT_SET, "CVHP_ERR_NOT_SET", "parameter has no value"},
    {CVHP_ERR_VALIDATION, "CVHP_ERR_VALIDATION", "configuration is invalid"},
    {CVHP_ERR_INTERNAL, "CVHP_ERR_INTERNAL", "internal error"},
};

#define N_STATUS (sizeof status_table / sizeof status_table[0])

const char *cvhp_status_str(cvhp_status status)
{
    for (size_t i = 0; i < N_STATUS; i++)
        if (status_table[i].status == status)
            return status_table[i].text;
    return "unknown status";
}

const char *cvhp_status_name(cvhp_status status)
{
    for (size_t i = 0; i < N_STATUS; i++)
        if (status_table[i].status == status)
            return status_table[i].name;
    return "CVHP_ERR_UNKNOWN_STATUS";
}

const char *cvhp_last_error_message(void) { return errmsg; }

cvhp_status cvhp_last_error(void) { return errstatus; }

void cvhp_clear_error(void)
{
    errstatus = CVHP_OK;
    errmsg[0] = '\0';
}

cvhp_status cvhp__error(cvhp_status status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    /* Format into a local first: an argument may point into errmsg itself. */
    char tmp[CVHP_ERRMSG_CAP];
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0)
        tmp[0] = '\0';
    memcpy(errmsg, tmp, sizeof tmp);
    errstatus = status;
    return status;
}

void cvhp__fmt_double(char *buf, size_t cap, double v)
{
    if (isnan(v)) {
        snprintf(buf, cap, "nan");
        return;
    }
    if (isinf(v)) {
        snprintf(buf, cap, v < 0 ? "-inf" : "inf");
        return;
    }
    /* Shortest %g form that reads back to the same double. Any decimal of
     * at most 15 significant digits survives decimal -> double -> 15 digits
     * (DBL_DIG), so %.15g (trailing zeros dropped) is already the shortest
     * when it round-trips; otherwise 16, then 17 digits. */
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, cap, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            return;
    }
}
