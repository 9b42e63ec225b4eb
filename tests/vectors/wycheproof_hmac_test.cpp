// Wycheproof HMAC-SHA-2 vectors against verify_bytes with HS256/HS384/HS512 (RFC 7518 §3.2).
// JOSE fixes two parameters Wycheproof varies: the tag is the whole hash output, and the key is at
// least as long as the hash. Groups outside those are conflicts the library must reject by rule.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "vectors/vector_support.hpp"

namespace signet::vectors {
namespace {

struct HmacFile {
    const char* file;
    Algorithm alg;
    std::int64_t hash_bits;
};

void run_hmac_file(const HmacFile& spec) {
    WycheproofFile file(spec.file);
    Tally tally(file.name);
    for (const auto& group_value : file.groups()) {
        const auto& group = group_value.as_object();
        const std::int64_t key_bits = group.at("keySize").as_int64();
        const std::int64_t tag_bits = group.at("tagSize").as_int64();
        // Group-wide conflicts, derived from the group parameters:
        // - keySize < hash size: RFC 7518 §3.2 requires a key of at least the hash output size;
        //   the library refuses shorter keys with weak_key (checked before any MAC is computed).
        // - tagSize < hash size: a truncated HMAC is not a JWS signature (RFC 7518 §3.2 uses the
        //   full output), so the tag cannot verify: bad_signature.
        const bool short_key = key_bits < spec.hash_bits;
        const bool truncated_tag = tag_bits < spec.hash_bits;
        for (const auto& test_value : group.at("tests").as_array()) {
            const auto& test = test_value.as_object();
            const std::string label = case_label(file.name, test);
            const std::string key_bytes = hex_decode(test.at("key").as_string());
            const std::string msg = hex_decode(test.at("msg").as_string());
            const std::string tag = hex_decode(test.at("tag").as_string());

            auto key = Jwk::from_secret(key_bytes, spec.alg);
            Outcome outcome = key ? Outcome::of(verify_bytes(spec.alg, *key, msg, tag))
                                  : Outcome::reject(key.error());
            if (short_key) {
                tally.conflict_rejected(label, "HMAC key shorter than the hash output", outcome,
                                        {Errc::weak_key});
            } else if (truncated_tag) {
                tally.conflict_rejected(label, "tagSize < hash size: truncated MAC", outcome,
                                        {Errc::bad_signature});
            } else {
                const Expected expected = parse_expected(test.at("result").as_string());
                tally.expect(label, expected, outcome);
                // HMAC is deterministic: signing the message must reproduce a valid tag exactly.
                if (expected == Expected::valid && key) {
                    auto signed_tag = sign_bytes(spec.alg, *key, msg);
                    tally.check(signed_tag && *signed_tag == tag, label,
                                "sign_bytes does not reproduce the published tag");
                }
            }
        }
    }
    tally.finish(file.declared_cases());
}

TEST(WycheproofHmac, Sha256VerifiesAsHs256) {
    run_hmac_file({"wycheproof/hmac_sha256_test.json", Algorithm::HS256, 256});
}

TEST(WycheproofHmac, Sha384VerifiesAsHs384) {
    run_hmac_file({"wycheproof/hmac_sha384_test.json", Algorithm::HS384, 384});
}

TEST(WycheproofHmac, Sha512VerifiesAsHs512) {
    run_hmac_file({"wycheproof/hmac_sha512_test.json", Algorithm::HS512, 512});
}

}  // namespace
}  // namespace signet::vectors
