#!/usr/bin/env bash
# Installs what is missing, builds Parvis with its tests and runs every test
# suite through ctest, built under AddressSanitizer and UndefinedBehaviorSanitizer
# (a Debug build: any sanitizer report fails the process that made it, and so
# its test); before it, a short run of the fuzz targets (scripts/fuzz.sh).
# Exits non-zero on any failure or finding.
# The suite runs once, under the sanitizers, so that CI stays within 30 min on
# two cores. PARVIS_PLAIN_SUITE=1 also runs it as a plain Debug build first;
# PARVIS_SKIP_SANITIZERS=1 runs only the plain Debug suite (quicker local
# iterations); PARVIS_SKIP_FUZZ=1 skips the fuzz run; PARVIS_FUZZ_SECONDS sets
# its seconds per target (default 20).
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

if [ "${PARVIS_SKIP_SANITIZERS:-0}" = "1" ] || [ "${PARVIS_PLAIN_SUITE:-0}" = "1" ]; then
  run_suite "${PARVIS_TEST_BUILD_DIR:-build/test}"
fi
if [ "${PARVIS_SKIP_FUZZ:-0}" != "1" ]; then
  # A short run of every fuzz target (20 s each, two at a time on two cores:
  # about two minutes with its build), after replaying every past finding;
  # any finding fails the script.
  scripts/fuzz.sh "${PARVIS_FUZZ_SECONDS:-20}"
fi
if [ "${PARVIS_SKIP_SANITIZERS:-0}" != "1" ]; then
  echo "test: the suite under AddressSanitizer and UndefinedBehaviorSanitizer"
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  run_suite "${PARVIS_ASAN_BUILD_DIR:-build/asan}" -DPARVIS_SANITIZE=ON
fi
