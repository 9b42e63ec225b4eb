// Wycheproof RSAES-OAEP decryption vectors for the JWE key encryptions RSA-OAEP (SHA-1, MGF1
// with SHA-1) and RSA-OAEP-256 (SHA-256, MGF1 with SHA-256), RFC 7518 §4.3, through the crypto
// layer's rsa_decrypt with the padding of the matching JOSE algorithm.
//
// Conflicts, derived from the group parameters or the case's label:
// - a modulus below 2048 bits: RFC 7518 §4.2/§4.3 require 2048 or more, so the key is refused at
//   import (weak_key);
// - any other hash pair (SHA-224/384/512, or mixed hashes such as SHA-256 with MGF1-SHA-1): JOSE
//   defines no such algorithm, so decryption with either JOSE padding must fail;
// - a non-empty OAEP label: JWE never uses one (RFC 7518 §4.3 uses the default, empty label), so
//   decryption must fail.
#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "crypto/crypto.hpp"
#include "vectors/vector_support.hpp"

namespace signet::vectors {
namespace {

struct JoseOaep {
    detail::RsaPadding padding;
    KeyManagement alg;
};

std::optional<JoseOaep> jose_oaep(std::string_view sha, std::string_view mgf,
                                  std::string_view mgf_sha) {
    if (mgf != "MGF1") return std::nullopt;
    if (sha == "SHA-1" && mgf_sha == "SHA-1") {
        return JoseOaep{detail::RsaPadding::oaep_sha1, KeyManagement::RSA_OAEP};
    }
    if (sha == "SHA-256" && mgf_sha == "SHA-256") {
        return JoseOaep{detail::RsaPadding::oaep_sha256, KeyManagement::RSA_OAEP_256};
    }
    return std::nullopt;
}

// The group's private key: its JWK when it has one, else its PKCS#8 PEM. Imports are cached by
// their text, since groups share keys and an import validates the key pair (costly at 8192 bits).
class KeyCache {
  public:
    Result<Jwk> group_key(const boost::json::object& group) {
        const auto* jwk = group.if_contains("privateKeyJwk");
        const std::string text =
            jwk ? boost::json::serialize(*jwk) : std::string(group.at("privateKeyPem").as_string());
        for (const auto& [cached_text, key] : keys_) {
            if (cached_text == text) return key;
        }
        Result<Jwk> key = jwk ? Jwk::from_json(jwk->as_object())
                              : Jwk::from_pem(group.at("privateKeyPem").as_string());
        keys_.emplace_back(text, key);
        return key;
    }

  private:
    std::vector<std::pair<std::string, Result<Jwk>>> keys_;
};

void run_oaep_file(const std::string& name) {
    WycheproofFile file(name);
    Tally tally(file.name);
    KeyCache cache;
    for (const auto& group_value : file.groups()) {
        const auto& group = group_value.as_object();
        const std::int64_t bits = group.at("keySize").as_int64();
        const std::string sha(group.at("sha").as_string());
        const std::string mgf_sha(group.at("mgfSha").as_string());
        const auto jose = jose_oaep(sha, group.at("mgf").as_string(), mgf_sha);
        const auto key = cache.group_key(group);
        if (key && jose && group.contains("privateKeyJwk") && !key->alg_name().empty()) {
            // The JWK names the JOSE algorithm these parameters are.
            tally.check(key->key_management() == jose->alg, "group of " + name,
                        "the JWK's \"alg\" is " + key->alg_name());
        }
        const std::string params =
            std::to_string(bits) + "-bit key, " + sha + " with MGF1-" + mgf_sha;
        for (const auto& test_value : group.at("tests").as_array()) {
            const auto& test = test_value.as_object();
            const std::string label = case_label(file.name, test);
            const Expected expected = parse_expected(test.at("result").as_string());
            const std::string msg = hex_decode(test.at("msg").as_string());
            const std::string ct = hex_decode(test.at("ct").as_string());
            const bool labelled = !test.at("label").as_string().empty();

            if (bits < 2048) {
                tally.conflict_rejected(
                    label, params + ": RSA keys below 2048 bits are refused (RFC 7518 §4.3)",
                    key ? Outcome::accept() : Outcome::reject(key.error()), {Errc::weak_key});
                continue;
            }
            tally.check(key.ok(), label,
                        "key import failed: " + (key ? std::string() : key.error().to_string()));
            if (!key) continue;
            if (!jose) {
                // Neither JOSE padding may decrypt it.
                auto as_oaep =
                    detail::rsa_decrypt(key->material(), detail::RsaPadding::oaep_sha1, ct);
                auto as_oaep_256 =
                    detail::rsa_decrypt(key->material(), detail::RsaPadding::oaep_sha256, ct);
                const Outcome outcome = as_oaep ? Outcome::accept() : Outcome::of(as_oaep_256);
                tally.conflict_rejected(label,
                                        params +
                                            ": no JOSE algorithm uses these OAEP parameters "
                                            "(RFC 7518 §4.3 defines SHA-1/MGF1-SHA-1 and "
                                            "SHA-256/MGF1-SHA-256 only)",
                                        outcome, {Errc::decryption_failed});
                continue;
            }
            auto decrypted = detail::rsa_decrypt(key->material(), jose->padding, ct);
            const Outcome outcome = Outcome::of(decrypted);
            if (labelled) {
                tally.conflict_rejected(label,
                                        "encrypted with a non-empty OAEP label; JWE uses the "
                                        "empty label (RFC 7518 §4.3), so the padding check fails",
                                        outcome, {Errc::decryption_failed});
                continue;
            }
            tally.expect(label, expected, outcome);
            if (decrypted) {
                tally.check(*decrypted == msg, label, "decrypted message differs from msg");
            } else {
                tally.check(decrypted.code() == Errc::decryption_failed, label,
                            "expected the single code decryption_failed, got " + describe(outcome));
            }
        }
    }
    tally.finish(file.declared_cases());
}

TEST(WycheproofRsaOaep, Oaep2048Sha1DecryptsAsRsaOaep) {
    run_oaep_file("wycheproof/rsa_oaep_2048_sha1_mgf1sha1_test.json");
}

TEST(WycheproofRsaOaep, Oaep2048Sha256DecryptsAsRsaOaep256) {
    run_oaep_file("wycheproof/rsa_oaep_2048_sha256_mgf1sha256_test.json");
}

TEST(WycheproofRsaOaep, Oaep3072Sha256DecryptsAsRsaOaep256) {
    run_oaep_file("wycheproof/rsa_oaep_3072_sha256_mgf1sha256_test.json");
}

TEST(WycheproofRsaOaep, Oaep4096Sha256DecryptsAsRsaOaep256) {
    run_oaep_file("wycheproof/rsa_oaep_4096_sha256_mgf1sha256_test.json");
}

TEST(WycheproofRsaOaep, MiscParametersDecryptOnlyAsJoseAlgorithms) {
    run_oaep_file("wycheproof/rsa_oaep_misc_test.json");
}

}  // namespace
}  // namespace signet::vectors
