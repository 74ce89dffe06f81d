#!/bin/bash
# The NEON code paths, which this x86-64 machine cannot run natively: the
# library and its Check suites are cross-compiled for aarch64 (warnings are
# errors) and the conformance cases run under qemu-user, where the CPU is an
# aarch64 with NEON, so libcvhp dispatches to its NEON kernels:
#
#   simd/dispatch          every NEON kernel against the scalar reference
#   boxes/conformance      torchvision / OpenCV / ONNX golden data, every ISA, 1 and 2 threads
#   masks/polygons         scikit-image golden contours and polygons, every ISA
#   detection/tiling       tile grids, mapping, the merge (golden)
#   detection/postprocess  torchvision head, YOLOv5 decode, letterbox, JSON
#
# Natively only (scripts/test.sh): the cases that re-execute the test binary
# (simd/environment), and the parallel batch forms (*/batch): under
# qemu-user here OpenMP's second thread never starts (a bare
# `omp parallel for num_threads(2)` hangs too), while the single-mask and
# NMS paths stay serial at the conformance sizes.
#
#   scripts/test-aarch64.sh            (installs its packages when missing: root)
set -euo pipefail
cd "$(dirname "$0")/.."

pkgs=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user-static check:arm64)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  dpkg --print-foreign-architectures | grep -qx arm64 || dpkg --add-architecture arm64
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

build=build-aarch64
if [ ! -f $build/build.ninja ]; then
  meson setup $build --cross-file tests/cross/aarch64-linux-gnu.ini -Dtests=enabled -Ddocs=disabled \
    -Djson=disabled -Dpng=disabled -Djpeg=disabled -Dwerror=true --warnlevel=3 >/dev/null 2>&1
fi
ninja -C $build >/dev/null
grep -q "CVHP_HAVE_NEON 1" $build/lib/build_config.h || { echo "test-aarch64: NEON is not compiled in"; exit 1; }

fail=0
run() { # suite case
  local log=$build/qemu-$1-$2.tap
  if ! CK_FORK=no CK_RUN_CASE=$2 CK_TAP_LOG_FILE_NAME=- CK_VERBOSITY=silent \
       CVHP_GOLDEN_DIR="$PWD/tests/data/golden" \
       timeout 900 qemu-aarch64-static -L /usr/aarch64-linux-gnu $build/tests/test_$1 >"$log" 2>&1; then
    echo "test-aarch64: $1/$2 FAILED"; grep -E "^not ok|error" "$log" | head -20; fail=1; return
  fi
  local ok bad
  ok=$(grep -c '^ok' "$log" || true); bad=$(grep -c '^not ok' "$log" || true)
  echo "test-aarch64: $1/$2: $ok passed, $bad failed"
  [ "$ok" -gt 0 ] && [ "$bad" -eq 0 ] || fail=1
}
run simd dispatch
run boxes conformance
run masks polygons
run detection tiling
run detection postprocess
# the kernels really were the NEON ones
grep -q "box_area on neon matches scalar" $build/qemu-simd-dispatch.tap || { echo "test-aarch64: NEON did not run"; fail=1; }
exit $fail
