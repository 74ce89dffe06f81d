/* SPDX-License-Identifier: MIT
 * Counting string builder for APIs that fill a caller's buffer. */
#include <stdio.h>
#include <string.h>

#include "internal.h"

void cvhp__sb_putn(cvhp__sb *sb, const char *s, size_t n)
{
    if (sb->cap > 0 && sb->len + 1 < sb->cap) {
        size_t room = sb->cap - 1 - sb->len;
        memcpy(sb->buf + sb->len, s, n < room ? n : room);
    }
    sb->len += n;
}

void cvhp__sb_puts(cvhp__sb *sb, const char *s) { cvhp__sb_putn(sb, s, strlen(s)); }

void cvhp__sb_printf(cvhp__sb *sb, const char *fmt, ...)
{
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    cvhp__sb_putn(sb, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

void cvhp__sb_json_string(cvhp__sb *sb, const char *s)
{
    cvhp__sb_putn(sb, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"':
            cvhp__sb_putn(sb, "\\\"", 2);
            break;
        case '\\':
            cvhp__sb_putn(sb, "\\\\", 2);
            break;
        case '\n':
            cvhp__sb_putn(sb, "\\n", 2);
            break;
        case '\r':
            cvhp__sb_putn(sb, "\\r", 2);
            break;
        case '\t':
            cvhp__sb_putn(sb, "\\t", 2);
            break;
        default:
            if (*p < 0x20)
                cvhp__sb_printf(sb, "\\u%04x", *p);
            else
                cvhp__sb_putn(sb, (const char *)p, 1);
        }
    }
    cvhp__sb_putn(sb, "\"", 1);
}

cvhp_status cvhp__sb_finish(cvhp__sb *sb, size_t *needed, const char *what)
{
    if (needed)
        *needed = sb->len + 1;
    if (sb->cap > 0)
        sb->buf[sb->len < sb->cap ? sb->len : sb->cap - 1] = '\0';
    if (sb->len + 1 > sb->cap)
        return cvhp__error(CVHP_ERR_BUFFER_TOO_SMALL, "%s: needs %zu bytes, buffer has %zu", what, sb->len + 1,
                           sb->cap);
    return CVHP_OK;
}
