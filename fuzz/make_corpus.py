#!/usr/bin/env python3
"""Regenerates the seed corpora of the fuzz targets (fuzz/corpus/<target>/) from tests/vectors.

Seeds are the tokens, keys and JWE/JWS documents of RFC 7515-7520 and RFC 8037 (the JOSE
cookbook), a sample of the Wycheproof JOSE vectors, and hand-made inputs for the edge cases each
target cares about (claims, flat JSON, base64url, DEFLATE streams). HS256 tokens are signed here
with the RFC 7515 Appendix A.1 key, which the fuzz targets hold, so that some seeds verify.

Usage: fuzz/make_corpus.py   (python3 standard library only; rewrites fuzz/corpus/ entirely)
"""

import base64
import hashlib
import hmac
import json
import re
import shutil
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VECTORS = ROOT / "tests" / "vectors"
CORPUS = ROOT / "fuzz" / "corpus"
TARGETS = ["jws_verify", "jwe_decrypt", "jwk_parse", "base64url", "claims", "flat_json", "jws_json"]

# RFC 7515 Appendix A.1: the HS256 key of fuzz/fuzz_support.hpp (kid "hs256" there).
HS_KEY = base64.urlsafe_b64decode(
    "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow==")
NOW = 1300819000  # kFuzzNow in fuzz_support.hpp

WYCHEPROOF_SAMPLE = 12  # tests per Wycheproof file and target: their structure, not their count


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64u_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def compact_json(value) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def hs_token(header, claims, alg="HS256") -> str:
    h = header if isinstance(header, str) else compact_json(header)
    c = claims if isinstance(claims, str) else compact_json(claims)
    signing_input = b64u(h.encode()) + "." + b64u(c.encode())
    digest = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}[alg]
    sig = hmac.new(HS_KEY, signing_input.encode(), digest).digest()
    return signing_input + "." + b64u(sig)


class Corpus:
    def __init__(self):
        self.files = {t: {} for t in TARGETS}

    def add(self, target: str, name: str, data):
        if isinstance(data, str):
            data = data.encode()
        name = re.sub(r"[^A-Za-z0-9_.+-]", "_", name)[:80]
        existing = self.files[target]
        if data in existing.values():
            return
        base, n = name, 1
        while name in existing:
            n += 1
            name = f"{base}-{n}"
        existing[name] = data

    def write(self):
        if CORPUS.exists():
            shutil.rmtree(CORPUS)
        for target, files in self.files.items():
            d = CORPUS / target
            d.mkdir(parents=True)
            for name, data in sorted(files.items()):
                (d / name).write_bytes(data)
        total = sum(len(v) for files in self.files.values() for v in files.values())
        count = sum(len(files) for files in self.files.values())
        print(f"{count} files, {total} bytes in {CORPUS.relative_to(ROOT)}")


def load(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


def add_token_parts(c: Corpus, name: str, token: str):
    """The decoded header and payload of a compact JWS feed the JSON and base64url targets."""
    parts = token.split(".")
    c.add("base64url", name + ".header", parts[0])
    if len(parts) == 3:
        c.add("base64url", name + ".sig", parts[2])
    for i, part in enumerate(parts[:2]):
        try:
            decoded = b64u_decode(part)
        except ValueError:
            continue
        if decoded.lstrip().startswith(b"{"):
            c.add("flat_json", f"{name}.{'header' if i == 0 else 'payload'}", decoded)
            if i == 1:
                c.add("claims", name + ".payload", decoded)


def rfc_examples(c: Corpus):
    for path in sorted((VECTORS / "rfc-examples").iterdir()):
        text = path.read_text().strip()
        if path.suffix == ".jwsc":
            c.add("jws_verify", path.name, text)
            add_token_parts(c, path.stem, text)
        elif path.suffix in (".jwk", ".jwkset"):
            c.add("jwk_parse", path.name, text)
        elif path.suffix in (".jwsg", ".jwsf"):
            c.add("jws_json", path.name, text)


def cookbook(c: Corpus):
    book = VECTORS / "jose-cookbook"
    for path in sorted((book / "jwk").glob("*.json")):
        c.add("jwk_parse", "cookbook_" + path.stem, compact_json(load(path)))
    jws_files = sorted((book / "jws").glob("*.json")) + sorted((book / "rfc7797").glob("*.json"))
    jws_files.append(book / "curve25519" / "jws.json")
    for path in jws_files:
        d = load(path)
        name = "cookbook_" + path.parent.name + "_" + path.stem.split(".")[0]
        out = d.get("output", {})
        if "compact" in out:
            c.add("jws_verify", name, out["compact"])
            c.add("jws_json", name + ".compact", out["compact"])
            add_token_parts(c, name, out["compact"])
        for form in ("json", "json_flat"):
            if form in out:
                c.add("jws_json", f"{name}.{form}", compact_json(out[form]))
        keys = d["input"].get("key")
        for i, key in enumerate(keys if isinstance(keys, list) else [keys]):
            if isinstance(key, dict):
                c.add("jwk_parse", f"{name}.key{i}", compact_json(key))
        if "signing" in d and isinstance(d["signing"], dict) and "protected" in d["signing"]:
            c.add("flat_json", name + ".protected", compact_json(d["signing"]["protected"]))
    jwe_files = sorted((book / "jwe").glob("*.json")) + [book / "curve25519" / "ecdh-es.json"]
    for path in jwe_files:
        d = load(path)
        name = "cookbook_" + path.parent.name + "_" + path.stem.split(".")[0]
        out = d.get("output", {})
        if "compact" in out:
            c.add("jwe_decrypt", name, out["compact"])
            c.add("base64url", name + ".protected", out["compact"].split(".")[0])
        for form in ("json", "json_flat"):
            if form in out:
                c.add("jwe_decrypt", f"{name}.{form}", compact_json(out[form]))
        keys = d["input"].get("key")
        for i, key in enumerate(keys if isinstance(keys, list) else [keys]):
            if isinstance(key, dict):
                c.add("jwk_parse", f"{name}.key{i}", compact_json(key))
        enc = d.get("encrypting_content", {})
        if isinstance(enc, dict) and isinstance(enc.get("protected"), dict):
            c.add("flat_json", name + ".protected", compact_json(enc["protected"]))
    nested = load(book / "6.nesting_signatures_and_encryption.json")
    for part in ("sign", "encrypt"):
        out = nested[part].get("output", {})
        target = "jws_verify" if part == "sign" else "jwe_decrypt"
        if "compact" in out:
            c.add(target, "cookbook_6_nesting_" + part, out["compact"])
        c.add("jwk_parse", "cookbook_6_nesting_" + part + ".key",
              compact_json(nested[part]["input"]["key"]))


def wycheproof(c: Corpus):
    wp = VECTORS / "wycheproof"
    for fname, target, field in (("json_web_signature_test.json", "jws_verify", "jws"),
                                 ("json_web_crypto_test.json", "jws_verify", "jws"),
                                 ("json_web_encryption_test.json", "jwe_decrypt", "jwe"),
                                 ("json_web_key_test.json", "jws_verify", "jws")):
        d = load(wp / fname)
        for g in d["testGroups"]:
            for part in ("private", "public"):
                if part in g:
                    c.add("jwk_parse", f"wp_{g['comment']}.{part}", compact_json(g[part]))
            for t in g["tests"][:WYCHEPROOF_SAMPLE]:
                value = t.get(field)
                if value is None:
                    value = t.get("jwe") or t.get("jws")
                if value is None:
                    continue
                text = value if isinstance(value, str) else compact_json(value)
                if len(text) > 4096:
                    continue
                tgt = target
                if field == "jws" and "jwe" in t:
                    tgt = "jwe_decrypt"
                if tgt == "jws_verify" and not isinstance(value, str):
                    tgt = "jws_json"
                c.add(tgt, f"wp_{g['comment']}_{t['tcId']}", text)
    # PEM keys: public EC/EdDSA keys and an RSA private key.
    for fname, field in (("ecdsa_secp256r1_sha256_p1363_test.json", "publicKeyPem"),
                         ("ecdsa_secp384r1_sha384_p1363_test.json", "publicKeyPem"),
                         ("ecdsa_secp521r1_sha512_p1363_test.json", "publicKeyPem"),
                         ("ed25519_test.json", "publicKeyPem"),
                         ("rsa_signature_2048_sha256_test.json", "publicKeyPem"),
                         ("rsa_oaep_2048_sha256_mgf1sha256_test.json", "privateKeyPem")):
        d = load(wp / fname)
        g = d["testGroups"][0]
        if field in g:
            c.add("jwk_parse", "wp_pem_" + fname.split("_test")[0], g[field])
        for jwk_field in ("publicKeyJwk", "privateKeyJwk"):
            if jwk_field in g:
                c.add("jwk_parse", f"wp_{fname.split('_test')[0]}.{jwk_field}",
                      compact_json(g[jwk_field]))


GOOD_CLAIMS = {"iss": "joe", "aud": "signet-fuzz", "sub": "alice", "exp": NOW + 3600,
               "nbf": NOW - 60, "iat": NOW - 60, "jti": "id-1"}

HAND_CLAIMS = {
    "valid": GOOD_CLAIMS,
    "valid_aud_array": {"iss": "joe", "aud": ["other", "signet-fuzz"], "exp": NOW + 10},
    "strict_policy": {"iss": "https://issuer.example", "aud": "https://api.example",
                      "sub": "s", "iat": NOW - 100, "exp": NOW + 100},
    "expired": {"iss": "joe", "aud": "signet-fuzz", "exp": NOW - 3600},
    "expired_within_leeway": {"iss": "joe", "aud": "signet-fuzz", "exp": NOW - 10},
    "not_yet_valid": {"iss": "joe", "aud": "signet-fuzz", "nbf": NOW + 3600},
    "iat_future": {"iss": "https://issuer.example", "aud": "https://api.example", "sub": "s",
                   "iat": NOW + 3600},
    "too_old": {"iss": "https://issuer.example", "aud": "https://api.example", "sub": "s",
                "iat": NOW - 7200},
    "aud_prefix": {"iss": "joe", "aud": "signet-fuzz-evil"},
    "aud_nested_array": {"iss": "joe", "aud": [["signet-fuzz"]]},
    "aud_number": {"iss": "joe", "aud": 1},
    "wrong_issuer": {"iss": "Joe", "aud": "signet-fuzz"},
    "iss_number": {"iss": 1, "aud": "signet-fuzz"},
    "exp_string": {"iss": "joe", "aud": "signet-fuzz", "exp": str(NOW + 3600)},
    "exp_bool": {"iss": "joe", "aud": "signet-fuzz", "exp": True},
    "exp_null": {"iss": "joe", "aud": "signet-fuzz", "exp": None},
    "exp_fraction": {"iss": "joe", "aud": "signet-fuzz", "exp": NOW + 0.5},
    "sub_object": {"iss": "joe", "aud": "signet-fuzz", "sub": {"id": 1}},
}

def WIDE(n, tail=""):
    return "{" + ",".join(f'"m{i}":{i}' for i in range(n)) + tail + "}"


RAW_JSON = [
    ("exp_huge", '{"iss":"joe","aud":"signet-fuzz","exp":1e308}'),
    ("exp_overflow", '{"iss":"joe","aud":"signet-fuzz","exp":1e400}'),
    ("exp_negative", '{"iss":"joe","aud":"signet-fuzz","exp":-9223372036854775808}'),
    ("exp_uint64", '{"exp":18446744073709551615,"nbf":9223372036854775808}'),
    ("exp_beyond_uint64", '{"exp":18446744073709551616}'),
    ("ints_18_19_digits", '{"a":123456789012345678,"b":1234567890123456789,"c":-123456789012345678}'),
    ("minus_zero", '{"exp":-0,"nbf":-0.0,"iat":0}'),
    ("exponents", '{"exp":13008193.8e2,"nbf":1E2,"iat":1e-2}'),
    ("leading_zero", '{"exp":01}'),
    ("duplicate", '{"iss":"joe","iss":"evil"}'),
    ("duplicate_escaped", '{"iss":"joe","\\u0069ss":"evil"}'),
    ("escapes", '{"iss":"j\\u006fe","aud":"signet\\/fuzz","sub":"\\ud83d\\ude00"}'),
    ("lone_surrogate", '{"sub":"\\ud800"}'),
    ("whitespace", ' \t\r\n{ "iss" : "joe" , "aud" : [ "signet-fuzz" ] }\n'),
    ("empty_object", "{}"),
    ("array", '["iss","joe"]'),
    ("string", '"joe"'),
    ("null", "null"),
    ("trailing_comma", '{"iss":"joe",}'),
    ("trailing_data", '{"iss":"joe"}x'),
    ("comment", '{"iss":"joe"/*c*/}'),
    ("nested_16", '{"a":' * 15 + "1" + "}" * 15),
    ("nested_17", '{"a":' * 17 + "1" + "}" * 17),
    ("array_of_arrays", '{"a":[["x"],[]],"b":[1,true,null]}'),
    ("all_types", '{"s":"x","i":1,"n":null,"t":true,"f":false,"a":["p","q"],"o":{}}'),
    ("seventeen", "{" + ",".join(f'"m{i}":"v"' for i in range(17)) + "}"),
    # Wide objects: the strict parser's duplicate check changes method past 16 members.
    ("wide_20", WIDE(20)),
    ("wide_dup_last", WIDE(20, ',"m17":0')),
    ("wide_dup_first", WIDE(18, ',"m0":0')),
    ("wide_dup_escaped", WIDE(17, ',"\\u006d3":0')),
    ("wide_nested", '{"a":' + WIDE(20) + ',"b":' + WIDE(20) + "}"),
    ("wide_siblings", "[" + WIDE(20) + "," + WIDE(17, ',"m16":1') + "]"),
    ("wide_inner_dup", '{"a":' + WIDE(19) + ',"a":1}'),
    ("control_char", '{"iss":"jo\x01e"}'),
    ("del_char", '{"iss":"jo\x7fe"}'),
]

RAW_BYTES = [
    ("invalid_utf8", b'{"iss":"jo\xff\xfee"}'),
    ("overlong_utf8", b'{"iss":"\xc0\xaf"}'),
    ("utf8", '{"iss":"jöe","aud":"signet-fuzz"}'.encode()),
    ("nul_byte", b'{"iss":"jo\x00e"}'),
]

HEADERS = {
    "hs256_typ": {"alg": "HS256", "typ": "JWT"},
    "hs256_kid": {"alg": "HS256", "kid": "hs256"},
    "hs256_unknown_kid": {"alg": "HS256", "kid": "../../etc/passwd"},
    "hs256_sql_kid": {"alg": "HS256", "kid": "' OR 1=1 --"},
    "hs256_kid_number": {"alg": "HS256", "kid": 1},
    "hs256_typ_at": {"alg": "HS256", "typ": "at+jwt"},
    "hs256_cty_jwt": {"alg": "HS256", "cty": "JWT"},
    "hs256_b64_true": {"alg": "HS256", "b64": True},
    "hs256_b64_false": {"alg": "HS256", "b64": False, "crit": ["b64"]},
    "hs256_crit_unknown": {"alg": "HS256", "crit": ["exp"], "exp": 1},
    "hs256_crit_understood": {"alg": "HS256", "crit": ["signet-fuzz"], "signet-fuzz": 1},
    "hs256_crit_empty": {"alg": "HS256", "crit": []},
    "hs256_crit_string": {"alg": "HS256", "crit": "b64"},
    "hs256_jwk": {"alg": "HS256", "jwk": {"kty": "oct", "k": "AAAA"}},
    "hs256_jku": {"alg": "HS256", "jku": "https://evil.example/jwks.json",
                  "x5u": "https://evil.example/cert.pem", "x5c": ["MIIB"]},
    "alg_lower": {"alg": "hs256"},
    "alg_missing": {"typ": "JWT"},
    "alg_array": {"alg": ["HS256"]},
    "alg_es256_kid_hs": {"alg": "ES256", "kid": "hs256"},
    "wide_20": dict({"alg": "HS256"}, **{f"m{i}": "v" for i in range(19)}),
    "wide_65": dict({"alg": "HS256"}, **{f"m{i}": i for i in range(64)}),
}


def hand_made(c: Corpus):
    for name, claims in HAND_CLAIMS.items():
        text = compact_json(claims)
        c.add("claims", name, text)
        c.add("flat_json", "claims_" + name, text)
        c.add("jws_verify", "hs256_" + name, hs_token({"alg": "HS256", "typ": "JWT"}, claims))
    for name, text in RAW_JSON:
        c.add("claims", name, text)
        c.add("flat_json", name, text)
    for name, data in RAW_BYTES:
        c.add("claims", name, data)
        c.add("flat_json", name, data)
        c.add("jws_verify", "hs256_" + name, hs_token({"alg": "HS256"}, data.decode("latin-1")))
    for name, header in HEADERS.items():
        c.add("flat_json", "header_" + name, compact_json(header))
        c.add("jws_verify", name, hs_token(header, GOOD_CLAIMS))
    for alg in ("HS384", "HS512"):
        c.add("jws_verify", alg.lower(), hs_token({"alg": alg}, GOOD_CLAIMS, alg))
    c.add("jws_verify", "hs256_header_whitespace",
          hs_token(' {"alg" : "HS256"}\r\n', GOOD_CLAIMS))
    c.add("jws_verify", "hs256_claims_duplicate",
          hs_token({"alg": "HS256"}, '{"iss":"joe","aud":"signet-fuzz","iss":"x"}'))
    c.add("jws_verify", "hs256_claims_deep",
          hs_token({"alg": "HS256"}, '{"iss":"joe","aud":"signet-fuzz","x":' + "[" * 20 + "]" * 20 + "}"))
    good = hs_token({"alg": "HS256", "typ": "JWT"}, GOOD_CLAIMS)
    h, p, s = good.split(".")
    malformed = {
        "two_segments": h + "." + p,
        "four_segments": good + ".x",
        "empty_header": "." + p + "." + s,
        "padded": h + "=." + p + "." + s,
        "newline": h + "\n." + p + "." + s,
        "non_canonical": h[:-1] + chr(ord(h[-1]) + 1) + "." + p + "." + s,
        "alg_none": b64u(b'{"alg":"none"}') + "." + p + ".",
        "alg_none_caps": b64u(b'{"alg":"NoNe"}') + "." + p + ".",
        "header_not_object": b64u(b'["HS256"]') + "." + p + "." + s,
        "empty": "",
    }
    for name, token in malformed.items():
        c.add("jws_verify", name, token)
    # JWS JSON: flattened and general forms signed with the A.1 key, and broken variants.
    for name, header in (("hs256", {"alg": "HS256"}), ("b64_false", HEADERS["hs256_b64_false"]),
                         ("crit", HEADERS["hs256_crit_understood"])):
        token = hs_token(header, GOOD_CLAIMS)
        h, p, s = token.split(".")
        if header.get("b64") is False:
            p = compact_json(GOOD_CLAIMS)
            sig_input = (h + "." + p).encode()
            s = b64u(hmac.new(HS_KEY, sig_input, hashlib.sha256).digest())
        c.add("jws_json", "flat_" + name, compact_json({"payload": p, "protected": h, "signature": s}))
        c.add("jws_json", "general_" + name, compact_json(
            {"payload": p, "signatures": [{"protected": h, "signature": s},
                                          {"protected": h, "header": {"kid": "other"},
                                           "signature": s}]}))
    c.add("jws_json", "unprotected_alg", compact_json(
        {"payload": "e30", "header": {"alg": "HS256"}, "signature": ""}))
    c.add("jws_json", "both_syntaxes", compact_json(
        {"payload": "e30", "protected": "e30", "signature": "", "signatures": []}))
    c.add("jws_json", "header_overlap", compact_json(
        {"payload": "e30", "protected": b64u(b'{"alg":"HS256"}'), "header": {"alg": "HS256"},
         "signature": ""}))
    # base64url: canonical and non-canonical endings, padding, the other alphabet.
    for name, text in [("empty", ""), ("one", "A"), ("two", "AA"), ("two_noncanonical", "AB"),
                       ("three", "AAA"), ("three_noncanonical", "AAB"), ("four", "AAAA"),
                       ("five", "AAAAA"), ("padded", "AA=="), ("std_alphabet", "+/+/"),
                       ("url_alphabet", "-_-_"), ("space", "AA AA"), ("all_chars",
                       "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")]:
        c.add("base64url", name, text)
    c.add("base64url", "high_bytes", bytes(range(256)))
    # DEFLATE streams for the inflater check of jwe_decrypt (raw, RFC 1951).
    def deflate(data: bytes) -> bytes:
        co = zlib.compressobj(9, zlib.DEFLATED, -15)
        return co.compress(data) + co.flush()
    text = b"You can trust us to stick with you through thick and thin\xe2\x80\x93to the bitter end."
    c.add("jwe_decrypt", "deflate_text", deflate(text))
    c.add("jwe_decrypt", "deflate_empty", deflate(b""))
    c.add("jwe_decrypt", "deflate_bomb_300k", deflate(b"\0" * 300_000))
    c.add("jwe_decrypt", "deflate_at_limit", deflate(b"\0" * 250_000))
    c.add("jwe_decrypt", "deflate_truncated", deflate(text)[:-3])
    c.add("jwe_decrypt", "deflate_trailing", deflate(text) + b"junk")
    c.add("jwe_decrypt", "deflate_stored", bytes([1, 5, 0, 0xFA, 0xFF]) + b"hello")
    # Key edge cases.
    for name, key in [
        ("oct_empty_k", {"kty": "oct", "k": ""}),
        ("oct_short", {"kty": "oct", "k": "AAAA", "alg": "HS256"}),
        ("oct_extras", {"kty": "oct", "k": b64u(b"x" * 32), "kid": "k", "use": "sig",
                        "key_ops": ["sign", "verify"], "x5t": "abc", "ext": True}),
        ("oct_dup_ops", {"kty": "oct", "k": b64u(b"x" * 32), "key_ops": ["sign", "sign"]}),
        ("alg_mismatch", {"kty": "oct", "k": b64u(b"x" * 32), "alg": "ES256"}),
        ("unknown_kty", {"kty": "XYZ"}),
        ("okp_unknown_crv", {"kty": "OKP", "crv": "Ed9999", "x": "AA"}),
        ("ec_off_curve", {"kty": "EC", "crv": "P-256", "x": b64u(b"\1" * 32), "y": b64u(b"\2" * 32)}),
        ("rsa_oth", {"kty": "RSA", "n": "AQAB", "e": "AQAB", "oth": []}),
        ("set_mixed", {"keys": [{"kty": "oct", "k": b64u(b"x" * 32)},
                                 {"kty": "OKP", "crv": "Ed25519",
                                  "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}),
        ("set_dup_kid", {"keys": [{"kty": "oct", "kid": "a", "k": b64u(b"x" * 32)},
                                   {"kty": "oct", "kid": "a", "k": b64u(b"y" * 32)}]}),
        ("set_unknown_skipped", {"keys": [{"kty": "XYZ"}, {"kty": "oct", "k": b64u(b"x" * 32)}]}),
    ]:
        c.add("jwk_parse", name, compact_json(key))


def main():
    c = Corpus()
    rfc_examples(c)
    cookbook(c)
    wycheproof(c)
    hand_made(c)
    c.write()


if __name__ == "__main__":
    main()
