// ECDH-ES over X25519 (RFC 8037 §3.2) with the cookbook's Curve25519 example: every published
// serialization decrypts to the plaintext, and the key agreement is recomputed step by step from
// the published ephemeral private key: both sides agree on Z, and the Concat KDF output
// (RFC 7518 §4.6.2) is the A128GCM key that opens the published ciphertext.
//
// The file's "encrypting_key" lists an "x" and a "cek" that belong to no key of this example (the
// "cek" is RFC 7520 §5.5's 256-bit key, too long for A128GCM); its "d" pairs with the "epk" of the
// protected header. See README.md.
#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include <cstdint>
#include <string>

#include "crypto/crypto.hpp"
#include "signet/jwe.hpp"
#include "vectors/vector_support.hpp"

namespace signet::vectors {
namespace {

const std::string kFile = "jose-cookbook/curve25519/ecdh-es.json";

boost::json::object example() {
    return read_json_file(kFile).as_object();
}

Jwk recipient_key(const boost::json::object& ex) {
    return Jwk::from_json(ex.at("input").at("key").as_object()).value();
}

const boost::json::object& protected_epk(const boost::json::object& ex) {
    return ex.at("encrypting_content").at("protected").at("epk").as_object();
}

// The published ephemeral private key, paired with the public "x" it has in the header.
Result<Jwk> ephemeral_private_key(const boost::json::object& ex) {
    boost::json::object jwk = protected_epk(ex);
    jwk["d"] = ex.at("encrypting_key").at("epk").at("d");
    return Jwk::from_json(jwk);
}

void append_u32(std::string& out, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8)
        out.push_back(static_cast<char>((v >> shift) & 0xff));
}

// RFC 7518 §4.6.2 OtherInfo for direct agreement: AlgorithmID is the "enc" value, empty
// PartyUInfo and PartyVInfo, SuppPubInfo the key length in bits.
std::string other_info(const std::string& enc, std::uint32_t key_bits) {
    std::string info;
    append_u32(info, static_cast<std::uint32_t>(enc.size()));
    info += enc;
    append_u32(info, 0);
    append_u32(info, 0);
    append_u32(info, key_bits);
    return info;
}

TEST(Rfc8037Ecdh, X25519EcdhEsDecryptsEverySerialization) {
    const auto ex = example();
    const Jwk key = recipient_key(ex);
    ASSERT_EQ(key.curve(), Curve::X25519);
    JweDecryptOptions options;
    options.algorithms = {KeyManagement::ECDH_ES};
    const std::string plaintext = str(ex.at("input").at("plaintext"));
    const auto& output = ex.at("output").as_object();
    Tally tally(kFile);
    for (const char* serialization : {"compact", "json", "json_flat"}) {
        const std::string label = kFile + " (" + serialization + ")";
        const auto& token = output.at(serialization);
        auto result = token.is_string() ? jwe::decrypt(token.as_string(), key_set_of(key), options)
                                        : jwe::decrypt_json(boost::json::serialize(token),
                                                            key_set_of(key), options);
        tally.expect(label, Expected::valid, Outcome::of(result));
        if (result) {
            tally.check(result->plaintext == plaintext, label,
                        "plaintext differs from the cookbook's, byte for byte");
        }
    }
    tally.finish(output.size());
}

TEST(Rfc8037Ecdh, BothSidesAgreeOnTheSharedSecret) {
    const auto ex = example();
    const Jwk recipient = recipient_key(ex);
    auto ephemeral = ephemeral_private_key(ex);
    SIGNET_ASSERT_OK(ephemeral);
    auto ephemeral_public = Jwk::from_json(protected_epk(ex));
    SIGNET_ASSERT_OK(ephemeral_public);
    auto recipient_public = recipient.public_key();
    SIGNET_ASSERT_OK(recipient_public);

    // The recipient's computation (decryption) and the sender's (encryption).
    auto z_recipient =
        detail::ecdh_shared_secret(recipient.material(), ephemeral_public->material());
    auto z_sender = detail::ecdh_shared_secret(ephemeral->material(), recipient_public->material());
    SIGNET_ASSERT_OK(z_recipient);
    SIGNET_ASSERT_OK(z_sender);
    EXPECT_EQ(z_recipient->size(), 32U);  // RFC 7748 §5: X25519 outputs 32 bytes
    EXPECT_EQ(*z_recipient, *z_sender);
}

TEST(Rfc8037Ecdh, ConcatKdfOutputOpensThePublishedCiphertext) {
    const auto ex = example();
    auto ephemeral = ephemeral_private_key(ex);
    SIGNET_ASSERT_OK(ephemeral);
    auto recipient_public = recipient_key(ex).public_key();
    SIGNET_ASSERT_OK(recipient_public);
    auto z = detail::ecdh_shared_secret(ephemeral->material(), recipient_public->material());
    SIGNET_ASSERT_OK(z);
    auto cek = detail::concat_kdf_sha256(*z, other_info("A128GCM", 128), 16);
    SIGNET_ASSERT_OK(cek);

    const auto& content = ex.at("encrypting_content").as_object();
    // RFC 7516 §5.1 step 14: the AAD is the encoded protected header.
    auto plaintext = detail::aes_gcm_decrypt(
        *cek, b64u(str(ex.at("generated").at("iv"))), str(content.at("protected_b64u")),
        b64u(str(content.at("ciphertext"))), b64u(str(content.at("tag"))));
    SIGNET_ASSERT_OK(plaintext);
    EXPECT_EQ(*plaintext, str(ex.at("input").at("plaintext")));

    // The "cek" the file lists is RFC 7520 §5.5's 256-bit key, not this example's.
    const std::string listed_cek = b64u(str(ex.at("encrypting_key").at("cek")));
    EXPECT_EQ(listed_cek.size(), 32U);
    EXPECT_NE(listed_cek, *cek);
}

TEST(Rfc8037Ecdh, PrivateKeyWhosePublicHalfDoesNotMatchIsRefused) {
    // "encrypting_key.epk" pairs its "d" with an "x" of another key; importing it must fail
    // rather than yield a key whose halves disagree.
    const auto ex = example();
    auto stale = Jwk::from_json(ex.at("encrypting_key").at("epk").as_object());
    SIGNET_EXPECT_ERROR(stale, Errc::invalid_key);
}

}  // namespace
}  // namespace signet::vectors
