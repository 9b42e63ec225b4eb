// Freshness from Cache-Control and Age (RFC 9111 §5.2.2.1, §5.1, §4.2.1).
#include "jwks_client/cache_control.hpp"

#include <gtest/gtest.h>

namespace signet::jwks_client {
namespace {

using std::chrono::seconds;

TEST(CacheControl, MaxAgeLessAge) {
    EXPECT_EQ(stated_lifetime("max-age=600", ""), seconds(600));
    EXPECT_EQ(stated_lifetime("public, max-age=600, must-revalidate", "100"), seconds(500));
    EXPECT_EQ(stated_lifetime("MAX-AGE = 60", ""), seconds(60));
    EXPECT_EQ(stated_lifetime("max-age=\"90\"", ""), seconds(90));
    EXPECT_EQ(stated_lifetime("max-age=60", "600"), seconds(0));  // already older than allowed
}

TEST(CacheControl, NoStatementIsNoLifetime) {
    EXPECT_EQ(stated_lifetime("", ""), std::nullopt);
    EXPECT_EQ(stated_lifetime("public", "10"), std::nullopt);
}

TEST(CacheControl, NoStoreNoCacheAndBadMaxAgeMeanRevalidate) {
    EXPECT_EQ(stated_lifetime("no-store", ""), seconds(0));
    EXPECT_EQ(stated_lifetime("max-age=600, no-cache", ""), seconds(0));
    EXPECT_EQ(stated_lifetime("max-age=abc", ""), seconds(0));
    EXPECT_EQ(stated_lifetime("max-age=-5", ""), seconds(0));
    EXPECT_EQ(stated_lifetime("max-age=10, max-age=20", ""), seconds(0));  // §4.2.1: conflicting
}

TEST(CacheControl, HugeValuesSaturateInsteadOfOverflowing) {
    const auto lifetime = stated_lifetime("max-age=99999999999999999999999", "");
    ASSERT_TRUE(lifetime);
    EXPECT_GE(*lifetime, seconds(2147483647));
}

}  // namespace
}  // namespace signet::jwks_client
