#!/usr/bin/env bash
# Runs the cargo-fuzz targets in fuzz/ for a bounded time each and prints, per target, the
# executions libFuzzer reports and the crash files in fuzz/artifacts/<target>/.
# Not part of .ci/run: run it by hand.
#
#   scripts/fuzz.sh                      # every target, 60 s each
#   FUZZ_SECONDS=300 scripts/fuzz.sh claims_v2 webhook_verify
#   FUZZ_SECONDS=600 FUZZ_RUNS=1000000 scripts/fuzz.sh   # 1M executions or 10 min, whichever first
#
# Settings (environment):
#   FUZZ_SECONDS    time per target (libFuzzer -max_total_time), default 60
#   FUZZ_RUNS       also stop a target after this many executions (libFuzzer -runs), default none
#   FUZZ_SANITIZER  address (default) or none (faster, finds panics only)
#   FUZZ_JOBS       fuzz this many targets at once, default 1
#
# New inputs go to fuzz/grown/<target>/ (ignored by git); the committed seeds in
# fuzz/corpus/<target>/ are read, never written. Logs: fuzz/target/fuzz-logs/<target>.log.
# Exit status: 0 when no target left a new file in its artifacts directory, 1 otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."

TARGETS_ALL=(token_decode session_verify authorization_header cookie_header claims_v2 webhook_verify
    jwks_json publishable_key cached_session)
SECONDS_EACH="${FUZZ_SECONDS:-60}"
RUNS="${FUZZ_RUNS:-}"
SANITIZER="${FUZZ_SANITIZER:-address}"
JOBS="${FUZZ_JOBS:-1}"
LOGS=fuzz/target/fuzz-logs

if [[ $# -gt 0 ]]; then TARGETS=("$@"); else TARGETS=("${TARGETS_ALL[@]}"); fi
for t in "${TARGETS[@]}"; do
    [[ " ${TARGETS_ALL[*]} " == *" $t "* ]] || { echo "unknown target: $t (known: ${TARGETS_ALL[*]})" >&2; exit 2; }
done
[[ "$SECONDS_EACH" =~ ^[1-9][0-9]*$ ]] || { echo "FUZZ_SECONDS must be a positive integer" >&2; exit 2; }
[[ -z "$RUNS" || "$RUNS" =~ ^[1-9][0-9]*$ ]] || { echo "FUZZ_RUNS must be a positive integer" >&2; exit 2; }

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "== installing cargo-fuzz (cargo install cargo-fuzz --locked) =="
    cargo install cargo-fuzz --locked
fi

# cargo-fuzz builds with -Zsanitizer and other nightly-only flags; this machine has a stable
# toolchain. RUSTC_BOOTSTRAP=1 unlocks them for this script's cargo calls only.
export RUSTC_BOOTSTRAP=1
export CARGO_TERM_COLOR=never

# Debug assertions on: integer overflow and the like panic, as they do in the test suite.
BUILD_FLAGS=(--debug-assertions --sanitizer "$SANITIZER")

echo "== building ${#TARGETS[@]} target(s) (sanitizer: $SANITIZER) =="
cargo fuzz build "${BUILD_FLAGS[@]}"

mkdir -p "$LOGS"

count_files() { find "$1" -maxdepth 1 -type f 2>/dev/null | wc -l; }

# Fuzzes one target; writes "<target> <executions> <seconds> <new crash files> <all crash files>"
# to $LOGS/<target>.result.
fuzz_one() {
    local t=$1 log="$LOGS/$1.log" artifacts="fuzz/artifacts/$1"
    mkdir -p "fuzz/grown/$t" "$artifacts"
    local before start status
    before=$(count_files "$artifacts")
    start=$(date +%s)
    local args=(-max_total_time="$SECONDS_EACH" -timeout=10 -print_final_stats=1)
    [[ -n "$RUNS" ]] && args+=(-runs="$RUNS")
    # The outer timeout is a backstop: libFuzzer stops itself at -max_total_time.
    set +e
    timeout --kill-after=30 $((SECONDS_EACH + 120)) \
        cargo fuzz run "${BUILD_FLAGS[@]}" "$t" "fuzz/grown/$t" "fuzz/corpus/$t" -- "${args[@]}" \
        >"$log" 2>&1
    status=$?
    set -e
    local elapsed=$(($(date +%s) - start))
    local execs
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || true)
    [[ -n "$execs" ]] || execs=$(grep -oE '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1 | tr -dc '0-9' || true)
    [[ -n "$execs" ]] || execs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -dc '0-9' || true)
    local after
    after=$(count_files "$artifacts")
    echo "$t ${execs:-?} $elapsed $((after - before)) $after $status" >"$LOGS/$t.result"
}

printf '== fuzzing: %s s each%s, %s at a time ==\n' "$SECONDS_EACH" "${RUNS:+ or $RUNS runs}" "$JOBS"
running=0
for t in "${TARGETS[@]}"; do
    echo "-- $t (log: $LOGS/$t.log)"
    rm -f "$LOGS/$t.result"
    fuzz_one "$t" &
    running=$((running + 1))
    if ((running >= JOBS)); then
        wait -n || true
        running=$((running - 1))
    fi
done
wait

echo
printf '%-22s %14s %8s %12s %s\n' target executions seconds new_crashes artifacts
failed=0
for t in "${TARGETS[@]}"; do
    if [[ ! -f "$LOGS/$t.result" ]]; then
        echo "$t: no result (see $LOGS/$t.log)"
        failed=1
        continue
    fi
    read -r name execs secs new all status <"$LOGS/$t.result"
    printf '%-22s %14s %8s %12s %s\n' "$name" "$execs" "$secs" "$new" "fuzz/artifacts/$name/ ($all files)"
    if ((new > 0)); then
        failed=1
        grep -m1 -E "panicked at|ERROR: (libFuzzer|AddressSanitizer)" "$LOGS/$t.log" | sed 's/^/    /' || true
        grep -m1 -E "(Test unit|artifact_prefix=|Test unit written to)" "$LOGS/$t.log" | sed 's/^/    /' || true
    elif [[ "$status" != 0 ]]; then
        failed=1
        echo "    cargo fuzz exited $status without an artifact: see $LOGS/$t.log"
    fi
done
exit "$failed"
