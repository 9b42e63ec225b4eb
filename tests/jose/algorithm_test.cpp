// Algorithm, key type and curve names (RFC 7518 §3.1, §6.1; RFC 8037; RFC 8812): exact,
// case-sensitive parsing, "none" never an Algorithm, and the facts each algorithm implies.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "signet/algorithm.hpp"
#include "signet/error.hpp"

namespace signet {
namespace {

TEST(Algorithm, AllAlgorithmsRoundTripThroughTheirNames) {
    const std::set<std::string> expected{"HS256", "HS384", "HS512",  "RS256", "RS384",
                                         "RS512", "PS256", "PS384",  "PS512", "ES256",
                                         "ES384", "ES512", "ES256K", "EdDSA"};
    std::set<std::string> seen;
    for (Algorithm a : all_algorithms()) {
        const std::string name(to_string(a));
        seen.insert(name);
        ASSERT_TRUE(parse_algorithm(name).has_value()) << name;
        EXPECT_EQ(*parse_algorithm(name), a) << name;
    }
    EXPECT_EQ(seen, expected);
}

TEST(Algorithm, NoneIsNotAnAlgorithm) {
    for (const char* name : {"none", "None", "NONE", "nOnE"}) {
        EXPECT_FALSE(parse_algorithm(name).has_value()) << name;
    }
}

TEST(Algorithm, NamesAreCaseSensitiveAndExact) {
    for (const char* name : {"hs256", "Hs256", "HS256 ", " HS256", "HS 256", "eddsa", "EDDSA",
                             "ES256k", "HS25", "HS2566", "RSA-OAEP", ""}) {
        EXPECT_FALSE(parse_algorithm(name).has_value()) << name;
    }
    EXPECT_FALSE(parse_algorithm(std::string_view("HS256\0", 6)).has_value());
}

TEST(Algorithm, KeyTypeAndCurveFollowTheRfc) {
    EXPECT_EQ(key_type_for(Algorithm::HS384), KeyType::oct);
    EXPECT_EQ(key_type_for(Algorithm::PS512), KeyType::RSA);
    EXPECT_EQ(key_type_for(Algorithm::RS256), KeyType::RSA);
    EXPECT_EQ(key_type_for(Algorithm::ES256K), KeyType::EC);
    EXPECT_EQ(key_type_for(Algorithm::EdDSA), KeyType::OKP);
    EXPECT_EQ(curve_for(Algorithm::ES256), Curve::P256);
    EXPECT_EQ(curve_for(Algorithm::ES384), Curve::P384);
    EXPECT_EQ(curve_for(Algorithm::ES512), Curve::P521);
    EXPECT_EQ(curve_for(Algorithm::ES256K), Curve::secp256k1);
    EXPECT_EQ(curve_for(Algorithm::EdDSA), Curve::none);
    EXPECT_EQ(curve_for(Algorithm::RS256), Curve::none);
}

TEST(Algorithm, HmacMinimumKeySizeIsTheHashSize) {
    EXPECT_EQ(min_hmac_key_bytes(Algorithm::HS256), 32u);
    EXPECT_EQ(min_hmac_key_bytes(Algorithm::HS384), 48u);
    EXPECT_EQ(min_hmac_key_bytes(Algorithm::HS512), 64u);
    EXPECT_TRUE(is_hmac(Algorithm::HS512));
    EXPECT_FALSE(is_hmac(Algorithm::RS256));
    EXPECT_FALSE(is_hmac(Algorithm::EdDSA));
}

TEST(Algorithm, KeyTypeNamesParseExactly) {
    EXPECT_EQ(parse_key_type("oct"), KeyType::oct);
    EXPECT_EQ(parse_key_type("RSA"), KeyType::RSA);
    EXPECT_EQ(parse_key_type("EC"), KeyType::EC);
    EXPECT_EQ(parse_key_type("OKP"), KeyType::OKP);
    for (const char* name : {"OCT", "rsa", "ec", "okp", "", "DSA"}) {
        EXPECT_FALSE(parse_key_type(name).has_value()) << name;
    }
    EXPECT_EQ(to_string(KeyType::OKP), "OKP");
}

TEST(Algorithm, CurveNamesParseExactly) {
    const std::pair<const char*, Curve> known[] = {
        {"P-256", Curve::P256},          {"P-384", Curve::P384},      {"P-521", Curve::P521},
        {"secp256k1", Curve::secp256k1}, {"Ed25519", Curve::Ed25519}, {"Ed448", Curve::Ed448},
        {"X25519", Curve::X25519},       {"X448", Curve::X448}};
    for (const auto& [name, curve] : known) {
        EXPECT_EQ(parse_curve(name), curve) << name;
        EXPECT_EQ(to_string(curve), name);
    }
    for (const char* name : {"", "p-256", "P256", "prime256v1", "secp256r1", "ed25519", "P-512"}) {
        EXPECT_FALSE(parse_curve(name).has_value()) << name;
    }
}

TEST(Errors, CodeNamesAreSnakeCase) {
    EXPECT_EQ(to_string(Errc::bad_signature), "bad_signature");
    EXPECT_EQ(to_string(Errc::alg_not_allowed), "alg_not_allowed");
    EXPECT_EQ(to_string(Errc::ambiguous_key_set), "ambiguous_key_set");
    EXPECT_EQ(to_string(Errc::crypto_failure), "crypto_failure");
    const Error e(Errc::expired, "the token expired");
    EXPECT_EQ(e.to_string(), "expired: the token expired");
    const std::error_code ec = Errc::bad_audience;
    EXPECT_EQ(ec.category().name(), error_category().name());
    EXPECT_EQ(ec.value(), static_cast<int>(Errc::bad_audience));
}

TEST(Errors, ResultValueThrowsWithTheError) {
    Result<int> r(Errc::weak_key, "too small");
    EXPECT_FALSE(r);
    EXPECT_EQ(r.code(), Errc::weak_key);
    try {
        (void)r.value();
        FAIL() << "value() did not throw";
    } catch (const Exception& ex) {
        EXPECT_EQ(ex.error().code(), Errc::weak_key);
    }
    Result<int> ok(7);
    EXPECT_EQ(ok.code(), Errc::ok);
    EXPECT_EQ(ok.value(), 7);
}

}  // namespace
}  // namespace signet
