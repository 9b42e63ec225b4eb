// Login throttling: failures count, successes give their hits back, parallel attempts cannot
// overtake the limit.
#include "server/auth/login_rate_limiter.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "server/store/memory/memory_stores.hpp"

namespace signet::server {
namespace {

TEST(LoginRateLimiter, RefusesBeyondTheLimitPerEmail) {
    LoginRateLimiter limiter(make_memory_rate_limit_store(), 3, 100, std::chrono::seconds(60));
    for (int i = 0; i < 3; ++i)
        EXPECT_TRUE(limiter.begin("a@example.com", "10.0.0.1", 1000).allowed);
    const auto refused = limiter.begin("a@example.com", "10.0.0.2", 1010);
    EXPECT_FALSE(refused.allowed);
    EXPECT_EQ(refused.retry_after, 50);
    EXPECT_TRUE(limiter.begin("b@example.com", "10.0.0.1", 1010).allowed);
    // The window ends.
    EXPECT_TRUE(limiter.begin("a@example.com", "10.0.0.1", 1061).allowed);
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
