/* SPDX-License-Identifier: MIT
 * cvhp tiles: the reference's tiles of an image.
 * cvhp postprocess: one detector pass (or a raw YOLOv5 output) -> the
 * reference's prediction JSON. Raw inputs are .npy files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "npy.h"

static int parse_size(const char *s, int64_t *w, int64_t *h)
{
    long long a, b;
    char x;
    if (sscanf(s, "%lld%c%lld", &a, &x, &b) != 3 || (x != 'x' && x != 'X'))
        return 0;
    *w = a, *h = b;
    return 1;
}

int cmd_tiles(int argc, char **argv)
{
    int64_t w = 0, h = 0;
    const char *grid = NULL;
    double overlap = 0.25;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            printf("usage: cvhp tiles --size WxH --grid NXxNY [--overlap R]\n\n"
                   "Prints the tiles (x1 y1 x2 y2, one per line, x-major order) the reference\n"
                   "service cuts the image into (default overlap 0.25).\n");
            return 0;
        } else if (strcmp(argv[i], "--size") == 0 && i + 1 < argc) {
            if (!parse_size(argv[++i], &w, &h)) {
                fprintf(stderr, "cvhp tiles: --size wants WxH, got '%s'\n", argv[i]);
                return CLI_EXIT_USAGE;
            }
        } else if (strcmp(argv[i], "--grid") == 0 && i + 1 < argc) {
            grid = argv[++i];
        } else if (strcmp(argv[i], "--overlap") == 0 && i + 1 < argc) {
            char *end;
            overlap = strtod(argv[++i], &end);
            if (*end) {
                fprintf(stderr, "cvhp tiles: --overlap wants a number, got '%s'\n", argv[i]);
                return CLI_EXIT_USAGE;
            }
        } else {
            fprintf(stderr, "cvhp tiles: unexpected argument '%s'\n", argv[i]);
            return CLI_EXIT_USAGE;
        }
    }
    if (!grid || w == 0) {
        fprintf(stderr, "usage: cvhp tiles --size WxH --grid NXxNY [--overlap R]\n");
        return CLI_EXIT_USAGE;
    }
    /* the grid is parsed with the config's rules ("3x2", "(3, 2)", ...) */
    cvhp_config *cfg;
    cvhp_status st = cvhp_config_new(CVHP_TASK_OBJECT_DETECTION, &cfg);
    if (st == CVHP_OK)
        st = cvhp_config_set_from_string(cfg, "tile_grid_size", grid);
    if (st == CVHP_OK)
        st = cvhp_config_set_float(cfg, CVHP_PARAM_TILE_OVERLAP_RATIO, overlap);
    float t[4 * 1024];
    size_t n = 0;
    if (st == CVHP_OK)
        st = cvhp_tiles_from_config(cfg, w, h, t, 1024, &n);
    cvhp_config_free(cfg);
    if (st != CVHP_OK)
        return cli_fail(st, "tiles");
    for (size_t k = 0; k < n; k++)
        printf("%g %g %g %g\n", (double)t[4 * k], (double)t[4 * k + 1], (double)t[4 * k + 2], (double)t[4 * k + 3]);
    return 0;
}

static char **read_lines(const char *path, size_t *n)
{
    FILE *f = fopen(path, "r");
    *n = 0;
    if (!f)
        return NULL;
    size_t cap = 16;
    char **v = malloc(cap * sizeof *v);
    char line[1024];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (*n == cap)
            v = realloc(v, (cap *= 2) * sizeof *v);
        v[(*n)++] = strdup(line);
    }
    fclose(f);
    return v;
}

int cmd_postprocess(int argc, char **argv)
{
    const char *fb = NULL, *fs = NULL, *fl = NULL, *fy = NULL, *names_path = NULL, *task = "object_detection";
    const char *sets[64];
    int nsets = 0;
    int64_t w = 0, h = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            printf("usage: cvhp postprocess --size WxH (--boxes B.npy --scores S.npy --labels L.npy | --yolo P.npy)\n"
                   "                        [--task T] [--set NAME=VALUE]... [--names LABELS.txt]\n\n"
                   "Applies the config's detector post-processing (box_score_threshold, nms_iou_threshold,\n"
                   "box_detections_per_image) to one pass's raw detections - boxes (N, 4) float32 x1 y1 x2 y2\n"
                   "in pixels, scores (N,) float32, labels (N,) int64 - or decodes a raw YOLOv5 output\n"
                   "(N, 5 + classes) float32 (model_name is set to yolov5), and prints the reference's JSON\n"
                   "with boxes normalized by WxH. --names gives one class name per line.\n");
            return 0;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "cvhp postprocess: '%s' needs a value\n", a);
            return CLI_EXIT_USAGE;
        }
        const char *v = argv[++i];
        if (strcmp(a, "--boxes") == 0)
            fb = v;
        else if (strcmp(a, "--scores") == 0)
            fs = v;
        else if (strcmp(a, "--labels") == 0)
            fl = v;
        else if (strcmp(a, "--yolo") == 0)
            fy = v;
        else if (strcmp(a, "--names") == 0)
            names_path = v;
        else if (strcmp(a, "--task") == 0)
            task = v;
        else if (strcmp(a, "--set") == 0 && nsets < 64)
            sets[nsets++] = v;
        else if (strcmp(a, "--size") == 0) {
            if (!parse_size(v, &w, &h)) {
                fprintf(stderr, "cvhp postprocess: --size wants WxH, got '%s'\n", v);
                return CLI_EXIT_USAGE;
            }
        } else {
            fprintf(stderr, "cvhp postprocess: unexpected argument '%s'\n", a);
            return CLI_EXIT_USAGE;
        }
    }
    if (w <= 0 || h <= 0 || (!fy && (!fb || !fs || !fl))) {
        fprintf(stderr, "cvhp postprocess: need --size and either --boxes/--scores/--labels or --yolo\n");
        return CLI_EXIT_USAGE;
    }
    cvhp_task t;
    cvhp_status st = cvhp_task_from_name(task, &t);
    if (st != CVHP_OK)
        return cli_fail(st, "--task");
    cvhp_config *cfg;
    if ((st = cvhp_config_new(t, &cfg)) != CVHP_OK)
        return cli_fail(st, "config");
    if (fy && (st = cvhp_config_set_enum(cfg, CVHP_PARAM_MODEL_NAME, CVHP_MODEL_YOLOV5)) != CVHP_OK) {
        cvhp_config_free(cfg);
        return cli_fail(st, "config");
    }
    if (nsets && (st = cvhp_config_load_args(cfg, nsets, sets)) != CVHP_OK) {
        cvhp_config_free(cfg);
        return cli_fail(st, "--set");
    }
    int rc = CLI_EXIT_FAILURE;
    char err[1200];
    npy_array b = {0}, s = {0}, l = {0}, y = {0};
    float *ob = NULL, *os = NULL;
    int64_t *ol = NULL, *kp = NULL;
    size_t nnames = 0, nk = 0;
    char **names = names_path ? read_lines(names_path, &nnames) : NULL;
    if (names_path && !names) {
        fprintf(stderr, "cvhp postprocess: cannot read %s\n", names_path);
        goto out;
    }
    if (fy) {
        if (npy_read(fy, &y, err, sizeof err) != 0 || y.dtype != 'f' || y.ndim != 2 || y.shape[1] < 6) {
            fprintf(stderr, "cvhp postprocess: %s\n", y.data ? "--yolo wants an (N, 5 + classes) float32 array" : err);
            goto out;
        }
        ob = malloc(300 * 4 * sizeof *ob), os = malloc(300 * sizeof *os), ol = malloc(300 * sizeof *ol);
        st = cvhp_yolo_decode(cfg, y.data, y.shape[0], y.shape[1] - 5, 0, ob, os, ol, 300, &nk);
    } else {
        if (npy_read(fb, &b, err, sizeof err) || npy_read(fs, &s, err, sizeof err) || npy_read(fl, &l, err, sizeof err)) {
            fprintf(stderr, "cvhp postprocess: %s\n", err);
            goto out;
        }
        if (b.dtype != 'f' || b.shape[1] != 4 || s.dtype != 'f' || l.dtype != 'q' || s.shape[0] != b.shape[0] ||
            l.shape[0] != b.shape[0]) {
            fprintf(stderr, "cvhp postprocess: need boxes (N, 4) float32, scores (N,) float32, labels (N,) int64\n");
            goto out;
        }
        const size_t n = b.shape[0];
        kp = malloc((n + 1) * sizeof *kp);
        st = cvhp_detection_postprocess(cfg, b.data, s.data, l.data, n, 0, kp, n, &nk);
        if (st == CVHP_OK) {
            ob = malloc((nk + 1) * 4 * sizeof *ob), os = malloc((nk + 1) * sizeof *os), ol = malloc((nk + 1) * sizeof *ol);
            for (size_t i = 0; i < nk; i++) {
                memcpy(ob + 4 * i, (float *)b.data + 4 * kp[i], 4 * sizeof *ob);
                os[i] = ((float *)s.data)[kp[i]], ol[i] = ((int64_t *)l.data)[kp[i]];
            }
        }
    }
    if (st != CVHP_OK) {
        cli_fail(st, "postprocess");
        goto out;
    }
    size_t need = 0;
    cvhp_detections_to_json(ob, os, ol, nk, (double)w, (double)h, (const char *const *)names, nnames, NULL, 0, &need);
    char *json = malloc(need ? need : 1);
    st = cvhp_detections_to_json(ob, os, ol, nk, (double)w, (double)h, (const char *const *)names, nnames, json, need,
                                 NULL);
    if (st == CVHP_OK) {
        puts(json);
        rc = 0;
    } else {
        cli_fail(st, "output");
    }
    free(json);
out:
    for (size_t i = 0; i < nnames; i++)
        free(names[i]);
    free(names);
    npy_free(&b), npy_free(&s), npy_free(&l), npy_free(&y);
    free(ob), free(os), free(ol), free(kp);
    cvhp_config_free(cfg);
    return rc;
}
