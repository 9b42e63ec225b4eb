// Calls to this server's JSON API. Cookie-authenticated state changes carry the CSRF token from
// the readable CSRF cookie (double submit); the server also checks Origin.

function csrfToken() {
  for (const part of document.cookie.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === 'signet_csrf' || name === '__Host-signet_csrf') return rest.join('=');
  }
  return '';
}

// {status, body} where body is the parsed JSON or null.
export async function call(method, path, { json, bearer, csrf = false } = {}) {
  const headers = {};
  if (json !== undefined) headers['Content-Type'] = 'application/json';
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  if (csrf) headers['X-CSRF-Token'] = csrfToken();
  const response = await fetch(path, {
    method,
    headers,
    body: json === undefined ? undefined : JSON.stringify(json),
    credentials: 'same-origin',
    cache: 'no-store',
  });
  let body = null;
  if ((response.headers.get('Content-Type') ?? '').startsWith('application/json')) {
    body = await response.json();
  }
  return { status: response.status, body };
}

// The error answer as one line: "401 invalid_token: ...".
export function describeError(result) {
  if (result.body && result.body.error) {
    return `${result.status} ${result.body.error}: ${result.body.error_description ?? ''}`;
  }
  return `HTTP ${result.status}`;
}
