// Decoding tokens in the page (nothing is verified here: that is the server's job), and the
// explanations and warnings the inspector shows.

// RFC 7519 §4.1 and RFC 7515 §4.1: what each registered name means.
export const CLAIM_HELP = {
  iss: 'Issuer: who made the token',
  sub: 'Subject: whom it is about (the user id)',
  aud: 'Audience: who may accept it',
  exp: 'Expiration time: not accepted from then on',
  nbf: 'Not before: not accepted until then',
  iat: 'Issued at',
  jti: 'JWT ID: unique, so it can be revoked',
  typ: 'Type of token (at+jwt: an OAuth access token, RFC 9068)',
  kid: 'Key ID: which key signed it',
  alg: 'Algorithm of the signature',
  enc: 'Content encryption algorithm (JWE)',
  cty: 'Content type (JWT: a nested token)',
  scope: 'Scopes granted (OAuth)',
  client_id: 'OAuth client the token was issued to',
  email: 'Email address of the subject',
};

const TIME_CLAIMS = new Set(['exp', 'nbf', 'iat', 'auth_time']);

function base64urlToBytes(segment) {
  if (!/^[A-Za-z0-9_-]*$/.test(segment)) throw new Error('not base64url');
  const base64 = segment.replace(/-/g, '+').replace(/_/g, '/');
  const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
  const binary = atob(padded);
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

function decodeJson(segment, what) {
  let text;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(base64urlToBytes(segment));
  } catch {
    throw new Error(`the ${what} is not base64url-encoded UTF-8`);
  }
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`the ${what} is not JSON`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`the ${what} is not a JSON object`);
  }
  return value;
}

// {kind: 'jws'|'jwe', header, payload?} or throws with what is wrong.
export function decodeToken(token) {
  const parts = token.trim().split('.');
  if (parts.length === 5) return { kind: 'jwe', header: decodeJson(parts[0], 'protected header') };
  if (parts.length !== 3) {
    throw new Error(`a compact JWS has 3 parts and a JWE 5; this has ${parts.length}`);
  }
  return {
    kind: 'jws',
    header: decodeJson(parts[0], 'header'),
    payload: decodeJson(parts[1], 'payload'),
    signatureLength: parts[2].length,
  };
}

// "in 4 min", "3 h ago".
export function relativeTime(seconds, now = Date.now() / 1000) {
  const delta = Math.round(seconds - now);
  const size = Math.abs(delta);
  const [value, unit] =
    size < 60 ? [size, 's'] :
    size < 3600 ? [Math.round(size / 60), 'min'] :
    size < 86400 ? [Math.round(size / 3600), 'h'] : [Math.round(size / 86400), 'd'];
  return delta >= 0 ? `in ${value} ${unit}` : `${value} ${unit} ago`;
}

// The text shown beside a claim's value: local time and relative for the time claims.
export function describeValue(name, value) {
  if (TIME_CLAIMS.has(name) && typeof value === 'number') {
    return `${new Date(value * 1000).toLocaleString()} (${relativeTime(value)})`;
  }
  return '';
}

// [name, value as text, explanation] for each member of a header or payload.
export function claimRows(object) {
  return Object.entries(object ?? {}).map(([name, value]) => [
    name,
    typeof value === 'string' ? value : JSON.stringify(value),
    [CLAIM_HELP[name], describeValue(name, value)].filter(Boolean).join(' · '),
  ]);
}

const SENSITIVE_NAMES = /pass(word)?|secret|pwd|credit|ssn|card/i;

// What a careful reviewer would point out (RFC 8725).
export function warningsFor(decoded, pastedKey) {
  const warnings = [];
  const { header, payload } = decoded;
  if (typeof header.alg === 'string' && header.alg.toLowerCase() === 'none') {
    warnings.push('"alg": "none": the token is not signed at all; never accept it (RFC 8725 §3.1).');
  }
  for (const name of ['jku', 'x5u', 'jwk', 'x5c']) {
    if (name in header) {
      warnings.push(`The header carries "${name}": a verifier must never fetch or trust a key the ` +
        'token itself names (RFC 8725 §3.10).');
    }
  }
  if (decoded.kind === 'jwe') return warnings;
  if (/^HS/.test(header.alg ?? '') && pastedKey) {
    const bytes = octKeyLength(pastedKey);
    const needed = { HS256: 32, HS384: 48, HS512: 64 }[header.alg];
    if (bytes !== null && needed && bytes < needed) {
      warnings.push(`${header.alg} with a ${bytes}-byte secret: it must be at least ${needed} ` +
        'bytes (RFC 7518 §3.2), or it can be guessed offline.');
    }
  }
  if (!('exp' in payload)) {
    warnings.push('No "exp": the token never expires.');
  } else if (typeof payload.exp === 'number') {
    const start = typeof payload.iat === 'number' ? payload.iat : Date.now() / 1000;
    if (payload.exp - start > 24 * 3600) {
      warnings.push(`A long lifetime (${Math.round((payload.exp - start) / 3600)} h): a stolen ` +
        'token stays usable that long.');
    }
  }
  for (const name of Object.keys(payload)) {
    if (SENSITIVE_NAMES.test(name)) {
      warnings.push(`The claim "${name}" looks secret; a JWS payload is only encoded, anyone ` +
        'holding the token can read it.');
    }
  }
  if ('email' in payload) {
    warnings.push('The payload holds an email address: readable by anyone who holds the token.');
  }
  return warnings;
}

// The length in bytes of a pasted symmetric JWK's "k", or null.
function octKeyLength(text) {
  try {
    const jwk = JSON.parse(text);
    const key = Array.isArray(jwk.keys) ? jwk.keys[0] : jwk;
    if (key && key.kty === 'oct' && typeof key.k === 'string') return base64urlToBytes(key.k).length;
  } catch {
    // Not a JWK (a PEM key, or garbage the server will name).
  }
  return null;
}
