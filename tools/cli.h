/* SPDX-License-Identifier: MIT
 * Shared declarations of the cvhp command-line program's subcommands. */
#ifndef CVHP_CLI_H
#define CVHP_CLI_H

#include <cvhp/cvhp.h>

enum { CLI_EXIT_FAILURE = 1, CLI_EXIT_USAGE = 2 };

typedef struct cli_command {
    const char *name;
    const char *summary;
    /* argv[0] is the subcommand name. Returns the process exit code. */
    int (*run)(int argc, char **argv);
} cli_command;

/* 1 when --help or -h is among argv[1..]. */
int cli_wants_help(int argc, char **argv);
/* Print "cvhp: what: <last error message> (STATUS)" to stderr; returns CLI_EXIT_FAILURE. */
int cli_fail(cvhp_status st, const char *what);

/* Monotonic clock in milliseconds. */
double cli_now_ms(void);

/* Subcommands, one source file each (tools/cmd_*.c). */
int cmd_demo(int argc, char **argv);
int cmd_params(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_tiles(int argc, char **argv);
int cmd_postprocess(int argc, char **argv);
int cmd_polygons(int argc, char **argv);

#endif
