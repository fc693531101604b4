// The JavaScript side of the workerd benchmark: the two things a Rust Worker's verification is
// compared with, run in the same workerd process on the same token.
//
//   GET /bench/subtle?n=N         N bare `crypto.subtle.verify` calls of the bearer token's
//                                 signature (key imported once, token split and decoded once):
//                                 the floor any verification in a Worker pays.
//   GET /bench/clerk-backend?n=N  N `authenticateRequest` calls of Clerk's own SDK
//                                 (@clerk/backend, networkless with `jwtKey`), each on a new
//                                 Request carrying the token, as a Worker receives it.
//
// Both answer {"n": N, "ok": <verifications that succeeded>}; the driver times the request
// from outside, because workerd's clock does not move while a request computes. `n` is bounded
// so that a mistaken request cannot occupy workerd for long.
import { createClerkClient } from "@clerk/backend";

const MAX_N = 10000;
const RS256 = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };

let subtleKey; // the imported CryptoKey, once per isolate
let clerkClient; // createClerkClient's answer, once per isolate

function pemToDer(pem) {
  const body = pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");
  return Uint8Array.from(atob(body), (c) => c.charCodeAt(0));
}

function base64UrlToBytes(text) {
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
  return Uint8Array.from(atob(b64 + "===".slice((b64.length + 3) % 4)), (c) => c.charCodeAt(0));
}

function bearer(request) {
  const value = request.headers.get("authorization") || "";
  return value.startsWith("Bearer ") ? value.slice(7) : "";
}

function json(body, status = 200) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" },
  });
}

async function benchSubtle(env, token, n) {
  subtleKey ??= await crypto.subtle.importKey("spki", pemToDer(env.CLERK_JWT_KEY), RS256, false, [
    "verify",
  ]);
  const dot = token.lastIndexOf(".");
  const signingInput = new TextEncoder().encode(token.slice(0, dot));
  const signature = base64UrlToBytes(token.slice(dot + 1));
  let ok = 0;
  for (let i = 0; i < n; i++) {
    if (await crypto.subtle.verify(RS256, subtleKey, signature, signingInput)) ok++;
  }
  return ok;
}

function authorizedParties(env) {
  return (env.CLERK_AUTHORIZED_PARTIES || "")
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p);
}

async function benchClerkBackend(env, request, n) {
  const options = {
    jwtKey: env.CLERK_JWT_KEY,
    publishableKey: env.CLERK_PUBLISHABLE_KEY,
    // authenticateRequest refuses to run without one, though `jwtKey` means it is never sent.
    secretKey: env.CLERK_SECRET_KEY,
    authorizedParties: authorizedParties(env),
  };
  // Telemetry off: it would send events from the loop (and the bench has no network).
  clerkClient ??= createClerkClient({ ...options, telemetry: { disabled: true } });
  const headers = { authorization: request.headers.get("authorization") || "" };
  let ok = 0;
  let last;
  for (let i = 0; i < n; i++) {
    const state = await clerkClient.authenticateRequest(new Request(request.url, { headers }), options);
    if (state.isSignedIn) ok++;
    else last = state.reason;
  }
  return { ok, last };
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const n = Number.parseInt(url.searchParams.get("n") || "1", 10);
    if (!Number.isInteger(n) || n < 0 || n > MAX_N) {
      return json({ error: `n must be an integer in 0..=${MAX_N}` }, 400);
    }
    const token = bearer(request);
    if (!token) return json({ error: "no bearer token" }, 400);
    switch (url.pathname) {
      case "/bench/subtle":
        return json({ n, ok: await benchSubtle(env, token, n) });
      case "/bench/clerk-backend": {
        const { ok, last } = await benchClerkBackend(env, request, n);
        return json({ n, ok, reason: last ?? null });
      }
      default:
        return json({ error: "not found" }, 404);
    }
  },
};
