"""PyJWT peer of the verify comparison (run by run.py with /usr/bin/python3, Debian's python3-jwt).

    python3 pyjwt_peer.py DIR ALG SECONDS WARMUP

The key is loaded once (a `cryptography` public key object from DIR/<ALG>.pem, or the raw secret
DIR/HS256.key); each iteration is one `jwt.decode` with the algorithm, issuer and audience, and
exp, iss and aud required. The wrong-signature token must be rejected and the token accepted
before timing; every timed verification is checked. Prints one JSON line.
"""

import json
import os
import sys
import time


def die(message):
    print(f"pyjwt {sys.argv[2] if len(sys.argv) > 2 else ''}: {message}", file=sys.stderr)
    sys.exit(1)


def main():
    if len(sys.argv) != 5:
        print("usage: pyjwt_peer.py DIR ALG SECONDS WARMUP", file=sys.stderr)
        return 2
    directory, alg, seconds, warmup = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
    import jwt

    with open(os.path.join(directory, "meta.json")) as f:
        meta = json.load(f)
    with open(os.path.join(directory, f"{alg}.token")) as f:
        token = f.read()
    with open(os.path.join(directory, f"{alg}.bad.token")) as f:
        bad = f.read()
    if alg.startswith("HS"):
        with open(os.path.join(directory, f"{alg}.key"), "rb") as f:
            key = f.read()
    else:
        try:
            from cryptography.hazmat.primitives.serialization import load_pem_public_key
        except ImportError:
            die("python3-cryptography is needed for RS, ES and EdDSA")
        with open(os.path.join(directory, f"{alg}.pem"), "rb") as f:
            key = load_pem_public_key(f.read())

    issuer, audience, subject = meta["issuer"], meta["audience"], meta["subject"]
    algorithms = [alg]
    options = {"require": ["exp", "iss", "aud"]}

    def verify(t):
        return jwt.decode(t, key, algorithms=algorithms, issuer=issuer, audience=audience,
                          options=options)

    try:
        verify(bad)
        die("a token with a wrong signature verified")
    except jwt.InvalidSignatureError:
        pass
    try:
        if verify(token)["sub"] != subject:
            die("verified claims differ")
    except jwt.PyJWTError as e:
        die(f"the token does not verify: {e}")

    def run(budget):
        clock = time.perf_counter
        start = clock()
        n = 0
        while True:
            for _ in range(64):
                if verify(token)["sub"] != subject:
                    die("wrong claims in the loop")
            n += 64
            elapsed = clock() - start
            if elapsed >= budget:
                return n, elapsed

    try:
        run(warmup)
        n, elapsed = run(seconds)
    except jwt.PyJWTError as e:
        die(f"verification failed during the timed loop: {e}")
    import cryptography

    print(json.dumps({
        "peer": "pyjwt", "alg": alg, "ops_per_s": n / elapsed, "iterations": n,
        "seconds": elapsed, "version": jwt.__version__,
        "runtime": f"python {sys.version.split()[0]}, cryptography {cryptography.__version__}",
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
