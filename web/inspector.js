// The token inspector: decodes as you type, verifies on the server (POST /v1/inspect).
import { call, describeError } from './api.js';
import { el, setStatus, show, tableRows } from './dom.js';
import { claimRows, decodeToken, warningsFor } from './jwt.js';

const $ = (id) => document.getElementById(id);

function keySource() {
  return document.querySelector('input[name="key-source"]:checked').value;
}

function fill(tableId, object) {
  $(tableId).tBodies[0].replaceChildren(...tableRows(claimRows(object)));
}

// Decoding only: what the token says, before anyone checks it.
function decode() {
  const token = $('token').value.trim();
  const verdict = $('verdict');
  if (!token) {
    fill('header-table', {});
    fill('payload-table', {});
    show($('warnings'));
    setStatus(verdict, '');
    return null;
  }
  let decoded;
  try {
    decoded = decodeToken(token);
  } catch (error) {
    fill('header-table', {});
    fill('payload-table', {});
    show($('warnings'));
    setStatus(verdict, `Cannot decode: ${error.message}.`, 'error');
    verdict.dataset.code = 'malformed';
    return null;
  }
  fill('header-table', decoded.header);
  if (decoded.kind === 'jwe') {
    fill('payload-table', {});
    setStatus(verdict, 'A JWE: only its protected header can be read; the claims are encrypted ' +
      'and cannot be read or checked without the decryption key.', 'info');
    verdict.dataset.code = 'encrypted';
  } else {
    fill('payload-table', decoded.payload);
    setStatus(verdict, 'Decoded, not verified yet: anyone can write these claims.', 'info');
    verdict.dataset.code = 'unverified';
  }
  const pasted = keySource() === 'pasted' ? $('key').value : null;
  show($('warnings'), ...warningsFor(decoded, pasted).map((text) => el('li', {}, text)));
  return decoded;
}

async function verify(event) {
  event.preventDefault();
  const decoded = decode();
  if (!decoded) return;
  const verdict = $('verdict');
  const request = { token: $('token').value.trim() };
  if (keySource() === 'pasted') {
    if (!$('key').value.trim()) {
      setStatus(verdict, 'Paste a key to verify with, or choose this server\'s keys.', 'error');
      verdict.dataset.code = 'no_key';
      return;
    }
    request.key = $('key').value;
  }
  if ($('alg').value) request.alg = $('alg').value;
  if ($('issuer-input').value.trim()) request.issuer = $('issuer-input').value.trim();
  if ($('audience').value.trim()) request.audience = $('audience').value.trim();
  request.leeway = Number.parseInt($('leeway').value || '0', 10);
  const result = await call('POST', '/v1/inspect', { json: request });
  if (result.status !== 200) {
    setStatus(verdict, `Not checked: ${describeError(result)}`, 'error');
    verdict.dataset.code = result.body?.error ?? 'error';
    return;
  }
  if (result.body.valid) {
    setStatus(verdict, 'valid: the signature verifies and every claim rule holds.', 'ok');
    verdict.dataset.code = 'valid';
    fill('payload-table', result.body.claims);
  } else {
    setStatus(verdict, `${result.body.code}: ${result.body.message}`, 'error');
    verdict.dataset.code = result.body.code;
  }
}

export function setUpInspector(issuer) {
  $('issuer-input').value = issuer;
  $('token').addEventListener('input', decode);
  $('key').addEventListener('input', decode);
  for (const radio of document.querySelectorAll('input[name="key-source"]')) {
    radio.addEventListener('change', () => {
      $('key-field').hidden = keySource() !== 'pasted';
      decode();
    });
  }
  $('inspect-form').addEventListener('submit', verify);
}
