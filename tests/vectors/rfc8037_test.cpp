// RFC 8037 Appendix A Ed25519 example (from the JOSE Cookbook's curve25519/jws.json): the OKP key
// parses, its RFC 7638 thumbprint is the one RFC 8037 A.3 publishes, and since Ed25519 is
// deterministic, signing reproduces the A.4 token byte for byte; the token verifies (A.5).
#include <gtest/gtest.h>

#include <string>

#include "vectors/vector_support.hpp"

namespace signet::vectors {
namespace {

const char* const kFile = "jose-cookbook/curve25519/jws.json";
// RFC 8037 Appendix A.3: SHA-256 JWK Thumbprint of the A.1/A.2 key.
constexpr std::string_view kThumbprintA3 = "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k";

boost::json::object example() {
    return read_json_file(kFile).as_object();
}

Jwk private_key() {
    return Jwk::from_json(example().at("input").at("key").as_object()).value();
}

TEST(Rfc8037, Ed25519KeyParses) {
    const Jwk key = private_key();
    EXPECT_EQ(key.kty(), KeyType::OKP);
    EXPECT_EQ(key.curve(), Curve::Ed25519);
    EXPECT_TRUE(key.is_private());
    EXPECT_TRUE(key.allows(Algorithm::EdDSA));
    EXPECT_FALSE(key.allows(Algorithm::ES256));
    auto public_key = key.public_key();
    SIGNET_ASSERT_OK(public_key);
    auto expected = example().at("input").at("key").as_object();
    expected.erase("d");
    EXPECT_EQ(public_key->to_json(), expected);
}

TEST(Rfc8037, A3ThumbprintMatches) {
    const Jwk key = private_key();
    EXPECT_EQ(key.thumbprint(), kThumbprintA3);
    auto public_key = key.public_key();
    SIGNET_ASSERT_OK(public_key);
    EXPECT_EQ(public_key->thumbprint(), kThumbprintA3);
}

TEST(Rfc8037, A4SignatureIsReproducedByteForByte) {
    const auto ex = example();
    const Jwk key = private_key();
    const auto& signing = ex.at("signing").as_object();
    auto sig = sign_bytes(Algorithm::EdDSA, key, str(signing.at("sig-input")));
    SIGNET_ASSERT_OK(sig);
    EXPECT_EQ(base64url_encode(*sig), str(signing.at("sig")));

    auto token = jws::sign(str(ex.at("input").at("payload")), key, Algorithm::EdDSA);
    SIGNET_ASSERT_OK(token);
    EXPECT_EQ(*token, str(ex.at("output").at("compact")));
}

TEST(Rfc8037, A5TokenVerifiesWithThePublicKey) {
    const auto ex = example();
    auto public_key = private_key().public_key();
    SIGNET_ASSERT_OK(public_key);
    auto payload = jws::verify(str(ex.at("output").at("compact")), key_set_of(*public_key),
                               allow({Algorithm::EdDSA}));
    SIGNET_ASSERT_OK(payload);
    EXPECT_EQ(*payload, "Example of Ed25519 signing");
}

TEST(Rfc8037, A5TokenWithOneSignatureBitFlippedIsRejected) {
    const auto ex = example();
    auto public_key = private_key().public_key();
    SIGNET_ASSERT_OK(public_key);
    CompactParts parts = split_compact(str(ex.at("output").at("compact")));
    std::string sig = b64u(parts.signature);
    sig[0] = static_cast<char>(sig[0] ^ 0x01);
    parts.signature = base64url_encode(sig);
    SIGNET_EXPECT_ERROR(
        jws::verify(parts.compact(), key_set_of(*public_key), allow({Algorithm::EdDSA})),
        Errc::bad_signature);
}

}  // namespace
}  // namespace signet::vectors
