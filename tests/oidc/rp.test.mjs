// openid-client (the current major, unmodified, default validation) as the relying party of a
// real `signet serve` over HTTPS: discovery, the authorization request with PKCE and nonce, the
// code exchange with ID token validation, userinfo, introspection, refresh, revocation and
// RP-initiated logout. The user logs in by obtaining a Signet session (POST /v1/sessions) and
// following the authorization redirect with that cookie.
//
//   SIGNET_BIN=build/dev/src/cli/signet npm test
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as client from 'openid-client';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const signetBin = path.resolve(root, process.env.SIGNET_BIN ?? 'build/dev/src/cli/signet');
const password = 'correct horse battery staple';
const redirectUri = 'http://127.0.0.1:9/callback';
const logoutUri = 'http://127.0.0.1:9/logged-out';
const clientId = 'stock-rp';
const clientSecret = 'rp-secret-' + 'x'.repeat(40);

let server;
let dataDir;
let issuer;

function startServer() {
  const child = spawn(signetBin, ['serve', '--listen', '127.0.0.1:0', '--data-dir', dataDir,
    '--tls-cert', process.env.SIGNET_TLS_CERT, '--tls-key', process.env.SIGNET_TLS_KEY],
  { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH } });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`signet serve did not start: ${out}`)), 20000);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /signet: listening on (https:\/\/[^\s]+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ child, origin: match[1] });
      }
    });
    child.stderr.on('data', () => {});
    child.on('exit', (code) => reject(new Error(`signet serve exited with ${code}: ${out}`)));
  });
}

// The value of cookie `name` among a response's Set-Cookie headers.
function cookieValue(response, name) {
  for (const line of response.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const at = pair.indexOf('=');
    if (pair.slice(0, at) === name) return pair.slice(at + 1);
  }
  return undefined;
}

async function sessionCookie(email) {
  const registered = await fetch(`${issuer}/v1/users`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  assert.equal(registered.status, 201, await registered.text());
  const login = await fetch(`${issuer}/v1/sessions`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  assert.equal(login.status, 201, await login.text());
  const sid = cookieValue(login, '__Host-signet_sid');
  assert.ok(sid, 'the session cookie is set');
  return `__Host-signet_sid=${sid}`;
}

before(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'signet-rp-'));
  execFileSync(signetBin, ['client', 'add', '--data-dir', dataDir, '--id', clientId,
    '--name', 'Stock relying party', '--redirect-uri', redirectUri,
    '--post-logout-redirect-uri', logoutUri, '--secret-stdin'],
  { input: clientSecret, env: { PATH: process.env.PATH } });
  const started = await startServer();
  server = started.child;
  issuer = started.origin;
});

after(() => {
  server?.kill('SIGTERM');
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test('a stock relying party logs a user in, reads userinfo, refreshes, revokes and logs out',
  async () => {
    const config = await client.discovery(new URL(issuer), clientId, clientSecret);
    const metadata = config.serverMetadata();
    assert.equal(metadata.issuer, issuer);
    assert.deepEqual(metadata.code_challenge_methods_supported, ['S256']);

    const email = `rp-${process.pid}@example.com`;
    const cookie = await sessionCookie(email);

    const codeVerifier = client.randomPKCECodeVerifier();
    const nonce = client.randomNonce();
    const state = client.randomState();
    const authorizationUrl = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid email',
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      nonce,
      state,
    });
    const redirected = await fetch(authorizationUrl, { redirect: 'manual', headers: { cookie } });
    assert.equal(redirected.status, 302);
    const callback = new URL(redirected.headers.get('location'));
    assert.equal(callback.origin + callback.pathname, redirectUri);

    // The code exchange; openid-client validates the ID token (signature from the JWKS, iss,
    // aud, exp, iat, nonce) and the iss of the authorization response (RFC 9207).
    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: codeVerifier,
      expectedNonce: nonce,
      expectedState: state,
      idTokenExpected: true,
    });
    const claims = tokens.claims();
    assert.equal(claims.iss, issuer);
    assert.equal(claims.aud, clientId);
    assert.equal(claims.email, email);
    assert.equal(claims.nonce, nonce);
    assert.ok(tokens.refresh_token);
    assert.equal(tokens.token_type.toLowerCase(), 'bearer');

    const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
    assert.equal(userinfo.sub, claims.sub);
    assert.equal(userinfo.email, email);

    const introspected = await client.tokenIntrospection(config, tokens.access_token);
    assert.equal(introspected.active, true);
    assert.equal(introspected.client_id, clientId);
    assert.equal(introspected.sub, claims.sub);

    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
    assert.notEqual(refreshed.refresh_token, tokens.refresh_token);
    assert.equal(refreshed.claims().sub, claims.sub);
    assert.equal(refreshed.claims().auth_time, claims.auth_time);

    await client.tokenRevocation(config, refreshed.refresh_token, { token_type_hint: 'refresh_token' });
    await assert.rejects(client.refreshTokenGrant(config, refreshed.refresh_token),
      (error) => error.error === 'invalid_grant');
    const revokedInfo = await client.tokenIntrospection(config, refreshed.refresh_token);
    assert.equal(revokedInfo.active, false);

    const logoutUrl = client.buildEndSessionUrl(config, {
      id_token_hint: refreshed.id_token,
      post_logout_redirect_uri: logoutUri,
      state: 'bye',
    });
    const loggedOut = await fetch(logoutUrl, { redirect: 'manual', headers: { cookie } });
    assert.equal(loggedOut.status, 302);
    assert.equal(loggedOut.headers.get('location'), `${logoutUri}?state=bye`);
    const me = await fetch(`${issuer}/v1/me`, { headers: { cookie } });
    assert.equal(me.status, 401, 'the session ended');
  });

test('openid-client refuses a code whose verifier it did not send, as Signet refuses it', async () => {
  const config = await client.discovery(new URL(issuer), clientId, clientSecret);
  const cookie = await sessionCookie(`rp-pkce-${process.pid}@example.com`);
  const state = client.randomState();
  const authorizationUrl = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: 'openid',
    code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
    code_challenge_method: 'S256',
    state,
  });
  const redirected = await fetch(authorizationUrl, { redirect: 'manual', headers: { cookie } });
  const callback = new URL(redirected.headers.get('location'));
  await assert.rejects(client.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier: client.randomPKCECodeVerifier(),
    expectedState: state,
  }), (error) => error.error === 'invalid_grant');
});
