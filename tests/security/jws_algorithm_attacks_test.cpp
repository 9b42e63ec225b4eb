// Attacks on the signature algorithm of a JWS/JWT: unsecured tokens ("alg": "none"), algorithm
// names that are almost right, HMAC keyed with a public key (algorithm confusion), the ECDSA
// "psychic signature", and ECDSA signatures in DER instead of the JOSE R||S form.
#include <gtest/gtest.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/pem.h>

#include <boost/json.hpp>
#include <memory>
#include <string>
#include <vector>

#include "security/security_support.hpp"

namespace signet::security {
namespace {

namespace json = boost::json;

// --- alg "none" -----------------------------------------------------------------------------

// CVE-2015-9235 (jsonwebtoken accepted "alg": "none"), RFC 8725 §2.1 and §3.1, RFC 7518 §3.6.
// "none" is refused as never allowed; other capitalisations are not algorithm names at all
// (RFC 7515 §4.1.1: case-sensitive). Every signature shape, every route, even a verifier whose
// allow-list names every algorithm the library implements.
TEST(AlgNone, RejectedInEveryCapitalisation) {
    const Jwk& hs = signing_key(Algorithm::HS256);
    const Jwk& rs = signing_key(Algorithm::RS256);
    const Verifier hs_verifier = make_verifier({hs});
    const Verifier rs_verifier = make_verifier({public_of(rs)});
    const Verifier permissive = make_verifier({hs}, every_algorithm());
    const KeySet hs_keys = key_set({hs});
    const KeySet rs_keys = key_set({public_of(rs)});

    for (const std::string name : {"none", "None", "NONE", "nOnE"}) {
        const Errc expected = name == "none" ? Errc::alg_not_allowed : Errc::unsupported_alg;
        for (const std::string& header : {R"({"alg":")" + name + R"(","typ":"JWT"})",
                                          R"({"alg":")" + name + R"(","kid":"HS256-key"})",
                                          R"({"typ":"JWT","alg":")" + name + R"("})"}) {
            const std::string input = b64(header) + "." + b64(valid_claims());
            const std::vector<std::string> signatures = {
                "",                                                    // the unsecured form itself
                b64("signature"),                                      // arbitrary bytes
                b64(sign_bytes(Algorithm::HS256, hs, input).value()),  // a real HMAC
            };
            for (const std::string& sig : signatures) {
                const std::string token = input + "." + sig;
                EXPECT_VERIFIER(hs_verifier, token, expected);
                EXPECT_VERIFIER(rs_verifier, token, expected);
                EXPECT_VERIFIER(permissive, token, expected);
                EXPECT_JWS(token, hs_keys, jws_options(every_algorithm()), expected);
                EXPECT_JWS(token, rs_keys, jws_options({Algorithm::RS256}), expected);
            }
        }
    }
    // Control: the same claims under a real HS256 header verify on both routes.
    const std::string good =
        signed_token(R"({"alg":"HS256","typ":"JWT"})", valid_claims(), hs, Algorithm::HS256);
    EXPECT_VERIFIER(hs_verifier, good, Errc::ok);
}

// RFC 7515 §4.1.1 (alg is case-sensitive), RFC 8725 §3.1: near-miss names never select an
// algorithm, and "alg" of any type but string is a malformed header.
TEST(AlgName, NearMissesAndNonStringsNeverSelectAnAlgorithm) {
    const Jwk& hs = signing_key(Algorithm::HS256);
    const Verifier verifier = make_verifier({hs}, every_algorithm());
    const KeySet keys = key_set({hs});
    for (const std::string alg : {R"("hs256")", R"("Hs256")", R"(" HS256")", R"("HS256 ")",
                                  R"("HS256\u0000")", R"("HS-256")", R"("HMAC-SHA256")", R"("")"}) {
        const std::string token =
            signed_token(R"({"alg":)" + alg + "}", valid_claims(), hs, Algorithm::HS256);
        EXPECT_VERIFIER(verifier, token, Errc::unsupported_alg);
        EXPECT_JWS(token, keys, jws_options(every_algorithm()), Errc::unsupported_alg);
    }
    for (const std::string alg : {"256", "null", "true", R"(["HS256"])", R"({"HS256":1})"}) {
        const std::string token =
            signed_token(R"({"alg":)" + alg + "}", valid_claims(), hs, Algorithm::HS256);
        EXPECT_VERIFIER(verifier, token, Errc::bad_header);
        EXPECT_JWS(token, keys, jws_options(every_algorithm()), Errc::bad_header);
    }
    const std::string no_alg =
        signed_token(R"({"typ":"JWT"})", valid_claims(), hs, Algorithm::HS256);
    EXPECT_VERIFIER(verifier, no_alg, Errc::malformed);  // RFC 7515 §4.1.1: "alg" is required
    EXPECT_JWS(no_alg, keys, jws_options(every_algorithm()), Errc::malformed);
}

// --- HS256 keyed with a public key ----------------------------------------------------------

// A public key without its "alg" member: a key set as some JWKS endpoints publish it.
Jwk unbound(const Jwk& public_key) {
    json::object obj = public_key.to_json();
    obj.erase("alg");
    return Jwk::from_json(obj).value();
}

// The attacker knows the public key and HMACs a token with some serialisation of it, hoping the
// verifier passes "the key" to HMAC because the header says HS256.
void expect_key_confusion_rejected(
    const Jwk& public_key, Algorithm real_alg,
    const std::vector<std::pair<std::string, std::string>>& secrets) {
    const std::vector<Algorithm> careless = {real_alg, Algorithm::HS256, Algorithm::HS384,
                                             Algorithm::HS512};
    const Verifier bound_only = make_verifier({public_key});  // allow-list from the key's "alg"
    const Verifier careless_bound = make_verifier({public_key}, careless);
    const Verifier careless_unbound = make_verifier({unbound(public_key)}, careless);
    const KeySet keys = key_set({public_key});
    const KeySet unbound_keys = key_set({unbound(public_key)});

    for (const auto& [label, secret] : secrets) {
        SCOPED_TRACE("HMAC keyed with the " + label);
        const Jwk hmac = Jwk::from_secret(secret, Algorithm::HS256).value();
        const std::string with_kid =
            R"({"alg":"HS256","typ":"JWT","kid":")" + public_key.kid() + R"("})";
        const std::string without_kid = R"({"alg":"HS256","typ":"JWT"})";
        const std::string t_kid = signed_token(with_kid, valid_claims(), hmac, Algorithm::HS256);
        const std::string t_nokid =
            signed_token(without_kid, valid_claims(), hmac, Algorithm::HS256);

        // The default allow-list is what the key is bound to: HS256 is simply not allowed.
        EXPECT_VERIFIER(bound_only, t_kid, Errc::alg_not_allowed);
        EXPECT_VERIFIER(bound_only, t_nokid, Errc::alg_not_allowed);
        EXPECT_JWS(t_kid, keys, jws_options({real_alg}), Errc::alg_not_allowed);
        // Even with HS* allowed, an asymmetric key never serves an HMAC algorithm: by kid the
        // key is found and refused, without kid no key fits.
        EXPECT_VERIFIER(careless_bound, t_kid, Errc::key_alg_mismatch);
        EXPECT_VERIFIER(careless_bound, t_nokid, Errc::key_not_found);
        EXPECT_VERIFIER(careless_unbound, t_kid, Errc::key_alg_mismatch);
        EXPECT_VERIFIER(careless_unbound, t_nokid, Errc::key_not_found);
        EXPECT_JWS(t_kid, keys, jws_options(careless), Errc::key_alg_mismatch);
        EXPECT_JWS(t_nokid, keys, jws_options(careless), Errc::key_not_found);
        EXPECT_JWS(t_kid, unbound_keys, jws_options(careless), Errc::key_alg_mismatch);
        EXPECT_JWS(t_nokid, unbound_keys, jws_options(careless), Errc::key_not_found);
        // The raw primitive refuses the pairing too.
        const std::string input = t_nokid.substr(0, t_nokid.rfind('.'));
        const std::string mac = unb64(t_nokid.substr(t_nokid.rfind('.') + 1));
        EXPECT_EQ(verify_bytes(Algorithm::HS256, public_key, input, mac).code(),
                  Errc::key_alg_mismatch);
        EXPECT_EQ(verify_bytes(Algorithm::HS256, unbound(public_key), input, mac).code(),
                  Errc::key_alg_mismatch);
        // A key set holding the public key and an HMAC secret together is refused outright
        // (RFC 8725 §2.1: mixed sets invite exactly this confusion).
        EXPECT_EQ(KeySet::from_keys({public_key, hmac}).code(), Errc::ambiguous_key_set);
        // Control: the MAC itself is right; only the key type stops it.
        EXPECT_TRUE(verify_bytes(Algorithm::HS256, hmac, input, mac).ok());
    }
    // A verifier allowing only HS256 for an asymmetric key cannot even be configured.
    EXPECT_EQ(Verifier::create(verifier_options({public_key}, {Algorithm::HS256})).code(),
              Errc::key_alg_mismatch);
}

// CVE-2016-5431 (php-jose), CVE-2016-10555 (jwt-simple), CVE-2015-9235 (jsonwebtoken);
// RFC 8725 §2.1, §3.1.
TEST(KeyConfusion, Hs256KeyedWithRsaPublicKeyIsRejected) {
    const Jwk& rs = signing_key(Algorithm::RS256);
    const Jwk pub = public_of(rs);
    const json::object jwk = pub.to_json();
    const std::string pem = pub.to_pem(true).value();
    std::string pem_trimmed = pem;
    while (!pem_trimmed.empty() && pem_trimmed.back() == '\n')
        pem_trimmed.pop_back();
    const std::string modulus = unb64(std::string(jwk.at("n").as_string()));
    ASSERT_EQ(modulus.size(), 256u);
    expect_key_confusion_rejected(pub, Algorithm::RS256,
                                  {{"PEM text", pem},
                                   {"PEM text without the final newline", pem_trimmed},
                                   {"JWK JSON", pub.to_json_string()},
                                   {"JWK JSON (serialised by Boost.JSON)", json::serialize(jwk)},
                                   {"raw modulus bytes", modulus}});
    // Control: the RSA key verifies its own tokens on the careless verifier.
    const Verifier careless = make_verifier({pub}, {Algorithm::RS256, Algorithm::HS256});
    const std::string good =
        signed_token(R"({"alg":"RS256","kid":"RS256-key"})", valid_claims(), rs, Algorithm::RS256);
    EXPECT_VERIFIER(careless, good, Errc::ok);
}

// CVE-2016-5431, CVE-2016-10555 with an EC key; RFC 8725 §2.1, §3.1.
TEST(KeyConfusion, Hs256KeyedWithEcPublicKeyIsRejected) {
    const Jwk pub = public_of(signing_key(Algorithm::ES256));
    const json::object jwk = pub.to_json();
    const std::string x = unb64(std::string(jwk.at("x").as_string()));
    const std::string y = unb64(std::string(jwk.at("y").as_string()));
    expect_key_confusion_rejected(pub, Algorithm::ES256,
                                  {{"PEM text", pub.to_pem(true).value()},
                                   {"JWK JSON", pub.to_json_string()},
                                   {"raw x || y coordinates", x + y},
                                   {"SEC 1 uncompressed point", "\x04" + x + y}});
}

// --- ECDSA ------------------------------------------------------------------------------------

struct EcCase {
    Algorithm alg;
    int nid;
};

const EcCase kEcCases[] = {{Algorithm::ES256, NID_X9_62_prime256v1},
                           {Algorithm::ES384, NID_secp384r1},
                           {Algorithm::ES512, NID_secp521r1},
                           {Algorithm::ES256K, NID_secp256k1}};

// The group order n of a curve, big-endian, left-padded to `size` bytes.
std::string curve_order(int nid, std::size_t size) {
    std::unique_ptr<EC_GROUP, decltype(&EC_GROUP_free)> group(EC_GROUP_new_by_curve_name(nid),
                                                              &EC_GROUP_free);
    if (!group) throw std::runtime_error("unknown curve");
    std::string out(size, '\0');
    if (BN_bn2binpad(EC_GROUP_get0_order(group.get()), reinterpret_cast<unsigned char*>(out.data()),
                     static_cast<int>(size)) < 0) {
        throw std::runtime_error("order does not fit");
    }
    return out;
}

std::string plus_one(std::string v) {
    for (std::size_t i = v.size(); i-- > 0;) {
        v[i] = static_cast<char>(static_cast<unsigned char>(v[i]) + 1);
        if (v[i] != '\0') break;
    }
    return v;
}

// CVE-2022-21449 ("psychic signatures", Java 15-18): r = s = 0 verified for every message.
// SEC 1 §4.1.4 step 1 / RFC 7518 §3.4: r and s must lie in [1, n-1]; n (and n+1) reduce to 0
// (and 1) mod n and are the variant a range check on the reduced value would miss.
TEST(EcdsaPsychicSignature, ZeroAndOrderValuedRAndSRejectedOnEveryCurve) {
    for (const auto& c : kEcCases) {
        SCOPED_TRACE(std::string(to_string(c.alg)));
        const Jwk& key = signing_key(c.alg);
        const Jwk pub = public_of(key);
        const Verifier verifier = make_verifier({pub});
        const KeySet keys = key_set({pub});
        const std::string header =
            R"({"alg":")" + std::string(to_string(c.alg)) + R"(","typ":"JWT"})";
        const std::string input = b64(header) + "." + b64(valid_claims());
        const std::string valid = sign_bytes(c.alg, key, input).value();
        const std::size_t size = valid.size() / 2;
        const std::string r = valid.substr(0, size), s = valid.substr(size);
        const std::string n = curve_order(c.nid, size);
        const std::string zero(size, '\0');
        const std::string ones(size, '\xff');

        const std::vector<std::pair<std::string, std::string>> forged = {
            {"r = s = 0", zero + zero},
            {"r = s = n", n + n},
            {"r = 0", zero + s},
            {"s = 0", r + zero},
            {"r = n", n + s},
            {"s = n", r + n},
            {"r = 0, s = n", zero + n},
            {"r = n+1", plus_one(n) + s},
            {"s = n+1", r + plus_one(n)},
            {"r = s = 2^k-1", ones + ones},
        };
        for (const auto& [label, sig] : forged) {
            SCOPED_TRACE(label);
            const std::string token = input + "." + b64(sig);
            EXPECT_VERIFIER(verifier, token, Errc::bad_signature);
            EXPECT_JWS(token, keys, jws_options({c.alg}), Errc::bad_signature);
            EXPECT_EQ(verify_bytes(c.alg, pub, input, sig).code(), Errc::bad_signature);
            // The psychic signature verifies "any message": try another one too.
            EXPECT_EQ(verify_bytes(c.alg, pub, "another message", sig).code(), Errc::bad_signature);
        }
        // Control: the genuine signature verifies.
        EXPECT_VERIFIER(verifier, input + "." + b64(valid), Errc::ok);
    }
}

// DER INTEGER of an unsigned big-endian value (X.690 §8.3).
std::string der_integer(std::string v) {
    while (v.size() > 1 && v[0] == '\0')
        v.erase(0, 1);
    if ((static_cast<unsigned char>(v[0]) & 0x80) != 0) v.insert(v.begin(), '\0');
    return std::string("\x02", 1) + static_cast<char>(v.size()) + v;
}

// ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER } (RFC 3279 §2.2.3).
std::string der_signature(std::string_view raw) {
    const std::size_t size = raw.size() / 2;
    const std::string body =
        der_integer(std::string(raw.substr(0, size))) + der_integer(std::string(raw.substr(size)));
    std::string out = "\x30";
    if (body.size() >= 0x80) out.push_back('\x81');
    out.push_back(static_cast<char>(body.size()));
    return out + body;
}

// Verifies a DER signature with OpenSSL directly: proof that the forged token carries a genuine
// signature in the wrong encoding.
bool openssl_verifies_der(const Jwk& pub, Algorithm alg, std::string_view data,
                          std::string_view der) {
    const std::string pem = pub.to_pem(true).value();
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(
        BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> pkey(
        PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr), &EVP_PKEY_free);
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    const EVP_MD* md = alg == Algorithm::ES384   ? EVP_sha384()
                       : alg == Algorithm::ES512 ? EVP_sha512()
                                                 : EVP_sha256();
    return pkey && ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, md, nullptr, pkey.get()) == 1 &&
           EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(der.data()),
                            der.size(), reinterpret_cast<const unsigned char*>(data.data()),
                            data.size()) == 1;
}

// RFC 7518 §3.4: the JWS signature is R || S, each the size of the order; a DER
// ECDSA-Sig-Value is another encoding of the same signature, and accepting both makes
// signatures malleable (a second valid token for the same claims).
TEST(EcdsaDerSignature, GenuineSignatureInDerEncodingIsRejected) {
    for (const auto& c : kEcCases) {
        SCOPED_TRACE(std::string(to_string(c.alg)));
        const Jwk& key = signing_key(c.alg);
        const Jwk pub = public_of(key);
        const std::string header = R"({"alg":")" + std::string(to_string(c.alg)) + R"("})";
        const std::string input = b64(header) + "." + b64(valid_claims());
        const std::string raw = sign_bytes(c.alg, key, input).value();
        const std::string der = der_signature(raw);
        ASSERT_TRUE(openssl_verifies_der(pub, c.alg, input, der));  // a real signature
        const std::string token = input + "." + b64(der);
        EXPECT_VERIFIER(make_verifier({pub}), token, Errc::bad_signature);
        EXPECT_JWS(token, key_set({pub}), jws_options({c.alg}), Errc::bad_signature);
        EXPECT_EQ(verify_bytes(c.alg, pub, input, der).code(), Errc::bad_signature);
    }
}

}  // namespace
}  // namespace signet::security
