// A refresh-token family's absolute lifetime, over a real SQLite file: rotation never carries a
// family past it, and a family already past it does not refresh.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>

#include "server/auth/access_token_key_options.hpp"
#include "server/auth/identity.hpp"
#include "server/auth/key_manager.hpp"
#include "server/auth/revocation_list.hpp"
#include "server/auth/token_service.hpp"
#include "server/http/metrics.hpp"
#include "server/store/memory/memory_stores.hpp"
#include "server/store/sqlite/sqlite_stores.hpp"
#include "server/store/temp_dir.hpp"

namespace signet::server {
namespace {

constexpr std::int64_t kLogin = 1'900'000'000;
constexpr std::int64_t kHour = 3600;
constexpr std::int64_t kDay = 24 * kHour;

class RefreshFamilyLifetime : public ::testing::Test {
  protected:
    // Each refresh token lives 2 days; a family lives `family_lifetime` seconds.
    TokenService make_tokens(std::int64_t family_lifetime) {
        return TokenService{
            TokenSettings{.issuer = "https://issuer.example",
                          .audience = "api",
                          .scope = "",
                          .access_ttl = std::chrono::seconds(900),
                          .refresh_ttl = std::chrono::seconds(2 * kDay),
                          .refresh_family_max_lifetime = std::chrono::seconds(family_lifetime),
                          .leeway = std::chrono::seconds(0)},
            keys_,
            *stores_.users,
            *stores_.refresh_tokens,
            revocations_,
            metrics_};
    }
    User user() {
        User user{.id = "u1",
                  .email = "ada@example.com",
                  .password_hash = "unused",
                  .disabled = false,
                  .created_at = kLogin,
                  .password_generation = 0};
        if (!stores_.users->find_by_id(user.id)) stores_.users->create(user);
        return user;
    }
    std::int64_t stored_expiry(const std::string& refresh_token) {
        return stores_.refresh_tokens->find(sha256_hex(refresh_token))->expires_at;
    }

    test::TempDir dir_;
    SqliteStores stores_ = open_sqlite_stores(dir_ / "signet.db");
    RevocationList revocations_{make_memory_revocation_store()};
    KeyManager keys_{stores_.keys, test::access_token_key_options()};
    http::Metrics metrics_;
};

TEST_F(RefreshFamilyLifetime, AFamilyRotatedDailyEndsAtItsMaximumLifetime) {
    TokenService tokens = make_tokens(5 * kDay);
    const TokenPair first = tokens.issue(user(), kLogin);
    EXPECT_EQ(first.refresh_expires_in, 2 * kDay);
    EXPECT_EQ(stored_expiry(first.refresh_token), kLogin + 2 * kDay);

    // Each daily refresh is well inside the token's own lifetime; the family still ends.
    std::string refresh_token = first.refresh_token;
    for (std::int64_t day = 1; day <= 4; ++day) {
        const TokenService::RefreshResult refreshed =
            tokens.refresh(refresh_token, kLogin + day * kDay);
        ASSERT_TRUE(refreshed.pair.has_value()) << "day " << day;
        refresh_token = refreshed.pair->refresh_token;
        // Day 4's token would live to day 6; it is cut to the family's end on day 5.
        const std::int64_t expected_expiry = std::min(kLogin + (day + 2) * kDay, kLogin + 5 * kDay);
        EXPECT_EQ(stored_expiry(refresh_token), expected_expiry) << "day " << day;
        EXPECT_EQ(refreshed.pair->refresh_expires_in, expected_expiry - (kLogin + day * kDay));
    }
    const TokenService::RefreshResult past_end = tokens.refresh(refresh_token, kLogin + 5 * kDay);
    EXPECT_FALSE(past_end.pair.has_value()) << "a family outlived its maximum lifetime";
    EXPECT_EQ(past_end.failure, RefreshFailure::expired);

    // A new login starts a new family with the full lifetime ahead of it.
    const TokenPair again = tokens.issue(user(), kLogin + 5 * kDay);
    EXPECT_TRUE(tokens.refresh(again.refresh_token, kLogin + 5 * kDay + kHour).pair.has_value());
}

TEST_F(RefreshFamilyLifetime, AFirstTokenNeverOutlivesAShorterFamilyLifetime) {
    TokenService tokens = make_tokens(kHour);
    const TokenPair first = tokens.issue(user(), kLogin);
    EXPECT_EQ(first.refresh_expires_in, kHour);
    EXPECT_EQ(stored_expiry(first.refresh_token), kLogin + kHour);
}

// Tokens stored under a longer lifetime (before the setting was lowered, or by a node still
// running the old setting) stop refreshing once the family is past the new one.
TEST_F(RefreshFamilyLifetime, ALoweredLifetimeEndsFamiliesBegunUnderTheOldOne) {
    const TokenPair first = make_tokens(30 * kDay).issue(user(), kLogin);
    ASSERT_EQ(stored_expiry(first.refresh_token), kLogin + 2 * kDay);

    TokenService lowered = make_tokens(kDay);
    const TokenService::RefreshResult refreshed =
        lowered.refresh(first.refresh_token, kLogin + kDay + kHour);
    EXPECT_FALSE(refreshed.pair.has_value());
    EXPECT_EQ(refreshed.failure, RefreshFailure::expired);
    // Refused before rotating: nothing was spent, so it is not taken for reuse later.
    EXPECT_FALSE(stores_.refresh_tokens->find(sha256_hex(first.refresh_token))->used);
}

}  // namespace
}  // namespace signet::server
