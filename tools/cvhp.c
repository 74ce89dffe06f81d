/* SPDX-License-Identifier: MIT
 * cvhp: the libcvhp command-line program. Each subcommand is one entry of the
 * table below: a name, a one-line summary, and a function taking the
 * arguments after the subcommand name. Exit codes: 0 success, 1 the operation
 * failed (invalid config, I/O error, ...), 2 usage error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cvhp/cvhp.h>

#include "cli.h"

static int cmd_info(int argc, char **argv);
static int cmd_version(int argc, char **argv);

static const cli_command commands[] = {
    {"demo", "run libcvhp on the bundled sample data, step by step", cmd_demo},
    {"params", "print the effective parameter table of a task (or all of it as Markdown)", cmd_params},
    {"validate", "check a JSON config and print its diagnostics", cmd_validate},
    {"tiles", "print the tiles the reference cuts an image into", cmd_tiles},
    {"postprocess", "post-process raw detections (.npy) into the reference's JSON", cmd_postprocess},
    {"polygons", "print the reference's polygons of a mask (.npy)", cmd_polygons},
    {"info", "print build information, detected and active instruction set, threads", cmd_info},
    {"version", "print the library version", cmd_version},
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *f)
{
    fprintf(f, "usage: cvhp [--version] [--help] <command> [<args>]\n\ncommands:\n");
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\nRun 'cvhp <command> --help' for a command's options.\n");
}

int cli_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return 1;
    return 0;
}

int cli_fail(cvhp_status st, const char *what)
{
    fprintf(stderr, "cvhp: %s: %s (%s)\n", what, cvhp_last_error_message(), cvhp_status_name(st));
    return CLI_EXIT_FAILURE;
}

static int cmd_version(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        printf("usage: cvhp version\n");
        return 0;
    }
    if (argc > 1) {
        fprintf(stderr, "cvhp version: unexpected argument '%s'\n", argv[1]);
        return CLI_EXIT_USAGE;
    }
    printf("cvhp %s (libcvhp %s)\n", CVHP_VERSION_STRING, cvhp_version_string());
    return 0;
}

static int cmd_info(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        printf("usage: cvhp info\n\nPrints the build configuration and what this CPU runs.\n"
               "Set CVHP_MAX_ISA=scalar|sse4.1|avx2|avx512 to cap the instruction set.\n");
        return 0;
    }
    if (argc > 1) {
        fprintf(stderr, "cvhp info: unexpected argument '%s'\n", argv[1]);
        return CLI_EXIT_USAGE;
    }
    static const cvhp_isa levels[] = {CVHP_ISA_SCALAR, CVHP_ISA_SSE41, CVHP_ISA_AVX2,
                                      CVHP_ISA_AVX512, CVHP_ISA_NEON};
    printf("version:      %s\n", cvhp_version_string());
    printf("isa compiled:");
    for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++)
        if (cvhp_isa_compiled(levels[i]))
            printf(" %s%s", cvhp_isa_name(levels[i]), cvhp_isa_supported(levels[i]) ? "" : "(no cpu)");
    printf("\nisa detected: %s\n", cvhp_isa_name(cvhp_cpu_isa()));
    printf("isa active:   %s\n", cvhp_isa_name(cvhp_active_isa()));
    printf("openmp:       %s\n", cvhp_have_openmp() ? "yes" : "no");
    printf("threads:      %d\n", cvhp_default_threads());
    printf("build:        %s\n", cvhp_build_info());
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return CLI_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0)
        return cmd_version(1, argv + 1);
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "cvhp: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return CLI_EXIT_USAGE;
}
