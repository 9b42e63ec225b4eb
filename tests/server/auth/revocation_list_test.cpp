// The node-local copy of revoked token ids: what this node revokes counts at once, what another
// node revokes counts after a sync, expired ids are forgotten, and a store that fails leaves the
// copy as it was.
#include <gtest/gtest.h>

#include <memory>

#include "server/auth/revocation_list.hpp"
#include "server/store/memory/memory_stores.hpp"
#include "server/store/store_error.hpp"

namespace signet::server {
namespace {

TEST(RevocationList, ARevokedIdIsRefusedAtOnceUntilItExpires) {
    RevocationList list(make_memory_revocation_store());
    list.revoke("jti-1", 2000);
    EXPECT_TRUE(list.is_revoked("jti-1", "u1", 900, 1000));
    EXPECT_TRUE(list.is_revoked("jti-1", "u1", 900, 1999));
    EXPECT_FALSE(list.is_revoked("jti-1", "u1", 900, 2000));
    EXPECT_FALSE(list.is_revoked("jti-2", "u1", 900, 1000));
}

TEST(RevocationList, RevokingAgainKeepsTheLaterExpiry) {
    RevocationList list(make_memory_revocation_store());
    list.revoke("jti-1", 3000);
    list.revoke("jti-1", 2000);
    EXPECT_TRUE(list.is_revoked("jti-1", "u1", 900, 2500));
}

TEST(RevocationList, RevocationsOfAnotherNodeCountAfterASync) {
    auto store = make_memory_revocation_store();
    RevocationList here(store);
    RevocationList there(store);
    there.revoke("jti-1", 2000);
    EXPECT_FALSE(here.is_revoked("jti-1", "u1", 900, 1000));
    here.sync(1000);
    EXPECT_TRUE(here.is_revoked("jti-1", "u1", 900, 1000));
    // Only what is new is read again.
    there.revoke("jti-2", 2000);
    here.sync(1001);
    EXPECT_TRUE(here.is_revoked("jti-2", "u1", 900, 1001));
}

TEST(RevocationList, AFirstSyncLoadsEveryLiveRevocationAndSkipsExpiredOnes) {
    auto store = make_memory_revocation_store();
    store->revoke("old", 500);
    store->revoke("live", 5000);
    RevocationList list(store);
    list.sync(1000);
    EXPECT_TRUE(list.is_revoked("live", "u1", 900, 1000));
    EXPECT_FALSE(
        list.is_revoked("old", "u1", 300, 400));  // never loaded: it had expired at the sync
}

// The memory engine, until fail() makes every call throw as an unreachable server would.
class FlakyRevocationStore final : public RevocationStore {
  public:
    void fail() { failing_ = true; }
    void revoke(std::string_view jti, std::int64_t expires_at) override {
        if (failing_) throw StoreError("down");
        inner_->revoke(jti, expires_at);
    }
    std::vector<RevokedToken> changes_since(std::int64_t& cursor, std::int64_t now) override {
        if (failing_) throw StoreError("down");
        return inner_->changes_since(cursor, now);
    }
    std::size_t purge_expired(std::int64_t now) override {
        if (failing_) throw StoreError("down");
        return inner_->purge_expired(now);
    }

  private:
    bool failing_ = false;
    std::shared_ptr<RevocationStore> inner_ = make_memory_revocation_store();
};

TEST(RevocationList, AFailedWriteIsReportedAndNotRemembered) {
    auto store = std::make_shared<FlakyRevocationStore>();
    RevocationList list(store);
    store->fail();
    EXPECT_THROW(list.revoke("jti-1", 2000), StoreError);
    EXPECT_FALSE(list.is_revoked("jti-1", "u1", 900, 1000));
}

TEST(RevocationList, AFailedSyncKeepsWhatIsKnown) {
    auto store = std::make_shared<FlakyRevocationStore>();
    RevocationList writer(store);
    RevocationList reader(store);
    writer.revoke("jti-1", 2000);
    reader.sync(1000);
    store->fail();
    EXPECT_THROW(reader.sync(1001), StoreError);
    EXPECT_TRUE(reader.is_revoked("jti-1", "u1", 900, 1001));
}

TEST(RevocationList, ExpiredIdsAreForgottenLocallyAndPurgedFromTheStore) {
    auto store = make_memory_revocation_store();
    RevocationList list(store);
    list.revoke("short", 1100);
    list.revoke("long", 90000);
    list.sync(3600 * 2);
    std::int64_t cursor = 0;
    const auto left = store->changes_since(cursor, 0);
    ASSERT_EQ(left.size(), 1U);
    EXPECT_EQ(left.front().jti, "long");
    EXPECT_TRUE(list.is_revoked("long", "u1", 900, 3600 * 2));
}

TEST(RevocationList, ASubjectRevocationRefusesOnlyTokensIssuedBeforeIt) {
    RevocationList list(make_memory_revocation_store());
    list.revoke_subject("u1", 1000, 2000);
    EXPECT_TRUE(list.is_revoked("any-jti", "u1", 999, 1500));
    EXPECT_FALSE(list.is_revoked("any-jti", "u1", 1000, 1500)) << "a login after the change";
    EXPECT_FALSE(list.is_revoked("any-jti", "u2", 999, 1500)) << "another user";
    EXPECT_FALSE(list.is_revoked("any-jti", "u1", 999, 2000)) << "every such token has expired";
    // A later change moves the cutoff on.
    list.revoke_subject("u1", 1200, 2200);
    EXPECT_TRUE(list.is_revoked("any-jti", "u1", 1100, 1500));
}

TEST(RevocationList, SubjectRevocationsOfAnotherNodeCountAfterASync) {
    auto store = make_memory_revocation_store();
    RevocationList here(store);
    RevocationList there(store);
    there.revoke_subject("u_7Xz-_9", 1000, 2000);
    EXPECT_FALSE(here.is_revoked("jti", "u_7Xz-_9", 999, 1100));
    here.sync(1100);
    EXPECT_TRUE(here.is_revoked("jti", "u_7Xz-_9", 999, 1100));
    EXPECT_FALSE(here.is_revoked("sub:u_7Xz-_9@1000", "other", 999, 1100))
        << "the entry is no jti of its own";
}

}  // namespace
}  // namespace signet::server
