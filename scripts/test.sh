#!/usr/bin/env bash
# Installs what is missing, builds Parvis with its tests and runs every test
# suite through ctest: once as built for use (Debug), once under
# AddressSanitizer and UndefinedBehaviorSanitizer. Exits non-zero on any failure.
# PARVIS_SKIP_SANITIZERS=1 skips the second run (quicker local iterations).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
scripts/setup-npm.sh
JOBS=$(nproc)

run_suite() {  # run_suite BUILD_DIR [cmake options...]
  local dir=$1
  shift
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DBUILD_TESTING=ON "$@" >/dev/null
  cmake --build "$dir" -j "$JOBS"
  ctest --test-dir "$dir" --output-on-failure -j "$JOBS" --timeout 600
}

run_suite "${PARVIS_TEST_BUILD_DIR:-build/test}"
if [ "${PARVIS_SKIP_SANITIZERS:-0}" != "1" ]; then
  echo "test: the same suite under AddressSanitizer and UndefinedBehaviorSanitizer"
  # Any sanitizer report fails the process that made it, and so its test.
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  run_suite "${PARVIS_ASAN_BUILD_DIR:-build/asan}" -DPARVIS_SANITIZE=ON
fi
