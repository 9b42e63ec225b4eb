// Issuing JWTs (RFC 7519 §7.1) with Signer: the algorithm comes from the key or the caller and
// must be allowed by the key; the header carries "typ" (default "JWT", §5.1), "kid" and the
// caller's members, never "alg", "b64" or "crit" from the caller.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "signet/signet.hpp"
#include "test_support.hpp"

namespace signet {
namespace {

namespace json = boost::json;
using testing::b64;
using testing::key_set;
using testing::public_of;
using testing::test_key;

Jwk unbound(Algorithm alg) {
    json::object obj = test_key(alg).to_json(true);
    obj.erase("alg");
    return Jwk::parse(json::serialize(obj)).value();
}

Claims sample_claims() {
    Claims c;
    c.set_subject("alice").set("scope", "read write").set("n", json::value(7));
    return c;
}

TEST(Signer, SignsWithTheKeysAlgorithmByDefault) {
    for (Algorithm alg : all_algorithms()) {
        auto signer = Signer::create(test_key(alg));
        ASSERT_TRUE(signer) << to_string(alg) << ": " << signer.error().to_string();
        EXPECT_EQ(signer->algorithm(), alg);
        EXPECT_EQ(signer->key().kid(), test_key(alg).kid());
        auto token = signer->sign(sample_claims());
        ASSERT_TRUE(token) << to_string(alg);
        auto decoded = decode_without_verification(*token);
        ASSERT_TRUE(decoded);
        EXPECT_EQ(decoded->header.at("alg").as_string(), to_string(alg));
        EXPECT_EQ(decoded->payload, sample_claims().json());
        // The token verifies with the public half.
        VerifierOptions o;
        o.keys = key_set({public_of(test_key(alg))});
        auto claims = Verifier::create(o).value().verify(*token);
        ASSERT_TRUE(claims) << to_string(alg) << ": " << claims.error().to_string();
        EXPECT_EQ(claims->subject(), "alice");
    }
}

TEST(Signer, ExplicitAlgorithmForAnUnboundKey) {
    auto signer = Signer::create(unbound(Algorithm::RS256), Algorithm::PS512);
    ASSERT_TRUE(signer) << signer.error().to_string();
    EXPECT_EQ(signer->algorithm(), Algorithm::PS512);
    auto token = signer->sign(sample_claims());
    ASSERT_TRUE(token);
    EXPECT_EQ(CompactJws::parse(*token)->alg_name(), "PS512");
}

TEST(Signer, RefusesWithoutAnyAlgorithm) {
    EXPECT_EQ(Signer::create(unbound(Algorithm::ES256)).code(), Errc::invalid_argument);
}

TEST(Signer, RefusesAlgorithmTheKeyIsNotBoundTo) {
    EXPECT_EQ(Signer::create(test_key(Algorithm::RS256), Algorithm::PS256).code(),
              Errc::key_alg_mismatch);
    EXPECT_EQ(Signer::create(test_key(Algorithm::ES256), Algorithm::ES384).code(),
              Errc::key_alg_mismatch);
    EXPECT_EQ(Signer::create(test_key(Algorithm::HS256), Algorithm::RS256).code(),
              Errc::key_alg_mismatch);
}

TEST(Signer, RefusesPublicKeys) {
    for (Algorithm alg : {Algorithm::RS256, Algorithm::ES512, Algorithm::EdDSA}) {
        EXPECT_EQ(Signer::create(public_of(test_key(alg))).code(), Errc::invalid_key)
            << to_string(alg);
    }
}

TEST(Signer, RefusesWeakHmacKey) {
    auto weak = Jwk::parse(R"({"kty":"oct","k":")" + b64(std::string(31, 'k')) + R"("})");
    ASSERT_TRUE(weak);
    EXPECT_EQ(Signer::create(*weak, Algorithm::HS256).code(), Errc::weak_key);
}

TEST(Signer, RefusesKeyForEncryption) {
    json::object obj = test_key(Algorithm::ES256).to_json(true);
    obj["use"] = "enc";
    EXPECT_EQ(Signer::create(Jwk::parse(json::serialize(obj)).value()).code(),
              Errc::key_use_mismatch);
    obj["use"] = "sig";
    obj["key_ops"] = json::array{"verify"};
    EXPECT_EQ(Signer::create(Jwk::parse(json::serialize(obj)).value()).code(),
              Errc::key_use_mismatch);
}

TEST(Signer, WritesTypJwtByDefault) {
    auto signer = Signer::create(test_key(Algorithm::HS256)).value();
    const json::object header = CompactJws::parse(signer.sign(sample_claims()).value())->header();
    EXPECT_EQ(header.at("typ").as_string(), "JWT");
    EXPECT_EQ(header.at("kid").as_string(), "HS256-key");
    EXPECT_EQ(header.at("alg").as_string(), "HS256");
}

TEST(Signer, TypeSetsOrRemovesTyp) {
    auto signer = Signer::create(test_key(Algorithm::ES256)).value();
    signer.type("at+jwt");
    const std::string token = signer.sign(sample_claims()).value();
    EXPECT_EQ(CompactJws::parse(token)->header().at("typ").as_string(), "at+jwt");
    signer.type("");
    const std::string untyped = signer.sign(sample_claims()).value();
    EXPECT_FALSE(CompactJws::parse(untyped)->header().contains("typ"));
}

TEST(Signer, AddsCallerHeaderMembers) {
    auto signer = Signer::create(test_key(Algorithm::EdDSA)).value();
    signer.header("x5t#S256", "abc").header("kid", "override");
    const json::object header = CompactJws::parse(signer.sign(sample_claims()).value())->header();
    EXPECT_EQ(header.at("x5t#S256").as_string(), "abc");
    EXPECT_EQ(header.at("kid").as_string(), "override");
}

TEST(Signer, RefusesCallerAlgB64AndCrit) {
    const std::pair<const char*, json::value> members[] = {
        {"alg", json::value("none")},
        {"b64", json::value(false)},
        {"crit", json::value(json::array{"exp"})},
    };
    for (const auto& [name, value] : members) {
        auto signer = Signer::create(test_key(Algorithm::HS256)).value();
        signer.header(name, value);
        EXPECT_EQ(signer.sign(sample_claims()).code(), Errc::invalid_argument) << name;
    }
}

TEST(Signer, TokensAreDeterministicForHmacAndEdDsa) {
    for (Algorithm alg : {Algorithm::HS512, Algorithm::EdDSA}) {
        auto signer = Signer::create(test_key(alg)).value();
        EXPECT_EQ(signer.sign(sample_claims()).value(), signer.sign(sample_claims()).value())
            << to_string(alg);
    }
}

TEST(Signer, PayloadIsTheClaimsJson) {
    auto signer = Signer::create(test_key(Algorithm::HS256)).value();
    const std::string token = signer.sign(sample_claims()).value();
    auto parsed = CompactJws::parse(token);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(json::parse(parsed->payload().value()).as_object(), sample_claims().json());
}

}  // namespace
}  // namespace signet
