#!/bin/sh
# Configures (once) and builds libcvhp in BUILDDIR (default: build).
# Usage: scripts/build.sh [BUILDDIR [meson setup options...]]
set -eu
cd "$(dirname "$0")/.."
dir=${1:-build}
[ $# -gt 0 ] && shift
if [ ! -f "$dir/build.ninja" ]; then
  meson setup "$dir" -Dwerror=true "$@" >/dev/null
elif [ $# -gt 0 ]; then
  meson configure "$dir" "$@" >/dev/null
fi
ninja -C "$dir" >/dev/null
