#!/usr/bin/env bash
# Builds the Worker into build/<variant>/ (shim.mjs + index.js + index_bg.wasm, the three
# modules workerd or wrangler loads) and the JavaScript benchmark Worker into build/bench.js.
#
#   examples/worker/build.sh webcrypto   [cargo features...]   # what to deploy
#   examples/worker/build.sh rust-crypto [cargo features...]   # the same wasm, WebCrypto hidden
#                                                             # (the benchmark's RustCrypto path)
#   examples/worker/build.sh bench-js
#
# Needs: a wasm32-unknown-unknown toolchain (README.md "Runtimes": Debian's rustc-web +
# rust-web-src + lld, or rustup's target), wasm-bindgen-cli of the version in Cargo.lock
# (WASM_BINDGEN overrides the binary), and `npm ci` run here for bench-js.
set -euo pipefail
cd "$(dirname "$0")"

variant="${1:?usage: build.sh webcrypto|rust-crypto|bench-js [features...]}"
shift

if [ "$variant" = bench-js ]; then
  mkdir -p build
  node_modules/.bin/esbuild bench/bench.mjs --bundle --format=esm --platform=neutral \
    --main-fields=module,main --conditions=workerd,worker,browser --log-level=warning \
    --outfile=build/bench.js
  exit 0
fi

case "$variant" in
  webcrypto | rust-crypto) ;;
  *) echo "unknown variant $variant" >&2; exit 2 ;;
esac
features="$(IFS=,; echo "$*")"

target_dir="${CARGO_TARGET_DIR:-target}"
cargo build --release --locked --target wasm32-unknown-unknown ${features:+--features "$features"}
out="build/$variant"
rm -rf "$out"
"${WASM_BINDGEN:-wasm-bindgen}" --target module --no-typescript --out-dir "$out" --out-name index \
  "$target_dir/wasm32-unknown-unknown/release/clerk_worker_example.wasm"
# wasm-bindgen imports the wasm as a "source phase" import; workerd's module loader gives a
# WebAssembly.Module for a plain import of a wasm module.
sed -i 's/^import source /import /' "$out/index.js"
if [ "$variant" = webcrypto ]; then
  cp shim.mjs "$out/shim.mjs"
else
  # The same wasm, measured on clerk-sdk's fallback: with no `crypto.subtle` in sight it
  # verifies RS256 with RustCrypto compiled to wasm, as on a host without WebCrypto.
  {
    echo '// Hides WebCrypto from the Worker, so that clerk-sdk takes its RustCrypto fallback.'
    echo 'Object.defineProperty(globalThis, "crypto", { value: undefined, configurable: true, writable: true });'
    cat shim.mjs
  } >"$out/shim.mjs"
fi
ls -l "$out"
