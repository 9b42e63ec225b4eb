// Wycheproof AES Key Wrap vectors (RFC 3394) for A128KW/A192KW/A256KW and the wrapping step of
// ECDH-ES+A*KW and PBES2 (RFC 7518 §4.4, §4.6, §4.8), through the crypto layer's primitives.
// Unwrapping must return the published key for every valid case and fail with decryption_failed
// for every invalid one; wrapping a valid case's key must give the published ciphertext.
#include <gtest/gtest.h>

#include <string>

#include "crypto/crypto.hpp"
#include "vectors/vector_support.hpp"

namespace signet::vectors {
namespace {

TEST(WycheproofAesWrap, UnwrapsValidKeysAndRejectsModifiedWrapsWithOneError) {
    WycheproofFile file("wycheproof/aes_wrap_test.json");
    Tally tally(file.name);
    for (const auto& group_value : file.groups()) {
        const auto& group = group_value.as_object();
        const auto kek_bytes = static_cast<std::size_t>(group.at("keySize").as_int64() / 8);
        for (const auto& test_value : group.at("tests").as_array()) {
            const auto& test = test_value.as_object();
            const std::string label = case_label(file.name, test);
            const Expected expected = parse_expected(test.at("result").as_string());
            const std::string kek = hex_decode(test.at("key").as_string());
            const std::string key = hex_decode(test.at("msg").as_string());
            const std::string wrapped = hex_decode(test.at("ct").as_string());
            tally.check(kek.size() == kek_bytes, label, "KEK size differs from the group's");

            // "acceptable" cases wrap an 8-byte key: RFC 3394 §2 needs two 64-bit blocks, and
            // JOSE never wraps a CEK shorter than 16 bytes, so these are refused.
            auto unwrapped = detail::aes_key_unwrap(kek, wrapped);
            const Outcome outcome = Outcome::of(unwrapped);
            tally.expect(label, expected, outcome);
            if (unwrapped) {
                tally.check(*unwrapped == key, label, "unwrapped key differs from msg");
            } else {
                tally.check(unwrapped.code() == Errc::decryption_failed, label,
                            "expected the single code decryption_failed, got " + describe(outcome));
            }

            auto rewrapped = detail::aes_key_wrap(kek, key);
            if (expected == Expected::valid) {
                tally.check(rewrapped.ok() && *rewrapped == wrapped, label,
                            "wrapping msg does not give the published ct: " +
                                describe(Outcome::of(rewrapped)));
            } else if (rewrapped) {
                // The modified wraps are not what wrapping produces.
                tally.check(*rewrapped != wrapped, label, "wrapping msg gives the invalid ct");
            }
        }
    }
    tally.finish(file.declared_cases());
}

}  // namespace
}  // namespace signet::vectors
