// RFC 7520 (JOSE Cookbook) JWK examples §3.1-3.5 and JWS examples §4.1-4.5: keys parse and
// serialize back, RS256 (§4.1) and HS256 (§4.4, §4.5) re-sign byte for byte, PS384 (§4.2) and
// ES512 (§4.3), which are randomised, verify.
#include <gtest/gtest.h>

#include <string>

#include "vectors/vector_support.hpp"

namespace signet::vectors {
namespace {

const std::string kJwk = "jose-cookbook/jwk/";
const std::string kJws = "jose-cookbook/jws/";

boost::json::object cookbook(const std::string& file) {
    return read_json_file(file).as_object();
}

Jwk input_key(const boost::json::object& example) {
    return Jwk::from_json(example.at("input").at("key").as_object()).value();
}

std::string input_payload(const boost::json::object& example) {
    return str(example.at("input").at("payload"));
}

std::string output_compact(const boost::json::object& example) {
    return str(example.at("output").at("compact"));
}

// The verification key: the public half, or the key itself when it is symmetric.
Result<Jwk> public_half(const Jwk& key) {
    if (key.is_symmetric()) return key;
    return key.public_key();
}

// The signature recomputed over the published signing input equals the published one, and the
// whole token produced by jws::sign equals the published compact serialization.
void expect_reproducible(const std::string& file, Algorithm alg) {
    SCOPED_TRACE(file);
    const auto example = cookbook(file);
    const Jwk key = input_key(example);
    const auto& signing = example.at("signing").as_object();
    auto sig = sign_bytes(alg, key, str(signing.at("sig-input")));
    SIGNET_ASSERT_OK(sig);
    EXPECT_EQ(base64url_encode(*sig), str(signing.at("sig")));

    auto token = jws::sign(input_payload(example), key, alg);
    SIGNET_ASSERT_OK(token);
    EXPECT_EQ(*token, output_compact(example));
}

// The published compact token verifies with the public half of the key.
void expect_verifies(const std::string& file, Algorithm alg) {
    SCOPED_TRACE(file);
    const auto example = cookbook(file);
    auto key = public_half(input_key(example));
    SIGNET_ASSERT_OK(key);
    const auto& signing = example.at("signing").as_object();
    SIGNET_EXPECT_OK(
        verify_bytes(alg, *key, str(signing.at("sig-input")), b64u(str(signing.at("sig")))));
    auto payload = jws::verify(output_compact(example), key_set_of(*key), allow({alg}));
    SIGNET_ASSERT_OK(payload);
    EXPECT_EQ(*payload, input_payload(example));
}

TEST(Rfc7520, Jwk31EcPublicKeyParses) {
    const std::string text = read_vector_file(kJwk + "3_1.ec_public_key.json");
    auto key = Jwk::parse(text);
    SIGNET_ASSERT_OK(key);
    EXPECT_EQ(key->kty(), KeyType::EC);
    EXPECT_EQ(key->curve(), Curve::P521);
    EXPECT_EQ(key->bits(), 521U);
    EXPECT_EQ(key->kid(), "bilbo.baggins@hobbiton.example");
    EXPECT_EQ(key->use(), "sig");
    EXPECT_FALSE(key->is_private());
    EXPECT_EQ(key->to_json(), boost::json::parse(text).as_object());
}

TEST(Rfc7520, Jwk32EcPrivateKeyHas31AsPublicHalf) {
    const std::string text = read_vector_file(kJwk + "3_2.ec_private_key.json");
    auto key = Jwk::parse(text);
    SIGNET_ASSERT_OK(key);
    EXPECT_TRUE(key->is_private());
    EXPECT_EQ(key->to_json(true), boost::json::parse(text).as_object());
    auto public_key = key->public_key();
    SIGNET_ASSERT_OK(public_key);
    const std::string public_text = read_vector_file(kJwk + "3_1.ec_public_key.json");
    EXPECT_EQ(public_key->to_json(), boost::json::parse(public_text).as_object());
    EXPECT_EQ(key->thumbprint(), Jwk::parse(public_text).value().thumbprint());
}

TEST(Rfc7520, Jwk33RsaPublicKeyParses) {
    const std::string text = read_vector_file(kJwk + "3_3.rsa_public_key.json");
    auto key = Jwk::parse(text);
    SIGNET_ASSERT_OK(key);
    EXPECT_EQ(key->kty(), KeyType::RSA);
    EXPECT_EQ(key->bits(), 2048U);
    EXPECT_FALSE(key->is_private());
    EXPECT_EQ(key->to_json(), boost::json::parse(text).as_object());
}

TEST(Rfc7520, Jwk34RsaPrivateKeyHas33AsPublicHalf) {
    const std::string text = read_vector_file(kJwk + "3_4.rsa_private_key.json");
    auto key = Jwk::parse(text);
    SIGNET_ASSERT_OK(key);
    EXPECT_TRUE(key->is_private());
    EXPECT_EQ(key->to_json(true), boost::json::parse(text).as_object());
    auto public_key = key->public_key();
    SIGNET_ASSERT_OK(public_key);
    EXPECT_EQ(public_key->to_json(),
              boost::json::parse(read_vector_file(kJwk + "3_3.rsa_public_key.json")).as_object());
}

TEST(Rfc7520, Jwk35SymmetricMacKeyParses) {
    const std::string text = read_vector_file(kJwk + "3_5.symmetric_key_mac_computation.json");
    auto key = Jwk::parse(text);
    SIGNET_ASSERT_OK(key);
    EXPECT_TRUE(key->is_symmetric());
    EXPECT_EQ(key->alg(), Algorithm::HS256);
    EXPECT_EQ(key->bits(), 256U);
    EXPECT_EQ(key->kid(), "018c0ae5-4d9b-471b-bfd6-eef314bc7037");
    EXPECT_EQ(key->to_json(true), boost::json::parse(text).as_object());
    EXPECT_FALSE(key->public_key().ok());
}

TEST(Rfc7520, Jws41Rs256IsReproducedByteForByte) {
    expect_reproducible(kJws + "4_1.rsa_v15_signature.json", Algorithm::RS256);
}

TEST(Rfc7520, Jws41Rs256Verifies) {
    expect_verifies(kJws + "4_1.rsa_v15_signature.json", Algorithm::RS256);
}

TEST(Rfc7520, Jws42Ps384Verifies) {
    expect_verifies(kJws + "4_2.rsa-pss_signature.json", Algorithm::PS384);
}

TEST(Rfc7520, Jws43Es512Verifies) {
    expect_verifies(kJws + "4_3.ecdsa_signature.json", Algorithm::ES512);
}

TEST(Rfc7520, Jws44Hs256IsReproducedByteForByte) {
    expect_reproducible(kJws + "4_4.hmac-sha2_integrity_protection.json", Algorithm::HS256);
}

TEST(Rfc7520, Jws44Hs256Verifies) {
    expect_verifies(kJws + "4_4.hmac-sha2_integrity_protection.json", Algorithm::HS256);
}

TEST(Rfc7520, Jws45DetachedContentVerifiesOnceReattached) {
    // RFC 7515 Appendix F: the payload travels separately and is put back before verification.
    const auto example = cookbook(kJws + "4_5.signature_with_detached_content.json");
    const Jwk key = input_key(example);
    const std::string payload = input_payload(example);
    CompactParts parts = split_compact(output_compact(example));
    ASSERT_TRUE(parts.payload.empty());

    // As published (empty payload segment) the MAC covers other bytes.
    SIGNET_EXPECT_ERROR(jws::verify(parts.compact(), key_set_of(key), allow({Algorithm::HS256})),
                        Errc::bad_signature);

    parts.payload = base64url_encode(payload);
    auto verified = jws::verify(parts.compact(), key_set_of(key), allow({Algorithm::HS256}));
    SIGNET_ASSERT_OK(verified);
    EXPECT_EQ(*verified, payload);
}

TEST(Rfc7520, Jws45DetachedContentIsReproducedByteForByte) {
    const auto example = cookbook(kJws + "4_5.signature_with_detached_content.json");
    auto token = jws::sign(input_payload(example), input_key(example), Algorithm::HS256);
    SIGNET_ASSERT_OK(token);
    CompactParts parts = split_compact(*token);
    parts.payload.clear();  // detach
    EXPECT_EQ(parts.compact(), output_compact(example));
}

}  // namespace
}  // namespace signet::vectors
