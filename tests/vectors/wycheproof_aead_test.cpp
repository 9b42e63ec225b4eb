// Wycheproof AEAD vectors for the JWE content encryptions (RFC 7518 §5): AES_CBC_HMAC_SHA2
// (A128CBC-HS256, A192CBC-HS384, A256CBC-HS512, §5.2) and AES-GCM (A128GCM, A192GCM, A256GCM,
// §5.3), through the crypto layer's primitives that jwe::encrypt and jwe::decrypt call.
//
// Every decryption failure must carry the one code decryption_failed (RFC 7516 §11.5, RFC 7518
// §5.2.2.2): a caller cannot tell a bad tag from bad padding, so there is no padding oracle.
// JOSE fixes AES-GCM at a 96-bit IV and a 128-bit tag; the groups with other sizes are conflicts
// derived from the group parameters and must be rejected.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "crypto/crypto.hpp"
#include "vectors/vector_support.hpp"

namespace signet::vectors {
namespace {

enum class Family { cbc_hmac, gcm };

struct AeadCase {
    std::string key, iv, aad, msg, ct, tag;

    explicit AeadCase(const boost::json::object& test)
        : key(hex_decode(test.at("key").as_string())),
          iv(hex_decode(test.at("iv").as_string())),
          aad(hex_decode(test.at("aad").as_string())),
          msg(hex_decode(test.at("msg").as_string())),
          ct(hex_decode(test.at("ct").as_string())),
          tag(hex_decode(test.at("tag").as_string())) {}
};

Result<std::string> open(Family family, const AeadCase& c) {
    return family == Family::gcm ? detail::aes_gcm_decrypt(c.key, c.iv, c.aad, c.ct, c.tag)
                                 : detail::aes_cbc_hmac_decrypt(c.key, c.iv, c.aad, c.ct, c.tag);
}

Result<detail::Sealed> seal(Family family, const AeadCase& c) {
    return family == Family::gcm ? detail::aes_gcm_encrypt(c.key, c.iv, c.aad, c.msg)
                                 : detail::aes_cbc_hmac_encrypt(c.key, c.iv, c.aad, c.msg);
}

// The parameters JOSE defines. AES_CBC_HMAC_SHA2: a 128-bit IV and a tag of half the key
// (RFC 7518 §5.2.2.1, T_LEN = MAC_KEY_LEN). AES-GCM: a 96-bit IV and a 128-bit tag (§5.3).
bool jose_parameters(Family family, std::int64_t key_bits, std::int64_t iv_bits,
                     std::int64_t tag_bits) {
    if (family == Family::cbc_hmac) return iv_bits == 128 && tag_bits == key_bits / 2;
    return iv_bits == 96 && tag_bits == 128 &&
           (key_bits == 128 || key_bits == 192 || key_bits == 256);
}

void run_aead_file(const std::string& name, Family family) {
    WycheproofFile file(name);
    Tally tally(file.name);
    for (const auto& group_value : file.groups()) {
        const auto& group = group_value.as_object();
        const std::int64_t key_bits = group.at("keySize").as_int64();
        const std::int64_t iv_bits = group.at("ivSize").as_int64();
        const std::int64_t tag_bits = group.at("tagSize").as_int64();
        const bool jose = jose_parameters(family, key_bits, iv_bits, tag_bits);
        const std::string conflict_reason =
            "AES-GCM group with a " + std::to_string(iv_bits) + "-bit IV and a " +
            std::to_string(tag_bits) +
            "-bit tag: JOSE uses only 96-bit IVs and 128-bit tags (RFC 7518 §5.3), so a token "
            "cannot choose another nonce length or a shorter tag";
        for (const auto& test_value : group.at("tests").as_array()) {
            const auto& test = test_value.as_object();
            const std::string label = case_label(file.name, test);
            const Expected expected = parse_expected(test.at("result").as_string());
            const AeadCase c(test);

            auto plaintext = open(family, c);
            const Outcome outcome = Outcome::of(plaintext);
            if (!jose && expected != Expected::invalid) {
                tally.conflict_rejected(label, conflict_reason, outcome, {Errc::decryption_failed});
                // Encryption refuses the IV size as well: a caller's mistake, not a failure.
                auto sealed = seal(family, c);
                tally.check(!sealed && sealed.code() == Errc::invalid_argument, label,
                            "encryption with these parameters: expected invalid_argument, got " +
                                describe(Outcome::of(sealed)));
                continue;
            }
            tally.expect(label, expected, outcome);
            if (plaintext) {
                tally.check(*plaintext == c.msg, label, "decrypted plaintext differs from msg");
            } else {
                // One error for every cause (tag, padding, length): no oracle.
                tally.check(plaintext.code() == Errc::decryption_failed, label,
                            "expected the single code decryption_failed, got " + describe(outcome));
            }
            if (expected == Expected::valid) {
                // Encryption is deterministic for a given IV: it must give the published ct/tag.
                auto sealed = seal(family, c);
                tally.check(sealed.ok(), label,
                            "re-encryption failed: " + describe(Outcome::of(sealed)));
                if (sealed) {
                    tally.check(sealed->ciphertext == c.ct, label,
                                "re-encryption gives another ciphertext");
                    tally.check(sealed->tag == c.tag, label, "re-encryption gives another tag");
                }
            }
        }
    }
    tally.finish(file.declared_cases());
}

TEST(WycheproofAead, A128CbcHs256DecryptsValidAndRejectsTamperedWithOneError) {
    run_aead_file("wycheproof/a128cbc_hs256_test.json", Family::cbc_hmac);
}

TEST(WycheproofAead, A192CbcHs384DecryptsValidAndRejectsTamperedWithOneError) {
    run_aead_file("wycheproof/a192cbc_hs384_test.json", Family::cbc_hmac);
}

TEST(WycheproofAead, A256CbcHs512DecryptsValidAndRejectsTamperedWithOneError) {
    run_aead_file("wycheproof/a256cbc_hs512_test.json", Family::cbc_hmac);
}

TEST(WycheproofAead, AesGcmDecryptsJoseParametersAndRejectsOtherIvSizes) {
    run_aead_file("wycheproof/aes_gcm_test.json", Family::gcm);
}

}  // namespace
}  // namespace signet::vectors
