// Mints a corpus of Clerk session tokens with @clerk/backend's own `signJwt`, and prints, for each,
// @clerk/backend's own verdict: `verifyToken` and `authenticateRequest` (networkless, `jwtKey`).
// Driven by tests/clerk_sdk_tokens.rs, which compares clerk-sdk's verdicts with these.
//
// Input (stdin, one JSON object): { backend_dir, private_key_pem, public_key_pem, now_ms,
// authorized_party, issuer, secret_key, publishable_key }. `backend_dir` is a directory whose
// node_modules holds @clerk/backend (examples/worker). The clock is frozen at `now_ms` (whole
// seconds) for minting and verifying, so the skew boundaries are exact; tokens minted "later"
// move it for the one `signJwt` call.
//
// Output (stdout): one JSON object per line. The first is { meta: { backend_version } }; then one
// per token: { name, token, exact_clock, verify, request, request_either }, where `exact_clock`
// says the verdict holds only at `now_ms` (a skew boundary), `verify` is verifyToken's
// { ok, claims } or { ok: false, reason, message }, and `request` / `request_either` are
// authenticateRequest's state with toAuth(), accepting session tokens (the default) / session
// and m2m tokens.

import { createRequire } from 'node:module';
import { generateKeyPairSync, webcrypto } from 'node:crypto';
import { join } from 'node:path';

// Our output owns stdout; anything the SDK prints goes to stderr.
const emit = (value) => process.stdout.write(`${JSON.stringify(value)}\n`);
console.log = console.error;
console.info = console.error;
const input = JSON.parse(await readStdin());
const require = createRequire(join(input.backend_dir, 'package.json'));
const { verifyToken, createClerkClient } = require('@clerk/backend');
const { signJwt } = require('@clerk/backend/jwt');
const backendVersion = require('@clerk/backend/package.json').version;

const NOW_MS = input.now_ms;
const NOW_S = Math.floor(NOW_MS / 1000);
const AZP = input.authorized_party;
const ISS = input.issuer;
const SKEW_S = 5; // @clerk/backend's default clock skew, which clerk-sdk's config also uses.
const SESSION = 'cl_B7d4PD111AAA';
const TEMPLATE = 'cl_B7d4PD222AAA';
const M2M = 'cl_B7d4PD333AAA';

let clockMs = NOW_MS;
Date.now = () => clockMs;

const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .privateKey.export({ type: 'pkcs8', format: 'pem' });

// A session token as Clerk issues one today (claims v2): `kid` of the instance, session `cat`.
const header = (extra = {}) => ({ typ: 'JWT', kid: 'ins_2sdkTokensTest', cat: SESSION, ...extra });
const org = (rol) => ({ id: 'org_2acme', slg: 'acme', rol, per: 'read,manage,delete', fpm: '3,2' });
const v2 = (sub, rol, extra = {}) => ({
  azp: AZP,
  exp: NOW_S + 3600,
  fea: 'o:reports,ou:teams,u:profile',
  fva: [3, -1],
  iss: ISS,
  nbf: NOW_S - 10,
  o: org(rol),
  pla: 'o:pro,u:free',
  sid: 'sess_2member',
  sts: 'active',
  sub,
  v: 2,
  ...extra,
});
const v1 = (sub, role, extra = {}) => ({
  azp: AZP,
  exp: NOW_S + 3600,
  iss: ISS,
  nbf: NOW_S - 10,
  org_id: 'org_1acme',
  org_permissions: ['org:reports:read', 'org:reports:manage'],
  org_role: role,
  org_slug: 'acme',
  sid: 'sess_1member',
  sub,
  ...extra,
});
// A JWT-format m2m token as Clerk issues one: machine subject, `mt_` id, scopes.
const m2m = (extra = {}) => ({
  exp: NOW_S + 3600,
  iss: ISS,
  jti: 'mt_2reporter',
  nbf: NOW_S - 10,
  scopes: 'mch_2billing mch_2reports',
  sub: 'mch_2reporter',
  aud: ['mch_2billing', 'mch_2reports'],
  ...extra,
});
const without = (object, ...names) => {
  const copy = { ...object };
  for (const name of names) delete copy[name];
  return copy;
};

// Each case: a payload and header for signJwt (with `alg`, the key, and the clock offset of the
// signing moment, which sets `iat`), then an optional rewrite of the signed token.
const cases = [
  ['v2 member', v2('user_member', 'member')],
  ['v2 admin', v2('user_admin', 'admin')],
  ['v2 admin role already prefixed', v2('user_admin', 'org:admin')],
  ['v2 personal account (no o)', without(v2('user_member', 'member'), 'o')],
  ['v2 org without permissions', v2('user_member', 'member', { o: { id: 'org_2acme', slg: 'acme', rol: 'member' } })],
  ['v2 fea element without colon', v2('user_admin', 'admin', { fea: 'reports' })],
  ['v as string "2" (v1 path)', v2('user_member', 'member', { v: '2', org_id: 'org_1acme', org_role: 'org:member' })],
  ['v1 member', v1('user_member', 'org:member')],
  ['v1 admin', v1('user_admin', 'org:admin')],
  ['v1 personal account', without(v1('user_member', 'org:member'), 'org_id', 'org_role', 'org_slug', 'org_permissions')],
  ['v1 admin, minimal claims (no sid, nbf, iss)', without(v1('user_admin', 'org:admin'), 'sid', 'nbf', 'iss')],
  ['actor (impersonation)', v2('user_member', 'member', { act: { sub: 'user_support', iss: 'https://dashboard.clerk.com' } })],
  ['pending session', v2('user_member', 'member', { sts: 'pending' })],
  ['unknown extra claims', v2('user_admin', 'admin', { email: 'a@example.com', meta: { plan: [1, 2], ok: true }, jti: 'x', aud: 'someone' })],
  ['kid absent', v2('user_member', 'member'), { header: without(header(), 'kid') }],
  ['kid of another instance', v2('user_member', 'member'), { header: header({ kid: 'ins_someone_else' }) }],
  ['typ absent', v2('user_member', 'member'), { header: without(header(), 'typ') }],
  ['cat absent', v1('user_member', 'org:member'), { header: without(header(), 'cat') }],
  ['typ lowercase jwt', v2('user_member', 'member'), { header: header({ typ: 'jwt' }) }],
  ['typ at+jwt (OAuth access token)', v2('user_member', 'member'), { header: header({ typ: 'at+jwt' }) }],
  ['cat JWT template', v2('user_member', 'member'), { header: header({ cat: TEMPLATE }) }],
  ['cat m2m on a user token', v2('user_member', 'member'), { header: header({ cat: M2M }) }],
  ['m2m JWT', m2m(), { header: header({ cat: M2M }) }],
  ['m2m JWT without cat', m2m(), { header: without(header(), 'cat') }],
  ['m2m JWT with the session cat', m2m(), { header: header({ cat: SESSION }) }],
  ['m2m JWT expired', m2m({ exp: NOW_S - 600, nbf: NOW_S - 900 }), { header: header({ cat: M2M }), at: -900 }],
  ['m2m JWT signed by another key', m2m(), { header: header({ cat: M2M }), key: otherKey }],
  ['crit and jku headers', v2('user_member', 'member'), { header: header({ crit: ['exp'], jku: 'https://evil.example/jwks' }) }],
  ['RS384', v2('user_admin', 'admin'), { alg: 'RS384' }],
  ['RS512', v2('user_admin', 'admin'), { alg: 'RS512' }],
  ['signed by another key', v2('user_admin', 'admin'), { key: otherKey }],
  ['expired', v2('user_member', 'member', { exp: NOW_S - 600, nbf: NOW_S - 900 }), { at: -900 }],
  ['not yet valid', v2('user_member', 'member', { nbf: NOW_S + 600 })],
  ['issued in the future', v2('user_member', 'member', { exp: NOW_S + 4000, nbf: NOW_S - 10 }), { at: 600 }],
  ['exp = now - skew (expired)', v2('user_member', 'member', { exp: NOW_S - SKEW_S }), { at: -60, exact: true }],
  ['exp = now - skew + 1 (valid)', v2('user_member', 'member', { exp: NOW_S - SKEW_S + 1 }), { at: -60, exact: true }],
  ['nbf = now + skew (valid)', v2('user_member', 'member', { nbf: NOW_S + SKEW_S }), { exact: true }],
  ['nbf = now + skew + 1 (not yet valid)', v2('user_member', 'member', { nbf: NOW_S + SKEW_S + 1 }), { exact: true }],
  ['iat = now + skew (valid)', v2('user_member', 'member'), { at: SKEW_S, exact: true }],
  ['iat = now + skew + 1 (in the future)', v2('user_member', 'member'), { at: SKEW_S + 1, exact: true }],
  ['fractional exp just after now - skew', v2('user_member', 'member', { exp: NOW_S - SKEW_S + 0.5 }), { at: -60, exact: true }],
  ['fractional nbf just after now + skew', v2('user_member', 'member', { nbf: NOW_S + SKEW_S + 0.5 }), { exact: true }],
  ['exp missing', without(v2('user_member', 'member'), 'exp')],
  ['exp as a string', v2('user_member', 'member', { exp: String(NOW_S + 3600) })],
  ['nbf null', v2('user_member', 'member', { nbf: null })],
  ['nbf beyond the JavaScript date range', v2('user_member', 'member', { nbf: 9e12 })],
  ['exp far in the future', v2('user_member', 'member', { exp: 9e12 })],
  ['wrong azp', v2('user_member', 'member', { azp: 'https://evil.example' })],
  ['azp with a trailing slash', v2('user_member', 'member', { azp: `${AZP}/` })],
  ['azp absent', without(v2('user_member', 'member'), 'azp')],
  ['azp empty', v2('user_member', 'member', { azp: '' })],
  ['sub missing', without(v2('user_member', 'member'), 'sub')],
  ['sub a number', v2(42, 'member')],
  ['sub empty', v2('', 'member')],
  ['sub of a machine in a session token', v2('mch_reporter', 'member')],
  ['tampered payload (member made admin)', v2('user_member', 'member'), { rewrite: (t) => withPayload(t, (p) => ({ ...p, o: org('admin') })) }],
  ['tampered signature', v2('user_admin', 'admin'), { rewrite: (t) => flipSignature(t) }],
  ['header swapped to HS256', v2('user_admin', 'admin'), { rewrite: (t) => withHeader(t, (h) => ({ ...h, alg: 'HS256' })) }],
  ['header swapped to none, no signature', v2('user_admin', 'admin'), { rewrite: (t) => withHeader(t, (h) => ({ ...h, alg: 'none' })).replace(/[^.]*$/, '') }],
  ['signature with = padding', v2('user_member', 'member'), { rewrite: (t) => `${t}==` }],
  ['signature with non-zero trailing bits', v2('user_member', 'member'), { rewrite: (t) => nonCanonicalTail(t) }],
  ['two parts', v2('user_member', 'member'), { rewrite: (t) => t.split('.').slice(0, 2).join('.') }],
];

const results = [];
for (const [name, payload, options = {}] of cases) {
  clockMs = NOW_MS + (options.at ?? 0) * 1000;
  let token = await signJwt({ ...payload }, options.key ?? input.private_key_pem, {
    algorithm: options.alg ?? 'RS256',
    header: { ...(options.header ?? header()) },
  });
  clockMs = NOW_MS;
  if (options.rewrite) token = options.rewrite(token);
  results.push({ name, token, exact_clock: Boolean(options.exact) });
}

// Hand-signed payloads signJwt cannot produce (it re-serialises with JSON.stringify): the exact
// text is signed with WebCrypto, RS256, the same key.
const handSigned = [
  ['duplicate sub (last wins in JSON.parse)', `{"azp":"${AZP}","exp":${NOW_S + 3600},"iat":${NOW_S},"sub":"user_member","sub":"user_admin","sid":"sess_1","org_id":"org_1acme","org_role":"org:member"}`],
  ['duplicate org_role', `{"azp":"${AZP}","exp":${NOW_S + 3600},"iat":${NOW_S},"sub":"user_member","org_id":"org_1acme","org_role":"org:member","org_role":"org:admin"}`],
  ['escaped characters in claims', `{"azp":"${AZP.replace('/', '\\/')}","exp":${NOW_S + 3600},"iat":${NOW_S},"sub":"user_\\u006dember","org_id":"org_1acme","org_role":"org:\\u0061dmin"}`],
  ['exp as 1e400 (Infinity in JavaScript)', `{"azp":"${AZP}","exp":1e400,"iat":${NOW_S},"sub":"user_member"}`],
  ['exp with an exponent', `{"azp":"${AZP}","exp":${(NOW_S + 3600) / 1000}e3,"iat":${NOW_S},"sub":"user_member"}`],
];
const rs256 = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
const signingKey = await webcrypto.subtle.importKey('pkcs8', pemBody(input.private_key_pem), rs256, false, ['sign']);
for (const [name, payloadText] of handSigned) {
  const signingInput = `${b64url(JSON.stringify(header({ alg: 'RS256' })))}.${b64url(payloadText)}`;
  const signature = await webcrypto.subtle.sign(rs256, signingKey, new TextEncoder().encode(signingInput));
  results.push({ name, token: `${signingInput}.${Buffer.from(signature).toString('base64url')}`, exact_clock: false });
}

const clerk = createClerkClient({
  secretKey: input.secret_key,
  publishableKey: input.publishable_key,
  jwtKey: input.public_key_pem,
  telemetry: { disabled: true },
});
const HAS_CHECKS = [
  ['role', 'org:admin'],
  ['role', 'org:member'],
  ['permission', 'org:reports:read'],
  ['permission', 'org:teams:manage'],
  ['permission', 'org:reports:delete'],
  ['feature', 'reports'],
  ['feature', 'user:profile'],
  ['plan', 'pro'],
  ['plan', 'user:free'],
  ['reverification', 'strict'],
  ['reverification', 'lax'],
];

emit({ meta: { backend_version: backendVersion, cases: results.length } });
for (const result of results) {
  result.verify = await verdict(result.token);
  result.request = await requestState(result.token, 'session_token');
  result.request_either = await requestState(result.token, ['session_token', 'm2m_token']);
  emit(result);
}

async function verdict(token) {
  try {
    const claims = await verifyToken(token, { jwtKey: input.public_key_pem, authorizedParties: [AZP] });
    return { ok: true, claims };
  } catch (error) {
    return { ok: false, reason: error.reason ?? `thrown: ${error}`, message: String(error.message) };
  }
}

async function requestState(token, acceptsToken) {
  const request = new Request('https://api.example/me', {
    headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
  });
  const state = await clerk.authenticateRequest(request, { authorizedParties: [AZP], acceptsToken });
  const out = {
    status: state.status,
    reason: state.reason,
    message: state.message,
    is_signed_in: state.isSignedIn,
    is_authenticated: state.isAuthenticated,
    token_type: state.tokenType,
    headers: Object.fromEntries(state.headers.entries()),
  };
  try {
    out.auth = authView(state.toAuth());
  } catch (error) {
    out.auth_error = String(error.message ?? error);
  }
  return out;
}

function authView(auth) {
  if (!auth) return null;
  const has = {};
  for (const [kind, value] of HAS_CHECKS) {
    let answer;
    try {
      answer = auth.has({ [kind]: value });
    } catch (error) {
      answer = `thrown: ${error.message}`;
    }
    has[`${kind}:${value}`] = answer;
  }
  return {
    is_authenticated: auth.isAuthenticated,
    token_type: auth.tokenType ?? null,
    user_id: auth.userId ?? null,
    session_id: auth.sessionId ?? null,
    session_status: auth.sessionStatus ?? null,
    org_id: auth.orgId ?? null,
    org_role: auth.orgRole ?? null,
    org_slug: auth.orgSlug ?? null,
    org_permissions: auth.orgPermissions ?? null,
    actor: auth.actor ?? null,
    factor_verification_age: auth.factorVerificationAge ?? null,
    machine_id: auth.machineId ?? null,
    scopes: auth.scopes ?? null,
    has,
  };
}

function b64url(text) {
  return Buffer.from(text, 'utf8').toString('base64url');
}

function pemBody(pem) {
  return Buffer.from(pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''), 'base64');
}

// The token with its header (part 0) or payload (part 1) re-encoded after `change`, the
// signature kept.
function withPart(token, index, change) {
  const parts = token.split('.');
  const json = JSON.parse(Buffer.from(parts[index], 'base64url').toString('utf8'));
  parts[index] = b64url(JSON.stringify(change(json)));
  return parts.join('.');
}
function withHeader(token, change) {
  return withPart(token, 0, change);
}

function withPayload(token, change) {
  return withPart(token, 1, change);
}

// One signature character changed (in the middle, so the encoding stays canonical).
function flipSignature(token) {
  const [h, p, s] = token.split('.');
  const i = Math.floor(s.length / 2);
  const c = s[i] === 'A' ? 'B' : 'A';
  return [h, p, s.slice(0, i) + c + s.slice(i + 1)].join('.');
}

// 256 signature bytes end in a character carrying 2 data bits and 4 padding bits; setting a
// padding bit keeps the bytes but makes the encoding non-canonical.
function nonCanonicalTail(token) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const [h, p, s] = token.split('.');
  const last = alphabet.indexOf(s[s.length - 1]);
  return [h, p, s.slice(0, -1) + alphabet[last | 1]].join('.');
}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}
