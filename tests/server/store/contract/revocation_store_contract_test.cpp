// The RevocationStore contract (server/store/revocation_store.hpp): revoked ids read through a
// cursor that may repeat a revocation but never misses one, even with writers committing while
// the reader reads.
#include <algorithm>
#include <atomic>
#include <map>
#include <set>

#include "server/store/contract/engines.hpp"

namespace signet::server::contract {
namespace {

template <class Engine>
class RevocationStoreContract : public EngineTest<Engine> {
  protected:
    RevocationStore& revocations() { return *this->stores_.revocations; }
    // Another node on the same data, or this one for an engine that has no other (memory).
    EngineStores other_node() {
        return this->stores_.open_again ? this->stores_.open_again() : this->stores_;
    }
};
TYPED_TEST_SUITE(RevocationStoreContract, RevocationEngines, EngineName);

// jti -> expiry of what a read returned (a repeated jti keeps its latest expiry).
std::map<std::string, std::int64_t> as_map(const std::vector<RevokedToken>& tokens) {
    std::map<std::string, std::int64_t> map;
    for (const RevokedToken& token : tokens)
        map[token.jti] = token.expires_at;
    return map;
}

TYPED_TEST(RevocationStoreContract, AFreshCursorReadsEveryLiveRevocation) {
    this->revocations().revoke("jti-1", 2000);
    this->revocations().revoke("jti-2", 3000);
    std::int64_t cursor = 0;
    const auto read = as_map(this->revocations().changes_since(cursor, 1000));
    EXPECT_EQ(read, (std::map<std::string, std::int64_t>{{"jti-1", 2000}, {"jti-2", 3000}}));
}

TYPED_TEST(RevocationStoreContract, RevocationsExpiredAtNowAreNotRead) {
    this->revocations().revoke("past", 900);
    this->revocations().revoke("edge", 1000);
    this->revocations().revoke("live", 1001);
    std::int64_t cursor = 0;
    const auto read = as_map(this->revocations().changes_since(cursor, 1000));
    EXPECT_EQ(read, (std::map<std::string, std::int64_t>{{"live", 1001}}));
}

TYPED_TEST(RevocationStoreContract, TheCursorMovesOnToWhatIsNew) {
    std::int64_t cursor = 0;
    this->revocations().revoke("jti-1", 5000);
    ASSERT_EQ(as_map(this->revocations().changes_since(cursor, 1000)).count("jti-1"), 1U);
    const std::int64_t after_first = cursor;
    this->revocations().revoke("jti-2", 5000);
    const auto fresh = as_map(this->revocations().changes_since(cursor, 1000));
    EXPECT_EQ(fresh.count("jti-2"), 1U);
    EXPECT_GE(cursor, after_first);
    // Repeats are allowed; anything not revoked is not.
    for (const auto& [jti, expiry] : fresh)
        EXPECT_TRUE(jti == "jti-1" || jti == "jti-2") << jti;
}

TYPED_TEST(RevocationStoreContract, ARevocationByAnotherNodeIsReadFromTheCursor) {
    EngineStores other = this->other_node();
    std::int64_t cursor = 0;
    EXPECT_TRUE(this->revocations().changes_since(cursor, 1000).empty());
    other.revocations->revoke("jti-x", 5000);
    const auto fresh = as_map(this->revocations().changes_since(cursor, 1000));
    EXPECT_EQ(fresh, (std::map<std::string, std::int64_t>{{"jti-x", 5000}}));
    // Revoked again with a later expiry: read again, with that expiry.
    other.revocations->revoke("jti-x", 7000);
    const auto again = as_map(this->revocations().changes_since(cursor, 1000));
    EXPECT_EQ(again, (std::map<std::string, std::int64_t>{{"jti-x", 7000}}));
}

TYPED_TEST(RevocationStoreContract, RevokingAgainKeepsTheLaterExpiry) {
    this->revocations().revoke("jti-1", 5000);
    this->revocations().revoke("jti-1", 3000);
    std::int64_t cursor = 0;
    EXPECT_EQ(as_map(this->revocations().changes_since(cursor, 1000)),
              (std::map<std::string, std::int64_t>{{"jti-1", 5000}}));
    // Still live between the two expiries.
    std::int64_t fresh_cursor = 0;
    EXPECT_EQ(as_map(this->revocations().changes_since(fresh_cursor, 4000)).count("jti-1"), 1U);
}

TYPED_TEST(RevocationStoreContract, PurgeExpiredForgetsRevocationsExpiredAtOrBeforeNow) {
    this->revocations().revoke("old", 500);
    this->revocations().revoke("edge", 1000);
    this->revocations().revoke("live", 5000);
    EXPECT_EQ(this->revocations().purge_expired(1000), 2U);
    EXPECT_EQ(this->revocations().purge_expired(1000), 0U);
    std::int64_t cursor = 0;
    EXPECT_EQ(as_map(this->revocations().changes_since(cursor, 0)),
              (std::map<std::string, std::int64_t>{{"live", 5000}}));
}

TYPED_TEST(RevocationStoreContract, AReaderAmongConcurrentWritersMissesNoRevocation) {
    constexpr int kWriters = 8;
    constexpr int kPerWriter = 50;
    EngineStores other = this->other_node();
    std::atomic<int> writers_done{0};
    std::set<std::string> seen;
    std::int64_t cursor = 0;
    std::thread reader([&] {
        while (writers_done.load() < kWriters) {
            for (const RevokedToken& token : this->revocations().changes_since(cursor, 1000))
                seen.insert(token.jti);
        }
    });
    run_together(kWriters, [&](int w) {
        RevocationStore& store = w % 2 == 0 ? this->revocations() : *other.revocations;
        for (int i = 0; i < kPerWriter; ++i)
            store.revoke("w" + std::to_string(w) + "-" + std::to_string(i), 5000);
        ++writers_done;
    });
    reader.join();
    // Every write has returned, so one more read from the cursor must find whatever is left.
    for (const RevokedToken& token : this->revocations().changes_since(cursor, 1000))
        seen.insert(token.jti);

    EXPECT_EQ(seen.size(), static_cast<std::size_t>(kWriters * kPerWriter));
    for (int w = 0; w < kWriters; ++w) {
        for (int i = 0; i < kPerWriter; ++i) {
            const std::string jti = "w" + std::to_string(w) + "-" + std::to_string(i);
            EXPECT_EQ(seen.count(jti), 1U) << jti << " was never read";
        }
    }
}

}  // namespace
}  // namespace signet::server::contract
