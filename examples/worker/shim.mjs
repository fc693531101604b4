// The Worker's entry module: wasm-bindgen's `--target module` output (index.js, which
// instantiates index_bg.wasm when imported) exports the `fetch(request, env, ctx)` that
// `#[event(fetch)]` generates; a module Worker exports it as its default handler.
//
// worker-build writes a fuller version of this (panic recovery, Durable Object classes); this
// Worker needs neither, and so builds with wasm-bindgen alone.
import * as wasm from "./index.js";

export default {
  fetch(request, env, ctx) {
    return wasm.fetch(request, env, ctx);
  },
};
