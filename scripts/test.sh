#!/usr/bin/env bash
# Installs what is missing, builds Parvis with its tests and runs every test
# suite through ctest: once as built for use (Debug), once under
# AddressSanitizer and UndefinedBehaviorSanitizer; in between, a short run of
# the fuzz targets (scripts/fuzz.sh). Exits non-zero on any failure or finding.
# PARVIS_SKIP_SANITIZERS=1 skips the sanitizer run and PARVIS_SKIP_FUZZ=1 the
# fuzz run (quicker local iterations); PARVIS_FUZZ_SECONDS sets its seconds
# per target (default 20).
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
if [ "${PARVIS_SKIP_FUZZ:-0}" != "1" ]; then
  # A short run of every fuzz target (20 s each, two at a time on two cores:
  # about two minutes with its build), after replaying every past finding;
  # any finding fails the script.
  scripts/fuzz.sh "${PARVIS_FUZZ_SECONDS:-20}"
fi
if [ "${PARVIS_SKIP_SANITIZERS:-0}" != "1" ]; then
  echo "test: the same suite under AddressSanitizer and UndefinedBehaviorSanitizer"
  # Any sanitizer report fails the process that made it, and so its test.
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  run_suite "${PARVIS_ASAN_BUILD_DIR:-build/asan}" -DPARVIS_SANITIZE=ON
fi
