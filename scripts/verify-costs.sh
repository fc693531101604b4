#!/usr/bin/env bash
# What one RS256 verification costs on every runtime, measured one after the other in one run
# of this script (the figures of README.md's "Runtimes" table):
#
#   - natively with each crypto backend: criterion's `authenticate_request/no_cache` (token
#     cache off: parse, signature, claim checks), `authenticate_request/cached` (a token-cache
#     hit) and `rsa2048_verify/raw_parsed_key` (the bare signature check of the backend) from
#     clerk-sdk's `authenticate` bench, built once with `aws-lc` and once with `rust-crypto`;
#   - in workerd: the workerd benchmark (bare `crypto.subtle.verify`, our Worker through
#     WebCrypto and through RustCrypto in wasm, `@clerk/backend`'s `authenticateRequest`).
#
#   scripts/verify-costs.sh            # everything; the workerd part needs the Worker builds
#                                      # (.ci/worker makes them) and skips loudly without them
#
# Figures move with the machine's load: compare within one run.
set -euo pipefail
cd "$(dirname "$0")/.."

BENCHES='^(authenticate_request/(no_cache|cached)|rsa2048_verify/raw_parsed_key)$'

# Criterion's central estimate for each benchmark, as "name  time  per second".
summarize() {
  awk '
    /^[a-z_0-9]+\/[a-z_0-9]+/ { name = $1 }
    /time:/ && name != "" {
      gsub(/\[|\]/, "")
      value = $4; unit = $5
      scale = (unit == "ns") ? 1e-9 : (unit == "µs" || unit == "us") ? 1e-6 : (unit == "ms") ? 1e-3 : 1
      printf "  %-36s %9.2f %-2s %12.0f /s\n", name, value, unit, 1 / (value * scale)
      name = ""
    }
  '
}

native() {
  local label="$1"
  shift
  echo "== native, $label =="
  cargo bench --quiet -p clerk-sdk "$@" --bench authenticate -- "$BENCHES" 2>/dev/null | summarize
}

native aws-lc
native rust-crypto --no-default-features --features rust-crypto,testing
echo "== workerd =="
cargo run --quiet -p clerk-integration-tests --example workerd-bench
