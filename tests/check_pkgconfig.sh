#!/bin/sh
# Compiles and runs a one-file C program with nothing but the flags that
# pkg-config gives for the build tree's uninstalled cvhp.pc.
# Usage: check_pkgconfig.sh BUILDDIR CC [EXTRA_CFLAGS...]
# (EXTRA_CFLAGS: the sanitizer flags when the library was built with them)
set -eu
build=$1
cc=${2:-cc}
shift 2
extra="$*"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export PKG_CONFIG_PATH="$build/meson-uninstalled${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
cflags=$(pkg-config --cflags cvhp)
libs=$(pkg-config --libs cvhp)
libdir=$(pkg-config --libs-only-L cvhp | sed 's/^-L//; s/ .*//')
cat > "$tmp/prog.c" <<'C'
#include <cvhp/cvhp.h>
#include <stdio.h>
#include <string.h>
int main(void) {
    const float box[4] = {1, 2, 4, 6};
    float a = 0;
    if (cvhp_box_area(box, 1, &a) != CVHP_OK || a != 12.0f) return 1;
    if (strcmp(cvhp_version_string(), CVHP_VERSION_STRING) != 0) return 2;
    printf("linked libcvhp %s via pkg-config; area=%g\n", cvhp_version_string(), a);
    return 0;
}
C
# shellcheck disable=SC2086
"$cc" -std=c11 $extra $cflags "$tmp/prog.c" -o "$tmp/prog" $libs -Wl,-rpath,"$libdir"
"$tmp/prog"
