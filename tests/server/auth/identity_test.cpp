// Email normalization, password rules, random tokens and the SHA-256 that stores opaque tokens.
#include "server/auth/identity.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace signet::server {
namespace {

TEST(NormalizeEmail, TrimsAndLowerCases) {
    EXPECT_EQ(normalize_email("  Alice@Example.COM\n"), "alice@example.com");
}

TEST(NormalizeEmail, RejectsImplausibleAddresses) {
    for (const char* bad : {"", "alice", "@example.com", "alice@", "alice@example", "a@b@c.com",
                            "alice @example.com", "alice@.example.com", "alice@example..com",
                            "alice@example.com.", "<alice@example.com>", "al\"ice@example.com"}) {
        EXPECT_FALSE(normalize_email(bad).has_value()) << bad;
    }
    EXPECT_FALSE(normalize_email(std::string(65, 'a') + "@example.com").has_value());
    EXPECT_FALSE(normalize_email("a@" + std::string(250, 'b') + ".com").has_value());
    EXPECT_FALSE(normalize_email("al\xffice@example.com").has_value());  // not UTF-8
}

TEST(AcceptablePassword, CountsCodePointsBetween8And1024) {
    EXPECT_FALSE(acceptable_password("1234567"));
    EXPECT_TRUE(acceptable_password("12345678"));
    EXPECT_TRUE(acceptable_password(std::string(1024, 'x')));
    EXPECT_FALSE(acceptable_password(std::string(1025, 'x')));
    // Eight two-byte characters are eight characters, not sixteen.
    std::string accents;
    for (int i = 0; i < 7; ++i)
        accents += "\xc3\xa9";
    EXPECT_FALSE(acceptable_password(accents));
    EXPECT_TRUE(acceptable_password(accents + "\xc3\xa9"));
}

TEST(AcceptablePassword, RejectsMalformedUtf8) {
    EXPECT_FALSE(acceptable_password("abcdefg\xc3"));           // truncated
    EXPECT_FALSE(acceptable_password("abcdefgh\xc0\xaf"));      // overlong '/'
    EXPECT_FALSE(acceptable_password("abcdefgh\xed\xa0\x80"));  // a surrogate
}

TEST(RandomToken, HasTheRequestedEntropyAndNeverRepeats) {
    std::set<std::string> seen;
    for (int i = 0; i < 1000; ++i) {
        const std::string token = random_token(32);
        EXPECT_EQ(token.size(), 43u);  // 256 bits in unpadded base64url
        EXPECT_TRUE(seen.insert(token).second);
    }
    EXPECT_EQ(new_user_id().rfind("u_", 0), 0u);
}

TEST(Sha256Hex, MatchesTheFips180Example) {
    EXPECT_EQ(sha256_hex("abc"),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace signet::server
