// Node.js peers of the verify comparison (run by run.py): fast-jwt, jose and jsonwebtoken, each
// set up the way its documentation recommends for repeated verification with one known key.
//
//   node node_peer.mjs DIR ALG PEER SECONDS WARMUP
//
// Reads DIR/<ALG>.token, DIR/<ALG>.bad.token, the key (DIR/<ALG>.pem, or the raw secret
// DIR/HS256.key) and DIR/meta.json (issuer, audience, subject). The key is imported once and the
// verifier or options are built once. The wrong-signature token must be rejected and the token
// accepted before timing; every timed verification is checked. Prints one JSON line.
import { createPublicKey, createSecretKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const [dir, alg, peer, secondsArg, warmupArg] = process.argv.slice(2);
if (!dir || !alg || !peer || !secondsArg || !warmupArg) {
    console.error('usage: node node_peer.mjs DIR ALG fast-jwt|jose|jsonwebtoken SECONDS WARMUP');
    process.exit(2);
}
const seconds = Number(secondsArg);
const warmup = Number(warmupArg);
const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8'));
const token = readFileSync(join(dir, `${alg}.token`), 'utf8');
const bad = readFileSync(join(dir, `${alg}.bad.token`), 'utf8');
const isHmac = alg.startsWith('HS');
const secret = isHmac ? readFileSync(join(dir, `${alg}.key`)) : null;
const pem = isHmac ? null : readFileSync(join(dir, `${alg}.pem`), 'utf8');

function die(message) {
    console.error(`${peer} ${alg}: ${message}`);
    process.exit(1);
}

// Each peer: { version, verify(token) -> payload (throws or rejects on failure), async? }
async function makePeer() {
    if (peer === 'fast-jwt') {
        const { createVerifier } = require('fast-jwt');
        const verify = createVerifier({
            key: isHmac ? secret : pem,
            algorithms: [alg],
            allowedIss: meta.issuer,
            allowedAud: meta.audience,
            requiredClaims: ['exp', 'iss', 'aud'],
            cache: false,  // no verified-token cache: every call checks the signature
        });
        return { verify, async: false, version: require('fast-jwt/package.json').version };
    }
    if (peer === 'jose') {
        const jose = await import('jose');
        // A CryptoKey (jose 6's key type), imported once; a raw secret passed as bytes would be
        // imported again on every call.
        const key = isHmac
            ? await globalThis.crypto.subtle.importKey(
                  'raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify'])
            : await jose.importSPKI(pem, alg);
        const options = {
            algorithms: [alg],
            issuer: meta.issuer,
            audience: meta.audience,
            requiredClaims: ['exp'],
        };
        const verify = async (t) => (await jose.jwtVerify(t, key, options)).payload;
        return { verify, async: true, version: require('jose/package.json').version };
    }
    if (peer === 'jsonwebtoken') {
        const jwt = require('jsonwebtoken');
        const key = isHmac ? createSecretKey(secret) : createPublicKey(pem);
        const options = { algorithms: [alg], issuer: meta.issuer, audience: meta.audience };
        // jsonwebtoken checks exp when present but cannot require it: checked here.
        const verify = (t) => {
            const payload = jwt.verify(t, key, options);
            if (typeof payload.exp !== 'number') throw new Error('exp missing');
            return payload;
        };
        return { verify, async: false, version: require('jsonwebtoken/package.json').version };
    }
    die('unknown peer (fast-jwt, jose or jsonwebtoken)');
}

const p = await makePeer();

let rejected = false;
try {
    await p.verify(bad);
} catch {
    rejected = true;
}
if (!rejected) die('a token with a wrong signature verified');
let first;
try {
    first = await p.verify(token);
} catch (e) {
    die(`the token does not verify: ${e.message}`);
}
if (first.sub !== meta.subject) die('verified claims differ');

// Runs for `budget` seconds, checking the clock every 64 verifications; returns the rate.
async function run(budget) {
    const start = process.hrtime.bigint();
    let n = 0;
    let elapsed = 0;
    do {
        if (p.async) {
            for (let i = 0; i < 64; ++i) {
                if ((await p.verify(token)).sub !== meta.subject) die('wrong claims in the loop');
            }
        } else {
            for (let i = 0; i < 64; ++i) {
                if (p.verify(token).sub !== meta.subject) die('wrong claims in the loop');
            }
        }
        n += 64;
        elapsed = Number(process.hrtime.bigint() - start) / 1e9;
    } while (elapsed < budget);
    return { n, elapsed };
}

try {
    await run(warmup);
    const { n, elapsed } = await run(seconds);
    console.log(JSON.stringify({
        peer,
        alg,
        ops_per_s: n / elapsed,
        iterations: n,
        seconds: elapsed,
        version: p.version,
        runtime: `node ${process.versions.node}`,
    }));
} catch (e) {
    die(`verification failed during the timed loop: ${e.message}`);
}
