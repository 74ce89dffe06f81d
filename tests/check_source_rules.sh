#!/bin/sh
# Library-wide rules that a compiler cannot check. Usage: check_source_rules.sh SRCROOT
set -eu
root=$1
fail=0
# Thread counts are arguments (num_threads clauses), never process-wide state.
if grep -rn 'omp_set_num_threads\|omp_set_dynamic' "$root/lib"; then
  echo "rule: kernels must not call omp_set_num_threads/omp_set_dynamic"; fail=1
fi
# Public headers declare every function with CVHP_API (so it is exported).
for h in "$root"/include/cvhp/*.h; do
  if grep -nE '^(const |unsigned |signed )?[a-z_0-9]+ \*?cvhp_[a-z0-9_]+\(' "$h"; then
    echo "rule: $h declares a function without CVHP_API"; fail=1
  fi
done
# No exit/abort from the library: errors are status codes.
if grep -rnE '\b(exit|abort)\s*\(' "$root/lib" --include='*.c'; then
  echo "rule: the library never exits or aborts"; fail=1
fi
[ $fail -eq 0 ] && echo "ok: source rules hold"
exit $fail
