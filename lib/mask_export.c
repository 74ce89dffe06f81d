/* SPDX-License-Identifier: MIT
 * Mask images: BMP written here, PNG through libspng, JPEG through
 * libturbojpeg (both optional meson features), and the reference's paths. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build_config.h"
#include "internal.h"

#if CVHP_HAVE_PNG
#  include <spng.h>
#endif
#if CVHP_HAVE_JPEG
#  include <turbojpeg.h>
#endif

int cvhp_have_image_type(int32_t t)
{
    return t == CVHP_IMAGE_BMP || (t == CVHP_IMAGE_PNG && CVHP_HAVE_PNG) || (t == CVHP_IMAGE_JPG && CVHP_HAVE_JPEG);
}

static void le16(unsigned char *p, unsigned v) { p[0] = (unsigned char)v, p[1] = (unsigned char)(v >> 8); }
static void le32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static cvhp_status encode_bmp(const uint8_t *m, size_t h, size_t w, unsigned char *buf, size_t cap, size_t *needed)
{
    const size_t stride = (w + 3) & ~(size_t)3, head = 14 + 40 + 1024;
    size_t img;
    if (!cvhp__mul_size(stride, h, &img) || img > 0x7fffffff - head || w > 0x7fffffff || h > 0x7fffffff)
        return cvhp__error(CVHP_ERR_OVERFLOW, "cvhp_mask_encode: %zux%zu is too large for BMP", h, w);
    const size_t total = head + img;
    if (needed)
        *needed = total;
    if (cap < total || buf == NULL)
        return cvhp__error(CVHP_ERR_BUFFER_TOO_SMALL, "cvhp_mask_encode: needs %zu bytes, buffer has %zu", total, cap);
    memset(buf, 0, head);
    buf[0] = 'B', buf[1] = 'M';
    le32(buf + 2, (uint32_t)total);
    le32(buf + 10, (uint32_t)head);
    le32(buf + 14, 40);
    le32(buf + 18, (uint32_t)w);
    le32(buf + 22, (uint32_t)h); /* positive: rows bottom-up */
    le16(buf + 26, 1);
    le16(buf + 28, 8);
    le32(buf + 34, (uint32_t)img);
    le32(buf + 38, 2835), le32(buf + 42, 2835); /* 72 dpi */
    le32(buf + 46, 256), le32(buf + 50, 256);
    for (int i = 0; i < 256; i++)
        buf[54 + 4 * i] = buf[55 + 4 * i] = buf[56 + 4 * i] = (unsigned char)i;
    for (size_t r = 0; r < h; r++) {
        unsigned char *dst = buf + head + (h - 1 - r) * stride;
        const uint8_t *src = m + r * w;
        for (size_t c = 0; c < w; c++)
            dst[c] = src[c] ? 255 : 0;
        memset(dst + w, 0, stride - w);
    }
    return CVHP_OK;
}

#if CVHP_HAVE_PNG || CVHP_HAVE_JPEG /* the encoders that take 0/255 pixels */
static uint8_t *to_255(const uint8_t *m, size_t n)
{
    uint8_t *g = malloc(n ? n : 1);
    if (g)
        for (size_t i = 0; i < n; i++)
            g[i] = m[i] ? 255 : 0;
    return g;
}
#endif

cvhp_status cvhp_mask_encode(const uint8_t *mask, size_t height, size_t width, int32_t image_type, void *buf,
                             size_t cap, size_t *needed)
{
    const char *fn = "cvhp_mask_encode";
    size_t n;
    if (mask == NULL || (buf == NULL && cap))
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "%s: NULL argument", fn);
    if (height == 0 || width == 0 || !cvhp__mul_size(height, width, &n) || height > (1u << 30) || width > (1u << 30))
        return cvhp__error(CVHP_ERR_OUT_OF_RANGE, "%s: size %zux%zu is outside [1, 2^30]", fn, height, width);
    switch (image_type) {
    case CVHP_IMAGE_BMP:
        return encode_bmp(mask, height, width, buf, cap, needed);
    case CVHP_IMAGE_PNG: {
#if CVHP_HAVE_PNG
        uint8_t *g = to_255(mask, n);
        spng_ctx *ctx = spng_ctx_new(SPNG_CTX_ENCODER);
        cvhp_status st = CVHP_OK;
        if (!g || !ctx) {
            st = cvhp__error(CVHP_ERR_OUT_OF_MEMORY, "%s: out of memory", fn);
        } else {
            struct spng_ihdr ih = {(uint32_t)width, (uint32_t)height, 8, SPNG_COLOR_TYPE_GRAYSCALE, 0, 0, 0};
            int e = spng_set_option(ctx, SPNG_ENCODE_TO_BUFFER, 1);
            if (!e)
                e = spng_set_ihdr(ctx, &ih);
            if (!e)
                e = spng_encode_image(ctx, g, n, SPNG_FMT_PNG, SPNG_ENCODE_FINALIZE);
            size_t len = 0;
            void *png = e ? NULL : spng_get_png_buffer(ctx, &len, &e);
            if (e || !png) {
                st = cvhp__error(CVHP_ERR_INTERNAL, "%s: libspng: %s", fn, spng_strerror(e));
            } else {
                if (needed)
                    *needed = len;
                if (cap < len)
                    st = cvhp__error(CVHP_ERR_BUFFER_TOO_SMALL, "%s: needs %zu bytes, buffer has %zu", fn, len, cap);
                else
                    memcpy(buf, png, len);
                free(png);
            }
        }
        spng_ctx_free(ctx);
        free(g);
        return st;
#else
        return cvhp__error(CVHP_ERR_UNSUPPORTED, "%s: libcvhp was not built with PNG support (meson -Dpng=enabled, libspng)",
                           fn);
#endif
    }
    case CVHP_IMAGE_JPG: {
#if CVHP_HAVE_JPEG
        if (width > 65535 || height > 65535)
            return cvhp__error(CVHP_ERR_OUT_OF_RANGE, "%s: JPEG sides are at most 65535", fn);
        const size_t bound = (size_t)tjBufSize((int)width, (int)height, TJSAMP_GRAY);
        if (cap < bound) {
            if (needed)
                *needed = bound;
            return cvhp__error(CVHP_ERR_BUFFER_TOO_SMALL, "%s: needs up to %zu bytes, buffer has %zu", fn, bound, cap);
        }
        uint8_t *g = to_255(mask, n);
        tjhandle tj = tjInitCompress();
        cvhp_status st = CVHP_OK;
        unsigned char *out = buf;
        unsigned long len = (unsigned long)cap;
        if (!g || !tj)
            st = cvhp__error(CVHP_ERR_OUT_OF_MEMORY, "%s: out of memory", fn);
        else if (tjCompress2(tj, g, (int)width, 0, (int)height, TJPF_GRAY, &out, &len, TJSAMP_GRAY, 75,
                             TJFLAG_NOREALLOC) != 0)
            st = cvhp__error(CVHP_ERR_INTERNAL, "%s: libturbojpeg: %s", fn, tjGetErrorStr2(tj));
        else if (needed)
            *needed = len;
        if (tj)
            tjDestroy(tj);
        free(g);
        return st;
#else
        return cvhp__error(CVHP_ERR_UNSUPPORTED,
                           "%s: libcvhp was not built with JPEG support (meson -Djpeg=enabled, libturbojpeg)", fn);
#endif
    }
    }
    return cvhp__error(CVHP_ERR_INVALID_VALUE, "image_type: %d is not jpg (0), png (1) or bmp (2)", (int)image_type);
}

cvhp_status cvhp_mask_export(const uint8_t *mask, size_t height, size_t width, int32_t image_type, const char *path)
{
    if (path == NULL)
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "cvhp_mask_export: path is NULL");
    size_t need = 0;
    cvhp_status st = cvhp_mask_encode(mask, height, width, image_type, NULL, 0, &need);
    if (st != CVHP_ERR_BUFFER_TOO_SMALL)
        return st == CVHP_OK ? cvhp__error(CVHP_ERR_INTERNAL, "cvhp_mask_export: empty image") : st;
    void *buf = malloc(need);
    if (buf == NULL)
        return cvhp__error(CVHP_ERR_OUT_OF_MEMORY, "cvhp_mask_export: cannot allocate %zu bytes", need);
    st = cvhp_mask_encode(mask, height, width, image_type, buf, need, &need);
    if (st == CVHP_OK) {
        FILE *f = fopen(path, "wb");
        if (f == NULL)
            st = cvhp__error(CVHP_ERR_IO, "cvhp_mask_export: cannot create %s", path);
        else {
            size_t w = fwrite(buf, 1, need, f);
            if (fclose(f) != 0 || w != need)
                st = cvhp__error(CVHP_ERR_IO, "cvhp_mask_export: cannot write %s", path);
        }
    }
    free(buf);
    return st;
}

cvhp_status cvhp_mask_export_path(const char *image_file, const char *label, size_t index, double score,
                                  int32_t image_type, char *buf, size_t cap, size_t *needed)
{
    const char *fn = "cvhp_mask_export_path";
    if (image_file == NULL || label == NULL || (buf == NULL && cap))
        return cvhp__error(CVHP_ERR_INVALID_ARGUMENT, "%s: NULL argument", fn);
    static const char *const ext[] = {"jpg", "png", "bmp"};
    if (image_type < 0 || image_type > 2)
        return cvhp__error(CVHP_ERR_INVALID_VALUE, "image_type: %d is not jpg (0), png (1) or bmp (2)", (int)image_type);
    if (!(score >= 0) || score > 1e15)
        return cvhp__error(CVHP_ERR_OUT_OF_RANGE, "%s: score %g is not a probability", fn, score);
    /* stem: the base name up to its first '.' */
    const char *base = strrchr(image_file, '/');
    base = base ? base + 1 : image_file;
    const size_t stem_len = strcspn(base, ".");
    /* Python str(score): shortest repr (with ".0" for integral values) */
    char rep[40], s4[8];
    cvhp__fmt_double(rep, sizeof rep, score);
    if (!strpbrk(rep, ".e"))
        strcat(rep, ".0");
    size_t k = 0; /* drop the '.', then keep 4 characters: 0.98765 -> "0987", 1.0 -> "10" */
    for (size_t i = 0; rep[i] && k < 4; i++)
        if (rep[i] != '.')
            s4[k++] = rep[i];
    s4[k] = '\0';
    cvhp__sb sb = {buf, cap, 0};
    cvhp__sb_puts(&sb, "masks/");
    cvhp__sb_putn(&sb, base, stem_len);
    cvhp__sb_printf(&sb, "/%s/", label);
    cvhp__sb_putn(&sb, base, stem_len);
    cvhp__sb_printf(&sb, "_%zu_label_%s_conf_%s.%s", index, label, s4, ext[image_type]);
    return cvhp__sb_finish(&sb, needed, fn);
}
