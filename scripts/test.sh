#!/usr/bin/env bash
# Installs what is missing, builds Parvis with its tests and runs every test
# suite through ctest. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
scripts/setup-npm.sh
BUILD_DIR=${PARVIS_TEST_BUILD_DIR:-build/test}
JOBS=$(nproc)
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DBUILD_TESTING=ON >/dev/null
cmake --build "$BUILD_DIR" -j "$JOBS"
ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$JOBS" --timeout 300
