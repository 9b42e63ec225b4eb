// What only the in-memory engine does: sweeping out entries that expired without being read (it
// has no TTLs to do it). The behaviour every engine shares is tested by the contract suites in
// store/contract/.
#include <gtest/gtest.h>

#include <string>

#include "server/store/memory/memory_stores.hpp"
#include "server/store/store_records.hpp"

namespace signet::server {
namespace {

using test::make_code;
using test::make_session;

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

TEST(MemoryAuthorizationCodeStore, WritesSweepOutExpiredCodesWithoutLosingLiveOnes) {
    auto store = make_memory_authorization_code_store();
    store->put("stale", make_code("app", 1060), 1000);
    store->put("live", make_code("app", 2060), 2000);
    // Codes that are never redeemed: the writes alone tell the store the time and sweep.
    for (int i = 0; i < 5000; ++i) {
        store->put("new" + std::to_string(i), make_code("app", 2060), 2000);
    }
    // Asked with an old clock, the stale code would still count: it is unknown only because a
    // sweep dropped it.
    EXPECT_EQ(store->redeem("stale", 1050, 1650).outcome, CodeRedemption::unknown);
    EXPECT_EQ(store->redeem("live", 2010, 2610).outcome, CodeRedemption::first);
    EXPECT_EQ(store->redeem("new4999", 2010, 2610).outcome, CodeRedemption::first);
}

TEST(MemoryRateLimitStore, EndedWindowsAreSweptWithoutLosingLiveOnes) {
    auto store = make_memory_rate_limit_store();
    store->hit("live", 10'000, 1000);
    for (int i = 0; i < 5000; ++i)
        store->hit("burst" + std::to_string(i), 1, 1000 + i);
    EXPECT_EQ(store->hit("live", 10'000, 6000).count, 2);
}

TEST(MemoryRateLimitStore, HoldsAtMostItsBoundOfCountersWhateverKeysArrive) {
    // 16 shards of 4 counters: made-up keys cannot grow the store past 64 live windows.
    auto store = make_memory_rate_limit_store(64);
    constexpr int kKeys = 20'000;
    for (int i = 0; i < kKeys; ++i)
        store->hit("random" + std::to_string(i), 3600, 1000);
    // Hitting every key once more: a key still held counts 2, a forgotten one starts again at 1.
    // Each key is hit once in this pass, so the 2s are exactly the counters held before it.
    int held = 0;
    for (int i = 0; i < kKeys; ++i)
        held += store->hit("random" + std::to_string(i), 3600, 1000).count == 2 ? 1 : 0;
    EXPECT_GT(held, 0);
    EXPECT_LE(held, 64);
}

}  // namespace
}  // namespace signet::server
