// The two login columns: a JWT login (token in page memory or in HttpOnly cookies) and a session
// login, each showing what the browser holds, what the server stores, and what /v1/me answers.
import { call, describeError } from './api.js';
import { el, pretty, setStatus, show, table } from './dom.js';
import { claimRows, decodeToken, relativeTime } from './jwt.js';

const $ = (id) => document.getElementById(id);

function credentials() {
  return { email: $('email').value.trim(), password: $('password').value };
}

function cookieTable(cookies) {
  return table(cookies.map((c) => [c.name, c.attributes]), 'cookies');
}

// "/v1/me 100 times": sequential calls, as a page would make them, timed in the browser.
async function timeHundred(request, statusTarget, label) {
  const start = performance.now();
  let failures = 0;
  for (let i = 0; i < 100; i += 1) {
    const result = await request();
    if (result.status !== 200) failures += 1;
  }
  const total = performance.now() - start;
  const text = `${label}: 100 calls in ${total.toFixed(0)} ms, ` +
    `${(total / 100).toFixed(2)} ms each` + (failures ? `, ${failures} failed` : '');
  setStatus(statusTarget, text, failures ? 'error' : 'ok');
  statusTarget.dataset.timing = (total / 100).toFixed(2);
}

class JwtColumn {
  constructor() {
    this.accessToken = null;   // memory mode only
    this.refreshToken = null;  // memory mode only
    this.expiresAt = null;
    this.cookies = null;
    this.timer = null;
    $('jwt-login').addEventListener('click', () => this.login());
    $('jwt-refresh').addEventListener('click', () => this.refresh());
    $('jwt-me').addEventListener('click', () => this.me());
    $('jwt-me-100').addEventListener('click', () =>
      timeHundred(() => this.meRequest(), $('jwt-status'), 'JWT'));
    $('jwt-logout').addEventListener('click', () => this.logout());
  }

  get mode() {
    return document.querySelector('input[name="jwt-storage"]:checked').value;
  }

  setLoggedIn(loggedIn) {
    for (const id of ['jwt-refresh', 'jwt-me', 'jwt-me-100', 'jwt-logout']) $(id).disabled = !loggedIn;
    for (const radio of document.querySelectorAll('input[name="jwt-storage"]')) radio.disabled = loggedIn;
  }

  async login() {
    const mode = this.mode;
    const result = await call('POST', '/v1/login', { json: { ...credentials(), cookie: mode === 'cookie' } });
    if (result.status !== 200) {
      setStatus($('jwt-status'), `Login failed: ${describeError(result)}`, 'error');
      return;
    }
    this.accept(result.body, mode);
    setStatus($('jwt-status'), `Logged in; the token is in ${mode === 'cookie' ? 'an HttpOnly cookie' : 'page memory'}.`, 'ok');
    this.setLoggedIn(true);
    await this.me();
  }

  accept(body, mode) {
    this.expiresAt = Math.floor(Date.now() / 1000) + body.expires_in;
    if (mode === 'memory') {
      this.accessToken = body.access_token;
      this.refreshToken = body.refresh_token;
      this.cookies = null;
    } else {
      this.cookies = body.cookies;
    }
    this.render();
  }

  render() {
    clearInterval(this.timer);
    const target = $('jwt-browser');
    if (!this.accessToken && !this.cookies) {
      show(target, 'Nothing.');
      return;
    }
    const countdown = el('p', { class: 'countdown' });
    const tick = () => {
      countdown.textContent = `The access token expires ${relativeTime(this.expiresAt)}.`;
    };
    tick();
    this.timer = setInterval(tick, 1000);
    if (this.cookies) {
      show(target,
        el('p', {}, 'Cookies set by the login (their values are hidden from scripts):'),
        cookieTable(this.cookies), countdown,
        el('p', { class: 'explain' }, 'The token itself cannot be shown: HttpOnly keeps it out of ' +
          'reach of this page, which is the point. Paste a token into the inspector to see inside one.'));
      return;
    }
    const decoded = decodeToken(this.accessToken);
    show(target,
      el('p', {}, 'An access token and a refresh token, in JavaScript variables.'),
      el('h4', {}, 'Header'), table(claimRows(decoded.header)),
      el('h4', {}, 'Claims'), table(claimRows(decoded.payload)),
      countdown,
      el('p', { class: 'token' }, el('code', { id: 'jwt-token' }, this.accessToken)));
  }

  meRequest() {
    return this.mode === 'memory' ? call('GET', '/v1/me', { bearer: this.accessToken })
      : call('GET', '/v1/me');
  }

  async me() {
    const result = await this.meRequest();
    show($('jwt-me-result'), `${result.status}\n${pretty(result.body)}`);
    return result;
  }

  async refresh() {
    const result = this.mode === 'memory'
      ? await call('POST', '/v1/token/refresh', { json: { refresh_token: this.refreshToken } })
      : await call('POST', '/v1/token/refresh', { json: {}, csrf: true });
    if (result.status !== 200) {
      setStatus($('jwt-status'), `Refresh failed: ${describeError(result)}`, 'error');
      return;
    }
    this.accept(result.body, this.mode);
    setStatus($('jwt-status'), 'Refreshed: a new access token, and the old refresh token is spent.', 'ok');
  }

  async logout() {
    const result = this.mode === 'memory'
      ? await call('POST', '/v1/logout', { json: { refresh_token: this.refreshToken }, bearer: this.accessToken })
      : await call('POST', '/v1/logout', { json: {}, csrf: true });
    if (result.status !== 204) {
      setStatus($('jwt-status'), `Logout failed: ${describeError(result)}`, 'error');
      return;
    }
    const spent = this.accessToken;
    this.accessToken = null;
    this.refreshToken = null;
    this.cookies = null;
    this.render();
    this.setLoggedIn(false);
    setStatus($('jwt-status'), 'Logged out: the token id is on the revocation list until it ' +
      'expires, and the refresh family is revoked.', 'ok');
    // The old token, tried once more, is now refused.
    const after = spent ? await call('GET', '/v1/me', { bearer: spent }) : await call('GET', '/v1/me');
    show($('jwt-me-result'), `${after.status} (after logout)\n${pretty(after.body)}`);
  }
}

class SessionColumn {
  constructor() {
    this.cookies = null;
    $('session-login').addEventListener('click', () => this.login());
    $('session-me').addEventListener('click', () => this.me());
    $('session-me-100').addEventListener('click', () =>
      timeHundred(() => call('GET', '/v1/me'), $('session-status'), 'Session'));
    $('session-logout').addEventListener('click', () => this.logout());
  }

  setLoggedIn(loggedIn) {
    for (const id of ['session-me', 'session-me-100', 'session-logout']) $(id).disabled = !loggedIn;
  }

  async login() {
    const result = await call('POST', '/v1/sessions', { json: credentials() });
    if (result.status !== 201) {
      setStatus($('session-status'), `Login failed: ${describeError(result)}`, 'error');
      return;
    }
    this.cookies = result.body.cookies;
    show($('session-browser'),
      el('p', {}, 'Cookies set by the login (the session id is hidden from scripts):'),
      cookieTable(this.cookies),
      el('p', { class: 'explain' }, 'The id is 256 random bits: it means nothing without the server\'s record.'));
    setStatus($('session-status'), 'Logged in; the server now holds a session record.', 'ok');
    this.setLoggedIn(true);
    await this.showRecord();
    await this.me();
  }

  async showRecord() {
    const result = await call('GET', '/v1/sessions/current');
    if (result.status !== 200) {
      show($('session-server'), `No session record (${describeError(result)}).`);
      return;
    }
    const s = result.body;
    const time = (t) => `${new Date(t * 1000).toLocaleTimeString()} (${relativeTime(t)})`;
    show($('session-server'),
      el('p', {}, `A record in the ${s.store === 'redis' ? 'Redis' : 'in-memory'} session store, ` +
        'keyed by the SHA-256 of the id:'),
      table([['user', s.sub], ['email', s.email], ['created', time(s.created_at)],
        ['ends', time(s.expires_at)], ['ends if unused', time(s.idle_expires_at)]], 'record'));
  }

  async me() {
    const result = await call('GET', '/v1/me');
    show($('session-me-result'), `${result.status}\n${pretty(result.body)}`);
  }

  async logout() {
    const result = await call('DELETE', '/v1/sessions/current', { csrf: true });
    if (result.status !== 204) {
      setStatus($('session-status'), `Logout failed: ${describeError(result)}`, 'error');
      return;
    }
    this.cookies = null;
    show($('session-browser'), 'Nothing: the cookie was cleared.');
    this.setLoggedIn(false);
    setStatus($('session-status'), 'Logged out: the server deleted the record.', 'ok');
    await this.showRecord();
  }
}

export function setUpLogin(registrationOpen) {
  new JwtColumn();
  new SessionColumn();
  const register = $('register');
  register.hidden = !registrationOpen;
  register.addEventListener('click', async () => {
    const result = await call('POST', '/v1/users', { json: credentials() });
    if (result.status === 201) {
      setStatus($('account-status'), `Registered ${result.body.email}. Now log in either way.`, 'ok');
    } else {
      setStatus($('account-status'), `Registration failed: ${describeError(result)}`, 'error');
    }
  });
}
