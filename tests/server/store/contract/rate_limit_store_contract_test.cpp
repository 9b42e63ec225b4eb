// The RateLimitStore contract (server/store/rate_limit_store.hpp), run on every engine: fixed
// windows that start at the first hit, reset, release never below zero, and exact counts under
// many threads and across nodes.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <string>
#include <vector>

#include "server/store/contract/engines.hpp"

namespace signet::server::contract {
namespace {

template <class Engine>
class RateLimitStoreContract : public EngineTest<Engine> {
  protected:
    std::shared_ptr<RateLimitStore> store_ = this->stores_.rate_limits;
};

TYPED_TEST_SUITE(RateLimitStoreContract, RateLimitEngines, EngineName);

TYPED_TEST(RateLimitStoreContract, CountsHitsWithinAWindowThatStartsAtTheFirstHit) {
    auto& store = *this->store_;
    auto hit = store.hit("login:a", 60, 1000);
    EXPECT_EQ(hit.count, 1);
    EXPECT_EQ(hit.resets_at, 1060);
    hit = store.hit("login:a", 60, 1030);
    EXPECT_EQ(hit.count, 2);
    EXPECT_EQ(hit.resets_at, 1060);
    hit = store.hit("login:a", 60, 1059);
    EXPECT_EQ(hit.count, 3);
    // Other keys have their own windows.
    EXPECT_EQ(store.hit("login:b", 60, 1059).count, 1);
}

TYPED_TEST(RateLimitStoreContract, ANewWindowStartsWhenTheOldOneEnds) {
    auto& store = *this->store_;
    store.hit("k", 60, 1000);
    store.hit("k", 60, 1001);
    const auto hit = store.hit("k", 60, 1060);
    EXPECT_EQ(hit.count, 1);
    EXPECT_EQ(hit.resets_at, 1120);
    EXPECT_EQ(store.hit("k", 60, 1061).count, 2);
}

TYPED_TEST(RateLimitStoreContract, KeepsRealUnixTimesExact) {
    auto& store = *this->store_;
    constexpr std::int64_t kNow = 1'733'212'345;
    EXPECT_EQ(store.hit("k", 900, kNow).resets_at, kNow + 900);
    const auto hit = store.hit("k", 900, kNow + 899);
    EXPECT_EQ(hit.count, 2);
    EXPECT_EQ(hit.resets_at, kNow + 900);
}

TYPED_TEST(RateLimitStoreContract, ResetClearsTheCounter) {
    auto& store = *this->store_;
    for (int i = 0; i < 5; ++i)
        store.hit("k", 60, 1000);
    store.reset("k");
    store.reset("never-hit");
    const auto hit = store.hit("k", 60, 1010);
    EXPECT_EQ(hit.count, 1);
    EXPECT_EQ(hit.resets_at, 1070);
}

TYPED_TEST(RateLimitStoreContract, ReleaseGivesBackOneHitOfTheCurrentWindow) {
    auto& store = *this->store_;
    store.hit("k", 60, 1000);
    store.hit("k", 60, 1001);
    store.release("k", 1002);
    auto hit = store.hit("k", 60, 1003);
    EXPECT_EQ(hit.count, 2);
    EXPECT_EQ(hit.resets_at, 1060);
    // Never below zero.
    for (int i = 0; i < 5; ++i)
        store.release("k", 1004);
    EXPECT_EQ(store.hit("k", 60, 1005).count, 1);
    // Releasing an unknown key or a hit of an ended window changes nothing.
    store.release("never-hit", 1005);
    EXPECT_EQ(store.hit("never-hit", 60, 1005).count, 1);
    store.release("k", 1060);
    hit = store.hit("k", 60, 1060);
    EXPECT_EQ(hit.count, 1);
    EXPECT_EQ(hit.resets_at, 1120);
}

TYPED_TEST(RateLimitStoreContract, ParallelHitsAreCountedExactly) {
    auto& store = *this->store_;
    constexpr int kThreads = 8;
    constexpr int kHits = 200;
    std::vector<std::vector<std::int64_t>> seen(kThreads);
    run_together(kThreads, [&](int t) {
        auto& mine = seen[static_cast<std::size_t>(t)];
        mine.reserve(kHits);
        for (int i = 0; i < kHits; ++i) {
            mine.push_back(store.hit("login:shared", 600, 1000).count);
            store.hit("login:own-" + std::to_string(t), 600, 1000);  // unrelated traffic
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
    EXPECT_EQ(store.hit("login:shared", 600, 1000).count, kThreads * kHits + 1);
    EXPECT_EQ(store.hit("login:own-0", 600, 1000).count, kHits + 1);
}

TYPED_TEST(RateLimitStoreContract, ParallelHitsAndReleasesLeaveAnExactCount) {
    auto& store = *this->store_;
    run_together(8, [&](int) {
        for (int i = 0; i < 200; ++i) {
            store.hit("k", 600, 1000);
            if (i % 2 == 0) store.release("k", 1000);
        }
    });
    EXPECT_EQ(store.hit("k", 600, 1000).count, 8 * 100 + 1);
}

TYPED_TEST(RateLimitStoreContract, InterleavedHitsAndReleasesNeverGoBelowZero) {
    auto& store = *this->store_;
    // Four threads each hold at most one hit at a time (hit, then release it); four more only
    // release. The count can never exceed the hits held, and a release that found zero must not
    // have driven it negative, so every hit sees 1..4 and the window ends empty.
    constexpr int kHolders = 4;
    std::atomic<int> out_of_range{0};
    run_together(2 * kHolders, [&](int t) {
        for (int i = 0; i < 200; ++i) {
            if (t < kHolders) {
                const auto count = store.hit("k", 600, 1000).count;
                if (count < 1 || count > kHolders) out_of_range.fetch_add(1);
            }
            store.release("k", 1000);
        }
    });
    EXPECT_EQ(out_of_range.load(), 0);
    EXPECT_EQ(store.hit("k", 600, 1000).count, 1);
}

TYPED_TEST(RateLimitStoreContract, NodesShareOneWindow) {
    auto& node_a = *this->store_;
    const auto node_b = this->stores_.open_again().rate_limits;
    EXPECT_EQ(node_a.hit("ip:1", 60, 1000).count, 1);
    EXPECT_EQ(node_b->hit("ip:1", 60, 1001).count, 2);
    node_b->release("ip:1", 1002);
    EXPECT_EQ(node_a.hit("ip:1", 60, 1003).count, 2);
    node_a.reset("ip:1");
    EXPECT_EQ(node_b->hit("ip:1", 60, 1004).count, 1);
}

}  // namespace
}  // namespace signet::server::contract
