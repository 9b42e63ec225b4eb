// Wycheproof Ed25519 vectors against verify_bytes with EdDSA (RFC 8037 §3.1): the OKP key from the
// group's JWK (PEM when absent), the 64-byte signature as JWS carries it.
#include <gtest/gtest.h>

#include <string>

#include "vectors/vector_support.hpp"

namespace signet::vectors {
namespace {

Result<Jwk> group_key(const boost::json::object& group) {
    if (const auto* jwk = group.if_contains("publicKeyJwk")) {
        return Jwk::from_json(jwk->as_object());
    }
    return Jwk::from_pem(group.at("publicKeyPem").as_string());
}

TEST(WycheproofEddsa, Ed25519VerifiesAsEdDsa) {
    WycheproofFile file("wycheproof/ed25519_test.json");
    Tally tally(file.name);
    for (const auto& group_value : file.groups()) {
        const auto& group = group_value.as_object();
        auto key = group_key(group);
        for (const auto& test_value : group.at("tests").as_array()) {
            const auto& test = test_value.as_object();
            const std::string msg = hex_decode(test.at("msg").as_string());
            const std::string sig = hex_decode(test.at("sig").as_string());
            const Outcome outcome =
                key ? Outcome::of(verify_bytes(Algorithm::EdDSA, *key, msg, sig))
                    : Outcome::reject(key.error());
            tally.expect(case_label(file.name, test), parse_expected(test.at("result").as_string()),
                         outcome);
        }
    }
    tally.finish(file.declared_cases());
}

}  // namespace
}  // namespace signet::vectors
