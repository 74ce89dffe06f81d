#!/bin/sh
# Configures (once) and builds libcvhp in BUILDDIR (default: build), quietly;
# meson's or ninja's output is shown only when they fail.
# Usage: scripts/build.sh [BUILDDIR [meson setup options...]]
set -eu
cd "$(dirname "$0")/.."
dir=${1:-build}
[ $# -gt 0 ] && shift
run() {
  if ! out=$("$@" 2>&1); then
    printf '%s\n' "$out" >&2
    exit 1
  fi
}
if [ ! -f "$dir/build.ninja" ]; then
  run meson setup "$dir" -Dwerror=true "$@"
elif [ $# -gt 0 ]; then
  run meson configure "$dir" "$@"
fi
run ninja -C "$dir"
