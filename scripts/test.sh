#!/bin/sh
# Installs what is missing, builds libcvhp, and runs every test suite: the C
# (Check) suites and ABI checks through meson, the Python suite with pytest,
# and the Rust crates with cargo when present. Ends with one line
# "N passed, N failed" and exits non-zero when anything failed.
# Usage: scripts/test.sh [--sanitize]
#   --sanitize: build in build-asan with -Db_sanitize=address,undefined and
#               run the C suites under ASan+UBSan.
set -eu
cd "$(dirname "$0")/.."
scripts/setup.sh --test
if [ "${1:-}" = "--sanitize" ]; then
  dir=build-asan
  scripts/build.sh "$dir" -Db_sanitize=address,undefined -Dbuildtype=debugoptimized -Db_lundef=false
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  py=0
else
  dir=build
  scripts/build.sh "$dir"
  py=1
fi
status=0
meson test -C "$dir" --print-errorlogs --num-processes 2 || status=1
pyres=""
if [ $py -eq 1 ] && [ -d bindings/python/tests ]; then
  pyres=$(mktemp)
  CVHP_LIBRARY="$PWD/$dir/lib/libcvhp.so" PYTHONPATH="$PWD/bindings/python" \
    /usr/bin/python3 -m pytest -q -p no:cacheprovider --junitxml="$pyres" bindings/python/tests || status=1
fi
/usr/bin/python3 scripts/summary.py "$dir/meson-logs/testlog.json" ${pyres:+"$pyres"} || status=1
[ -n "$pyres" ] && rm -f "$pyres"
exit $status
