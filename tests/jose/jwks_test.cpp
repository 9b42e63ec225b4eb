// JWK Sets (RFC 7517 §5): ambiguity rules (duplicate "kid", mixed symmetric and asymmetric keys),
// skipping of unimplemented key types, whole-set failure on invalid keys, the size bound, lookup,
// public halves and JSON round trips.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "signet/signet.hpp"
#include "test_support.hpp"

namespace signet {
namespace {

namespace json = boost::json;
using testing::b64;
using testing::public_of;
using testing::read_vector;
using testing::test_key;

json::object jwks_of(std::initializer_list<json::object> keys) {
    json::array arr;
    for (const auto& k : keys)
        arr.emplace_back(k);
    return json::object{{"keys", std::move(arr)}};
}

json::object oct_json(std::string kid, char fill = 'k') {
    return json::object{{"kty", "oct"}, {"k", b64(std::string(32, fill))}, {"kid", kid}};
}

TEST(KeySet, ParsesPublicKeysOfSeveralTypes) {
    const json::object set =
        jwks_of({test_key(Algorithm::RS256).to_json(), test_key(Algorithm::ES256).to_json(),
                 test_key(Algorithm::EdDSA).to_json()});
    auto keys = KeySet::parse(json::serialize(set));
    ASSERT_TRUE(keys) << keys.error().to_string();
    EXPECT_EQ(keys->size(), 3u);
    EXPECT_FALSE(keys->empty());
    ASSERT_NE(keys->find("ES256-key"), nullptr);
    EXPECT_EQ(keys->find("ES256-key")->kty(), KeyType::EC);
    EXPECT_EQ(keys->find("missing"), nullptr);
    EXPECT_EQ(keys->find(""), nullptr);
}

// What a user pastes: a JWK Set, one JWK, or a PEM key, told apart by their first bytes.
TEST(KeySet, ParseAnyReadsAJwkSetAJwkOrAPemKey) {
    const Jwk& es256 = test_key(Algorithm::ES256);
    const std::string jwk = json::serialize(es256.to_json());
    const std::string set =
        json::serialize(jwks_of({es256.to_json(), test_key(Algorithm::RS256).to_json()}));
    auto pem = es256.to_pem(true);
    ASSERT_TRUE(pem) << pem.error().to_string();

    EXPECT_EQ(detect_key_text_format(set), KeyTextFormat::jwks);
    EXPECT_EQ(detect_key_text_format(jwk), KeyTextFormat::jwk);
    EXPECT_EQ(detect_key_text_format("\n  " + *pem), KeyTextFormat::pem);
    EXPECT_EQ(detect_key_text_format("not a key"), KeyTextFormat::jwk);

    auto from_set = KeySet::parse_any(set);
    ASSERT_TRUE(from_set) << from_set.error().to_string();
    EXPECT_EQ(from_set->size(), 2u);
    auto from_jwk = KeySet::parse_any(jwk);
    ASSERT_TRUE(from_jwk) << from_jwk.error().to_string();
    ASSERT_EQ(from_jwk->size(), 1u);
    EXPECT_EQ(from_jwk->keys().front().kid(), "ES256-key");
    auto from_pem = KeySet::parse_any("\n  " + *pem);
    ASSERT_TRUE(from_pem) << from_pem.error().to_string();
    ASSERT_EQ(from_pem->size(), 1u);
    EXPECT_EQ(from_pem->keys().front().thumbprint(), es256.public_key()->thumbprint());

    // Not a key at all: the JWK parser's error, never an empty set.
    auto garbage = KeySet::parse_any("not a key");
    ASSERT_FALSE(garbage);
    EXPECT_EQ(garbage.code(), Errc::bad_json);
    EXPECT_FALSE(KeySet::parse_any("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"));
}

TEST(KeySet, ParsesRfc7517Examples) {
    auto pub = KeySet::parse(read_vector("rfc-examples/rfc7517_A.1.jwkset"));
    ASSERT_TRUE(pub) << pub.error().to_string();
    EXPECT_EQ(pub->size(), 2u);
    auto priv = KeySet::parse(read_vector("rfc-examples/rfc7517_A.2.jwkset"));
    ASSERT_TRUE(priv) << priv.error().to_string();
    EXPECT_EQ(priv->size(), 2u);
    for (const Jwk& k : *priv)
        EXPECT_TRUE(k.is_private());
}

TEST(KeySet, RejectsDuplicateKidAsAmbiguous) {
    json::object a = test_key(Algorithm::ES256).to_json();
    json::object b = test_key(Algorithm::ES384).to_json();
    b["kid"] = a.at("kid");
    EXPECT_EQ(KeySet::parse(json::serialize(jwks_of({a, b}))).code(), Errc::ambiguous_key_set);
    // The same key twice under one kid is just as ambiguous.
    EXPECT_EQ(KeySet::parse(json::serialize(jwks_of({a, a}))).code(), Errc::ambiguous_key_set);
    EXPECT_EQ(KeySet::parse(json::serialize(jwks_of({oct_json("s"), oct_json("s", 'x')}))).code(),
              Errc::ambiguous_key_set);
}

TEST(KeySet, AllowsSeveralKeysWithoutKid) {
    json::object a = test_key(Algorithm::ES256).to_json();
    json::object b = test_key(Algorithm::EdDSA).to_json();
    a.erase("kid");
    b.erase("kid");
    auto keys = KeySet::parse(json::serialize(jwks_of({a, b})));
    ASSERT_TRUE(keys) << keys.error().to_string();
    EXPECT_EQ(keys->size(), 2u);
}

TEST(KeySet, RejectsMixedSymmetricAndAsymmetricKeys) {
    EXPECT_EQ(KeySet::parse(
                  json::serialize(jwks_of({test_key(Algorithm::ES256).to_json(), oct_json("s")})))
                  .code(),
              Errc::ambiguous_key_set);
    EXPECT_EQ(KeySet::parse(
                  json::serialize(jwks_of({oct_json("s"), test_key(Algorithm::RS256).to_json()})))
                  .code(),
              Errc::ambiguous_key_set);
    EXPECT_EQ(KeySet::from_keys({test_key(Algorithm::HS256), public_of(test_key(Algorithm::ES256))})
                  .code(),
              Errc::ambiguous_key_set);
    KeySet set;
    ASSERT_TRUE(set.add(test_key(Algorithm::HS256)));
    EXPECT_EQ(set.add(public_of(test_key(Algorithm::EdDSA))).code(), Errc::ambiguous_key_set);
    EXPECT_EQ(set.size(), 1u);
}

TEST(KeySet, AddRejectsDuplicateKid) {
    KeySet set;
    ASSERT_TRUE(set.add(public_of(test_key(Algorithm::ES256))));
    EXPECT_EQ(set.add(public_of(test_key(Algorithm::ES384)).with_kid("ES256-key")).code(),
              Errc::ambiguous_key_set);
    EXPECT_EQ(set.size(), 1u);
    EXPECT_TRUE(set.add(public_of(test_key(Algorithm::ES384))));
    EXPECT_EQ(set.size(), 2u);
}

TEST(KeySet, AllowsSeveralSymmetricKeys) {
    auto keys = KeySet::parse(json::serialize(jwks_of({oct_json("a"), oct_json("b", 'x')})));
    ASSERT_TRUE(keys) << keys.error().to_string();
    EXPECT_EQ(keys->size(), 2u);
}

TEST(KeySet, SkipsUnknownKeyTypesAndCurves) {
    const json::object unknown_kty{{"kty", "DSA"}, {"kid", "d"}, {"y", "AAAA"}};
    json::object unknown_crv = test_key(Algorithm::ES256).to_json();
    unknown_crv["crv"] = "P-192";
    unknown_crv["kid"] = "p192";
    auto keys = KeySet::parse(
        json::serialize(jwks_of({unknown_kty, test_key(Algorithm::EdDSA).to_json(), unknown_crv})));
    ASSERT_TRUE(keys) << keys.error().to_string();
    EXPECT_EQ(keys->size(), 1u);
    EXPECT_NE(keys->find("EdDSA-key"), nullptr);
    EXPECT_EQ(keys->find("d"), nullptr);
    EXPECT_EQ(keys->find("p192"), nullptr);
}

TEST(KeySet, InvalidKeyFailsTheWholeSet) {
    json::object off_curve = test_key(Algorithm::ES256).to_json();
    std::string y = base64url_decode(off_curve.at("y").as_string()).value();
    y.back() = static_cast<char>(y.back() ^ 1);
    off_curve["y"] = b64(y);
    auto r =
        KeySet::parse(json::serialize(jwks_of({test_key(Algorithm::EdDSA).to_json(), off_curve})));
    EXPECT_EQ(r.code(), Errc::invalid_key);
    // The message says which key.
    EXPECT_NE(r.error().message().find("key 1"), std::string::npos) << r.error().message();

    json::object weak{
        {"kty", "RSA"}, {"n", b64(std::string(128, '\xc5'))}, {"e", "AQAB"}, {"kid", "weak"}};
    EXPECT_EQ(KeySet::parse(json::serialize(jwks_of({weak}))).code(), Errc::weak_key);
}

TEST(KeySet, RejectsMalformedSets) {
    EXPECT_EQ(KeySet::parse(R"({})").code(), Errc::invalid_key);
    EXPECT_EQ(KeySet::parse(R"({"keys":{}})").code(), Errc::invalid_key);
    EXPECT_EQ(KeySet::parse(R"({"keys":"x"})").code(), Errc::invalid_key);
    EXPECT_EQ(KeySet::parse(R"({"keys":[1]})").code(), Errc::invalid_key);
    EXPECT_EQ(KeySet::parse(R"({"keys":[[]]})").code(), Errc::invalid_key);
    EXPECT_EQ(KeySet::parse(R"([])").code(), Errc::bad_json);
    EXPECT_EQ(KeySet::parse(R"({"keys":[],"keys":[]})").code(), Errc::duplicate_member);
    EXPECT_TRUE(KeySet::parse(R"({"keys":[]})"));
    EXPECT_TRUE(KeySet::parse(R"({"keys":[]})")->empty());
}

TEST(KeySet, AcceptsAtMost1000Keys) {
    auto build = [](std::size_t n) {
        json::array arr;
        for (std::size_t i = 0; i < n; ++i)
            arr.emplace_back(oct_json("k" + std::to_string(i)));
        return json::serialize(json::object{{"keys", std::move(arr)}});
    };
    auto thousand = KeySet::parse(build(1000));
    ASSERT_TRUE(thousand) << thousand.error().to_string();
    EXPECT_EQ(thousand->size(), 1000u);
    EXPECT_EQ(KeySet::parse(build(1001)).code(), Errc::invalid_key);

    KeySet set = *thousand;
    EXPECT_EQ(
        set.add(Jwk::from_secret(std::string(32, 'z'), Algorithm::HS256)->with_kid("extra")).code(),
        Errc::invalid_argument);
    EXPECT_EQ(set.size(), 1000u);
    // Every key is found by its "kid" through the index; near misses are not.
    for (std::size_t i = 0; i < 1000; ++i) {
        const std::string kid = "k" + std::to_string(i);
        const Jwk* key = set.find(kid);
        ASSERT_NE(key, nullptr) << kid;
        EXPECT_EQ(key->kid(), kid);
        EXPECT_EQ(key, &set.keys()[i]);
    }
    EXPECT_EQ(set.find("k1000"), nullptr);
    EXPECT_EQ(set.find("k"), nullptr);
    EXPECT_EQ(set.find(""), nullptr);
}

TEST(KeySet, FindsByKidInAnyOrderOfAdditionAndInThePublicSet) {
    KeySet set;
    for (const char* kid : {"m", "b", "z", "a", "q"}) {
        ASSERT_TRUE(set.add(Jwk::generate(Algorithm::ES256).value().with_kid(kid)));
    }
    ASSERT_TRUE(set.add(Jwk::generate(Algorithm::ES256).value().with_kid("")));
    const KeySet pub = set.public_keys().value();
    for (const KeySet* s : std::initializer_list<const KeySet*>{&set, &pub}) {
        for (std::size_t i = 0; i < 5; ++i) {
            const Jwk* key = s->find(s->keys()[i].kid());
            ASSERT_NE(key, nullptr);
            EXPECT_EQ(key, &s->keys()[i]);
        }
        EXPECT_EQ(s->find(""), nullptr);  // a key without "kid" is not found by an empty one
        EXPECT_EQ(s->find("c"), nullptr);
    }
}

TEST(KeySet, PublicKeysDropsPrivateHalves) {
    auto set = KeySet::from_keys(
        {test_key(Algorithm::RS256), test_key(Algorithm::ES512), test_key(Algorithm::EdDSA)});
    ASSERT_TRUE(set);
    auto pub = set->public_keys();
    ASSERT_TRUE(pub);
    ASSERT_EQ(pub->size(), 3u);
    for (const Jwk& k : *pub)
        EXPECT_FALSE(k.is_private()) << k.kid();
    const std::string text = pub->to_json_string(true);
    for (const char* m : {"\"d\"", "\"p\"", "\"q\"", "\"dp\"", "\"qi\""}) {
        EXPECT_EQ(text.find(m), std::string::npos) << m;
    }
    EXPECT_EQ(pub->find("RS256-key")->thumbprint(), test_key(Algorithm::RS256).thumbprint());
}

TEST(KeySet, PublicKeysFailsForSymmetricKeys) {
    auto set = KeySet::from_keys({test_key(Algorithm::HS256)});
    ASSERT_TRUE(set);
    EXPECT_EQ(set->public_keys().code(), Errc::invalid_argument);
}

TEST(KeySet, JsonRoundTrips) {
    auto set = KeySet::from_keys(
        {test_key(Algorithm::PS256), test_key(Algorithm::ES256K), test_key(Algorithm::EdDSA)});
    ASSERT_TRUE(set);
    for (bool include_private : {false, true}) {
        const std::string text = set->to_json_string(include_private);
        auto again = KeySet::parse(text);
        ASSERT_TRUE(again) << again.error().to_string();
        EXPECT_EQ(again->to_json(include_private), set->to_json(include_private));
        EXPECT_EQ(json::parse(text).as_object(), set->to_json(include_private));
        for (const Jwk& k : *again)
            EXPECT_EQ(k.is_private(), include_private) << k.kid();
    }
    // Private members only on request.
    EXPECT_EQ(set->to_json_string().find("\"d\""), std::string::npos);
    EXPECT_NE(set->to_json_string(true).find("\"d\""), std::string::npos);
}

TEST(KeySet, FromJsonMatchesParse) {
    const json::object obj = jwks_of({test_key(Algorithm::ES256).to_json()});
    auto a = KeySet::from_json(obj);
    ASSERT_TRUE(a);
    EXPECT_EQ(a->to_json(), KeySet::parse(json::serialize(obj))->to_json());
}

}  // namespace
}  // namespace signet
