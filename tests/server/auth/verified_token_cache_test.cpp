// The verified-token cache: exact-match lookups, expiry, key generations, bounded size.
#include "server/auth/verified_token_cache.hpp"

#include <gtest/gtest.h>

#include <string>

namespace signet::server {
namespace {

CachedToken claims(std::int64_t exp, std::int64_t nbf = 0) {
    return CachedToken{"u_1", "a@example.com", "jti-1", exp, nbf, 0};
}

TEST(VerifiedTokenCache, ReturnsOnlyTheExactTokenItStored) {
    VerifiedTokenCache cache;
    cache.insert("aaa.bbb.ccc", 1, claims(1000), 0);
    ASSERT_TRUE(cache.find("aaa.bbb.ccc", 1, 500, 0).has_value());
    EXPECT_EQ(cache.find("aaa.bbb.ccc", 1, 500, 0)->user_id, "u_1");
    EXPECT_FALSE(cache.find("aaa.bbb.ccd", 1, 500, 0).has_value());
    EXPECT_FALSE(cache.find("aaa.bbb.cc", 1, 500, 0).has_value());
}

TEST(VerifiedTokenCache, StopsMatchingAtExpiryAndBeforeNotBefore) {
    VerifiedTokenCache cache;
    cache.insert("t1", 1, claims(1000), 0);
    EXPECT_TRUE(cache.find("t1", 1, 999, 0).has_value());
    EXPECT_FALSE(cache.find("t1", 1, 1000, 0).has_value());  // exp is exclusive
    cache.insert("t2", 1, claims(1000, 600), 0);
    EXPECT_FALSE(cache.find("t2", 1, 599, 0).has_value());
    cache.insert("t2", 1, claims(1000, 600), 0);
    EXPECT_TRUE(cache.find("t2", 1, 599, 5).has_value());  // leeway
}

TEST(VerifiedTokenCache, ForgetsTokensVerifiedUnderOtherKeys) {
    VerifiedTokenCache cache;
    cache.insert("t1", 1, claims(1000), 0);
    EXPECT_FALSE(cache.find("t1", 2, 500, 0).has_value());
    EXPECT_FALSE(cache.find("t1", 1, 500, 0).has_value());  // dropped on the mismatch
}

TEST(VerifiedTokenCache, StaysWithinItsCapacity) {
    VerifiedTokenCache cache(32);
    for (int i = 0; i < 10000; ++i)
        cache.insert("token-" + std::to_string(i), 1, claims(1000), 0);
    int hits = 0;
    for (int i = 0; i < 10000; ++i) {
        if (cache.find("token-" + std::to_string(i), 1, 500, 0)) ++hits;
    }
    EXPECT_GT(hits, 0);
    EXPECT_LE(hits, 32);
}

}  // namespace
}  // namespace signet::server

namespace signet::server {
namespace {

TEST(VerifiedTokenCache, CapacityZeroCachesNothing) {
    VerifiedTokenCache cache(0);
    cache.insert("t1", 1, claims(1000), 0);
    EXPECT_FALSE(cache.find("t1", 1, 500, 0).has_value());
}

}  // namespace
}  // namespace signet::server
