/* SPDX-License-Identifier: MIT
 * A main for the fuzz targets when libFuzzer is not used: runs the target
 * on every file given (the seed corpus in tests, or a crash reproducer). */
#include <stdio.h>
#include <stdlib.h>

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
    int ran = 0;
    for (int i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (!f) {
            fprintf(stderr, "cannot open %s\n", argv[i]);
            return 1;
        }
        uint8_t buf[1 << 16];
        size_t n = fread(buf, 1, sizeof buf, f);
        fclose(f);
        LLVMFuzzerTestOneInput(buf, n);
        ran++;
    }
    printf("ran %d inputs\n", ran);
    return ran > 0 ? 0 : 1;
}
