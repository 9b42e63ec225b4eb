// The page's entry point: reads the discovery document, then wires the logins and the inspector.
import { call } from './api.js';
import { setUpInspector } from './inspector.js';
import { setUpLogin } from './login.js';

async function start() {
  const discovery = await call('GET', '/.well-known/openid-configuration');
  const metadata = discovery.status === 200 ? discovery.body : {};
  document.getElementById('issuer').textContent = metadata.issuer ?? location.origin;
  setUpLogin(Boolean(metadata.signet_users_endpoint));
  setUpInspector(metadata.issuer ?? '');
  document.body.dataset.ready = 'true';
}

start();
