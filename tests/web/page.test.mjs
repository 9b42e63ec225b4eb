// The web page in a real browser: Playwright drives Debian's chromium (headless, no browser
// download) against a real `signet serve` on a free loopback port. Each test checks what a
// newcomer sees; the page must log no console error and trigger no CSP violation.
//
//   SIGNET_BIN=build/dev/src/cli/signet SCREENSHOT_DIR=build/web-screenshots npm test
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const signetBin = path.resolve(root, process.env.SIGNET_BIN ?? 'build/dev/src/cli/signet');
const screenshotDir = path.resolve(root, process.env.SCREENSHOT_DIR ?? 'build/web-screenshots');
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const password = 'correct horse battery staple';

let server;
let dataDir;
let origin;
let browser;
let page;
const problems = [];  // console errors, page errors, CSP violations

function startServer() {
  dataDir = mkdtempSync(path.join(tmpdir(), 'signet-web-'));
  const child = spawn(signetBin, ['serve', '--listen', '127.0.0.1:0', '--data-dir', dataDir],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH } });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`signet serve did not start: ${out}`)), 20000);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /signet: listening on (http:\/\/[^\s]+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ child, origin: match[1] });
      }
    });
    child.stderr.on('data', () => {});  // the access log
    child.on('exit', (code) => reject(new Error(`signet serve exited with ${code}: ${out}`)));
  });
}

async function shot(name) {
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true });
}

// The text of an element once it contains `expected` (a string or a RegExp).
async function waitForText(selector, expected, timeout = 10000) {
  const locator = page.locator(selector);
  await locator.filter({ hasText: expected }).waitFor({ timeout });
  return locator.textContent();
}

function base64url(data) {
  return Buffer.from(data).toString('base64url');
}

// An HS256 token signed here with `secret`: the inspector must judge it like the library does.
function hs256Token(claims, secret) {
  const signingInput = `${base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.` +
    base64url(JSON.stringify(claims));
  return `${signingInput}.${createHmac('sha256', secret).update(signingInput).digest('base64url')}`;
}

async function inspect(token, { key } = {}) {
  await page.fill('#token', token);
  if (key) {
    await page.check('input[name="key-source"][value="pasted"]');
    await page.fill('#key', key);
  } else {
    await page.check('input[name="key-source"][value="server"]');
  }
  await page.evaluate(() => { delete document.getElementById('verdict').dataset.code; });
  await page.click('#verify');
  await page.waitForFunction(() => {
    const code = document.getElementById('verdict').dataset.code;
    return code && code !== 'unverified';
  });
  return page.locator('#verdict').getAttribute('data-code');
}

before(async () => {
  mkdirSync(screenshotDir, { recursive: true });
  ({ child: server, origin } = await startServer());
  browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  // The page answers 401s on purpose (a token after logout), which Chromium reports as failed
  // loads; those are checked through the responses instead: none of the page's own files may fail.
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      problems.push(`console: ${message.text()}`);
    }
  });
  page.on('response', (response) => {
    const type = response.request().resourceType();
    if (['document', 'script', 'stylesheet', 'image', 'font'].includes(type) && response.status() >= 400) {
      problems.push(`${response.status()} for ${response.url()}`);
    }
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  // A CSP violation fires this event in the page; collect them there and read them at the end.
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (event) => {
      window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  await page.goto(`${origin}/`);
  await page.waitForSelector('body[data-ready="true"]');
});

after(async () => {
  await browser?.close();
  server?.kill('SIGTERM');
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test('the page is served with a strict Content-Security-Policy and its own files only', async () => {
  const response = await page.request.get(`${origin}/`);
  assert.equal(response.status(), 200);
  const csp = response.headers()['content-security-policy'];
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'self'/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.equal(response.headers()['x-content-type-options'], 'nosniff');
  assert.equal(response.headers()['referrer-policy'], 'no-referrer');
  assert.match(response.headers()['content-type'], /^text\/html/);
  // Every control has a label a screen reader can announce.
  const unlabelled = await page.evaluate(() =>
    [...document.querySelectorAll('input, select, textarea')]
      .filter((control) => control.labels.length === 0).map((control) => control.id || control.name));
  assert.deepEqual(unlabelled, []);
});

test('register, then log in with a JWT held in page memory: /v1/me, refresh, log out', async () => {
  const email = `web-${randomBytes(4).toString('hex')}@example.com`;
  await page.fill('#email', email);
  await page.fill('#password', password);
  await page.click('#register');
  await waitForText('#account-status', `Registered ${email}`);

  await page.click('#jwt-login');
  const me = await waitForText('#jwt-me-result', '"auth": "jwt"');
  assert.match(me, /^200/);
  assert.match(me, new RegExp(`"email": "${email}"`));
  const browserPanel = await waitForText('#jwt-browser', 'Claims');
  assert.match(browserPanel, /at\+jwt/);  // the decoded header's typ
  assert.match(browserPanel, /expires in/);
  const first = await page.locator('#jwt-token').textContent();

  await page.click('#jwt-refresh');
  await waitForText('#jwt-status', 'Refreshed');
  const second = await page.locator('#jwt-token').textContent();
  assert.notEqual(second, first, 'a refresh gives a new access token');

  await page.click('#jwt-me-100');
  const timing = await waitForText('#jwt-status', '100 calls', 30000);
  assert.doesNotMatch(timing, /failed/);
  await shot('jwt-login');

  await page.click('#jwt-logout');
  const afterLogout = await waitForText('#jwt-me-result', 'after logout');
  assert.match(afterLogout, /^401/, 'the token is refused once logged out');
});

test('log in with a session: the server shows its record, and log out deletes it', async () => {
  // Both logins at once, the JWT in page memory: the session column's calls carry only cookies.
  await page.click('#jwt-login');
  await waitForText('#jwt-me-result', '"auth": "jwt"');
  await page.click('#session-login');
  const record = await waitForText('#session-server', 'session store');
  assert.match(record, /in-memory session store/);
  const me = await waitForText('#session-me-result', '"auth": "session"');
  assert.match(me, /^200/);
  const cookies = await page.locator('#session-browser').textContent();
  assert.match(cookies, /signet_sid/);
  assert.match(cookies, /HttpOnly/);
  await page.click('#session-me-100');
  await waitForText('#session-status', '100 calls', 30000);
  await shot('session-login');
  await page.locator('main > .columns').screenshot({ path: path.join(screenshotDir, 'side-by-side.png') });
  await page.click('#jwt-logout');
  await waitForText('#jwt-status', 'Logged out');

  await page.click('#session-logout');
  await waitForText('#session-server', 'No session record');
  const status = await page.evaluate(async () => (await fetch('/v1/me')).status);
  assert.equal(status, 401, 'the session id is worthless once the record is gone');
});

test('a JWT in HttpOnly cookies: hidden from the script, refreshed and logged out with CSRF tokens', async () => {
  await page.check('input[name="jwt-storage"][value="cookie"]');
  await page.click('#jwt-login');
  const panel = await waitForText('#jwt-browser', 'signet_at');
  assert.match(panel, /signet_rt/);
  assert.match(panel, /HttpOnly/);
  const readable = await page.evaluate(() => document.cookie);
  assert.doesNotMatch(readable, /signet_at=/, 'an HttpOnly cookie is out of the script\'s reach');
  await waitForText('#jwt-me-result', '"auth": "jwt"');

  // The browser's cookies, sent by a request the page did not make: from another site's Origin
  // (even with the right CSRF token), or with neither Origin nor token, the server refuses.
  const csrf = (await page.context().cookies()).find((c) => c.name === 'signet_csrf').value;
  const url = `${origin}/v1/token/refresh`;
  for (const headers of [{ Origin: 'https://evil.example', 'X-CSRF-Token': csrf }, {}]) {
    const forged = await page.request.post(url, { headers, data: {} });
    assert.equal(forged.status(), 403, JSON.stringify(headers));
    assert.equal((await forged.json()).error, 'csrf');
  }
  await page.click('#jwt-refresh');
  await waitForText('#jwt-status', 'Refreshed');
  await page.click('#jwt-logout');
  await waitForText('#jwt-status', 'Logged out');
  await page.check('input[name="jwt-storage"][value="memory"]');
});

test('the inspector: valid, tampered, expired, and an encrypted token', async () => {
  // A token of this server, from its JSON API.
  const email = `inspect-${randomBytes(4).toString('hex')}@example.com`;
  const api = page.request;
  assert.equal((await api.post(`${origin}/v1/users`, { data: { email, password } })).status(), 201);
  const login = await (await api.post(`${origin}/v1/login`, { data: { email, password } })).json();
  const token = login.access_token;

  assert.equal(await inspect(token), 'valid');
  const payloadTable = await page.locator('#payload-table').textContent();
  assert.match(payloadTable, /Expiration time/);
  assert.match(payloadTable, /\(in \d+ min\)/);
  await shot('inspector-valid');
  await page.locator('#inspector').screenshot({ path: path.join(screenshotDir, 'inspector.png') });

  // One character in the middle of the signature changed.
  const [header, payload, signature] = token.split('.');
  const middle = Math.floor(signature.length / 2);
  const swapped = signature[middle] === 'A' ? 'B' : 'A';
  const tampered = `${header}.${payload}.${signature.slice(0, middle)}${swapped}${signature.slice(middle + 1)}`;
  assert.equal(await inspect(tampered), 'bad_signature');

  // Expired an hour ago, signed with a pasted HMAC key.
  const secret = randomBytes(32);
  const now = Math.floor(Date.now() / 1000);
  const expired = hs256Token({ sub: 'someone', iat: now - 7200, exp: now - 3600 }, secret);
  const jwk = JSON.stringify({ kty: 'oct', k: secret.toString('base64url'), alg: 'HS256' });
  assert.equal(await inspect(expired, { key: jwk }), 'expired');
  const verdict = await page.locator('#verdict').textContent();
  assert.match(verdict, /^expired: /);
  await shot('inspector-expired');

  // A short HMAC secret and a token without exp are pointed out before any check.
  const weakSecret = randomBytes(8);
  const weak = hs256Token({ sub: 'someone' }, weakSecret);
  await page.fill('#key', JSON.stringify({ kty: 'oct', k: weakSecret.toString('base64url') }));
  await page.fill('#token', weak);
  const warnings = await page.locator('#warnings').textContent();
  assert.match(warnings, /8-byte secret/);
  assert.match(warnings, /No "exp"/);

  // A JWE shows its protected header only.
  const jweHeader = base64url(JSON.stringify({ alg: 'dir', enc: 'A256GCM' }));
  await page.check('input[name="key-source"][value="server"]');
  await page.fill('#token', `${jweHeader}..AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA`);
  assert.equal(await page.locator('#verdict').getAttribute('data-code'), 'encrypted');
  assert.match(await page.locator('#header-table').textContent(), /A256GCM/);
});

test('the keyboard alone logs in: Tab to the button, Enter', async () => {
  const email = `keys-${randomBytes(4).toString('hex')}@example.com`;
  assert.equal((await page.request.post(`${origin}/v1/users`, { data: { email, password } })).status(), 201);
  await page.focus('#email');
  await page.keyboard.press('Control+A');
  await page.keyboard.type(email);
  await page.keyboard.press('Tab');
  await page.keyboard.press('Control+A');
  await page.keyboard.type(password);
  let reached = false;
  for (let i = 0; i < 20 && !reached; i += 1) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => document.activeElement?.id === 'session-login');
  }
  assert.ok(reached, 'Tab never reached the session login button');
  await page.keyboard.press('Enter');
  await waitForText('#session-me-result', email);
  await page.click('#session-logout');
  await waitForText('#session-server', 'No session record');
});

test('the page fits a phone screen', async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  const overflow = await page.evaluate(() =>
    document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `the page is ${overflow} px wider than a phone screen`);
  await shot('phone');
  await page.setViewportSize({ width: 1280, height: 900 });
});

test('the provider\'s login page: a relying party\'s request logs in and returns with a code',
  async () => {
    const redirectUri = 'http://127.0.0.1:9/callback';
    execFileSync(signetBin, ['client', 'add', '--data-dir', dataDir, '--id', 'web-rp',
      '--name', 'Example app', '--redirect-uri', redirectUri, '--public'],
    { env: { PATH: process.env.PATH } });
    const email = `provider-${process.pid}@example.com`;
    const registered = await page.request.post(`${origin}/v1/users`, { data: { email, password } });
    assert.equal(registered.status(), 201);

    // A fresh browser profile: no session yet, so the provider shows its login page.
    const context = await browser.newContext({ viewport: { width: 800, height: 700 } });
    const violations = [];
    await context.exposeFunction('reportViolation', (text) => violations.push(text));
    await context.addInitScript(() => {
      document.addEventListener('securitypolicyviolation',
        (event) => window.reportViolation(`${event.violatedDirective} ${event.blockedURI}`));
    });
    let callback;
    // The relying party's redirect URI: answered here instead of by a real application.
    await context.route('http://127.0.0.1:9/**', (route) => {
      callback = new URL(route.request().url());
      return route.fulfill({ status: 200, contentType: 'text/plain', body: 'callback reached' });
    });
    const rp = await context.newPage();
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const authorize = new URL(`${origin}/oauth2/authorize`);
    for (const [name, value] of Object.entries({
      response_type: 'code', client_id: 'web-rp', redirect_uri: redirectUri, scope: 'openid email',
      state: 'web-state', nonce: 'web-nonce', code_challenge: challenge,
      code_challenge_method: 'S256', login_hint: email,
    })) authorize.searchParams.set(name, value);
    await rp.goto(authorize.href);
    assert.match(await rp.textContent('h1'), /Log in/);
    assert.match(await rp.textContent('main'), /Example app/);
    assert.equal(await rp.inputValue('#email'), email);
    const styled = await rp.evaluate(() => getComputedStyle(document.querySelector('main')).maxWidth);
    assert.notEqual(styled, 'none', 'the shared stylesheet applies');
    await rp.screenshot({ path: path.join(screenshotDir, 'provider-login.png') });

    await rp.fill('#password', 'a wrong password');
    await rp.click('button[type="submit"]');
    await rp.waitForSelector('[role="alert"]');
    assert.match(await rp.textContent('[role="alert"]'), /wrong/);

    await rp.fill('#password', password);
    await rp.click('button[type="submit"]');
    await rp.waitForURL(/^http:\/\/127\.0\.0\.1:9\/callback/);
    assert.equal(callback.searchParams.get('state'), 'web-state');
    assert.equal(callback.searchParams.get('iss'), origin);
    const code = callback.searchParams.get('code');
    assert.ok(code && code.length >= 43);

    const tokens = await page.request.post(`${origin}/oauth2/token`, {
      form: { grant_type: 'authorization_code', code, redirect_uri: redirectUri,
        code_verifier: verifier, client_id: 'web-rp' },
    });
    assert.equal(tokens.status(), 200);
    assert.ok((await tokens.json()).id_token);
    assert.deepEqual(violations, []);
    await context.close();
  });

test('no console error and no CSP violation along the way', async () => {
  const violations = await page.evaluate(() => window.__cspViolations);
  assert.deepEqual([...problems, ...violations], []);
});
