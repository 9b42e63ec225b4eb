// Makes a self-signed certificate for 127.0.0.1 and runs the relying-party test with Node trusting
// it (NODE_EXTRA_CA_CERTS is read only when Node starts), so openid-client talks to Signet over
// HTTPS with its default validation and no special cases.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const dir = mkdtempSync(path.join(tmpdir(), 'signet-rp-tls-'));
const cert = path.join(dir, 'cert.pem');
const key = path.join(dir, 'key.pem');
execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256',
  '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
  '-keyout', key, '-out', cert], { stdio: 'ignore' });
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=1', 'rp.test.mjs'], {
  stdio: 'inherit',
  env: { ...process.env, NODE_EXTRA_CA_CERTS: cert, SIGNET_TLS_CERT: cert, SIGNET_TLS_KEY: key },
});
rmSync(dir, { recursive: true, force: true });
process.exit(result.status ?? 1);
