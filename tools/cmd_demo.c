/* SPDX-License-Identifier: MIT
 * cvhp demo: a guided run of libcvhp on the bundled sample data, printing
 * what each step did and how long it took. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

double cli_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int cmd_demo(int argc, char **argv)
{
    const char *data = "tests/data/demo";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            printf("usage: cvhp demo [--data DIR]\n\nRuns libcvhp on the sample data in DIR "
                   "(default tests/data/demo).\n");
            return 0;
        } else if (strcmp(argv[i], "--data") == 0 && i + 1 < argc) {
            data = argv[++i];
        } else {
            fprintf(stderr, "cvhp demo: unexpected argument '%s'\n", argv[i]);
            return CLI_EXIT_USAGE;
        }
    }
    printf("libcvhp %s demo (data: %s)\n", cvhp_version_string(), data);
    printf("  build: %s\n", cvhp_build_info());

    /* Step: box areas of a batch of boxes on the active instruction set. */
    enum { N = 100000 };
    float *boxes = malloc(sizeof(float) * 4 * N), *areas = malloc(sizeof(float) * N);
    if (!boxes || !areas) {
        free(boxes), free(areas);
        fprintf(stderr, "cvhp demo: out of memory\n");
        return CLI_EXIT_FAILURE;
    }
    unsigned s = 12345u;
    for (size_t i = 0; i < N; i++) {
        s = s * 1103515245u + 12345u;
        float x = (float)(s >> 16 & 1023), y = (float)(s >> 6 & 1023);
        boxes[4 * i] = x, boxes[4 * i + 1] = y;
        boxes[4 * i + 2] = x + 16, boxes[4 * i + 3] = y + 8;
    }
    double t0 = cli_now_ms();
    cvhp_status st = cvhp_box_area(boxes, N, areas);
    double t1 = cli_now_ms();
    if (st != CVHP_OK) {
        free(boxes), free(areas);
        return cli_fail(st, "box_area");
    }
    printf("  box_area: %d boxes on %s in %.3f ms (area[0] = %g)\n", N,
           cvhp_isa_name(cvhp_active_isa()), t1 - t0, (double)areas[0]);
    free(boxes), free(areas);
    return 0;
}
