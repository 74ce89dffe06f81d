#!/bin/sh
# Fails when the shared library exports any symbol that is not cvhp_<lower>,
# or exports an internal cvhp__ symbol. Usage: check_symbols.sh libcvhp.so
set -eu
lib=$1
syms=$(nm -D --defined-only "$lib" | awk '$2 != "A" { print $3 }' | sed 's/@.*//')
[ -n "$syms" ] || { echo "no exported symbols found in $lib"; exit 1; }
bad=$(printf '%s\n' "$syms" | grep -Ev '^cvhp_[a-z][a-z0-9_]*$' || true)
internal=$(printf '%s\n' "$syms" | grep -E '^cvhp__' || true)
if [ -n "$bad$internal" ]; then
  echo "symbols outside the public cvhp_ namespace:"
  printf '%s\n' $bad $internal
  exit 1
fi
echo "ok: $(printf '%s\n' "$syms" | wc -l) exported symbols, all cvhp_*"
