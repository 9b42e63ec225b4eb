// The SessionStore contract (server/store/session_store.hpp), run on every engine: expiry judged
// by the caller's clock, removal of one session or of all of a user's, overwrites, and
// consistency under threads and across nodes.
#include <gtest/gtest.h>

#include <string>

#include "server/store/contract/engines.hpp"

namespace signet::server::contract {
namespace {

template <class Engine>
class SessionStoreContract : public EngineTest<Engine> {
  protected:
    std::shared_ptr<SessionStore> store_ = this->stores_.sessions;
};

TYPED_TEST_SUITE(SessionStoreContract, SessionEngines, EngineName);

TYPED_TEST(SessionStoreContract, ReturnsAStoredSessionUntilItExpires) {
    auto& store = *this->store_;
    store.put("k1", make_session("u1", 1000, 2000));
    const auto session = store.get("k1", 1500);
    ASSERT_TRUE(session.has_value());
    EXPECT_EQ(session->user_id, "u1");
    EXPECT_EQ(session->email, "u1@example.com");
    EXPECT_EQ(session->created_at, 1000);
    EXPECT_EQ(session->expires_at, 2000);
    EXPECT_TRUE(store.get("k1", 1999).has_value());
    EXPECT_FALSE(store.get("k1", 2000).has_value());
    EXPECT_FALSE(store.get("unknown", 1500).has_value());
}

TYPED_TEST(SessionStoreContract, KeepsFieldsExactlyAsGiven) {
    auto& store = *this->store_;
    // Real Unix times, and separators and UTF-8 that an engine's key or field encoding could
    // mangle.
    const Session original{.user_id = "0f3c:user/ü",
                           .email = "a.b+tag@example.com",
                           .created_at = 1'733'212'345,
                           .expires_at = 1'733'212'345 + 86'400,
                           .idle_expires_at = 1'733'212'345 + 1'800};
    store.put("abc123", original);
    const auto session = store.get("abc123", 1'733'212'346);
    ASSERT_TRUE(session.has_value());
    EXPECT_EQ(session->user_id, original.user_id);
    EXPECT_EQ(session->email, original.email);
    EXPECT_EQ(session->created_at, original.created_at);
    EXPECT_EQ(session->expires_at, original.expires_at);
    EXPECT_EQ(session->idle_expires_at, original.idle_expires_at);
}

// Keycloak's "SSO Session Idle": a session unused past its idle limit ends before its absolute
// one; a use (touch) moves the idle limit on.
TYPED_TEST(SessionStoreContract, AnIdleSessionEndsUnlessTouched) {
    auto& store = *this->store_;
    store.put("idle", make_session("u1", 1000, 9000, 1300));
    store.put("used", make_session("u1", 1000, 9000, 1300));
    EXPECT_TRUE(store.get("idle", 1299).has_value());
    EXPECT_TRUE(store.touch("used", 1600));
    EXPECT_FALSE(store.get("idle", 1300).has_value());
    const auto used = store.get("used", 1500);
    ASSERT_TRUE(used.has_value());
    EXPECT_EQ(used->idle_expires_at, 1600);
    EXPECT_FALSE(store.get("used", 1600).has_value());
    EXPECT_FALSE(store.touch("used", 1900));  // gone
    EXPECT_FALSE(store.touch("never", 1900));
}

TYPED_TEST(SessionStoreContract, AnExpiredSessionIsDroppedWhenMet) {
    auto& store = *this->store_;
    store.put("k1", make_session("u1", 1000, 2000));
    EXPECT_FALSE(store.get("k1", 2500).has_value());
    // Gone for good, even for a caller whose clock is behind.
    EXPECT_FALSE(store.get("k1", 1500).has_value());
    EXPECT_FALSE(store.remove("k1"));
    EXPECT_EQ(store.remove_user("u1"), 0U);
}

TYPED_TEST(SessionStoreContract, RemoveForgetsOneSession) {
    auto& store = *this->store_;
    store.put("k1", make_session("u1", 1000, 2000));
    store.put("k2", make_session("u1", 1000, 2000));
    EXPECT_TRUE(store.remove("k1"));
    EXPECT_FALSE(store.remove("k1"));
    EXPECT_FALSE(store.get("k1", 1500).has_value());
    EXPECT_TRUE(store.get("k2", 1500).has_value());
    EXPECT_EQ(store.remove_user("u1"), 1U);
}

TYPED_TEST(SessionStoreContract, RemoveUserRemovesEverySessionOfThatUserOnly) {
    auto& store = *this->store_;
    for (int i = 0; i < 40; ++i) {
        store.put("a" + std::to_string(i), make_session("alice", 1000, 5000));
    }
    store.put("b1", make_session("bob", 1000, 5000));
    EXPECT_EQ(store.remove_user("alice"), 40U);
    for (int i = 0; i < 40; ++i) {
        EXPECT_FALSE(store.get("a" + std::to_string(i), 1500).has_value());
    }
    EXPECT_TRUE(store.get("b1", 1500).has_value());
    EXPECT_EQ(store.remove_user("alice"), 0U);
    EXPECT_EQ(store.remove_user("nobody"), 0U);
}

TYPED_TEST(SessionStoreContract, OverwritingASessionMovesItToItsNewUser) {
    auto& store = *this->store_;
    store.put("k1", make_session("alice", 1000, 5000));
    store.put("k1", make_session("bob", 1100, 6000));
    EXPECT_EQ(store.remove_user("alice"), 0U);
    const auto session = store.get("k1", 1500);
    ASSERT_TRUE(session.has_value());
    EXPECT_EQ(session->user_id, "bob");
    EXPECT_EQ(session->expires_at, 6000);
    EXPECT_EQ(store.remove_user("bob"), 1U);
}

TYPED_TEST(SessionStoreContract, RemoveUserReachesSessionsCreatedOnEveryNode) {
    auto& node_a = *this->store_;
    const auto node_b = this->stores_.open_again().sessions;
    node_a.put("from-a", make_session("carol", 1000, 5000));
    node_b->put("from-b", make_session("carol", 1000, 5000));
    node_b->put("other", make_session("dave", 1000, 5000));
    // Each node sees what the other stored.
    EXPECT_TRUE(node_a.get("from-b", 1500).has_value());
    EXPECT_TRUE(node_b->get("from-a", 1500).has_value());
    EXPECT_EQ(node_a.remove_user("carol"), 2U);
    EXPECT_FALSE(node_b->get("from-a", 1500).has_value());
    EXPECT_FALSE(node_b->get("from-b", 1500).has_value());
    EXPECT_TRUE(node_a.get("other", 1500).has_value());
}

TYPED_TEST(SessionStoreContract, ConcurrentPutsGetsAndRemovalsStayConsistent) {
    auto& store = *this->store_;
    constexpr int kThreads = 8;
    constexpr int kSessions = 200;
    run_together(kThreads, [&](int t) {
        const std::string user = "user" + std::to_string(t);
        for (int i = 0; i < kSessions; ++i) {
            const std::string key = user + "-" + std::to_string(i);
            store.put(key, make_session(user, 1000, 5000));
            const auto session = store.get(key, 1500);
            EXPECT_TRUE(session.has_value() && session->user_id == user);
            if (i % 2 == 0) {
                EXPECT_TRUE(store.remove(key));
            }
        }
    });
    for (int t = 0; t < kThreads; ++t) {
        EXPECT_EQ(store.remove_user("user" + std::to_string(t)), std::size_t{kSessions / 2});
    }
}

}  // namespace
}  // namespace signet::server::contract
