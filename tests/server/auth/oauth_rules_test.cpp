// The rules of the provider that published examples pin down: PKCE S256 (RFC 7636 Appendix B),
// at_hash (OIDC Core Appendix A.3/A.4), and scope strings (RFC 6749 §3.3).
#include <gtest/gtest.h>

#include "server/auth/id_token_issuer.hpp"
#include "server/auth/oauth_grants.hpp"
#include "server/auth/scopes.hpp"

namespace signet::server {
namespace {

TEST(Pkce, TheRfc7636AppendixBVerifierMatchesItsChallenge) {
    constexpr std::string_view kVerifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    constexpr std::string_view kChallenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    EXPECT_TRUE(valid_code_verifier(kVerifier));
    EXPECT_TRUE(code_verifier_matches(kVerifier, kChallenge));
    EXPECT_FALSE(code_verifier_matches(kVerifier, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cN"));
    // "plain" would compare the verifier itself; S256 never does.
    EXPECT_FALSE(code_verifier_matches(kVerifier, kVerifier));
}

TEST(Pkce, VerifiersAre43To128UnreservedCharacters) {
    EXPECT_FALSE(valid_code_verifier(std::string(42, 'a')));
    EXPECT_TRUE(valid_code_verifier(std::string(43, 'a')));
    EXPECT_TRUE(valid_code_verifier(std::string(128, '~')));
    EXPECT_FALSE(valid_code_verifier(std::string(129, 'a')));
    EXPECT_FALSE(valid_code_verifier(std::string(42, 'a') + "+"));
    EXPECT_FALSE(valid_code_verifier(std::string(42, 'a') + " "));
}

TEST(AccessTokenHash, MatchesTheOidcCoreExample) {
    EXPECT_EQ(access_token_hash(Algorithm::RS256, Curve::none,
                                "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y"),
              "77QmUPtjPfzWtF2AnpK9RQ");
}

TEST(AccessTokenHash, IsTheLeftHalfOfTheAlgorithmsHash) {
    EXPECT_EQ(access_token_hash(Algorithm::ES256, Curve::P256, "t").size(), 22u);  // 16 bytes
    EXPECT_EQ(access_token_hash(Algorithm::ES384, Curve::P384, "t").size(), 32u);  // 24 bytes
    EXPECT_EQ(access_token_hash(Algorithm::PS512, Curve::none, "t").size(), 43u);  // 32 bytes
    EXPECT_EQ(access_token_hash(Algorithm::EdDSA, Curve::Ed25519, "t").size(), 43u);
    EXPECT_EQ(access_token_hash(Algorithm::EdDSA, Curve::Ed448, "t").size(), 76u);  // 57 bytes
    EXPECT_NE(access_token_hash(Algorithm::ES256, Curve::P256, "t"),
              access_token_hash(Algorithm::ES256, Curve::P256, "u"));
}

TEST(Scopes, AreSpaceSeparatedAndCaseSensitive) {
    EXPECT_TRUE(has_scope("openid email", "email"));
    EXPECT_FALSE(has_scope("openid email", "Email"));
    EXPECT_FALSE(has_scope("openidemail", "email"));
    EXPECT_TRUE(scopes_within("email", "openid  email"));
    EXPECT_FALSE(scopes_within("email api", "openid email"));
    EXPECT_EQ(supported_scopes("openid bogus email openid", {"openid", "email"}), "openid email");
    EXPECT_EQ(supported_scopes("bogus", {"openid"}), "");
    // An empty requirement is met by any token; an empty scope lists nothing.
    EXPECT_TRUE(scopes_within("", ""));
    EXPECT_TRUE(scopes_within("", "api"));
    EXPECT_FALSE(scopes_within("api", ""));
    EXPECT_FALSE(has_scope("", ""));
    EXPECT_TRUE(has_scope(" api  openid ", "openid"));
    EXPECT_EQ(split_scopes("  a b  c "), (std::vector<std::string_view>{"a", "b", "c"}));
}

}  // namespace
}  // namespace signet::server
