// RFC 7517 Appendix A and B examples: the public (A.1), private (A.2) and symmetric (A.3) key sets
// and the RSA key with an X.509 chain (B) parse, keep their members, and serialize back unchanged.
#include <gtest/gtest.h>

#include <string>

#include "vectors/vector_support.hpp"

namespace signet::vectors {
namespace {

TEST(Rfc7517, A1PublicKeySetParsesAndSerializesBack) {
    const std::string text = read_vector_file("rfc-examples/rfc7517_A.1.jwkset");
    auto set = KeySet::parse(text);
    SIGNET_ASSERT_OK(set);
    ASSERT_EQ(set->size(), 2U);

    const Jwk* ec = set->find("1");
    ASSERT_NE(ec, nullptr);
    EXPECT_EQ(ec->kty(), KeyType::EC);
    EXPECT_EQ(ec->curve(), Curve::P256);
    EXPECT_EQ(ec->use(), "enc");
    EXPECT_FALSE(ec->is_private());

    const Jwk* rsa = set->find("2011-04-29");
    ASSERT_NE(rsa, nullptr);
    EXPECT_EQ(rsa->kty(), KeyType::RSA);
    EXPECT_EQ(rsa->alg(), Algorithm::RS256);
    EXPECT_EQ(rsa->bits(), 2048U);
    EXPECT_FALSE(rsa->is_private());

    EXPECT_EQ(set->to_json(), boost::json::parse(text).as_object());
}

TEST(Rfc7517, A2PrivateKeySetHasTheA1KeysAsPublicHalves) {
    auto private_set = KeySet::parse(read_vector_file("rfc-examples/rfc7517_A.2.jwkset"));
    SIGNET_ASSERT_OK(private_set);
    ASSERT_EQ(private_set->size(), 2U);
    for (const Jwk& key : *private_set)
        EXPECT_TRUE(key.is_private()) << key.kid();

    const std::string a1 = read_vector_file("rfc-examples/rfc7517_A.1.jwkset");
    auto public_set = private_set->public_keys();
    SIGNET_ASSERT_OK(public_set);
    EXPECT_EQ(public_set->to_json(), boost::json::parse(a1).as_object());

    auto a1_set = KeySet::parse(a1);
    SIGNET_ASSERT_OK(a1_set);
    for (std::size_t i = 0; i < 2; ++i) {
        EXPECT_EQ(private_set->keys()[i].thumbprint(), a1_set->keys()[i].thumbprint()) << i;
    }
}

TEST(Rfc7517, A2PrivateMembersAreWrittenOnlyOnRequest) {
    const std::string text = read_vector_file("rfc-examples/rfc7517_A.2.jwkset");
    auto set = KeySet::parse(text);
    SIGNET_ASSERT_OK(set);
    EXPECT_EQ(set->to_json(true), boost::json::parse(text).as_object());
    const boost::json::object public_json = set->to_json();
    for (const auto& key : public_json.at("keys").as_array()) {
        EXPECT_FALSE(key.as_object().contains("d"));
    }
}

TEST(Rfc7517, A3SymmetricKeySetParses) {
    auto set = KeySet::parse(read_vector_file("rfc-examples/rfc7517_A.3.jwkset"));
    SIGNET_ASSERT_OK(set);
    ASSERT_EQ(set->size(), 2U);

    // A128KW key: bound to a key-wrapping algorithm, so it may verify no JWS.
    const Jwk& kw = set->keys()[0];
    EXPECT_EQ(kw.kty(), KeyType::oct);
    EXPECT_EQ(kw.alg_name(), "A128KW");
    EXPECT_FALSE(kw.alg().has_value());
    EXPECT_EQ(kw.bits(), 128U);
    EXPECT_TRUE(kw.allowed_algorithms().empty());

    // The HMAC key of RFC 7515 A.1: 512 bits, no "alg", so every HS algorithm fits.
    const Jwk* mac = set->find("HMACkeyusedinJWSspecAppendixA.1example");
    ASSERT_NE(mac, nullptr);
    EXPECT_EQ(mac->bits(), 512U);
    EXPECT_TRUE(mac->allows(Algorithm::HS256));
    EXPECT_TRUE(mac->allows(Algorithm::HS512));
    EXPECT_FALSE(mac->allows(Algorithm::RS256));

    // Symmetric keys have no public half.
    EXPECT_FALSE(set->public_keys().ok());
}

TEST(Rfc7517, BRsaKeyKeepsItsCertificateChain) {
    const std::string text = read_vector_file("rfc-examples/rfc7517_B.jwk");
    auto key = Jwk::parse(text);
    SIGNET_ASSERT_OK(key);
    EXPECT_EQ(key->kty(), KeyType::RSA);
    EXPECT_EQ(key->kid(), "1b94c");
    EXPECT_EQ(key->use(), "sig");
    EXPECT_EQ(key->bits(), 2048U);
    const auto original = boost::json::parse(text).as_object();
    const auto written = key->to_json();
    ASSERT_TRUE(written.contains("x5c"));
    EXPECT_EQ(written.at("x5c"), original.at("x5c"));
    EXPECT_EQ(written, original);
}

}  // namespace
}  // namespace signet::vectors
