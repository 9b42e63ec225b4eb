// Wycheproof ECDH vectors with JWK keys ("webcrypto" encoding) for P-256, P-384 and P-521: the
// raw shared secret Z that ECDH-ES feeds into the Concat KDF (RFC 7518 §4.6.2).
//
// A valid case imports both JWKs (Jwk::from_json) and ecdh_shared_secret must equal "shared".
// An invalid public key must be refused at import when its point is not on its curve (the
// invalid-curve attack, RFC 8725 §3.4): that is what keeps a hostile "epk" out of the agreement.
// A valid point on another curve imports as a key of that curve and is refused by the
// agreement, which needs both keys on one curve.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "crypto/crypto.hpp"
#include "vectors/vector_support.hpp"

namespace signet::vectors {
namespace {

bool has_flag(const boost::json::object& test, std::string_view flag) {
    for (const auto& f : test.at("flags").as_array()) {
        if (std::string_view(f.as_string()) == flag) return true;
    }
    return false;
}

void run_ecdh_file(const std::string& name, Curve curve) {
    WycheproofFile file(name);
    Tally tally(file.name);
    for (const auto& group_value : file.groups()) {
        for (const auto& test_value : group_value.as_object().at("tests").as_array()) {
            const auto& test = test_value.as_object();
            const std::string label = case_label(file.name, test);
            const Expected expected = parse_expected(test.at("result").as_string());

            auto own = Jwk::from_json(test.at("private").as_object());
            tally.check(own.ok() && own->curve() == curve && own->is_private(), label,
                        "the private JWK does not import as a private key on the file's curve: " +
                            describe(Outcome::of(own)));
            if (!own) {
                tally.expect(label, expected, Outcome::reject(own.error()));
                continue;
            }
            auto peer = Jwk::from_json(test.at("public").as_object());
            if (!peer) {
                tally.expect(label, expected, Outcome::reject(peer.error()));
                // A point off its curve is refused by the import itself.
                if (has_flag(test, "InvalidCurveAttack") || has_flag(test, "ModifiedPublicPoint")) {
                    tally.check(peer.code() == Errc::invalid_key, label,
                                "off-curve point: expected invalid_key at import, got " +
                                    describe(Outcome::reject(peer.error())));
                }
                continue;
            }
            tally.check(!has_flag(test, "InvalidCurveAttack"), label,
                        "a point that is not on the curve was imported");
            auto shared = detail::ecdh_shared_secret(own->material(), peer->material());
            tally.expect(label, expected, Outcome::of(shared));
            if (shared) {
                tally.check(*shared == hex_decode(test.at("shared").as_string()), label,
                            "shared secret differs from \"shared\"");
            } else if (peer->curve() != curve) {
                tally.check(shared.code() == Errc::key_alg_mismatch, label,
                            "key on another curve: expected key_alg_mismatch, got " +
                                describe(Outcome::reject(shared.error())));
            }
        }
    }
    tally.finish(file.declared_cases());
}

TEST(WycheproofEcdh, P256SharedSecretsMatchAndOffCurveKeysAreRefusedAtImport) {
    run_ecdh_file("wycheproof/ecdh_secp256r1_webcrypto_test.json", Curve::P256);
}

TEST(WycheproofEcdh, P384SharedSecretsMatchAndOffCurveKeysAreRefusedAtImport) {
    run_ecdh_file("wycheproof/ecdh_secp384r1_webcrypto_test.json", Curve::P384);
}

TEST(WycheproofEcdh, P521SharedSecretsMatchAndOffCurveKeysAreRefusedAtImport) {
    run_ecdh_file("wycheproof/ecdh_secp521r1_webcrypto_test.json", Curve::P521);
}

}  // namespace
}  // namespace signet::vectors
