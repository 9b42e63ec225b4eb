// Sessions end after their idle timeout unless used (Keycloak's "SSO Session Idle"), and never
// outlive their absolute lifetime however active: SessionService starts them, the Authenticator
// moves the idle limit on each use (writing at most once a minute per session).
#include <gtest/gtest.h>

#include <chrono>
#include <memory>

#include "server/auth/authenticator.hpp"
#include "server/auth/cookie_names.hpp"
#include "server/auth/identity.hpp"
#include "server/auth/revocation_list.hpp"
#include "server/auth/session_service.hpp"
#include "server/store/memory/memory_stores.hpp"
#include "server/store/sqlite/sqlite_stores.hpp"
#include "server/store/temp_dir.hpp"

namespace signet::server {
namespace {

using std::chrono::seconds;

class SessionIdle : public ::testing::Test {
  protected:
    SessionIdle()
        : stores_(open_sqlite_stores(dir_ / "signet.db")),
          sessions_(make_memory_session_store()),
          keys_(stores_.keys, KeyManager::Options{}),
          revocations_(stores_.revocations),
          authenticator_(keys_, revocations_, *sessions_, *stores_.users, metrics_,
                         auth_cookie_names(false), seconds(0), 1000, seconds(300)),
          service_(*sessions_, seconds(3600), seconds(300)) {
        user_ = User{.id = "u1",
                     .email = "a@example.com",
                     .password_hash = "x",
                     .disabled = false,
                     .created_at = 1000};
        stores_.users->create(user_);
    }

    // The outcome of a request carrying the session cookie at `now`.
    AuthOutcome request_at(const std::string& sid, std::int64_t now) {
        http::Request request;
        request.set(boost::beast::http::field::cookie,
                    std::string(auth_cookie_names(false).session) + "=" + sid);
        return authenticator_.authenticate(request, now);
    }

    test::TempDir dir_;
    SqliteStores stores_;
    std::shared_ptr<SessionStore> sessions_;
    http::Metrics metrics_;
    KeyManager keys_;
    RevocationList revocations_;
    Authenticator authenticator_;
    SessionService service_;
    User user_;
};

TEST_F(SessionIdle, AnUnusedSessionEndsAtItsIdleTimeout) {
    const StartedSession started = service_.start(user_, std::nullopt, 1000);
    EXPECT_EQ(started.expires_in, 3600);
    const std::string key = sha256_hex(started.id);
    EXPECT_EQ(sessions_->get(key, 1000)->idle_expires_at, 1300);
    const AuthOutcome late = request_at(started.id, 1300);
    EXPECT_FALSE(late.principal);
    EXPECT_EQ(late.reason, "unknown_session");
}

TEST_F(SessionIdle, EachUseMovesTheIdleLimitOnUntilTheAbsoluteEnd) {
    const StartedSession started = service_.start(user_, std::nullopt, 1000);
    const std::string key = sha256_hex(started.id);
    // Used every 250 s: each use is within 300 s of the one before, so it lives on.
    for (std::int64_t now = 1250; now <= 4250; now += 250) {
        const AuthOutcome used = request_at(started.id, now);
        ASSERT_TRUE(used.principal) << "at " << now << ": " << used.reason;
        EXPECT_EQ(sessions_->get(key, now)->idle_expires_at, now + 300);
    }
    ASSERT_TRUE(request_at(started.id, 4500).principal);
    // ...but not past its absolute lifetime (session_ttl, 3600 s).
    EXPECT_FALSE(request_at(started.id, 4600).principal);
}

TEST_F(SessionIdle, UsesWithinAMinuteDoNotRewriteTheSession) {
    const StartedSession started = service_.start(user_, std::nullopt, 1000);
    const std::string key = sha256_hex(started.id);
    ASSERT_TRUE(request_at(started.id, 1030).principal);
    EXPECT_EQ(sessions_->get(key, 1030)->idle_expires_at, 1300);  // 30 s on: no write
    ASSERT_TRUE(request_at(started.id, 1060).principal);
    EXPECT_EQ(sessions_->get(key, 1060)->idle_expires_at, 1360);  // a minute on: written
}

}  // namespace
}  // namespace signet::server
