// The in-memory engine: sessions (expiry, removal by user, sweeping), revoked token ids, and
// rate-limit windows whose hits are counted exactly under many threads.
#include <gtest/gtest.h>

#include <algorithm>
#include <latch>
#include <string>
#include <thread>
#include <vector>

#include "server/store/memory/memory_stores.hpp"

namespace signet::server {
namespace {

Session make_session(const std::string& user, std::int64_t created_at, std::int64_t expires_at) {
    return Session{.user_id = user,
                   .email = user + "@example.com",
                   .created_at = created_at,
                   .expires_at = expires_at};
}

template <class Body>
void run_together(int count, Body body) {
    std::latch start(count);
    std::vector<std::thread> threads;
    for (int i = 0; i < count; ++i) {
        threads.emplace_back([&, i] {
            start.arrive_and_wait();
            body(i);
        });
    }
    for (auto& thread : threads)
        thread.join();
}

// --- sessions -----------------------------------------------------------------------------------

TEST(MemorySessionStore, ReturnsAStoredSessionUntilItExpires) {
    auto store = make_memory_session_store();
    store->put("k1", make_session("u1", 1000, 2000));
    const auto session = store->get("k1", 1500);
    ASSERT_TRUE(session.has_value());
    EXPECT_EQ(session->user_id, "u1");
    EXPECT_EQ(session->email, "u1@example.com");
    EXPECT_EQ(session->created_at, 1000);
    EXPECT_EQ(session->expires_at, 2000);
    EXPECT_TRUE(store->get("k1", 1999).has_value());
    EXPECT_FALSE(store->get("k1", 2000).has_value());
    EXPECT_FALSE(store->get("unknown", 1500).has_value());
}

TEST(MemorySessionStore, AnExpiredSessionIsDroppedWhenMet) {
    auto store = make_memory_session_store();
    store->put("k1", make_session("u1", 1000, 2000));
    EXPECT_FALSE(store->get("k1", 2500).has_value());
    // Gone for good, even for a caller whose clock is behind.
    EXPECT_FALSE(store->get("k1", 1500).has_value());
    EXPECT_FALSE(store->remove("k1"));
    EXPECT_EQ(store->remove_user("u1"), 0U);
}

TEST(MemorySessionStore, RemoveForgetsOneSession) {
    auto store = make_memory_session_store();
    store->put("k1", make_session("u1", 1000, 2000));
    store->put("k2", make_session("u1", 1000, 2000));
    EXPECT_TRUE(store->remove("k1"));
    EXPECT_FALSE(store->remove("k1"));
    EXPECT_FALSE(store->get("k1", 1500).has_value());
    EXPECT_TRUE(store->get("k2", 1500).has_value());
    EXPECT_EQ(store->remove_user("u1"), 1U);
}

TEST(MemorySessionStore, RemoveUserRemovesEverySessionOfThatUserOnly) {
    auto store = make_memory_session_store();
    for (int i = 0; i < 40; ++i) {
        store->put("a" + std::to_string(i), make_session("alice", 1000, 5000));
    }
    store->put("b1", make_session("bob", 1000, 5000));
    EXPECT_EQ(store->remove_user("alice"), 40U);
    for (int i = 0; i < 40; ++i) {
        EXPECT_FALSE(store->get("a" + std::to_string(i), 1500).has_value());
    }
    EXPECT_TRUE(store->get("b1", 1500).has_value());
    EXPECT_EQ(store->remove_user("alice"), 0U);
    EXPECT_EQ(store->remove_user("nobody"), 0U);
}

TEST(MemorySessionStore, OverwritingASessionMovesItToItsNewUser) {
    auto store = make_memory_session_store();
    store->put("k1", make_session("alice", 1000, 5000));
    store->put("k1", make_session("bob", 1100, 6000));
    EXPECT_EQ(store->remove_user("alice"), 0U);
    const auto session = store->get("k1", 1500);
    ASSERT_TRUE(session.has_value());
    EXPECT_EQ(session->user_id, "bob");
    EXPECT_EQ(session->expires_at, 6000);
    EXPECT_EQ(store->remove_user("bob"), 1U);
}

TEST(MemorySessionStore, WritesSweepOutSessionsThatExpiredWithoutBeingRead) {
    auto store = make_memory_session_store();
    store->put("stale", make_session("u1", 100, 200));
    // Time moves on (as seen by the store) and many new sessions arrive.
    for (int i = 0; i < 5000; ++i) {
        store->put("new" + std::to_string(i), make_session("u2", 1000, 9000));
    }
    // Asked with an old clock, the stale session would still be valid: it is absent only
    // because a sweep dropped it.
    EXPECT_FALSE(store->get("stale", 150).has_value());
    EXPECT_EQ(store->remove_user("u1"), 0U);
    EXPECT_EQ(store->remove_user("u2"), 5000U);
}

TEST(MemorySessionStore, ConcurrentPutsGetsAndRemovalsStayConsistent) {
    auto store = make_memory_session_store();
    run_together(8, [&](int t) {
        const std::string user = "user" + std::to_string(t);
        for (int i = 0; i < 2000; ++i) {
            const std::string key = user + "-" + std::to_string(i);
            store->put(key, make_session(user, 1000, 5000));
            const auto session = store->get(key, 1500);
            EXPECT_TRUE(session.has_value() && session->user_id == user);
            if (i % 2 == 0) {
                EXPECT_TRUE(store->remove(key));
            }
        }
    });
    for (int t = 0; t < 8; ++t) {
        EXPECT_EQ(store->remove_user("user" + std::to_string(t)), 1000U);
    }
}

// --- rate limits --------------------------------------------------------------------------------

TEST(MemoryRateLimitStore, CountsHitsWithinAWindowThatStartsAtTheFirstHit) {
    auto store = make_memory_rate_limit_store();
    auto hit = store->hit("login:a", 60, 1000);
    EXPECT_EQ(hit.count, 1);
    EXPECT_EQ(hit.resets_at, 1060);
    hit = store->hit("login:a", 60, 1030);
    EXPECT_EQ(hit.count, 2);
    EXPECT_EQ(hit.resets_at, 1060);
    hit = store->hit("login:a", 60, 1059);
    EXPECT_EQ(hit.count, 3);
    // Other keys have their own windows.
    EXPECT_EQ(store->hit("login:b", 60, 1059).count, 1);
}

TEST(MemoryRateLimitStore, ANewWindowStartsWhenTheOldOneEnds) {
    auto store = make_memory_rate_limit_store();
    store->hit("k", 60, 1000);
    store->hit("k", 60, 1001);
    const auto hit = store->hit("k", 60, 1060);
    EXPECT_EQ(hit.count, 1);
    EXPECT_EQ(hit.resets_at, 1120);
    EXPECT_EQ(store->hit("k", 60, 1061).count, 2);
}

TEST(MemoryRateLimitStore, ResetClearsTheCounter) {
    auto store = make_memory_rate_limit_store();
    for (int i = 0; i < 5; ++i)
        store->hit("k", 60, 1000);
    store->reset("k");
    store->reset("never-hit");
    const auto hit = store->hit("k", 60, 1010);
    EXPECT_EQ(hit.count, 1);
    EXPECT_EQ(hit.resets_at, 1070);
}

TEST(MemoryRateLimitStore, ReleaseGivesBackOneHitOfTheCurrentWindow) {
    auto store = make_memory_rate_limit_store();
    store->hit("k", 60, 1000);
    store->hit("k", 60, 1001);
    store->release("k", 1002);
    auto hit = store->hit("k", 60, 1003);
    EXPECT_EQ(hit.count, 2);
    EXPECT_EQ(hit.resets_at, 1060);
    // Never below zero.
    for (int i = 0; i < 5; ++i)
        store->release("k", 1004);
    EXPECT_EQ(store->hit("k", 60, 1005).count, 1);
    // Releasing an unknown key or a hit of an ended window changes nothing.
    store->release("never-hit", 1005);
    EXPECT_EQ(store->hit("never-hit", 60, 1005).count, 1);
    store->release("k", 1060);
    hit = store->hit("k", 60, 1060);
    EXPECT_EQ(hit.count, 1);
    EXPECT_EQ(hit.resets_at, 1120);
}

TEST(MemoryRateLimitStore, ParallelHitsAndReleasesLeaveAnExactCount) {
    auto store = make_memory_rate_limit_store();
    run_together(8, [&](int) {
        for (int i = 0; i < 1000; ++i) {
            store->hit("k", 600, 1000);
            if (i % 2 == 0) store->release("k", 1000);
        }
    });
    EXPECT_EQ(store->hit("k", 600, 1000).count, 8 * 500 + 1);
}

TEST(MemoryRateLimitStore, ParallelHitsAreCountedExactly) {
    auto store = make_memory_rate_limit_store();
    constexpr int kThreads = 8;
    constexpr int kHits = 1000;
    std::vector<std::vector<std::int64_t>> seen(kThreads);
    run_together(kThreads, [&](int t) {
        auto& mine = seen[static_cast<std::size_t>(t)];
        mine.reserve(kHits);
        for (int i = 0; i < kHits; ++i) {
            mine.push_back(store->hit("login:shared", 600, 1000).count);
            store->hit("login:own-" + std::to_string(t), 600, 1000);  // unrelated traffic
        }
    });
    // Every hit saw a distinct count: no two read the same old value.
    std::vector<std::int64_t> all;
    for (const auto& mine : seen)
        all.insert(all.end(), mine.begin(), mine.end());
    std::sort(all.begin(), all.end());
    ASSERT_EQ(all.size(), static_cast<std::size_t>(kThreads * kHits));
    for (std::size_t i = 0; i < all.size(); ++i) {
        ASSERT_EQ(all[i], static_cast<std::int64_t>(i) + 1);
    }
    EXPECT_EQ(store->hit("login:shared", 600, 1000).count, kThreads * kHits + 1);
    EXPECT_EQ(store->hit("login:own-0", 600, 1000).count, kHits + 1);
}

TEST(MemoryRateLimitStore, EndedWindowsAreSweptWithoutLosingLiveOnes) {
    auto store = make_memory_rate_limit_store();
    store->hit("live", 10'000, 1000);
    for (int i = 0; i < 5000; ++i)
        store->hit("burst" + std::to_string(i), 1, 1000 + i);
    EXPECT_EQ(store->hit("live", 10'000, 6000).count, 2);
}

}  // namespace
}  // namespace signet::server
