// Samples one Worker's CPU time in workerd through its inspector (the Chrome DevTools protocol)
// while requests of the workerd benchmark run, and prints where the time went: self time and
// inclusive time per function, wasm functions by their Rust names.
//
// Start workerd with the inspector on, holding (from the repository root):
//
//   WORKERD_INSPECTOR=127.0.0.1:9229 WORKERD_BENCH_HOLD=300 \
//     cargo run -p clerk-integration-tests --example workerd-bench
//
// then, with the URL and header it prints:
//
//   node --experimental-websocket examples/worker/bench/profile.mjs \
//     127.0.0.1:9229 worker-webcrypto <url> '<authorization>' [n=2000] [requests=10]
//
// The Worker names are the services of the benchmark's config (`worker-webcrypto`,
// `worker-rust-crypto`, `bench-js`). Sampling slows everything down about 2.5 times, so read
// shares, not microseconds. Node 20 needs --experimental-websocket (22 has WebSocket).
const [inspector, worker, url, authorization, n = "2000", requests = "10"] = process.argv.slice(2);
if (!authorization) {
  console.error("usage: profile.mjs <inspector host:port> <worker> <url> <authorization> [n] [requests]");
  process.exit(2);
}
const TOP = Number(process.env.TOP || 30);

const targets = await (await fetch(`http://${inspector}/json/list`)).json();
const target = targets.find((t) => t.id === worker);
if (!target) {
  console.error(`no worker ${worker}; workerd has: ${targets.map((t) => t.id).join(", ")}`);
  process.exit(1);
}

const socket = new WebSocket(target.webSocketDebuggerUrl);
await new Promise((resolve, reject) => {
  socket.onopen = resolve;
  socket.onerror = reject;
});
const pending = new Map();
let nextId = 0;
socket.onmessage = (event) => {
  const message = JSON.parse(event.data);
  pending.get(message.id)?.(message);
  pending.delete(message.id);
};
const call = (method, params = {}) =>
  new Promise((resolve) => {
    const id = ++nextId;
    pending.set(id, resolve);
    socket.send(JSON.stringify({ id, method, params }));
  });

const run = async () => {
  const response = await fetch(`${url}?n=${n}`, { headers: { authorization } });
  const body = await response.text();
  if (!response.ok) throw new Error(`${response.status} ${body}`);
};

await call("Profiler.enable");
await call("Profiler.setSamplingInterval", { interval: 20 });
for (let i = 0; i < 3; i++) await run(); // JIT warm-up, key import
await call("Profiler.start");
const started = performance.now();
for (let i = 0; i < Number(requests); i++) await run();
const elapsed = performance.now() - started;
const { result } = await call("Profiler.stop");
socket.close();
console.log(`${requests} requests of ${n} calls: ${((elapsed * 1000) / (requests * n)).toFixed(1)} µs/call while sampled`);

const { nodes, samples, timeDeltas } = result.profile;
const byId = new Map(nodes.map((node) => [node.id, node]));
const parentOf = new Map();
for (const node of nodes) for (const child of node.children || []) parentOf.set(child, node.id);
const name = (node) => {
  const frame = node.callFrame;
  const file = frame.url.split("/").pop();
  return `${frame.functionName || "(anonymous)"}${file ? ` ${file}:${frame.lineNumber}` : ""}`;
};
const self = new Map();
const inclusive = new Map();
let total = 0;
samples.forEach((sample, i) => {
  const dt = timeDeltas[i] || 0;
  total += dt;
  const leaf = byId.get(sample);
  self.set(name(leaf), (self.get(name(leaf)) || 0) + dt);
  const seen = new Set(); // recursion counts once
  for (let id = sample; id !== undefined; id = parentOf.get(id)) {
    const key = name(byId.get(id));
    if (!seen.has(key)) inclusive.set(key, (inclusive.get(key) || 0) + dt);
    seen.add(key);
  }
});
for (const [title, table] of [
  ["self time", self],
  ["inclusive time", inclusive],
]) {
  console.log(`\n${title}, share of ${(total / 1000).toFixed(0)} ms sampled`);
  for (const [key, us] of [...table].sort((a, b) => b[1] - a[1]).slice(0, TOP)) {
    console.log(`${((100 * us) / total).toFixed(1).padStart(5)}%  ${key}`);
  }
}
