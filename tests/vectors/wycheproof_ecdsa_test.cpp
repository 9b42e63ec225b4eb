// Wycheproof ECDSA vectors in IEEE P1363 encoding (raw R||S, the JWS format of RFC 7518 §3.4)
// against verify_bytes with ES256 (P-256), ES384 (P-384) and ES512 (P-521).
#include <gtest/gtest.h>

#include <string>

#include "vectors/vector_support.hpp"

namespace signet::vectors {
namespace {

// The group's key: its JWK when present. Nine edge-case groups per file (r/x reduction, s = 2^128)
// carry no JWK; their SPKI PEM holds the same point.
Result<Jwk> group_key(const boost::json::object& group) {
    if (const auto* jwk = group.if_contains("publicKeyJwk")) {
        return Jwk::from_json(jwk->as_object());
    }
    return Jwk::from_pem(group.at("publicKeyPem").as_string());
}

void run_ecdsa_file(const std::string& name, Algorithm alg) {
    WycheproofFile file(name);
    Tally tally(file.name);
    for (const auto& group_value : file.groups()) {
        const auto& group = group_value.as_object();
        auto key = group_key(group);
        for (const auto& test_value : group.at("tests").as_array()) {
            const auto& test = test_value.as_object();
            const std::string msg = hex_decode(test.at("msg").as_string());
            const std::string sig = hex_decode(test.at("sig").as_string());
            const Outcome outcome =
                key ? Outcome::of(verify_bytes(alg, *key, msg, sig)) : Outcome::reject(key.error());
            tally.expect(case_label(file.name, test), parse_expected(test.at("result").as_string()),
                         outcome);
        }
    }
    tally.finish(file.declared_cases());
}

TEST(WycheproofEcdsa, P256Sha256P1363VerifiesAsEs256) {
    run_ecdsa_file("wycheproof/ecdsa_secp256r1_sha256_p1363_test.json", Algorithm::ES256);
}
TEST(WycheproofEcdsa, P384Sha384P1363VerifiesAsEs384) {
    run_ecdsa_file("wycheproof/ecdsa_secp384r1_sha384_p1363_test.json", Algorithm::ES384);
}
TEST(WycheproofEcdsa, P521Sha512P1363VerifiesAsEs512) {
    run_ecdsa_file("wycheproof/ecdsa_secp521r1_sha512_p1363_test.json", Algorithm::ES512);
}

}  // namespace
}  // namespace signet::vectors
