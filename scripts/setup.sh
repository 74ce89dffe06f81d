#!/bin/sh
# Installs, with apt-get, the Debian 12 packages that building and testing
# libcvhp need, and only those missing: fast when everything is there.
# Usage: scripts/setup.sh [--test]   (--test adds what the test suites need)
set -eu
pkgs="gcc g++ meson ninja-build pkg-config libjansson-dev libspng-dev libturbojpeg0-dev"
if [ "${1:-}" = "--test" ]; then
  pkgs="$pkgs check python3 python3-numpy python3-pytest python3-venv valgrind"
fi
missing=""
for p in $pkgs; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done
# the Rust suite needs cargo: the machine's rustup toolchain, else Debian's
if [ "${1:-}" = "--test" ] && ! command -v cargo >/dev/null 2>&1; then
  missing="$missing cargo"
fi
[ -z "$missing" ] && exit 0
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "setup: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
