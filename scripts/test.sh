#!/bin/sh
# Installs what is missing, builds libcvhp, and runs every test suite: the C
# (Check) suites and ABI checks through meson, the Python suite with pytest,
# and the Rust crates with cargo test --offline. Ends with one line
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
rustres=""
if [ $py -eq 1 ] && [ -f bindings/rust/Cargo.toml ]; then
  rustres=$(mktemp --suffix=.txt)
  (cd bindings/rust &&
   PKG_CONFIG_PATH="$PWD/../../$dir/meson-uninstalled${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}" \
   CVHP_SHARED_LIB="$PWD/../../$dir/lib/libcvhp.so" LD_LIBRARY_PATH="$PWD/../../$dir/lib" \
   cargo test --offline 2>&1) | tee "$rustres" | grep -E "^test |test result|error|panicked" || true
  grep -q "test result" "$rustres" && ! grep -q "test result: FAILED" "$rustres" || status=1
fi
/usr/bin/python3 scripts/summary.py "$dir/meson-logs/testlog.json" ${pyres:+"$pyres"} ${rustres:+"$rustres"} || status=1
rm -f ${pyres:+"$pyres"} ${rustres:+"$rustres"}
exit $status
