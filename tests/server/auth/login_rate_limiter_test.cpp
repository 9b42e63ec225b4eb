// Login throttling: failures count, successes give their hits back, parallel attempts cannot
// overtake the limit.
#include "server/auth/login_rate_limiter.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "server/store/memory/memory_stores.hpp"

namespace signet::server {
namespace {

TEST(LoginRateLimiter, RefusesBeyondTheLimitPerEmailFromOneClient) {
    LoginRateLimiter limiter(make_memory_rate_limit_store(), 3, 100, std::chrono::seconds(60));
    for (int i = 0; i < 3; ++i)
        EXPECT_TRUE(limiter.begin("a@example.com", "10.0.0.1", 1000).allowed);
    const auto refused = limiter.begin("a@example.com", "10.0.0.1", 1010);
    EXPECT_FALSE(refused.allowed);
    EXPECT_EQ(refused.retry_after, 50);
    EXPECT_TRUE(limiter.begin("b@example.com", "10.0.0.1", 1010).allowed);
    // The window ends.
    EXPECT_TRUE(limiter.begin("a@example.com", "10.0.0.1", 1061).allowed);
}

TEST(LoginRateLimiter, FailuresFromOneClientDoNotLockTheUserOutElsewhere) {
    LoginRateLimiter limiter(make_memory_rate_limit_store(), 3, 100, std::chrono::seconds(60));
    for (int i = 0; i < 10; ++i)
        limiter.begin("victim@example.com", "203.0.113.9", 1000);
    EXPECT_FALSE(limiter.begin("victim@example.com", "203.0.113.9", 1000).allowed);
    EXPECT_TRUE(limiter.begin("victim@example.com", "198.51.100.7", 1000).allowed);
}

// Counts the keys a store was asked to hit.
class CountingStore final : public RateLimitStore {
  public:
    RateLimitHit hit(std::string_view key, std::int64_t window, std::int64_t now) override {
        keys.emplace(key);
        return inner->hit(key, window, now);
    }
    void reset(std::string_view key) override { inner->reset(key); }
    void release(std::string_view key, std::int64_t now) override { inner->release(key, now); }

    std::set<std::string, std::less<>> keys;
    std::shared_ptr<RateLimitStore> inner = make_memory_rate_limit_store();
};

TEST(LoginRateLimiter, AClientOverItsAddressLimitCreatesNoPerEmailState) {
    auto store = std::make_shared<CountingStore>();
    LoginRateLimiter limiter(store, 10, 5, std::chrono::seconds(60));
    for (int i = 0; i < 1000; ++i)
        limiter.begin("random" + std::to_string(i) + "@example.com", "10.0.0.1", 1000);
    // One address counter and the five pairs it was allowed to try; none for the 995 refused.
    EXPECT_EQ(store->keys.size(), 6U);
}

TEST(LoginRateLimiter, Ipv6ClientsAreCountedPerSlash64) {
    LoginRateLimiter limiter(make_memory_rate_limit_store(), 100, 2, std::chrono::seconds(60));
    EXPECT_TRUE(limiter.begin("a@example.com", "2001:db8:1:2::1", 0).allowed);
    EXPECT_TRUE(limiter.begin("b@example.com", "2001:db8:1:2:ffff::9", 0).allowed);
    EXPECT_FALSE(limiter.begin("c@example.com", "2001:db8:1:2:abcd::5", 0).allowed);
    EXPECT_TRUE(limiter.begin("c@example.com", "2001:db8:1:3::1", 0).allowed);
    EXPECT_EQ(LoginRateLimiter::client_key("2001:db8:1:2:abcd::5"), "2001:db8:1:2::/64");
    EXPECT_EQ(LoginRateLimiter::client_key("10.1.2.3"), "10.1.2.3");
}

TEST(LoginRateLimiter, RefusesBeyondTheLimitPerAddress) {
    LoginRateLimiter limiter(make_memory_rate_limit_store(), 100, 2, std::chrono::seconds(60));
    EXPECT_TRUE(limiter.begin("a@example.com", "10.0.0.1", 0).allowed);
    EXPECT_TRUE(limiter.begin("b@example.com", "10.0.0.1", 0).allowed);
    EXPECT_FALSE(limiter.begin("c@example.com", "10.0.0.1", 0).allowed);
    EXPECT_TRUE(limiter.begin("c@example.com", "10.0.0.9", 0).allowed);
}

TEST(LoginRateLimiter, SuccessfulLoginsDoNotCount) {
    LoginRateLimiter limiter(make_memory_rate_limit_store(), 2, 2, std::chrono::seconds(60));
    for (int i = 0; i < 10; ++i) {
        const auto attempt = limiter.begin("a@example.com", "10.0.0.1", 0);
        ASSERT_TRUE(attempt.allowed) << i;
        limiter.succeeded(attempt, 0);
    }
}

TEST(LoginRateLimiter, ParallelAttemptsCannotOvertakeTheLimit) {
    LoginRateLimiter limiter(make_memory_rate_limit_store(), 10, 1000, std::chrono::seconds(60));
    std::atomic<int> allowed{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 25; ++i) {
                if (limiter.begin("a@example.com", "10.0.0.1", 0).allowed) ++allowed;
            }
        });
    }
    for (auto& thread : threads)
        thread.join();
    EXPECT_EQ(allowed.load(), 10);
}

}  // namespace
}  // namespace signet::server
