#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz (g++ with ASan, UBSan and
# coverage tracing, in build/fuzz) and runs each for SECONDS on a copy of its
# seed corpus. Prints each target's executions per second and coverage, and
# every finding (crash, sanitizer report, broken check, timeout, leak, out of
# memory) with the input that caused it; exits non-zero if there was one.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]   SECONDS: else $FUZZ_SECONDS, else 60
#   scripts/fuzz.sh --list                   the targets' names
#
# Environment: FUZZ_JOBS targets at a time (default: the number of CPUs);
# FUZZ_TIMEOUT seconds one input may take (default 10); FUZZ_EXTRA_OPTIONS
# more compile options for the instrumented code (tests/fuzz/README.md);
# PARVIS_FUZZ_BUILD_DIR (default build/fuzz). The corpus grows in
# BUILD_DIR/corpus/TARGET between runs; findings go to
# BUILD_DIR/findings/TARGET/. Inputs in tests/fuzz/regressions/TARGET/ run
# first, every time.
set -euo pipefail
cd "$(dirname "$0")/.."

FUZZ_DIR=tests/fuzz
targets_in_tree() {
  for source in "$FUZZ_DIR"/*_fuzzer.cc; do
    basename "$source" _fuzzer.cc
  done
}

if [ "${1:-}" = "--list" ]; then
  targets_in_tree
  exit 0
fi
if [ "${1:-}" = "-h" ] || [ "${1:-}" = "--help" ]; then
  sed -n '2,20s/^# \{0,1\}//p' "$0"
  exit 0
fi

SECONDS_EACH=${FUZZ_SECONDS:-60}
if [[ "${1:-}" =~ ^[0-9]+$ ]]; then
  SECONDS_EACH=$1
  shift
fi
if [ $# -gt 0 ]; then
  TARGETS=("$@")
else
  mapfile -t TARGETS < <(targets_in_tree)
fi
for target in "${TARGETS[@]}"; do
  if [ ! -f "$FUZZ_DIR/${target}_fuzzer.cc" ]; then
    echo "fuzz: no target \"$target\"; scripts/fuzz.sh --list names them" >&2
    exit 2
  fi
done

BUILD_DIR=${PARVIS_FUZZ_BUILD_DIR:-build/fuzz}
JOBS=${FUZZ_JOBS:-$(nproc)}
TIMEOUT=${FUZZ_TIMEOUT:-10}

scripts/setup.sh
# A tree of its own: every object in it is instrumented, nothing else is built.
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_CXX_COMPILER=g++ -DCMAKE_BUILD_TYPE=Debug \
  -DBUILD_TESTING=OFF -DPARVIS_FUZZ=ON -DPARVIS_FUZZ_EXTRA_OPTIONS="${FUZZ_EXTRA_OPTIONS:-}" >/dev/null
build_start=$(date +%s)
cmake --build "$BUILD_DIR" -j "$(nproc)" --target $(printf 'fuzz_%s ' "${TARGETS[@]}")
echo "fuzz: built ${#TARGETS[@]} targets in $(( $(date +%s) - build_start )) s;" \
  "running each for $SECONDS_EACH s, $JOBS at a time"

# Runs one target; its log is BUILD_DIR/logs/TARGET.log.
run_target() {
  local target=$1
  local corpus="$BUILD_DIR/corpus/$target" findings="$BUILD_DIR/findings/$target"
  local log="$BUILD_DIR/logs/$target.log"
  mkdir -p "$corpus" "$findings"
  touch "$BUILD_DIR/logs/$target.start"  # findings newer than this are this run's
  cp -n "$FUZZ_DIR/corpus/$target"/* "$corpus"/ 2>/dev/null || true
  local inputs=("$corpus")
  local regressions="$FUZZ_DIR/regressions/$target"
  if [ -d "$regressions" ] && [ -n "$(ls -A "$regressions")" ]; then
    inputs+=("$regressions")  # read, never written: new inputs go to the first folder
  fi
  local options=(-max_total_time="$SECONDS_EACH" -timeout="$TIMEOUT" -print_final_stats=1
                 -artifact_prefix="$findings/")
  if [ -f "$FUZZ_DIR/dict/$target.dict" ]; then
    options+=(-dict="$FUZZ_DIR/dict/$target.dict")
  fi
  # UBSan must abort for libFuzzer to save the input (sanitizer_options.cc);
  # appended, so it wins over what the caller exported (scripts/test.sh does).
  # The outer limit only matters if libFuzzer itself hangs.
  UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}abort_on_error=1:print_stacktrace=1" \
    timeout --kill-after=10 $(( SECONDS_EACH + 5 * TIMEOUT + 60 )) \
    "$BUILD_DIR/tests/fuzz/fuzz_$target" "${options[@]}" "${inputs[@]}" >"$log" 2>&1
}

# One line per target from its log; the log's end when it found something.
report_target() {
  local target=$1 status=$2
  local log="$BUILD_DIR/logs/$target.log"
  local runs rate cov
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+' "$log" | tail -n 1 || true)
  if [ "$status" -eq 0 ]; then
    printf 'fuzz: %-20s ok     %10s runs %7s exec/s   %s\n' "$target" "${runs:-?}" "${rate:-?}" \
      "${cov:-}"
    return
  fi
  printf 'fuzz: %-20s FOUND  %10s runs %7s exec/s   (exit %s)\n' "$target" "${runs:-?}" \
    "${rate:-?}" "$status"
  # From the first report line on, without ASan's shadow-memory legend.
  sed -n '/==== fuzz check failed\|ERROR: \|runtime error\|^SUMMARY\|Test unit written/,$p' "$log" \
    | grep -v '^  0x\|^Shadow byte\|^  [A-Z][a-z]' | head -n 60 | sed 's/^/    /'
  find "$BUILD_DIR/findings/$target" -type f -newer "$BUILD_DIR/logs/$target.start" \
    | sed 's/^/    input: /'
}

mkdir -p "$BUILD_DIR/logs"
declare -A pid_of_target
running=0
for target in "${TARGETS[@]}"; do
  if [ "$running" -ge "$JOBS" ]; then
    wait -n || true
    running=$((running - 1))
  fi
  run_target "$target" &
  pid_of_target[$target]=$!
  running=$((running + 1))
done
found=0
for target in "${TARGETS[@]}"; do
  status=0
  wait "${pid_of_target[$target]}" || status=$?
  report_target "$target" "$status"
  [ "$status" -eq 0 ] || found=1
done
if [ "$found" -ne 0 ]; then
  echo "fuzz: findings above; logs in $BUILD_DIR/logs/, inputs in $BUILD_DIR/findings/" >&2
  echo "fuzz: replay one with $BUILD_DIR/tests/fuzz/fuzz_TARGET INPUT" >&2
  exit 1
fi
