// Wycheproof RSASSA-PKCS1-v1_5 verification vectors against verify_bytes with RS256/RS384/RS512
// (RFC 7518 §3.3), every key size (2048, 3072, 4096) and hash.
#include <gtest/gtest.h>

#include <string>

#include "vectors/vector_support.hpp"

namespace signet::vectors {
namespace {

Algorithm rs_alg_for(std::string_view sha) {
    if (sha == "SHA-256") return Algorithm::RS256;
    if (sha == "SHA-384") return Algorithm::RS384;
    if (sha == "SHA-512") return Algorithm::RS512;
    throw std::invalid_argument("no RS algorithm for " + std::string(sha));
}

// The group's key: its JWK ("keyJwk", bound to the RS algorithm of the file) when present, else
// the SPKI PEM.
Result<Jwk> group_key(const boost::json::object& group) {
    if (const auto* jwk = group.if_contains("keyJwk")) return Jwk::from_json(jwk->as_object());
    return Jwk::from_pem(group.at("publicKeyPem").as_string());
}

void run_pkcs1_file(const std::string& name) {
    WycheproofFile file(name);
    Tally tally(file.name);
    for (const auto& group_value : file.groups()) {
        const auto& group = group_value.as_object();
        const Algorithm alg = rs_alg_for(group.at("sha").as_string());
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

TEST(WycheproofRsaPkcs1, Rsa2048Sha256VerifiesAsRs256) {
    run_pkcs1_file("wycheproof/rsa_signature_2048_sha256_test.json");
}
TEST(WycheproofRsaPkcs1, Rsa2048Sha384VerifiesAsRs384) {
    run_pkcs1_file("wycheproof/rsa_signature_2048_sha384_test.json");
}
TEST(WycheproofRsaPkcs1, Rsa2048Sha512VerifiesAsRs512) {
    run_pkcs1_file("wycheproof/rsa_signature_2048_sha512_test.json");
}
TEST(WycheproofRsaPkcs1, Rsa3072Sha256VerifiesAsRs256) {
    run_pkcs1_file("wycheproof/rsa_signature_3072_sha256_test.json");
}
TEST(WycheproofRsaPkcs1, Rsa3072Sha384VerifiesAsRs384) {
    run_pkcs1_file("wycheproof/rsa_signature_3072_sha384_test.json");
}
TEST(WycheproofRsaPkcs1, Rsa3072Sha512VerifiesAsRs512) {
    run_pkcs1_file("wycheproof/rsa_signature_3072_sha512_test.json");
}
TEST(WycheproofRsaPkcs1, Rsa4096Sha256VerifiesAsRs256) {
    run_pkcs1_file("wycheproof/rsa_signature_4096_sha256_test.json");
}
TEST(WycheproofRsaPkcs1, Rsa4096Sha384VerifiesAsRs384) {
    run_pkcs1_file("wycheproof/rsa_signature_4096_sha384_test.json");
}
TEST(WycheproofRsaPkcs1, Rsa4096Sha512VerifiesAsRs512) {
    run_pkcs1_file("wycheproof/rsa_signature_4096_sha512_test.json");
}

}  // namespace
}  // namespace signet::vectors
