#!/usr/bin/env bash
# Load test of the demo API on loopback: /public (no auth) against /me (one member token, reused:
# authenticated on every request, its signature checked once thanks to the token cache).
# Prints req/s, p50 and p99 for both and their ratios, for the axum demo, the actix-web demo
# (demo-actix), or both in one run (one after the other, same settings).
#
# Usage: scripts/loadtest.sh            (defaults: DEMO=axum, 10 s per route, 32 connections, 1 thread)
#        DEMO=actix scripts/loadtest.sh
#        DEMO=both SECONDS_PER_ROUTE=30 CONNECTIONS=64 THREADS=1 PORT=3999 PIN=1 scripts/loadtest.sh
#
# Builds the demo(s) in release, starts each in local mode on 127.0.0.1:$PORT (traffic never
# leaves loopback), drives it with wrk (installed from Debian's packages if missing), and
# stops everything it started. On a 2-core machine the server and wrk share the cores: the
# figures compare routes (and demos) with each other within one run, not with other machines.
set -euo pipefail
cd "$(dirname "$0")/.."

DEMO="${DEMO:-axum}"
SECONDS_PER_ROUTE="${SECONDS_PER_ROUTE:-10}"
CONNECTIONS="${CONNECTIONS:-32}"
THREADS="${THREADS:-1}"
PORT="${PORT:-3999}"
TARGET_DIR="${CARGO_TARGET_DIR:-target}"

case "$DEMO" in
  axum) examples=(demo) ;;
  actix) examples=(demo-actix) ;;
  both) examples=(demo demo-actix) ;;
  *) echo "error: DEMO must be axum, actix or both, not $DEMO" >&2; exit 2 ;;
esac

if ! command -v wrk >/dev/null 2>&1; then
  echo "installing wrk (Debian package)..." >&2
  if [ "$(id -u)" -eq 0 ]; then
    apt-get install -y -qq wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
  else
    sudo apt-get install -y -qq wrk >/dev/null
  fi
fi

build_args=()
for example in "${examples[@]}"; do build_args+=(--example "$example"); done
cargo build --release --quiet "${build_args[@]}"
log="$(mktemp)"
# PIN=1 (with 2+ cores and taskset): the server gets core 0 and wrk core 1, so the server is
# CPU-bound and the ratio shows the per-request CPU cost; the default shares both cores.
server_pin=()
client_pin=()
if [ "${PIN:-0}" = 1 ] && command -v taskset >/dev/null 2>&1 && [ "$(nproc)" -ge 2 ]; then
  server_pin=(taskset -c 0)
  client_pin=(taskset -c 1)
fi
server=""
stop_server() {
  if [ -n "$server" ]; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    server=""
  fi
}
cleanup() { stop_server; rm -f "$log"; }
trap cleanup EXIT

# Starts example $1 in local mode and sets $member to its member token.
start_server() {
  : >"$log"
  RUST_LOG=warn "${server_pin[@]}" "$TARGET_DIR/release/examples/$1" --port "$PORT" >"$log" 2>&1 &
  server=$!
  # Wait for the banner (it carries the minted tokens), at most 30 s.
  for _ in $(seq 1 300); do
    grep -q "^export MEMBER=" "$log" 2>/dev/null && break
    sleep 0.1
  done
  member="$(sed -n "s/^export MEMBER='\(.*\)'$/\1/p" "$log")"
  if [ -z "$member" ]; then
    echo "error: $1 did not start in local mode (is a CLERK_* variable set?)" >&2
    cat "$log" >&2
    exit 1
  fi
  if ! curl -fsS -o /dev/null -H "Authorization: Bearer $member" "http://127.0.0.1:$PORT/me"; then
    echo "error: GET /me with the member token did not answer 200 ($1)" >&2
    exit 1
  fi
}

# wrk prints its latency distribution with --latency; take Requests/sec, 50% and 99%.
run() {
  local path="$1"; shift
  "${client_pin[@]}" wrk -t"$THREADS" -c"$CONNECTIONS" -d"${SECONDS_PER_ROUTE}s" --latency "$@" "http://127.0.0.1:$PORT$path"
}
to_us() { # wrk durations: 812.00us, 1.23ms, 2.01s
  awk -v v="$1" 'BEGIN {
    if (v ~ /us$/) { sub(/us$/, "", v); print v + 0 }
    else if (v ~ /ms$/) { sub(/ms$/, "", v); print v * 1000 }
    else if (v ~ /s$/) { sub(/s$/, "", v); print v * 1000000 }
    else print v }'
}
summarize() {
  local out="$1"
  local rps p50 p99
  rps="$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")"
  p50="$(to_us "$(awk '$1 == "50%" {print $2}' <<<"$out")")"
  p99="$(to_us "$(awk '$1 == "99%" {print $2}' <<<"$out")")"
  echo "$rps $p50 $p99"
}

# Measures example $1: warm-up, then /public and /me; prints the table and the ratios.
measure() {
  local example="$1"
  start_server "$example"
  # Warm-up (not measured): page in the binary, fill connection pools, let the CPU settle
  # after the build.
  "${client_pin[@]}" wrk -t"$THREADS" -c"$CONNECTIONS" -d2s "http://127.0.0.1:$PORT/public" >/dev/null
  "${client_pin[@]}" wrk -t"$THREADS" -c"$CONNECTIONS" -d2s -H "Authorization: Bearer $member" "http://127.0.0.1:$PORT/me" >/dev/null

  local public_out me_out public_rps public_p50 public_p99 me_rps me_p50 me_p99
  public_out="$(run /public)"
  me_out="$(run /me -H "Authorization: Bearer $member")"
  stop_server
  if grep -q "Non-2xx" <<<"$me_out"; then
    echo "error: /me answered non-2xx during the run ($example)" >&2
    echo "$me_out" >&2
    exit 1
  fi
  read -r public_rps public_p50 public_p99 <<<"$(summarize "$public_out")"
  read -r me_rps me_p50 me_p99 <<<"$(summarize "$me_out")"

  echo "== $example =="
  printf '%-8s %12s %10s %10s\n' route "req/s" "p50 (us)" "p99 (us)"
  printf '%-8s %12.0f %10.0f %10.0f\n' /public "$public_rps" "$public_p50" "$public_p99"
  printf '%-8s %12.0f %10.0f %10.0f\n' /me "$me_rps" "$me_p50" "$me_p99"
  awk -v a="$me_rps" -v b="$public_rps" -v c="$me_p99" -v d="$public_p99" \
    'BEGIN { printf "/me / /public: req/s %.2f, p99 %.2f\n", a / b, c / d }'
}

for example in "${examples[@]}"; do
  measure "$example"
done
echo "($SECONDS_PER_ROUTE s per route, $CONNECTIONS connections, $THREADS wrk thread(s), 127.0.0.1:$PORT)"
