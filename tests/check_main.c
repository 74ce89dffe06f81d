/* SPDX-License-Identifier: MIT
 * The shared Check runner: every tests/test_*.c defines cvhp_test_suite()
 * and is linked with this file into its own executable.
 *
 * Fork discipline: Check forks a child per test (CK_FORK, the default).
 * libgomp is not fork-safe once its thread pool exists, so this parent never
 * calls into libcvhp (suite construction only builds Check objects); all
 * library work, OpenMP included, happens inside the tests. Under a debugger
 * or valgrind run with CK_FORK=no.
 *
 * Output: CK_TAP_LOG_FILE_NAME=- gives TAP on stdout (meson uses it),
 * CK_VERBOSITY selects Check's own report. Exit 0 when every test passed. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cvhp_test.h"

int main(int argc, char **argv)
{
    /* Helper mode for tests that need a fresh process: exit with the active
     * ISA level as the library first detects it (honouring CVHP_MAX_ISA). */
    if (argc == 2 && strcmp(argv[1], "--print-active-isa") == 0)
        return (int)cvhp_active_isa();
    SRunner *sr = srunner_create(cvhp_test_suite());
    srunner_run_all(sr, CK_ENV);
    const int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
