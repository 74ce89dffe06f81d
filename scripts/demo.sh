#!/bin/sh
# Installs what is missing, builds libcvhp, and runs the demo on the bundled
# sample data (tests/data/demo).
set -eu
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh build
exec build/tools/cvhp demo --data tests/data/demo
