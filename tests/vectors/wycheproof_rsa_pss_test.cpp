// Wycheproof RSASSA-PSS verification vectors against verify_bytes with PS256/PS384/PS512
// (RFC 7518 §3.5). JOSE defines exactly one parameter set per algorithm: MGF1 with the message
// hash, and a salt as long as the hash. Other parameter sets (rsa_pss_misc_test.json) are
// conflicts.
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "vectors/vector_support.hpp"

namespace signet::vectors {
namespace {

struct PsParams {
    Algorithm alg;
    std::int64_t hash_bytes;
};

std::optional<PsParams> ps_params_for(std::string_view sha) {
    if (sha == "SHA-256") return PsParams{Algorithm::PS256, 32};
    if (sha == "SHA-384") return PsParams{Algorithm::PS384, 48};
    if (sha == "SHA-512") return PsParams{Algorithm::PS512, 64};
    return std::nullopt;  // SHA-1, SHA-224: no JOSE algorithm
}

Result<Jwk> group_key(const boost::json::object& group) {
    if (const auto* jwk = group.if_contains("publicKeyJwk")) {
        return Jwk::from_json(jwk->as_object());
    }
    return Jwk::from_pem(group.at("publicKeyPem").as_string());
}

void run_pss_file(const std::string& name) {
    WycheproofFile file(name);
    Tally tally(file.name);
    for (const auto& group_value : file.groups()) {
        const auto& group = group_value.as_object();
        const std::string_view sha = group.at("sha").as_string();
        const std::string_view mgf = group.at("mgf").as_string();
        const std::string_view mgf_sha = group.at("mgfSha").as_string();
        const std::int64_t salt_len = group.at("sLen").as_int64();
        const auto params = ps_params_for(sha);
        // Group-wide conflict, derived from the group parameters: the set is a JOSE algorithm only
        // when the hash is SHA-256/384/512, MGF1 uses that same hash, and sLen equals the hash
        // length (RFC 7518 §3.5). Other sets must not verify under any PS algorithm: PS256/384/512
        // each fix all three parameters, so the library rejects with bad_signature (it must not,
        // e.g., recover the salt length from the signature).
        const bool jose_params =
            params && mgf == "MGF1" && mgf_sha == sha && salt_len == params->hash_bytes;
        auto key = group_key(group);
        for (const auto& test_value : group.at("tests").as_array()) {
            const auto& test = test_value.as_object();
            const std::string label = case_label(file.name, test);
            const std::string msg = hex_decode(test.at("msg").as_string());
            const std::string sig = hex_decode(test.at("sig").as_string());
            if (jose_params) {
                const Outcome outcome = key ? Outcome::of(verify_bytes(params->alg, *key, msg, sig))
                                            : Outcome::reject(key.error());
                tally.expect(label, parse_expected(test.at("result").as_string()), outcome);
                continue;
            }
            // Not a JOSE parameter set: every PS algorithm must reject. The case counts once, as
            // a conflict, with the first outcome that is not the expected rejection (if any).
            Outcome worst = key ? Outcome::reject(Error(Errc::bad_signature, "all PS algorithms"))
                                : Outcome::reject(key.error());
            if (key) {
                for (Algorithm alg : {Algorithm::PS256, Algorithm::PS384, Algorithm::PS512}) {
                    const Outcome outcome = Outcome::of(verify_bytes(alg, *key, msg, sig));
                    if (outcome.accepted || outcome.code != Errc::bad_signature) {
                        worst = outcome;
                        worst.message = std::string(to_string(alg)) + ": " + worst.message;
                        break;
                    }
                }
            }
            tally.conflict_rejected(label, "PSS parameter set that JOSE does not define", worst,
                                    {Errc::bad_signature});
        }
    }
    tally.finish(file.declared_cases());
}

TEST(WycheproofRsaPss, Rsa2048Sha256Salt32VerifiesAsPs256) {
    run_pss_file("wycheproof/rsa_pss_2048_sha256_mgf1_32_test.json");
}
TEST(WycheproofRsaPss, Rsa2048Sha384Salt48VerifiesAsPs384) {
    run_pss_file("wycheproof/rsa_pss_2048_sha384_mgf1_48_test.json");
}
TEST(WycheproofRsaPss, Rsa3072Sha256Salt32VerifiesAsPs256) {
    run_pss_file("wycheproof/rsa_pss_3072_sha256_mgf1_32_test.json");
}
TEST(WycheproofRsaPss, Rsa4096Sha256Salt32VerifiesAsPs256) {
    run_pss_file("wycheproof/rsa_pss_4096_sha256_mgf1_32_test.json");
}
TEST(WycheproofRsaPss, Rsa4096Sha384Salt48VerifiesAsPs384) {
    run_pss_file("wycheproof/rsa_pss_4096_sha384_mgf1_48_test.json");
}
TEST(WycheproofRsaPss, Rsa4096Sha512Salt64VerifiesAsPs512) {
    run_pss_file("wycheproof/rsa_pss_4096_sha512_mgf1_64_test.json");
}
TEST(WycheproofRsaPss, OtherParameterSetsVerifyOnlyWhenTheyAreJose) {
    run_pss_file("wycheproof/rsa_pss_misc_test.json");
}

}  // namespace
}  // namespace signet::vectors
