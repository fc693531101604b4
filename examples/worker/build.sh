#!/usr/bin/env bash
# Builds the Worker into build/<variant>/ (shim.mjs + index.js + index_bg.wasm, the three
# modules workerd or wrangler loads) and the JavaScript benchmark Worker into build/bench.js.
#
#   examples/worker/build.sh webcrypto   [extra cargo features...]
#   examples/worker/build.sh rust-crypto [extra cargo features...]
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
  webcrypto) crypto_feature=webcrypto ;;
  rust-crypto) crypto_feature=rust-crypto ;;
  *) echo "unknown variant $variant" >&2; exit 2 ;;
esac
features="$crypto_feature${*:+,$(IFS=,; echo "$*")}"

target_dir="${CARGO_TARGET_DIR:-target}"
cargo build --release --locked --target wasm32-unknown-unknown --no-default-features --features "$features"
out="build/$variant"
rm -rf "$out"
"${WASM_BINDGEN:-wasm-bindgen}" --target module --no-typescript --out-dir "$out" --out-name index \
  "$target_dir/wasm32-unknown-unknown/release/clerk_worker_example.wasm"
# wasm-bindgen imports the wasm as a "source phase" import; workerd's module loader gives a
# WebAssembly.Module for a plain import of a wasm module.
sed -i 's/^import source /import /' "$out/index.js"
cp shim.mjs "$out/shim.mjs"
ls -l "$out"
