/* SPDX-License-Identifier: MIT
 * cvhp demo: the tiled small-object detection pipeline of the reference
 * service, end to end, on the bundled sample data (tests/data/demo): config
 * -> tiles -> per-pass post-processing -> mapping to the image -> merge ->
 * output JSON; then a YOLOv5 decode of a synthetic 25200 x 85 output. Prints
 * what each step did and how long it took. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "npy.h"

double cli_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Reads "name=value" lines (# comments) into argv form and applies them. */
static cvhp_status load_args_file(cvhp_config *cfg, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return CVHP_ERR_IO;
    char line[512];
    char *args[128];
    int n = 0;
    while (n < 128 && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '\0' || line[0] == '#')
            continue;
        args[n++] = strdup(line);
    }
    fclose(f);
    cvhp_status st = cvhp_config_load_args(cfg, n, (const char *const *)args);
    for (int i = 0; i < n; i++)
        free(args[i]);
    return st;
}

static int read_pass(const char *dir, int k, npy_array *b, npy_array *s, npy_array *l)
{
    char path[1024], err[1200];
    const char *what[3] = {"boxes", "scores", "labels"};
    npy_array *dst[3] = {b, s, l};
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/pass_%d_%s.npy", dir, k, what[i]);
        if (npy_read(path, dst[i], err, sizeof err) != 0) {
            fprintf(stderr, "cvhp demo: %s\n", err);
            return -1;
        }
    }
    if (b->dtype != 'f' || b->shape[1] != 4 || s->dtype != 'f' || l->dtype != 'q' || s->shape[0] != b->shape[0] ||
        l->shape[0] != b->shape[0]) {
        fprintf(stderr, "cvhp demo: pass %d has inconsistent arrays\n", k);
        return -1;
    }
    return 0;
}

int cmd_demo(int argc, char **argv)
{
    const char *data = "tests/data/demo";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            printf("usage: cvhp demo [--data DIR]\n\nRuns the tiled detection pipeline on the sample data in DIR "
                   "(default tests/data/demo).\n");
            return 0;
        } else if (strcmp(argv[i], "--data") == 0 && i + 1 < argc) {
            data = argv[++i];
        } else {
            fprintf(stderr, "cvhp demo: unexpected argument '%s'\n", argv[i]);
            return CLI_EXIT_USAGE;
        }
    }
    printf("libcvhp %s demo: tiled small-object detection (data: %s)\n", cvhp_version_string(), data);
    printf("  build: %s\n", cvhp_build_info());
    const int64_t W = 4000, H = 3000;
    char path[1024];
    int rc = CLI_EXIT_FAILURE;
    cvhp_config *cfg = NULL;
    float tiles[4 * 64];
    size_t ntiles = 0;
    cvhp_status st;

    /* 1. config */
    double t0 = cli_now_ms();
    if ((st = cvhp_config_new(CVHP_TASK_OBJECT_DETECTION, &cfg)) != CVHP_OK)
        return cli_fail(st, "config");
    snprintf(path, sizeof path, "%s/config.args", data);
    if ((st = load_args_file(cfg, path)) != CVHP_OK) {
        fprintf(stderr, "cvhp demo: %s: %s\n", path, st == CVHP_ERR_IO ? "cannot read" : cvhp_last_error_message());
        cvhp_config_free(cfg);
        return CLI_EXIT_FAILURE;
    }
    if ((st = cvhp_config_check(cfg)) != CVHP_OK) {
        cvhp_config_free(cfg);
        return cli_fail(st, "config");
    }
    double thr;
    cvhp_config_get_float(cfg, CVHP_PARAM_TILE_PREDICTIONS_NMS_THRESHOLD, &thr);
    printf("1. config      %-8.3f ms  %s, model %s, validated\n", cli_now_ms() - t0,
           cvhp_task_name(cvhp_config_task(cfg)), cvhp_model_name(cvhp_config_model(cfg)));

    /* 2. tiles */
    t0 = cli_now_ms();
    if ((st = cvhp_tiles_from_config(cfg, W, H, tiles, 64, &ntiles)) != CVHP_OK) {
        cvhp_config_free(cfg);
        return cli_fail(st, "tiles");
    }
    printf("2. tiles       %-8.3f ms  %zu tiles of the %lldx%lld image:", cli_now_ms() - t0, ntiles, (long long)W,
           (long long)H);
    for (size_t k = 0; k < ntiles; k++)
        printf(" (%g,%g,%g,%g)", (double)tiles[4 * k], (double)tiles[4 * k + 1], (double)tiles[4 * k + 2],
               (double)tiles[4 * k + 3]);
    printf("\n");

    /* 3. per pass: post-process, map to the image frame */
    const size_t npass = ntiles + 1;
    float *all_b = NULL, *all_s = NULL, *rects = malloc(npass * 4 * sizeof *rects);
    int64_t *all_l = NULL, *keep = NULL;
    int32_t *src = NULL;
    size_t total = 0, raw = 0;
    double t_post = 0, t_map = 0;
    rects[0] = 0, rects[1] = 0, rects[2] = (float)W, rects[3] = (float)H;
    memcpy(rects + 4, tiles, ntiles * 4 * sizeof *tiles);
    for (size_t k = 0; k < npass; k++) {
        npy_array b, s, l;
        if (read_pass(data, (int)k, &b, &s, &l) != 0)
            goto out;
        const size_t n = b.shape[0];
        raw += n;
        int64_t *kp = malloc((n + 1) * sizeof *kp);
        size_t nk = 0;
        double a = cli_now_ms();
        st = cvhp_detection_postprocess(cfg, b.data, s.data, l.data, n, 1, kp, n, &nk);
        t_post += cli_now_ms() - a;
        if (st == CVHP_OK) {
            all_b = realloc(all_b, (total + nk) * 4 * sizeof *all_b);
            all_s = realloc(all_s, (total + nk) * sizeof *all_s);
            all_l = realloc(all_l, (total + nk) * sizeof *all_l);
            src = realloc(src, (total + nk) * sizeof *src);
            for (size_t i = 0; i < nk; i++) {
                memcpy(all_b + 4 * (total + i), (float *)b.data + 4 * kp[i], 4 * sizeof(float));
                all_s[total + i] = ((float *)s.data)[kp[i]];
                all_l[total + i] = ((int64_t *)l.data)[kp[i]];
                src[total + i] = (int32_t)k;
            }
            a = cli_now_ms();
            if (k > 0) { /* tile tensors are the crops themselves here: ratios of 1 */
                const float *t = tiles + 4 * (k - 1);
                st = cvhp_tile_boxes_to_image(all_b + 4 * total, nk, t, t[2] - t[0], t[3] - t[1], (double)W,
                                              (double)H, (double)W, (double)H, all_b + 4 * total);
            }
            t_map += cli_now_ms() - a;
            total += nk;
        }
        free(kp);
        npy_free(&b), npy_free(&s), npy_free(&l);
        if (st != CVHP_OK) {
            cli_fail(st, "post-processing");
            goto out;
        }
    }
    printf("3. postprocess %-8.3f ms  %zu passes, %zu raw detections -> %zu after score > threshold, NMS, top-k\n",
           t_post, npass, raw, total);
    printf("4. map         %-8.3f ms  tile boxes into the whole-image frame\n", t_map);

    /* 5. merge */
    keep = malloc((total + 1) * sizeof *keep);
    size_t nk = 0;
    t0 = cli_now_ms();
    if ((st = cvhp_merge_predictions(all_b, all_s, all_l, src, total, rects, npass, thr, NULL, keep, total, &nk)) !=
        CVHP_OK) {
        cli_fail(st, "merge");
        goto out;
    }
    printf("5. merge       %-8.3f ms  %zu -> %zu boxes (duplicates across tiles and image removed at IoU > %g)\n",
           cli_now_ms() - t0, total, nk, thr);

    /* 6. output JSON */
    {
        char *names[80];
        snprintf(path, sizeof path, "%s/labels.txt", data);
        FILE *lf = fopen(path, "r");
        size_t nn = 0;
        char line[128];
        while (lf && nn < 80 && fgets(line, sizeof line, lf)) {
            line[strcspn(line, "\r\n")] = '\0';
            names[nn++] = strdup(line);
        }
        if (lf)
            fclose(lf);
        float *kb = malloc((nk + 1) * 4 * sizeof *kb), *ks = malloc((nk + 1) * sizeof *ks);
        int64_t *kl = malloc((nk + 1) * sizeof *kl);
        for (size_t i = 0; i < nk; i++) {
            memcpy(kb + 4 * i, all_b + 4 * keep[i], 4 * sizeof *kb);
            ks[i] = all_s[keep[i]], kl[i] = all_l[keep[i]];
        }
        size_t need = 0;
        t0 = cli_now_ms();
        cvhp_detections_to_json(kb, ks, kl, nk, (double)W, (double)H, (const char *const *)names, nn, NULL, 0, &need);
        char *json = malloc(need);
        st = cvhp_detections_to_json(kb, ks, kl, nk, (double)W, (double)H, (const char *const *)names, nn, json, need,
                                     NULL);
        double t_json = cli_now_ms() - t0;
        if (st == CVHP_OK) {
            printf("6. output      %-8.3f ms  %zu bytes of the reference's JSON; it starts:\n   %.200s...\n", t_json,
                   need - 1, json);
        } else {
            cli_fail(st, "output");
        }
        free(json), free(kb), free(ks), free(kl);
        for (size_t i = 0; i < nn; i++)
            free(names[i]);
        if (st != CVHP_OK)
            goto out;
    }

    /* 7. YOLOv5 decode of a synthetic 640x640 output (seeded; not bundled: 8.6 MB) */
    {
        const size_t n = 25200, nc = 80, stride = 85;
        float *pred = malloc(n * stride * sizeof *pred);
        unsigned seed = 7;
        for (size_t i = 0; i < n; i++) {
            float *r = pred + i * stride;
            for (size_t j = 0; j < stride; j++) {
                seed = seed * 1103515245u + 12345u;
                r[j] = (float)((seed >> 8) & 0xffff) / 65536.0f;
            }
            size_t obj = (i * 2654435761u) % 400; /* 400 objects, many candidates each */
            r[0] = (float)(obj % 20) * 32 + 16 + r[0] * 4, r[1] = (float)(obj / 20) * 32 + 16 + r[1] * 4;
            r[2] = 24 + r[2] * 8, r[3] = 24 + r[3] * 8;
            r[4] = r[4] * r[4];
        }
        cvhp_config *yc;
        cvhp_config_new(CVHP_TASK_OBJECT_DETECTION, &yc);
        cvhp_config_set_enum(yc, CVHP_PARAM_MODEL_NAME, CVHP_MODEL_YOLOV5);
        float ob[4 * 300], os[300];
        int64_t ol[300];
        size_t no = 0;
        t0 = cli_now_ms();
        st = cvhp_yolo_decode(yc, pred, n, nc, 1, ob, os, ol, 300, &no);
        double td = cli_now_ms() - t0;
        double lb[7];
        cvhp_letterbox(1920, 1080, 640, lb);
        if (st == CVHP_OK)
            printf("7. yolo decode %-8.3f ms  25200x85 raw output -> %zu detections (score > 0.1, NMS 0.5); "
                   "a 1920x1080 image letterboxes at scale %.4f, padding top %g bottom %g\n",
                   td, no, lb[0], lb[4], lb[6]);
        free(pred);
        cvhp_config_free(yc);
        if (st != CVHP_OK) {
            cli_fail(st, "yolo decode");
            goto out;
        }
    }
    /* 8. instance segmentation: a mask's polygons with the config's settings */
    {
        npy_array mk;
        char err[1200];
        snprintf(path, sizeof path, "%s/mask_scores.npy", data);
        if (npy_read(path, &mk, err, sizeof err) != 0 || mk.dtype != 'f' || mk.ndim != 2) {
            fprintf(stderr, "cvhp demo: %s\n", mk.data ? "mask_scores.npy must be 2-D float32" : err);
            npy_free(&mk);
            goto out;
        }
        cvhp_config *ic;
        cvhp_config_new(CVHP_TASK_INSTANCE_SEGMENTATION, &ic);
        cvhp_mask_options mo;
        cvhp_mask_options_from_config(&mo, ic);
        cvhp_polygons *poly = NULL;
        t0 = cli_now_ms();
        st = cvhp_mask_to_polygons(mk.data, mk.shape[0], mk.shape[1], &mo, &poly);
        double tp = cli_now_ms() - t0;
        if (st == CVHP_OK) {
            char name[256];
            cvhp_mask_export_path("sample.jpg", "class_07", 0, 0.9731, CVHP_IMAGE_PNG, name, sizeof name, NULL);
            printf("8. polygons    %-8.3f ms  a %zux%zu score mask -> %zu polygons (", tp, mk.shape[0], mk.shape[1],
                   cvhp_polygons_count(poly));
            for (size_t i = 0; i < cvhp_polygons_count(poly); i++)
                printf("%s%zu points%s", i ? ", " : "", cvhp_polygon_points(poly, i),
                       cvhp_polygon_is_hole(poly, i) ? ", a hole" : "");
            printf("); exported as %s\n", name);
        }
        cvhp_polygons_free(poly);
        cvhp_config_free(ic);
        npy_free(&mk);
        if (st != CVHP_OK) {
            cli_fail(st, "polygons");
            goto out;
        }
    }
    rc = 0;
out:
    free(all_b), free(all_s), free(all_l), free(src), free(keep), free(rects);
    cvhp_config_free(cfg);
    return rc;
}
